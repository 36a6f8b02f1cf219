"""The coach's-note data and the forget-gate initializer of notebook 02."""
from __future__ import annotations

import keras
import numpy as np
import pytest

from course_utils.routine import ACTIVITIES, DAYS_WITH_REST, NOTE_FEATURES, REST, coach_note_dataset
from course_utils.training import ForgetGateBias, StopWhenLearned


def test_the_note_is_on_the_first_day_and_the_routine_after_it():
    x, y = coach_note_dataset(300, k=12, seed=0)
    assert x.shape == (300, 13, NOTE_FEATURES) and y.shape == (300,) and y.dtype == np.int32
    assert (x[:, 0, :3].argmax(-1) == y).all() and not x[:, 0, 3:].any()
    assert not x[:, 1:, :3].any() and (x[:, 1:, 3:].sum(-1) == 1).all()
    assert set(y.tolist()) == {0, 1, 2}
    for days in x[:, 1:, 3:].argmax(-1):
        names = [DAYS_WITH_REST[i] for i in days]
        exercises = [d for d in names if d != REST]
        assert all(ACTIVITIES.index(b) == (ACTIVITIES.index(a) + 1) % 3 for a, b in zip(exercises, exercises[1:]))
    # Seeded: the same seed gives the same sequences.
    assert (coach_note_dataset(5, 3, seed=7)[0] == coach_note_dataset(5, 3, seed=7)[0]).all()
    with pytest.raises(ValueError, match="at least 1 day"):
        coach_note_dataset(3, k=0)


def lstm_bias(layer: keras.layers.LSTM) -> np.ndarray:
    model = keras.Sequential([keras.Input((None, 2)), layer])
    return model.layers[0].cell.bias.numpy()


def test_forget_gate_bias_sets_only_the_forget_gate():
    units = 5
    ours = lstm_bias(keras.layers.LSTM(units, unit_forget_bias=False, bias_initializer=ForgetGateBias(1.0)))
    keras_default = lstm_bias(keras.layers.LSTM(units))  # unit_forget_bias=True: the same layout
    assert np.array_equal(ours, keras_default)
    four = lstm_bias(keras.layers.LSTM(units, unit_forget_bias=False, bias_initializer=ForgetGateBias(4.0)))
    assert four[units:2 * units].tolist() == [4.0] * units
    assert not np.delete(four, np.s_[units:2 * units]).any()
    assert ForgetGateBias(4.0).get_config() == {"value": 4.0}
    with pytest.raises(ValueError, match="LSTM's bias"):
        ForgetGateBias(2.0)((6,))


def test_stop_when_learned_stops_a_model_that_has_learned():
    keras.utils.set_random_seed(0)
    x = np.eye(2, dtype="float32")[[0, 1] * 16]
    y = np.array([0, 1] * 16)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.5), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=50, verbose=0, callbacks=[StopWhenLearned(0.99)])
    assert len(history.history["loss"]) < 50 and history.history["accuracy"][-1] >= 0.99
    never = model.fit(x, y, epochs=3, verbose=0, callbacks=[StopWhenLearned(1.01)])
    assert len(never.history["loss"]) == 3
