"""Notebook 06's exercises: each solution passes, typical mistakes fail with the right message."""
from __future__ import annotations

import numpy as np
import pytest
from lesson_checks import assert_exercise

from course_utils.lessons.l06 import EXERCISES, ex1, ex2, ex3, ex4, ex5, ex6

NS = {"np": np}


def test_ex1_recurrent_dropout():
    assert_exercise(ex1, mistakes=[
        ("a", "not weights"),
        ("c", "no weights"),
    ])


def test_ex2_padding_share():
    real = "def padding_share(lengths, width):\n    return np.sum(lengths) / (len(lengths) * width)\n"
    percent = "def padding_share(lengths, width):\n    return 100 * (1 - np.sum(lengths) / (len(lengths) * width))\n"
    longest = "def padding_share(lengths, width):\n    return 1 - np.sum(lengths) / (len(lengths) * max(lengths))\n"
    assert_exercise(ex2, NS, mistakes=[
        (real, "share of *real* tokens"),
        (percent, "percentage"),
        (longest, "On input padding_share([1, 1, 1, 1], 53)"),  # padded to the longest phrase, not to `width`
    ], also_correct=["def padding_share(lengths, width):\n    return 1 - np.mean(lengths) / width\n"])


def test_ex3_read_position():
    anywhere = '''
def read_position(phrase, sequence):
    n = len(phrase)
    for start in range(len(sequence) - n + 1):
        if list(sequence[start:start + n]) == list(phrase):
            return start + n - 1
    return -1
'''
    too_far = '''
def read_position(phrase, sequence):
    n = len(phrase)
    return n if list(sequence[:n]) == list(phrase) and n <= len(sequence) else -1
'''
    assert_exercise(ex3, NS, mistakes=[
        (anywhere, "*start*"),
        (too_far, ("One too far", "count from 0")),
    ])


def test_ex4_early_stopping():
    assert_exercise(ex4, mistakes=[
        ("a", "flatters"),
        ("b", "keeps falling"),
    ])


def test_ex5_pooled_model():
    keras = pytest.importorskip("keras")
    from course_utils import sentiment_models as models

    ns = {"keras": keras, "VOCAB": 50}
    L = keras.layers

    def build(*layers):
        return keras.Sequential([keras.Input((None,), dtype="int32"), *layers])

    plain_dropout = build(L.Embedding(50, 256), L.Dropout(0.3), L.Bidirectional(L.LSTM(128, return_sequences=True)),
                          L.GlobalMaxPooling1D(), L.Dense(5, activation="softmax"))
    average = build(L.Embedding(50, 256), L.SpatialDropout1D(0.3), L.Bidirectional(L.LSTM(128, return_sequences=True)),
                    L.GlobalAveragePooling1D(), L.Dense(5, activation="softmax"))
    wide = build(L.Embedding(50, 256), L.SpatialDropout1D(0.3), L.Bidirectional(L.LSTM(256, return_sequences=True)),
                 L.GlobalMaxPooling1D(), L.Dense(5, activation="softmax"))
    assert_exercise(ex5, ns, mistakes=[
        (plain_dropout, "should be SpatialDropout1D"),
        (average, "should be GlobalMaxPooling1D"),
        (wide, ("Layer 3 (Bidirectional)", "(None, None, 256)")),
    ], also_correct=[models.pooled_model(50, cell="lstm")])  # the notebook's builder describes the same model


def test_ex6_accuracy_where():
    body = "def accuracy_where(correct, selected):\n    return {}\n"
    assert_exercise(ex6, NS, mistakes=[
        (body.format("float(np.mean(selected))"), "share of phrases the selection picks"),
        (body.format("float(np.mean(correct))"), "*all* phrases"),
        (body.format("float(np.sum(correct & selected) / len(correct))"), "divided by the number of all phrases"),
    ], also_correct=[body.format("float(np.sum(correct & selected) / np.sum(selected))"),
                     "def accuracy_where(correct, mask):\n    return float(np.mean(correct[mask]))\n"])


def test_every_exercise_is_listed():
    assert EXERCISES == [ex1, ex2, ex3, ex4, ex5, ex6]
    assert [e.number for e in EXERCISES] == list(range(1, 7))
