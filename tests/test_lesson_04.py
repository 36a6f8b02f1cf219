"""Notebook 04's exercises (each solution passes, typical mistakes fail with the right message), and the
2019 cleaning function the notebook writes inline kept in step with course_utils.text.clean_2019."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from course_utils.exercises import Outcome
from course_utils.lessons.l04 import EXERCISES, ex1, ex2, ex3
from course_utils.text import CONTRACTIONS_2019, clean_2019

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_text_to_sequences.ipynb"


def test_ex1_expand_nt():
    assert ex1.try_answer(ex1.reference({})).correct
    collapsed_2019 = 'def expand_nt(text):\n    return " ".join(text.replace("n\'t", " not").split())\n'
    result = ex1.try_answer(collapsed_2019)
    assert result.outcome is Outcome.INCORRECT and "2019 bug" in result.message
    spaced = 'def expand_nt(text):\n    return text.replace("ca n\'t", "can n\'t").replace("wo n\'t", "will n\'t").replace("n\'t", " not")\n'
    assert "double space" in ex1.try_answer(spaced).message
    stems_only = 'def expand_nt(text):\n    return text.replace("ca n\'t", "can n\'t").replace("wo n\'t", "will n\'t")\n'
    assert "still there" in ex1.try_answer(stems_only).message
    forgot_wo = 'def expand_nt(text):\n    return text.replace("ca n\'t", "can n\'t").replace("n\'t", "not")\n'
    assert "wo not" in ex1.try_answer(forgot_wo).message
    assert ex1.try_answer("def expand_nt(text):\n    ...\n").outcome is Outcome.NOT_ATTEMPTED


def test_ex2_padded_length():
    namespace = {"sequences": [[1, 2], [3, 4, 5], []] + [[7]] * 1500}
    assert ex2.try_answer(3, namespace).correct
    assert "one too high" in ex2.try_answer(4, namespace).message
    assert "number of phrases" in ex2.try_answer(len(namespace["sequences"]), namespace).message
    assert "not the characters" in ex2.try_answer(17, namespace).message
    assert "should be a number" in ex2.try_answer([3], namespace).message
    assert ex2.try_answer(..., namespace).outcome is Outcome.NOT_ATTEMPTED


def test_ex3_one_hot_labels():
    keras = pytest.importorskip("keras")
    namespace = {"keras": keras, "np": np, "train": pd.DataFrame({"Sentiment": [0, 2, 4, 1, 3, 2]})}
    expected = ex3.reference(namespace)
    assert expected.shape == (6, 5) and expected.dtype == np.float32
    assert ex3.try_answer(np.eye(5)[namespace["train"]["Sentiment"]], namespace).correct  # float64 is fine too
    assert "class indices" in ex3.try_answer(namespace["train"]["Sentiment"].to_numpy(), namespace).message
    assert "transposed" in ex3.try_answer(expected.T, namespace).message
    assert ex3.try_answer(..., namespace).outcome is Outcome.NOT_ATTEMPTED


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
