"""The shared exercise-test helper fails loudly whenever an exercise breaks the course's promise."""
from __future__ import annotations

import numpy as np
import pytest
from lesson_checks import assert_exercise

from course_utils.exercises import FunctionExercise, QuestionExercise, ValueExercise

SQUARES = ValueExercise(number=1, name="squares", title="Squares", solution="squares = np.arange(n) ** 2",
                        hints=["Square each of 0, 1, ..., n-1."])
HALF = FunctionExercise(number=2, name="half", title="Half", solution="def half(x):\n    return x / 2\n",
                        probes=[(3,), (0,)], hints=["Divide by two."])
CHOICE = QuestionExercise(number=3, title="Pick", explanation="Because.", choices={"a": "yes", "b": "no"},
                          answer="a", feedback={"b": "Not that one."}, hints=["Think."])
REVEAL = QuestionExercise(number=4, title="Think", explanation="More capacity.", hints=["Count the weights."])
NO_HINTS = ValueExercise(number=5, name="one", title="One", solution="one = 1")
NEEDS_N = {"np": np, "n": 4}


def test_a_well_tested_exercise_passes_and_reports_each_try():
    results = assert_exercise(SQUARES, NEEDS_N, mistakes=[
        (np.arange(4), "differ"),
        (np.arange(5) ** 2, ("shape (5,)", "one too many")),
    ], also_correct=[np.array([0, 1, 4, 9])])
    assert set(results) == {"solution", "also correct 1", "mistake 1", "mistake 2", "blank"}
    assert_exercise(HALF, mistakes=[("def half(x):\n    return x // 2\n", "On input half(3)"),
                                    ("def half(x):\n    x / 2\n", "forget `return`")])
    assert_exercise(CHOICE, mistakes=[("b", "Not that one."), ("z", "one of 'a', 'b'")])
    assert_exercise(REVEAL, mistakes=[])


@pytest.mark.parametrize("kwargs, words", [
    ({"mistakes": [(np.arange(4), "differ")]}, "at least 2 typical mistakes"),
    ({"mistakes": [(np.arange(4), "differ"), (np.arange(4) ** 2, "x")]}, "should be judged incorrect"),
    ({"mistakes": [(np.arange(4), "differ"), (np.arange(4), "transposed")]}, "lacks ['transposed']"),
    ({"mistakes": [(np.arange(4), "differ"), np.arange(4)]}, "should be a pair"),
    ({"mistakes": [(np.arange(4), "differ"), (np.arange(4), "")]}, "non-empty message fragment"),
    ({"mistakes": [(np.arange(4), "differ"), (np.arange(3), "one too few")], "also_correct": [[0, 1, 4, 9]]},
     "also_correct[0]"),
])
def test_weak_or_wrong_tests_fail(kwargs, words):
    with pytest.raises(AssertionError) as failure:
        assert_exercise(SQUARES, NEEDS_N, **kwargs)
    assert words in str(failure.value)


def test_a_namespace_missing_what_the_solution_needs_fails():
    with pytest.raises(Exception):  # the solution itself cannot run without `n`
        assert_exercise(SQUARES, {"np": np}, mistakes=[(1, "a"), (2, "b")])


def test_exercises_without_hints_fail():
    with pytest.raises(AssertionError, match="has no hints"):
        assert_exercise(NO_HINTS, mistakes=[(2, "expected value"), ("1", "without quotes")])


def test_reveal_only_questions_take_no_mistakes():
    with pytest.raises(AssertionError, match="reveal-only"):
        assert_exercise(REVEAL, mistakes=[("a", "x"), ("b", "y")])
