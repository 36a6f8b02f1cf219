"""Notebook 00's exercises: each solution passes, typical mistakes fail with the right message."""
from __future__ import annotations

import pytest
from lesson_checks import assert_exercise

from course_utils.data import load_phrases
from course_utils.lessons.l00 import EXERCISES, ex1, ex2


@pytest.fixture(scope="module")
def namespace():
    return {"phrases": load_phrases(allow_download=False, verbose=False)}


def test_ex1_mode_question():
    assert_exercise(ex1, mistakes=[
        ("a", "more than you have"),
        ("c", "set-up cell is cheap"),
        (2, "with quotes"),
    ], also_correct=["B", "(b)"])


def test_ex2_count_positive(namespace):
    labels = namespace["phrases"].train["Sentiment"]
    positive = int((labels == 4).sum())
    results = assert_exercise(ex2, namespace, mistakes=[
        (positive + 1, "which is too high"),
        (positive - 1, "which is too low"),
        (labels == 4, "True/False"),
        (int((labels >= 3).sum()), "You counted labels 3 and 4"),  # "somewhat positive" counted too
        (int((labels == 3).sum()), 'count of label 3, "somewhat positive"'),
        (str(positive), "without quotes"),
        (str(int((labels >= 3).sum())), "without quotes"),  # a string is a string, whatever it holds
        (float(positive) + 5.5, "too high"),
    ], also_correct=[positive, float(positive)])
    # One off: the direction only. "slightly too high" with the counting hint would give the count away.
    for key in ("mistake 1", "mistake 2"):
        assert "slightly" not in results[key].message and f"{positive:,}" not in results[key].message
        assert str(positive) not in results[key].message.replace(str(positive + 1), "").replace(str(positive - 1), "")


def test_every_exercise_is_listed():
    assert EXERCISES == [ex1, ex2]


def test_ex1_choices_match_the_notebook_and_choose_the_mode_in_the_cell():
    """Binder users cannot set COURSE_QUICK, so the right answer chooses the mode in the set-up cell."""
    from pathlib import Path

    import nbformat

    assert 'MODE = "quick"' in ex1.choices[ex1.answer]
    notebook = nbformat.read(Path(__file__).resolve().parents[1] / "notebooks" / "00_start_here.ipynb", as_version=4)
    text = next(c.source for c in notebook.cells if c.cell_type == "markdown" and "## Exercise 1" in c.source)
    for key, choice in ex1.choices.items():
        assert f"- **{key}** {choice}" in text.replace("`", ""), f"choice {key} differs between the notebook and l00.py"
