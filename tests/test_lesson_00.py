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
        ("a", "156,060 phrases"),
        ("c", "set-up cell is cheap"),
        (2, "with quotes"),
    ], also_correct=["B", "(b)"])


def test_ex2_count_positive(namespace):
    labels = namespace["phrases"].train["Sentiment"]
    positive = int((labels == 4).sum())
    assert_exercise(ex2, namespace, mistakes=[
        (positive + 1, "one too high"),
        (labels == 4, "True/False"),
        (int((labels == 3).sum()), "expected value"),
        (str(positive), "without quotes"),
    ], also_correct=[positive, float(positive)])


def test_every_exercise_is_listed():
    assert EXERCISES == [ex1, ex2]
