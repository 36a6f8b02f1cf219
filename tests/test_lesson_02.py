"""Notebook 02's exercises: each solution passes, typical mistakes fail with the right message."""
from __future__ import annotations

import keras
import numpy as np
import pandas as pd

from course_utils.exercises import Outcome
from course_utils.lessons.l02 import EXERCISES, PROBE_COUNTS, ex1, ex2, ex3, ex4
from course_utils.routine import ACTIVITIES, DAYS_WITH_REST, REST, next_activity, rest_day_routine

NS = {"np": np, "keras": keras, "ACTIVITIES": ACTIVITIES, "REST": REST, "next_activity": next_activity}


def cycle_counts() -> np.ndarray:
    """The notebook's table: one nine-day cycle of (yesterday, today) pairs."""
    cycle = rest_day_routine(10)
    return pd.crosstab(pd.Categorical(cycle[:-1], DAYS_WITH_REST), pd.Categorical(cycle[1:], DAYS_WITH_REST),
                       dropna=False).to_numpy()


def test_ex1_best_accuracy():
    ns = {**NS, "counts": cycle_counts()}
    assert ex1.try_answer(ex1.solution_code, ns).correct
    assert np.isclose(ex1.reference(ns)(ns["counts"]), 4 / 9)
    columns = ex1.try_answer("def best_accuracy(counts):\n    return counts.max(axis=0).sum() / counts.sum()\n", ns)
    assert columns.outcome is Outcome.INCORRECT and "*column*" in columns.message
    single = ex1.try_answer("def best_accuracy(counts):\n    return counts.max() / counts.sum()\n", ns)
    assert "single most common pair" in single.message
    averaged = ex1.try_answer(
        "def best_accuracy(counts):\n    return np.mean(counts.max(axis=1) / counts.sum(axis=1))\n", ns)
    assert "averaged the rows" in averaged.message
    # Without the notebook's table the exercise still checks on its own probe.
    assert ex1.try_answer(ex1.solution_code, NS).correct and PROBE_COUNTS.shape == (4, 4)


def test_ex2_two_day_rule():
    assert ex2.try_answer(ex2.solution_code, NS).correct
    one_day = ex2.try_answer(
        "def next_day(day_before, yesterday):\n    return next_activity(yesterday) if yesterday != REST else 'weights'\n", NS)
    assert one_day.outcome is Outcome.INCORRECT and "look at `day_before` too" in one_day.message
    restart = ex2.try_answer(
        "def next_day(day_before, yesterday):\n"
        "    if yesterday == REST:\n        return 'weights'\n"
        "    if day_before == REST:\n        return next_activity(yesterday)\n"
        "    return REST\n", NS)
    assert "carries on across a rest" in restart.message
    assert ex2.try_answer("def next_day(day_before, yesterday):\n    pass\n", NS).outcome is Outcome.NOT_ATTEMPTED


def test_ex3_memory_rnn():
    assert ex3.try_answer(ex3.reference(NS), NS).correct
    three = keras.Sequential([keras.Input(shape=(None, 4)), keras.layers.SimpleRNN(16, return_sequences=True),
                              keras.layers.Dense(3, activation="softmax")])
    assert "units=3, but it should be units=4" in ex3.try_answer(three, NS).message
    last_only = keras.Sequential([keras.Input(shape=(None, 4)), keras.layers.SimpleRNN(16),
                                  keras.layers.Dense(4, activation="softmax")])
    assert "return_sequences=True" in ex3.try_answer(last_only, NS).message


def test_ex4_gradient_question():
    assert ex4.try_answer("b").correct
    assert "the *only* thing" in ex4.try_answer("a").message
    assert "before any training" in ex4.try_answer("c").message


def test_every_exercise_is_listed():
    assert EXERCISES == [ex1, ex2, ex3, ex4]
