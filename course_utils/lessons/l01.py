"""Exercises of notebook 01, the workout routine: one-hot days, the lookup table, the hockey
rule and the planning SimpleRNN."""
from __future__ import annotations

import numpy as np

from course_utils.exercises import FunctionExercise, ModelExercise, ValueExercise
from course_utils.routine import ACTIVITIES


def _is_index_of(got: object, expected: np.ndarray) -> bool:
    return isinstance(got, (int, np.integer)) and not isinstance(got, bool) and int(got) == int(expected.argmax())


def _alphabetical_one_hot(got: object, expected: np.ndarray) -> bool:
    order = sorted(ACTIVITIES)
    day = ACTIVITIES[int(expected.argmax())]
    return (isinstance(got, np.ndarray) and np.array_equal(got, np.eye(3)[order.index(day)])
            and order != list(ACTIVITIES))


ex1 = FunctionExercise(
    number=1,
    name="encode",
    title="Encode a day one-hot",
    solution='''
def encode(day):
    vector = np.zeros(len(ACTIVITIES))
    vector[ACTIVITIES.index(day)] = 1
    return vector
''',
    probes=[("weights",), ("swimming",), ("yoga",)],
    accept_lists=True,  # the cells below only use it in `encode(day) @ table`, which works on a list too
    hints=[
        "A one-hot vector has one entry per activity, all 0 except a 1 at the day's position in `ACTIVITIES`.",
        "`ACTIVITIES.index(day)` gives the position; start from `np.zeros(len(ACTIVITIES))` and set that entry to 1.",
    ],
    diagnosers=[
        (_is_index_of, "You returned the day's position (an index). One-hot means a vector: zeros, with a 1 at"
                       " that position."),
        (_alphabetical_one_hot, "Your 1 is at the day's place in alphabetical order. Use the order of"
                                " `ACTIVITIES` (weights, swimming, yoga), which every table in this notebook uses."),
    ],
)


def _is_identity(got: object, expected: np.ndarray) -> bool:
    return isinstance(got, np.ndarray) and got.shape == (3, 3) and np.array_equal(got, np.eye(3))


ex2 = ValueExercise(
    number=2,
    name="table",
    title="Yesterday gives today: the lookup table",
    solution='''
table = np.zeros((3, 3))
for row, yesterday in enumerate(ACTIVITIES):
    table[row, ACTIVITIES.index(next_activity(yesterday))] = 1
''',
    hints=[
        "Row `i` is for yesterday = `ACTIVITIES[i]`; it should be the one-hot vector of the activity that follows it.",
        "Loop over `enumerate(ACTIVITIES)` and set `table[row, ACTIVITIES.index(next_activity(yesterday))] = 1`.",
    ],
    diagnosers=[
        (_is_identity, "That is the identity: every day followed by itself. Each row should have its 1 in the"
                       " column of the *next* activity."),
    ],
)


def _ignores_hockey(got: object, expected: object) -> bool:
    return got == "weights" and expected == "swimming"


def _always_swims(got: object, expected: object) -> bool:
    return got == "swimming" and expected in ("yoga", "weights")


ex3 = FunctionExercise(
    number=3,
    name="today",
    title="Write the hockey rule",
    solution='''
def today(yesterday, hockey):
    planned = next_activity(yesterday)
    if hockey and planned == "weights":
        return "swimming"
    return planned
''',
    probes=[(yesterday, hockey) for hockey in (False, True) for yesterday in ACTIVITIES],
    hints=[
        "First work out the plan without hockey: `next_activity(yesterday)`.",
        "Hockey changes the plan only when the plan is weights: then we go straight to swimming.",
    ],
    diagnosers=[
        (_ignores_hockey, "You planned weights on a hockey day. Hockey means we skip the gym: weights becomes"
                          " swimming."),
        (_always_swims, "Hockey only changes a weights day. On a day that would be swimming or yoga anyway, the plan"
                        " stays as it is."),
    ],
)

class PerDayModelExercise(ModelExercise):
    """A model that answers for every day: a `TimeDistributed(Dense)` or a separate `Softmax` layer, both common in
    older tutorials, get a reason instead of only "layer 2 should be Dense" or "it should have 2 layers"."""

    def _grade(self, answer, namespace):
        reason = super()._grade(answer, namespace)
        if reason is None:
            return None
        try:
            types = [type(layer).__name__ for layer in answer.layers if type(layer).__name__ != "InputLayer"]
        except Exception:
            return reason
        if "TimeDistributed" in types:
            return (f"`{self.name}` wraps a layer in TimeDistributed. You do not need it: Keras applies a Dense layer"
                    " to the last axis, so it already acts on every day of a sequence by itself. Write"
                    " `keras.layers.Dense(...)` directly, then check again.")
        if types and types[-1] in ("Softmax", "Activation"):
            return (f"`{self.name}` ends with a separate softmax layer. Put the softmax in the Dense layer instead"
                    ' (`activation="softmax"`), one layer fewer, then check again.')
        return reason


ex4 = PerDayModelExercise(
    number=4,
    name="planner_rnn",
    title="Build the planning SimpleRNN",
    solution='''
planner_rnn = keras.Sequential([
    keras.Input(shape=(None, 4)),
    keras.layers.SimpleRNN(16, return_sequences=True),
    keras.layers.Dense(3, activation="softmax"),
])
''',
    hints=[
        "Three parts: `keras.Input(shape=(None, 4))` (any number of days, 4 numbers a day), a `SimpleRNN` of 16"
        " units, and a `Dense` layer with one output per activity.",
        "We want a workout for *every* day, not only the last one: give the SimpleRNN `return_sequences=True`,"
        " and the Dense layer `activation=\"softmax\"` so each day's outputs are probabilities.",
    ],
)

EXERCISES = [ex1, ex2, ex3, ex4]
