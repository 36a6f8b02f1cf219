"""Notebook 04's exercises (each solution passes, typical mistakes fail with the right message), and the
2019 cleaning function the notebook writes inline kept in step with course_utils.text.clean_2019."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lesson_checks import assert_exercise

from course_utils.lessons.l04 import EXERCISES, ex1, ex2, ex3
from course_utils.text import CONTRACTIONS_2019, clean_2019

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_text_to_sequences.ipynb"


def test_ex1_expand_nt():
    collapsed_2019 = 'def expand_nt(text):\n    return " ".join(text.replace("n\'t", " not").split())\n'
    spaced = ('def expand_nt(text):\n'
              '    return text.replace("ca n\'t", "can n\'t").replace("wo n\'t", "will n\'t")'
              '.replace("n\'t", " not")\n')
    stems_only = ('def expand_nt(text):\n'
                  '    return text.replace("ca n\'t", "can n\'t").replace("wo n\'t", "will n\'t")\n')
    forgot_wo = 'def expand_nt(text):\n    return text.replace("ca n\'t", "can n\'t").replace("n\'t", "not")\n'
    assert_exercise(ex1, mistakes=[
        (collapsed_2019, "2019 bug"),
        (spaced, "double space"),
        (stems_only, "still there"),
        (forgot_wo, "wo not"),
        (SPACE_BEFORE, ("On input expand_nt(\"n't\")", "`n't` at the start", "no space before")),
        (ANY_CA, ("On input expand_nt(\"i wonder why the orca wo n't eat\")", "not the expected text")),
    ], also_correct=[TOKEN_BY_TOKEN])


# Wrong answers that passed every probe before the probes covered the prompt's edge cases: an `n't` with no
# space before it (a phrase may start with it), and `ca`/`wo` inside other words ("leaving everything else").
SPACE_BEFORE = ('def expand_nt(text):\n    return text.replace("ca n\'t", "can n\'t").replace("wo n\'t", "will n\'t")'
                '.replace(" n\'t", " not")\n')
ANY_CA = 'def expand_nt(text):\n    return text.replace("ca ", "can ").replace("wo ", "will ").replace("n\'t", "not")\n'
OLD_PROBES = [("i ca n't believe it",), ("it wo n't last",), ("it is n't bad",), ("ca n't , wo n't , does n't",),
              ("nothing to change here",), ("",)]

TOKEN_BY_TOKEN = """
def expand_nt(text):
    words = text.split()
    out = []
    for i, word in enumerate(words):
        before_nt = words[i + 1:i + 2] == ["n't"]
        if word == "ca" and before_nt:
            out.append("can")
        elif word == "wo" and before_nt:
            out.append("will")
        else:
            out.append("not" if word == "n't" else word)
    return " ".join(out)
