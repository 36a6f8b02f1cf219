"""The shared exercise-test helper fails loudly whenever an exercise breaks the course's promise."""
from __future__ import annotations

import numpy as np
import pytest
from lesson_checks import assert_blank_then_correct, assert_exercise, assert_reveals_nothing

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


# --------------------------------------------------------------------------- a right answer after a blank run


class IdentityOnly(ValueExercise):
    """The stand-in tracking the checker used to have: the name holds the stand-in if it is the same object."""

    def _holds_stand_in(self, answer, namespace):
        records = namespace.get("__exercise_stand_ins__") or {}
        return self in records and records[self].holds(answer)


SMALL_INT = IdentityOnly(number=6, name="longest", title="Longest", solution="longest = max(map(len, rows))",
                         hints=["The longest row."])
ROWS = {"rows": [[1, 2], [3, 4, 5]]}


def test_a_right_answer_after_a_blank_run_must_be_correct():
    """The length 3 is a cached int: a right answer is the stand-in's very object, and identity alone fails it."""
    with pytest.raises(AssertionError, match="after a blank run, the solution's cell was not accepted"):
        assert_exercise(SMALL_INT, ROWS, mistakes=[(4, "too high"), (2, "too low")])
    fixed = ValueExercise(number=6, name="longest", title="Longest", solution="longest = max(map(len, rows))",
                          hints=["The longest row."])
    assert_exercise(fixed, ROWS, mistakes=[(4, "too high"), (2, "too low")], also_correct=[3])


def test_blank_then_correct_runs_every_kind(capsys):
    assert_blank_then_correct(SQUARES, NEEDS_N, also_correct=[np.array([0, 1, 4, 9])])
    assert_blank_then_correct(HALF, also_correct=["def half(x):\n    return 0.5 * x\n"])
    assert_blank_then_correct(CHOICE, also_correct=["A"])
    assert_blank_then_correct(REVEAL)  # nothing to answer


# --------------------------------------------------------------------------- no message gives the answer away


@pytest.mark.parametrize("exercise, mistakes, words", [
    (ValueExercise(number=7, name="total", title="Total", solution="total = 4 * 6 + 1",
                   diagnosers=[(lambda got, expected: True, "Close: it should be 25.")], hints=["Add."]),
     [(24, "Close"), (26, "Close")], "shows the expected"),
    (ValueExercise(number=8, name="total", title="Total", solution="total = 4 * 6 + 1",
                   hints=["Four sixes and one make 25."]),
     [(24, "too low"), (26, "too high")], "a hint shows the expected ['25']"),
    (FunctionExercise(number=9, name="day", title="Day", solution="def day(i):\n    return ['mon', 'tue'][i]\n",
                      probes=[(0,), (1,)], hints=["Index a list."],
                      diagnosers=[(lambda got, expected: True, "Wrong: the expected result is 'tue'.")]),
     [("def day(i):\n    return 'sun'\n", "Wrong"), ("def day(i):\n    return 3\n", "Wrong")], "'tue'"),
    (QuestionExercise(number=10, title="Pick", explanation="Because.", choices={"a": "yes", "b": "no"}, answer="a",
                      feedback={"b": "No: pick (a)."}, hints=["Think."]),
     [("b", "No")], "names the right choice '(a)'"),
])
def test_messages_that_give_the_answer_away_fail(exercise, mistakes, words):
    mistakes = mistakes + [("z", "one of")] if isinstance(exercise, QuestionExercise) else mistakes
    with pytest.raises(AssertionError, match="gives the answer away") as failure:
        assert_exercise(exercise, mistakes=mistakes)
    assert words in str(failure.value)


def test_the_reveal_check_ignores_the_learners_own_value_and_the_probe_inputs():
    """A message may quote the wrong answer and the input it failed on, even when they hold the right value."""
    echo = FunctionExercise(number=11, name="echo", title="Echo", solution="def echo(x):\n    return x\n",
                            probes=[(1234,), ("a longer sentence",)], hints=["Return it."])
    assert_reveals_nothing(echo, mistakes=["def echo(x):\n    return [x]\n"])
    count = ValueExercise(number=12, name="count", title="Count", solution="count = 1234", hints=["Count."])
    assert_reveals_nothing(count, mistakes=[[1234], "1234"])
