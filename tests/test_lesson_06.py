"""Notebook 06's exercises: each solution passes, typical mistakes fail with the right message."""
from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import Outcome
from course_utils.lessons.l06 import EXERCISES, ex1, ex2, ex3, ex4, ex5, ex6

NS = {"np": np}


def test_ex2_padding_share():
    assert ex2.try_answer(ex2.reference(NS), NS).correct
    real = ex2.try_answer("def padding_share(lengths, width):\n    return np.sum(lengths) / (len(lengths) * width)\n", NS)
    assert real.outcome is Outcome.INCORRECT and "share of *real* tokens" in real.message
    percent = ex2.try_answer(
        "def padding_share(lengths, width):\n    return 100 * (1 - np.sum(lengths) / (len(lengths) * width))\n", NS)
    assert "percentage" in percent.message
    longest = ex2.try_answer("def padding_share(lengths, width):\n    return 1 - np.sum(lengths) / (len(lengths) * max(lengths))\n", NS)
    assert longest.outcome is Outcome.INCORRECT
    assert ex2.try_answer(..., NS).outcome is Outcome.NOT_ATTEMPTED


def test_ex3_read_position():
    assert ex3.try_answer(ex3.reference(NS), NS).correct
    anywhere = ex3.try_answer('''
def read_position(phrase, sequence):
    n = len(phrase)
    for start in range(len(sequence) - n + 1):
        if list(sequence[start:start + n]) == list(phrase):
            return start + n - 1
    return -1
''', NS)
    assert anywhere.outcome is Outcome.INCORRECT and "*start*" in anywhere.message
    too_far = ex3.try_answer('''
def read_position(phrase, sequence):
    n = len(phrase)
    return n if list(sequence[:n]) == list(phrase) and n <= len(sequence) else -1
''', NS)
    assert "counts from 0" in too_far.message or "count from 0" in too_far.message


def test_ex1_recurrent_dropout():
    assert ex1.try_answer("b").correct
    assert "not weights" in ex1.try_answer("a").message
    assert "no weights" in ex1.try_answer("c").message


def test_ex5_pooled_model():
    keras = pytest.importorskip("keras")
    from course_utils import sentiment_models as models

    ns = {"keras": keras, "VOCAB": 50}
    reference = ex5.reference(ns)
    assert ex5.try_answer(reference, ns).correct
    # the notebook's builder and the exercise describe the same model
    assert ex5.try_answer(models.pooled_model(50, cell="lstm"), ns).correct
    L = keras.layers

    def build(*layers):
        return keras.Sequential([keras.Input((None,), dtype="int32"), *layers])

    plain_dropout = build(L.Embedding(50, 256), L.Dropout(0.3), L.Bidirectional(L.LSTM(128, return_sequences=True)),
                          L.GlobalMaxPooling1D(), L.Dense(5, activation="softmax"))
    assert "should be SpatialDropout1D" in ex5.try_answer(plain_dropout, ns).message
    average = build(L.Embedding(50, 256), L.SpatialDropout1D(0.3), L.Bidirectional(L.LSTM(128, return_sequences=True)),
                    L.GlobalAveragePooling1D(), L.Dense(5, activation="softmax"))
    assert "should be GlobalMaxPooling1D" in ex5.try_answer(average, ns).message
    wide = build(L.Embedding(50, 256), L.SpatialDropout1D(0.3), L.Bidirectional(L.LSTM(256, return_sequences=True)),
                 L.GlobalMaxPooling1D(), L.Dense(5, activation="softmax"))
    assert ex5.try_answer(wide, ns).outcome is Outcome.INCORRECT


def test_ex4_early_stopping():
    assert ex4.try_answer("c").correct
    assert "flatters" in ex4.try_answer("a").message
    assert "keeps falling" in ex4.try_answer("b").message


def test_ex6_accuracy_where():
    assert ex6.try_answer(ex6.reference(NS), NS).correct
    share = ex6.try_answer("def accuracy_where(correct, mask):\n    return float(np.mean(mask))\n", NS)
    assert "share of phrases the mask selects" in share.message
    everything = ex6.try_answer("def accuracy_where(correct, mask):\n    return float(np.mean(correct))\n", NS)
    assert "*all* phrases" in everything.message
    divided = ex6.try_answer("def accuracy_where(correct, mask):\n    return float(np.sum(correct & mask) / len(correct))\n", NS)
    assert "divided by the number of all phrases" in divided.message


def test_every_exercise_is_listed():
    assert EXERCISES == [ex1, ex2, ex3, ex4, ex5, ex6]
    assert [e.number for e in EXERCISES] == list(range(1, 7))