"""


@pytest.mark.parametrize("wrong", [SPACE_BEFORE, ANY_CA], ids=["space before n't", "ca anywhere"])
def test_ex1_wrong_answers_that_passed_the_old_probes_fail(wrong):
    from course_utils.exercises import FunctionExercise, Outcome

    old = FunctionExercise(number=1, name="expand_nt", title="old probes", solution=ex1.solution_code,
                           probes=OLD_PROBES)
    assert old.try_answer(wrong).correct  # what the checker used to say
    assert ex1.try_answer(wrong).outcome is Outcome.INCORRECT
    assert set(OLD_PROBES) < set(ex1.probes)  # nothing the old probes caught is lost


def test_ex2_padded_length():
    namespace = {"sequences": [[1, 2], [3, 4, 5], []] + [[7]] * 1500}
    assert_exercise(ex2, namespace, mistakes=[
        (4, "too high"),
        (len(namespace["sequences"]), "number of phrases"),
        (17, "not the characters"),
        ([3], "should be a number"),
        (3.0, ("right value", "whole number (an int)")),  # used to pass; `pad_sequences(maxlen=3.0)` below fails
    ], also_correct=[3, np.int64(3)])


def test_ex2_recognises_the_longest_phrase_in_words():
    # Section 1's `lengths` counts words split on spaces; the sequences are cleaned and tokenised, so their
    # longest differs (52 words against 53 tokens on the real data). That slip is not an off-by-one error.
    namespace = {"sequences": [[1, 2], [3, 4, 5], []] + [[7]] * 1500, "lengths": pd.Series([2, 4, 1])}
    assert_exercise(ex2, namespace, mistakes=[
        (4, ("split on spaces", "count the indices in `sequences`")),
        (np.int64(4), "split on spaces"),
        (5, "too high"),  # not the word count: the usual message
    ])
    for odd in ({"lengths": None}, {"lengths": "oops"}, {}):
        result = ex2.try_answer(4, {"sequences": namespace["sequences"], **odd})
        assert not result.correct and "failed with" not in result.message, result.message
    for answer in ([4], "4", np.array([4]), True):
        result = ex2.try_answer(answer, namespace)
        assert not result.correct and "failed with" not in result.message, result.message


def test_ex3_hints_give_float32():
    keras = pytest.importorskip("keras")
    train = pd.DataFrame({"Sentiment": [0, 2, 4, 1, 3, 2]})
    hint = ex3.hints[-1]
    for code in (hint.split("`")[1], hint.split("`")[3]):
        value = eval(code, {"keras": keras, "np": np, "train": train})
        assert value.dtype == np.float32, code
        assert ex3.try_answer(value, {"keras": keras, "np": np, "train": train}).correct


def test_ex3_one_hot_labels():
    keras = pytest.importorskip("keras")
    namespace = {"keras": keras, "np": np, "train": pd.DataFrame({"Sentiment": [0, 2, 4, 1, 3, 2]})}
    expected = ex3.reference(namespace)
    assert expected.shape == (6, 5) and expected.dtype == np.float32
    labels = namespace["train"]["Sentiment"]
    assert_exercise(ex3, namespace, mistakes=[
        (labels.to_numpy(), "class indices"),
        (expected.T, "transposed"),
        # The prompt asks for float32: float64 (what to_categorical and np.eye give) used to pass.
        (np.eye(5)[labels], ("right values", "dtype float64", "float32", ".astype(np.float32)")),
        (np.eye(5, dtype=int)[labels], ("dtype int64", "float32")),
    ], also_correct=[np.eye(5, dtype="float32")[labels]])


def test_every_exercise_is_listed():
    assert EXERCISES == [ex1, ex2, ex3]


def test_the_notebooks_inline_cleaning_is_clean_2019():
    """Teach inline, then reuse: the function written in notebook 04 is the one notebooks 05-06 import."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    source = next("".join(c["source"]) for c in cells
                  if c["cell_type"] == "code" and "def clean_text" in "".join(c["source"]))
    namespace: dict = {}
    exec(source, namespace)
    assert namespace["replacements_2019"] == CONTRACTIONS_2019
    for text in ["It 's the director 's film", "i ca n't , wo n't", "Can't! Cannot? let\u2019s go ...", "a \\s+ b  c"]:
        assert namespace["clean_text"](text) == clean_2019(text)


def exercise_cells(notebook: Path) -> dict[str, str]:
    """``{"ex1": source, ...}`` for the notebook's exercise cells (the cells that call ``exN.check()``)."""
    import re

    cells = json.loads(notebook.read_text())["cells"]
    found = {}
    for cell in cells:
        source = "".join(cell["source"])
        match = re.search(r"^(ex\d+)\.check\(\)$", source, re.M)
        if cell["cell_type"] == "code" and match:
            found[match[1]] = source
    return found


def test_the_notebook_has_every_exercise_blank_with_check_hint_and_solution():
    cells = exercise_cells(NOTEBOOK)
    assert sorted(cells) == [f"ex{e.number}" for e in EXERCISES]
    for exercise in EXERCISES:
        source = cells[f"ex{exercise.number}"]
        assert f"# ex{exercise.number}.hint()" in source and f"# ex{exercise.number}.solution()" in source
        blank = f"def {exercise.name}(" if exercise.kind == "function" else f"{exercise.name} = ..."
        assert blank in source and "..." in source
