"""Notebook 01's exercises: each solution passes, typical mistakes fail with the right message."""
from __future__ import annotations

import keras
import numpy as np

from course_utils.exercises import Outcome
from course_utils.lessons.l01 import EXERCISES, ex1, ex2, ex3, ex4
from course_utils.routine import ACTIVITIES, next_activity

NS = {"np": np, "keras": keras, "ACTIVITIES": ACTIVITIES, "next_activity": next_activity}


def test_ex1_encode():
    assert ex1.try_answer(ex1.solution_code, NS).correct
    index = ex1.try_answer("def encode(day):\n    return ACTIVITIES.index(day)\n", NS)
    assert index.outcome is Outcome.INCORRECT and "position (an index)" in index.message
    alphabetical = ex1.try_answer("def encode(day):\n    return np.eye(3)[sorted(ACTIVITIES).index(day)]\n", NS)
    assert "alphabetical order" in alphabetical.message
    as_list = ex1.try_answer("def encode(day):\n    return [1 if d == day else 0 for d in ACTIVITIES]\n", NS)
    assert "wrap it in `np.array(...)`" in as_list.message
    assert ex1.try_answer("def encode(day):\n    ...\n", NS).outcome is Outcome.NOT_ATTEMPTED


def test_ex2_table():
    table = ex2.reference(NS)
    assert table.tolist() == [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    assert ex2.try_answer(table, NS).correct
    assert ex2.try_answer(np.roll(np.eye(3), 1, axis=1), NS).correct  # another way to the same table
    assert "transposed" in ex2.try_answer(table.T, NS).message
    assert "identity" in ex2.try_answer(np.eye(3), NS).message
    assert ex2.try_answer(..., NS).outcome is Outcome.NOT_ATTEMPTED


def test_ex3_hockey_rule():
    assert ex3.try_answer(ex3.solution_code, NS).correct
    ignores = ex3.try_answer("def today(yesterday, hockey):\n    return next_activity(yesterday)\n", NS)
    assert ignores.outcome is Outcome.INCORRECT and "skip the gym" in ignores.message
    always = ex3.try_answer("def today(yesterday, hockey):\n    return 'swimming' if hockey else next_activity(yesterday)\n", NS)
    assert "Hockey only changes a weights day" in always.message
    missing_return = ex3.try_answer("def today(yesterday, hockey):\n    planned = next_activity(yesterday)\n", NS)
    assert "Did you forget `return`?" in missing_return.message


def test_ex4_planner_rnn():
    assert ex4.try_answer(ex4.reference(NS), NS).correct
    last_only = keras.Sequential([keras.Input(shape=(None, 4)), keras.layers.SimpleRNN(16),
                                  keras.layers.Dense(3, activation="softmax")])
    assert "return_sequences=False, but it should be return_sequences=True" in ex4.try_answer(last_only, NS).message
    lstm = keras.Sequential([keras.Input(shape=(None, 4)), keras.layers.LSTM(16, return_sequences=True),
                             keras.layers.Dense(3, activation="softmax")])
    assert "Layer 1 of `planner_rnn` is LSTM, but it should be SimpleRNN" in ex4.try_answer(lstm, NS).message
    no_softmax = keras.Sequential([keras.Input(shape=(None, 4)), keras.layers.SimpleRNN(16, return_sequences=True),
                                   keras.layers.Dense(3)])
    assert "activation='linear', but it should be activation='softmax'" in ex4.try_answer(no_softmax, NS).message


def test_every_exercise_is_listed():
    assert EXERCISES == [ex1, ex2, ex3, ex4]
