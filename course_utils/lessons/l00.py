"""Exercises of notebook 00, the start page."""
import numbers

import numpy as np

from course_utils.exercises import QuestionExercise, ValueExercise

ex1 = QuestionExercise(
    number=1,
    title="Pick the mode",
    choices={
        "a": "Run it in full mode and wait: the numbers are the real ones.",
        "b": 'Set MODE = "quick" in its set-up cell and run the notebook on the sample.',
        "c": "Skip the set-up cell so nothing heavy is imported.",
    },
    answer="b",
    feedback={
        "a": "Full mode trains the model for 8 epochs on about 140,000 phrases: 4 to 7 minutes of training on one"
             " CPU, more than you have, and the kernel needs about 1.2 GB of memory.",
        "c": "The set-up cell is cheap, and it is where you choose the mode; the training cells are what take time, "
             "and they need the set-up.",
    },
    explanation=(
        "Quick mode runs the same code on the small synthetic sample with few epochs, so a whole notebook "
        "finishes in a minute or two on a laptop. Its numbers describe the sample, not the real data: "
        "switch to full mode (MODE = \"full\", then restart the kernel and run from the top) when you want results "
        "you can quote."
    ),
    hints=["Which mode runs the same code on much less data?"],
)


class _CountExercise(ValueExercise):
    """A count of labelled phrases: the likeliest wrong counts (labels 3 and 4, or label 3) get their own message."""

    def _grade(self, answer, namespace):
        reason = super()._grade(answer, namespace)
        is_number = isinstance(answer, (numbers.Number, np.number)) and not isinstance(answer, (bool, np.bool_))
        if reason is None or not is_number:
            return reason
        try:
            labels = namespace["phrases"].train["Sentiment"]
            value = float(answer)
        except Exception:
            return reason
        if value == float((labels >= 3).sum()):
            return ('You counted labels 3 and 4. Label 3 is "somewhat positive": count only the phrases labelled'
                    " exactly 4.")
        if value == float((labels == 3).sum()):
            return 'That is the count of label 3, "somewhat positive". Positive is label 4.'
        return reason


ex2 = _CountExercise(
    number=2,
    name="n_positive",
    title="Count the positive training phrases",
    solution='n_positive = int((phrases.train["Sentiment"] == 4).sum())',
    hints=[
        "`phrases.train` is a pandas DataFrame; its `Sentiment` column holds the labels 0 to 4. Only label 4 is"
        ' "positive" (3 is "somewhat positive").',
        'Compare the column with 4 and sum the result: `(phrases.train["Sentiment"] == 4).sum()`.',
    ],
    diagnosers=[
        (
            # ==, not `is`: a boolean column's dtype, dtype('bool'), equals np.dtype(bool) (and bool) but is not bool.
            lambda answer, expected: hasattr(answer, "dtype") and getattr(answer, "dtype", None) == np.dtype(bool),
            "That is a column of True/False values, one per phrase: add them up with `.sum()`.",
        ),
    ],
)

EXERCISES = [ex1, ex2]
