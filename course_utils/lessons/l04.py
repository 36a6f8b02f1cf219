"""Exercises of notebook 04, text to sequences."""
from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises import FunctionExercise, ValueExercise

ex1 = FunctionExercise(
    number=1,
    name="expand_nt",
    title="Fix the n't bug",
    solution='''
def expand_nt(text):
    text = text.replace("ca n't", "can n't").replace("wo n't", "will n't")
    return text.replace("n't", "not")
''',
    # The prompt's cases: `ca n't`, `wo n't`, every other `n't` (also as the first or last token, or the
    # whole phrase: a treebank phrase may start at `n't`, with no space before it), and everything else
    # left as it is (`ca` and `wo` inside other words, other contractions, no double spaces).
    probes=[
        ("i ca n't believe it",),
        ("it wo n't last",),
        ("it is n't bad",),
        ("ca n't , wo n't , does n't",),
        ("n't",),
        ("n't a bad film",),
        ("i do n't",),
        ("i wonder why the orca wo n't eat",),
        ("it 's not that i did n't care",),
        ("nothing to change here",),
        ("",),
    ],
    hints=[
        "The treebank writes *can't* as `ca n't` and *won't* as `wo n't`: the stems `ca` and `wo` need fixing "
        "as well as `n't`.",
        "Fix the stems first (`ca n't` -> `can n't`, `wo n't` -> `will n't`), then turn every `n't` into `not`, "
        "with `str.replace`.",
    ],
    diagnosers=[
        (lambda got, expected: "ca not" in got or "wo not" in got,
         "`ca n't` became `ca not` (or `wo n't` `wo not`), the 2019 bug: the stem must become `can` (or `will`)."),
        (lambda got, expected: "  " in got or got != got.strip(),
         "your result has a double space, or a space at an end: replace `n't` with `not`, not with ` not`."),
        (lambda got, expected: got == "n't" or got.startswith("n't "),
         "the `n't` at the start is still there: a treebank phrase can begin with `n't` (with no space before"
         " it), so do not rely on a space in front of it."),
        (lambda got, expected: "n't" in got, "an `n't` is still there: every `n't` should become `not`."),
    ],
)

class _PaddedLengthExercise(ValueExercise):
    """A value exercise that also recognises the longest phrase in words split on spaces (section 1's
    ``lengths``), which the diagnosers cannot see: they get only the answer and the expected value."""

    def _grade(self, answer: Any, namespace: dict[str, Any]) -> str | None:
        reason = super()._grade(answer, namespace)
        if reason is None or isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
            return reason
        try:
            longest_words = int(namespace["lengths"].max())
        except Exception:
            return reason
        if answer == longest_words:
            return ("that is the longest phrase in words split on spaces (section 1); the rows must fit the longest"
                    " *sequence*, after cleaning and tokenising: count the indices in `sequences`.")
        return reason


ex2 = _PaddedLengthExercise(
    number=2,
    name="padded_length",
    title="How long must the padded rows be?",
    solution="padded_length = max(len(sequence) for sequence in sequences)",
    strict_dtype=True,  # an int: `pad_sequences(maxlen=...)` below rejects 53.0
    hints=[
        "`sequences` holds one list of word indices per phrase; the padded rows must fit the longest.",
        "`max(len(sequence) for sequence in sequences)`.",
    ],
    diagnosers=[
        (lambda answer, expected: answer > 1000 and answer != expected,
         "that is about the number of phrases; `padded_length` is the length of the longest sequence."),
        (lambda answer, expected: expected < answer <= 1000 and answer >= 2 * expected,
         "that is longer than any sequence: count the word indices in each sequence, not the characters of"
         " each phrase."),
    ],
)

ex3 = ValueExercise(
    number=3,
    name="y_train",
    title="One-hot encode the labels",
    solution='y_train = keras.utils.to_categorical(train["Sentiment"], num_classes=5).astype("float32")',
    strict_dtype=True,  # the prompt asks for float32; to_categorical alone gives float64
    hints=[
        "Each label 0-4 becomes a row of five numbers: all 0 except a 1 in the label's column.",
        '`keras.utils.to_categorical(train["Sentiment"], num_classes=5).astype("float32")` does it'
        ' (or `np.eye(5, dtype="float32")[train["Sentiment"]]`).',
    ],
)

EXERCISES = [ex1, ex2, ex3]
