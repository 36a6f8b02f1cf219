"""Notebook 00's exercises: each solution passes, typical mistakes fail with the right message."""
from __future__ import annotations

import pytest

from course_utils.data import load_phrases
from course_utils.exercises import Outcome
from course_utils.lessons.l00 import EXERCISES, ex1, ex2


@pytest.fixture(scope="module")
def namespace():
    return {"phrases": load_phrases(allow_download=False, verbose=False)}


def test_ex1_mode_question():
    assert ex1.try_answer("b").outcome is Outcome.CORRECT
    wrong = ex1.try_answer("a")
    assert wrong.outcome is Outcome.INCORRECT and "156,060 phrases" in wrong.message
    assert "set-up cell is cheap" in ex1.try_answer("c").message


def test_ex2_count_positive(namespace):
    labels = namespace["phrases"].train["Sentiment"]
    assert ex2.try_answer(int((labels == 4).sum()), namespace).outcome is Outcome.CORRECT
    off = ex2.try_answer(int((labels == 4).sum()) + 1, namespace)
    assert off.outcome is Outcome.INCORRECT and "one too high" in off.message
    mask = ex2.try_answer(labels == 4, namespace)
    assert mask.outcome is Outcome.INCORRECT and "True/False" in mask.message
    other = ex2.try_answer(int((labels == 3).sum()), namespace)
    assert other.outcome is Outcome.INCORRECT and "expected value" in other.message


def test_every_exercise_is_listed():
    assert EXERCISES == [ex1, ex2]
