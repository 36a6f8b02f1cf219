"""Notebook 02's exercises: each solution passes, typical mistakes fail with the right message."""
from __future__ import annotations

import keras
import numpy as np
import pandas as pd
from lesson_checks import assert_exercise

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
    assert np.isclose(ex1.reference(ns)(ns["counts"]), 4 / 9)
    assert_exercise(ex1, ns, mistakes=[
        ("def best_accuracy(counts):\n    return counts.max(axis=0).sum() / counts.sum()\n", "*column*"),
        ("def best_accuracy(counts):\n    return counts.max() / counts.sum()\n", "single most common pair"),
        ("def best_accuracy(counts):\n    return np.mean(counts.max(axis=1) / counts.sum(axis=1))\n",
         "averaged the rows"),
        # The notebook's global `counts` instead of the parameter: 4/9 on the probe table.
        ("def best_accuracy(c):\n    return counts.max(axis=1).sum() / counts.sum()\n", "not its argument"),
        ("def best_accuracy(counts):\n    return 100 * counts.max(axis=1).sum() / counts.sum()\n", "percentage"),
    ])
    # Without the notebook's table the exercise still checks on its own probe.
    assert ex1.try_answer(ex1.solution_code, NS).correct and PROBE_COUNTS.shape == (4, 4)


def test_ex2_two_day_rule():
    one_day = ("def next_day(day_before, yesterday):\n"
               "    return next_activity(yesterday) if yesterday != REST else 'weights'\n")
    restart = ("def next_day(day_before, yesterday):\n"
               "    if yesterday == REST:\n        return 'weights'\n"
               "    if day_before == REST:\n        return next_activity(yesterday)\n"
               "    return REST\n")
    # After (rest, exercise) the day before *is* the rest: the advice must not say `next_activity(day_before)`,
    # which raises on "rest", but name the day that was not a rest.
    repeat = ("def next_day(day_before, yesterday):\n"
              "    if yesterday == REST:\n        return next_activity(day_before)\n"
              "    if day_before == REST:\n        return yesterday\n"
              "    return REST\n")
    results = assert_exercise(ex2, NS, mistakes=[
        (one_day, "look at `day_before` too"),
        (restart, "carries on across a rest"),
        (repeat, ("next_day('rest', 'weights')", "whichever of the two days was not a rest")),
    ])
    assert "next_activity(day_before)" not in results["mistake 3"].message
    # A body of only `pass` is a blank too.
    assert ex2.try_answer("def next_day(day_before, yesterday):\n    pass\n", NS).outcome is Outcome.NOT_ATTEMPTED


def test_ex3_memory_rnn():
    three = keras.Sequential([keras.Input(shape=(None, 4)), keras.layers.SimpleRNN(16, return_sequences=True),
                              keras.layers.Dense(3, activation="softmax")])
    last_only = keras.Sequential([keras.Input(shape=(None, 4)), keras.layers.SimpleRNN(16),
                                  keras.layers.Dense(4, activation="softmax")])
    time_distributed = keras.Sequential([
        keras.Input(shape=(None, 4)), keras.layers.SimpleRNN(16, return_sequences=True),
        keras.layers.TimeDistributed(keras.layers.Dense(4, activation="softmax"))])
    separate_softmax = keras.Sequential([
        keras.Input(shape=(None, 4)), keras.layers.SimpleRNN(16, return_sequences=True), keras.layers.Dense(4),
        keras.layers.Softmax()])
    assert_exercise(ex3, NS, mistakes=[
        (three, "Layer 2 (Dense) has units=3, too few"),  # not the number: counting the days is the exercise
        (last_only, "return_sequences=True"),
        (time_distributed, "You do not need it"),
        (separate_softmax, "separate softmax layer"),
    ])


def test_ex4_gradient_question():
    assert_exercise(ex4, mistakes=[
        ("a", "the *only* thing"),
        ("c", "before any training"),
    ])


def test_every_exercise_is_listed():
    assert EXERCISES == [ex1, ex2, ex3, ex4]


def test_ex4_explanation_states_the_ratio_of_the_learners_own_run():
    """The cell above prints `norms[40] / norms[1]` for each network: the explanation quotes that, not a fixed size."""
    assert "million" not in ex4.explanation and "ratio printed" in ex4.explanation
    for ratio, words in [(3.2e-6, "3.2e-06, about 310,000 times smaller"), (0.04, "4.0e-02, about 25 times smaller")]:
        norms = np.ones(81)
        norms[40] = ratio
        namespace = {"fresh": {"SimpleRNN": norms, "LSTM": np.ones(81)}}
        assert f"in your run it is {words}" in ex4.explain(namespace)
        assert words in ex4.try_answer("b", namespace).message  # the Correct message explains with it
        assert words in ex4.solution(namespace=namespace)
    assert ex4.explain({}) == ex4.explanation  # before the cell has run: no number at all
    assert ex4.explain({"fresh": {"SimpleRNN": "not an array"}}) == ex4.explanation
