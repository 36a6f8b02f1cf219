"""Exercises of notebook 05, the 2019 sentiment LSTM."""
from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises import ModelExercise, QuestionExercise, ValueExercise

ex1 = ModelExercise(
    number=1,
    name="model",
    title="Build the 2019 model",
    solution="""
model = keras.Sequential([
    keras.Input(shape=(MAX_LEN,)),
    keras.layers.Embedding(8192, 256),
    keras.layers.LSTM(256, dropout=0.3, recurrent_dropout=0.3),
    keras.layers.Dense(256, activation="relu"),
    keras.layers.Dense(5, activation="softmax"),
])""",
    config_keys=("input_dim", "output_dim", "mask_zero", "units", "activation", "dropout", "recurrent_dropout",
                 "return_sequences"),  # mask_zero: the 2019 model had no mask (notebook 06 shows what one changes)
    hints=[
        "Four layers in a `keras.Sequential`, after `keras.Input(shape=(MAX_LEN,))`: Embedding, LSTM, Dense, Dense.",
        "`keras.layers.Embedding(8192, 256)`, `keras.layers.LSTM(256, dropout=0.3, recurrent_dropout=0.3)`, "
        '`keras.layers.Dense(256, activation="relu")`, `keras.layers.Dense(5, activation="softmax")`.',
    ],
)

ex2 = ValueExercise(
    number=2,
    name="lstm_params",
    title="Count the LSTM's parameters",
    solution="lstm_params = 4 * (256 * 256 + 256 * 256 + 256)",
    hints=[
        "An LSTM has four gates (input, forget, cell candidate, output). Each gate has a weight matrix from the"
        " 256-number input, a weight matrix from the 256-number hidden state, and a bias.",
        "Per gate: 256 * 256 input weights + 256 * 256 recurrent weights + 256 biases. Then times 4.",
    ],
    diagnosers=[
        (lambda answer, expected: answer == 4 * 2 * 256 * 256,
         "close: you have the weights of all four gates but not their biases (256 per gate)."),
        (lambda answer, expected: answer * 4 == expected,
         "that is one gate's worth: an LSTM has four gates, each with its own weights and biases."),
        (lambda answer, expected: answer == 4 * (256 * 256 + 256),
         "you counted the input weights and biases, but not the recurrent weights from the hidden state"
         " (another 256 x 256 per gate)."),
    ],
)

ex3 = QuestionExercise(
    number=3,
    title="Read the confusion matrix",
    choices={
        "a": "cm[0, 0] / cm[0].sum()",
        "b": "cm[0, 0] / cm[:, 0].sum()",
        "c": "cm[0, 0] / cm.sum()",
        "d": "cm[0].sum() / cm.sum()",
    },
    answer="a",
    feedback={
        "b": "that divides by a column: all the phrases *predicted* negative. That is the precision of the class.",
        "c": "that divides by every phrase in the validation set: the share of all phrases that are correctly"
             " predicted negatives, which mostly says how rare the class is.",
        "d": "that is the share of negative phrases in the validation set, whatever the model predicted.",
    },
    explanation=(
        "Rows are true classes, columns predicted ones. The recall of a class is the share of its phrases the model"
        " finds: the diagonal cell divided by the sum of its row, `cm[0, 0] / cm[0].sum()`. Dividing by the column"
        " instead gives the precision: of the phrases predicted negative, the share that are negative."
    ),
    hints=["Recall answers: of all the truly negative phrases, how many did the model call negative? Where are"
           " all the truly negative phrases in `cm`?"],
)


class _RecallExercise(ValueExercise):
    """A value exercise that also recognises the precision (a column of ``cm`` instead of a row)."""

    def _grade(self, answer: Any, namespace: dict[str, Any]) -> str | None:
        reason = super()._grade(answer, namespace)
        if reason is None:
            return None
        try:
            cm = np.asarray(namespace["cm"])
            column = cm[:, 4].sum()
            if column and np.isclose(float(answer), cm[4, 4] / column):
                return ("that is the precision of the positive class (you divided by a column, the phrases"
                        " *predicted* positive). Recall divides by the row: the phrases that *are* positive.")
        except Exception:
            pass
        return reason


ex4 = _RecallExercise(
    number=4,
    name="recall_positive",
    title="The recall of the positive class",
    solution="recall_positive = cm[4, 4] / cm[4].sum()",
    hints=["Class 4 is positive: its row of `cm` holds every truly positive validation phrase.",
           "`cm[4, 4] / cm[4].sum()`."],
    diagnosers=[
        (lambda answer, expected: 1 < answer <= 100 and np.isclose(answer, 100 * expected, atol=0.05),
         "that looks like a percentage: give the share as a number between 0 and 1."),
    ],
)

EXERCISES = [ex1, ex2, ex3, ex4]
