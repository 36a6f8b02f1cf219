"""Notebook 01's exercises: each solution passes, typical mistakes fail with the right message."""
from __future__ import annotations

import keras
import numpy as np
from lesson_checks import assert_exercise

from course_utils.lessons.l01 import EXERCISES, ex1, ex2, ex3, ex4
from course_utils.routine import ACTIVITIES, next_activity

NS = {"np": np, "keras": keras, "ACTIVITIES": ACTIVITIES, "next_activity": next_activity}


def test_ex1_encode():
    assert_exercise(ex1, NS, mistakes=[
        ("def encode(day):\n    return ACTIVITIES.index(day)\n", "position (an index)"),
        ("def encode(day):\n    return np.eye(3)[sorted(ACTIVITIES).index(day)]\n", "alphabetical order"),
        ("def encode(day):\n    return {d: int(d == day) for d in ACTIVITIES}\n", "should be a NumPy array"),
        ("def encode(day):\n    return [0.5, 0.25, 0.25]\n", ("On input encode('weights')", "not one-hot")),
    ], also_correct=[
        # `encode(day) @ table`, the only use below, works on a list as well
        "def encode(day):\n    return [1 if d == day else 0 for d in ACTIVITIES]\n",
        "def encode(day):\n    return tuple(float(d == day) for d in ACTIVITIES)\n",
    ])


def test_ex2_table():
    table = ex2.reference(NS)
    assert table.tolist() == [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    assert_exercise(ex2, NS, mistakes=[
        (table.T, "transposed"),
        (np.eye(3), "identity"),
    ], also_correct=[np.roll(np.eye(3), 1, axis=1)])  # another way to the same table


def test_ex3_hockey_rule():
    assert_exercise(ex3, NS, mistakes=[
        ("def today(yesterday, hockey):\n    return next_activity(yesterday)\n", "skip the gym"),
        ("def today(yesterday, hockey):\n    return 'swimming' if hockey else next_activity(yesterday)\n",
         "Hockey only changes a weights day"),
        ("def today(yesterday, hockey):\n    planned = next_activity(yesterday)\n", "Did you forget `return`?"),
    ])


def test_ex4_planner_rnn():
    last_only = keras.Sequential([keras.Input(shape=(None, 4)), keras.layers.SimpleRNN(16),
                                  keras.layers.Dense(3, activation="softmax")])
    lstm = keras.Sequential([keras.Input(shape=(None, 4)), keras.layers.LSTM(16, return_sequences=True),
                             keras.layers.Dense(3, activation="softmax")])
    no_softmax = keras.Sequential([keras.Input(shape=(None, 4)), keras.layers.SimpleRNN(16, return_sequences=True),
                                   keras.layers.Dense(3)])
    # Two ways older tutorials write the same per-day softmax: each gets a reason, not only "should be Dense".
    time_distributed = keras.Sequential([
        keras.Input(shape=(None, 4)), keras.layers.SimpleRNN(16, return_sequences=True),
        keras.layers.TimeDistributed(keras.layers.Dense(3, activation="softmax"))])
    separate_softmax = keras.Sequential([
        keras.Input(shape=(None, 4)), keras.layers.SimpleRNN(16, return_sequences=True), keras.layers.Dense(3),
        keras.layers.Softmax()])
    assert_exercise(ex4, NS, mistakes=[
        (last_only, "return_sequences=False, but it should be return_sequences=True"),
        (lstm, "Layer 1 of `planner_rnn` is LSTM, but it should be SimpleRNN"),
        (no_softmax, "activation='linear', but it should be activation='softmax'"),
        (time_distributed, ("You do not need it", "acts on every day")),
        (separate_softmax, ("separate softmax layer", 'activation="softmax"')),
    ])


def test_every_exercise_is_listed():
    assert EXERCISES == [ex1, ex2, ex3, ex4]
