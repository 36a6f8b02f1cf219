"""How far back can a recurrent network remember? The data and the one LSTM setting of notebook 02.

The rest-day rule needs a few days of memory. To stretch the dependency as far as we like we
use a cleaner version of the same story, **the coach's note**: on the first day the coach
names the session for the day we come back to the gym (weights, swimming or yoga); then
``k`` ordinary days of the routine follow (with their rest days); on the last day the model
must say what the note said. Everything in between is irrelevant, so a model can only
succeed by carrying the note for ``k`` steps.
"""
from __future__ import annotations

from typing import Any

import keras
import numpy as np

from course_utils.routine import ACTIVITIES, DAYS_WITH_REST, one_hot, rest_day_routine

#: Features of one day: the note (one-hot over ACTIVITIES, on the first day only), then the day's
#: workout (one-hot over DAYS_WITH_REST, on the other days).
NOTE_FEATURES = len(ACTIVITIES) + len(DAYS_WITH_REST)


def coach_note_dataset(n_sequences: int, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Sequences of ``k + 1`` days: the coach's note, then ``k`` days of the routine.

    ``x[i, 0]`` holds the note one-hot in its first three columns; ``x[i, 1:]`` the routine's
    days (with rests after two exercise days, from a random point of the cycle) one-hot in the
    last four. ``y[i]`` is the note, an index into :data:`ACTIVITIES`: the answer on the last
    day. Shapes ``(n, k + 1, 7)`` and ``(n,)``.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1 day between the note and the question, not {k}")
    rng = np.random.default_rng(seed)
    x = np.zeros((n_sequences, k + 1, NOTE_FEATURES), dtype="float32")
    y = rng.integers(0, len(ACTIVITIES), size=n_sequences).astype("int32")
    x[np.arange(n_sequences), 0, y] = 1
    for i in range(n_sequences):
        days = rest_day_routine(k, exercise_days=2, start=int(rng.integers(0, 3)), streak=int(rng.integers(0, 3)))
        x[i, 1:, len(ACTIVITIES):] = one_hot(days, DAYS_WITH_REST)
    return x, y


@keras.saving.register_keras_serializable(package="course_utils")
class ForgetGateBias(keras.initializers.Initializer):
    """Start an LSTM with its forget gate at ``sigmoid(value)``: the share of memory kept each step.

    Keras's default (``unit_forget_bias=True``) is ``value=1``: the forget gate starts at 0.73,
    so what the cell stores halves in about two steps and the gradient from far back fades
    almost as fast as a SimpleRNN's. Starting it at ``value=4`` (0.98) lets a memory last tens
    of steps from the first update; training can still close the gate where forgetting helps.
    Use it with ``keras.layers.LSTM(units, unit_forget_bias=False, bias_initializer=ForgetGateBias(4.0))``;
    the other gates' biases start at 0, as in Keras.
    """

    def __init__(self, value: float = 1.0) -> None:
        self.value = float(value)

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        if len(shape) != 1 or shape[0] % 4:
            raise ValueError(f"ForgetGateBias is for an LSTM's bias (4 gates x units), not shape {tuple(shape)}")
        units = shape[0] // 4
        bias = np.zeros(shape, dtype="float32")
        bias[units : 2 * units] = self.value  # Keras orders an LSTM's gates i, f, c, o
        return keras.ops.convert_to_tensor(bias, dtype=dtype or "float32")

    def get_config(self) -> dict[str, float]:
        return {"value": self.value}


class StopWhenLearned(keras.callbacks.Callback):
    """Stop training once the training accuracy reaches ``accuracy``.

    The experiment gives every model the same *maximum* budget; a model that has learned the
    note early stops there, so the runs that succeed cost little and the budget goes to the
    ones still trying.
    """

    def __init__(self, accuracy: float = 0.99) -> None:
        super().__init__()
        self.accuracy = accuracy

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if (logs or {}).get("accuracy", 0.0) >= self.accuracy:
            self.model.stop_training = True
