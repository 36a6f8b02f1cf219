"""Notebook 05's exercises: each solution passes, typical mistakes fail with the right message."""
from __future__ import annotations

import numpy as np
import pytest
from lesson_checks import assert_exercise

from course_utils.lessons.l05 import EXERCISES, ex1, ex2, ex3, ex4


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


@pytest.fixture
def model_namespace(keras):
    return {"keras": keras, "MAX_LEN": 12}


def build(keras, *layers, max_len=12):
    return keras.Sequential([keras.Input(shape=(max_len,)), *layers])


def test_ex1_reference_is_the_2019_model(model_namespace):
    model = ex1.reference(model_namespace)
    assert [type(layer).__name__ for layer in model.layers] == ["Embedding", "LSTM", "Dense", "Dense"]
    assert model.count_params() == 2_689_541  # 2,097,152 + 525,312 + 65,792 + 1,285
    assert ex1.try_answer(model, model_namespace).correct


def test_ex1_build_the_2019_model(keras, model_namespace):
    L = keras.layers
    no_hidden = build(keras, L.Embedding(8192, 256), L.LSTM(256, dropout=0.3, recurrent_dropout=0.3),
                      L.Dense(5, activation="softmax"))
    gru = build(keras, L.Embedding(8192, 256), L.GRU(256, dropout=0.3, recurrent_dropout=0.3),
                L.Dense(256, activation="relu"), L.Dense(5, activation="softmax"))
    no_recurrent_dropout = build(keras, L.Embedding(8192, 256), L.LSTM(256, dropout=0.3),
                                 L.Dense(256, activation="relu"), L.Dense(5, activation="softmax"))
    small_vocabulary = build(keras, L.Embedding(8000, 256), L.LSTM(256, dropout=0.3, recurrent_dropout=0.3),
                             L.Dense(256, activation="relu"), L.Dense(5, activation="softmax"))
    sigmoid = build(keras, L.Embedding(8192, 256), L.LSTM(256, dropout=0.3, recurrent_dropout=0.3),
                    L.Dense(256, activation="relu"), L.Dense(5, activation="sigmoid"))
    masked = build(keras, L.Embedding(8192, 256, mask_zero=True), L.LSTM(256, dropout=0.3, recurrent_dropout=0.3),
                   L.Dense(256, activation="relu"), L.Dense(5, activation="softmax"))  # same shapes and counts
    unbuilt = keras.Sequential([L.Embedding(8192, 256), L.LSTM(256), L.Dense(256), L.Dense(5)])
    assert_exercise(ex1, model_namespace, mistakes=[
        (no_hidden, "has 3 layers"),
        (gru, "is GRU, but it should be LSTM"),
        (no_recurrent_dropout, "recurrent_dropout=0.0, too low"),
        (small_vocabulary, "input_dim=8000, too few"),
        (sigmoid, "activation='softmax'"),
        (masked, ("Layer 1 (Embedding)", "mask_zero=True")),
        (unbuilt, ("not built", "keras.Input")),
    ])


def test_ex2_lstm_parameters():
    assert_exercise(ex2, mistakes=[
        (4 * 2 * 256 * 256, "biases"),
        (256 * 256 + 256 * 256 + 256, "one gate"),
        (4 * (256 * 256 + 256), "recurrent weights"),
    ], also_correct=[525_312])


def test_ex3_read_the_confusion_matrix():
    assert_exercise(ex3, mistakes=[
        ("b", "precision"),
        ("c", "rare"),
        ("d", "whatever the model predicted"),
    ])


def test_ex4_recall_of_the_positive_class():
    cm = np.array([[5, 2, 1, 0, 0], [1, 9, 3, 1, 0], [0, 2, 30, 4, 1], [0, 0, 5, 12, 3], [0, 0, 1, 6, 7]])
    namespace = {"cm": cm, "np": np}
    assert ex4.reference(namespace) == pytest.approx(7 / 14)
    assert_exercise(ex4, namespace, mistakes=[
        (7 / 11, "precision"),
        (50.0, "percentage"),
        (0.9, "which is too high"),
    ], also_correct=[7 / 14])


def test_every_exercise_is_listed():
    assert EXERCISES == [ex1, ex2, ex3, ex4]


def test_the_notebook_has_every_exercise_blank_with_check_hint_and_solution():
    from pathlib import Path

    from test_lesson_04 import exercise_cells

    cells = exercise_cells(Path(__file__).resolve().parents[1] / "notebooks" / "05_sentiment_lstm.ipynb")
    assert sorted(cells) == [f"ex{e.number}" for e in EXERCISES]
    for exercise in EXERCISES:
        source = cells[f"ex{exercise.number}"]
        assert f"# ex{exercise.number}.hint()" in source and f"# ex{exercise.number}.solution()" in source
        assert f"{exercise.name} = ..." in source
