"""Exercises of notebook 02, rest days need memory: the one-day limit, the two-day rule, the
SimpleRNN over the sequence, and why gradients from far back fade."""
from __future__ import annotations

import numpy as np

from course_utils.exercises import FunctionExercise, QuestionExercise
from course_utils.lessons.l01 import PerDayModelExercise
from course_utils.routine import ACTIVITIES, REST

#: A count table (rows: yesterday, columns: today) on which the usual mistakes give distinct numbers.
PROBE_COUNTS = np.array([[0, 6, 0, 2], [1, 0, 3, 4], [5, 0, 0, 1], [2, 2, 2, 0]])
_WRONG_AXIS = PROBE_COUNTS.max(axis=0).sum() / PROBE_COUNTS.sum()
_SINGLE_MAX = PROBE_COUNTS.max() / PROBE_COUNTS.sum()
_MEAN_OF_ROWS = np.mean(PROBE_COUNTS.max(axis=1) / PROBE_COUNTS.sum(axis=1))


def _close_to(value: float):
    return lambda got, expected: bool(np.isclose(float(got), value))


ex1 = FunctionExercise(
    number=1,
    name="best_accuracy",
    title="The best a one-day model can do",
    solution='''
def best_accuracy(counts):
    return counts.max(axis=1).sum() / counts.sum()
''',
    probes=lambda ns: [(PROBE_COUNTS,)] + ([(ns["counts"],)] if "counts" in ns else []),
    hints=[
        "A model that sees only yesterday gives the same answer every time it sees the same yesterday. Its best"
        " answer for a row is that row's most common today.",
        "Add up, over the rows, the count of the most common today (`counts.max(axis=1)`), and divide by the number"
        " of days (`counts.sum()`).",
    ],
    diagnosers=[
        (_close_to(_WRONG_AXIS), "You took the largest count in each *column* (for each today). The model chooses"
                                 " for each *yesterday*, a row: use `axis=1`."),
        (_close_to(_SINGLE_MAX), "That is only the single most common pair. The model answers for every yesterday:"
                                 " add up the best count of each row."),
        (_close_to(_MEAN_OF_ROWS), "You averaged the rows' accuracies, as if every yesterday were equally common."
                                   " Weigh them by how often each happens: total best counts / total days."),
        (_close_to(4 / 9), "Your function gave the notebook's 4/9 on a different table: it reads the notebook's"
                           " `counts`, not its argument. Use the parameter inside the function."),
        (lambda got, expected: bool(np.isclose(float(got), 100 * float(expected))),
         "That is a percentage: return a share between 0 and 1."),
    ],
)


def _ignores_day_before(got: object, expected: object) -> bool:
    return expected == REST and got in ACTIVITIES


def _always_weights_after_rest(got: object, expected: object) -> bool:
    return got == "weights" and expected in ("swimming", "yoga")


ex2 = FunctionExercise(
    number=2,
    name="next_day",
    title="Two days are enough: write the rule",
    solution='''
def next_day(day_before, yesterday):
    if yesterday == REST:
        return next_activity(day_before)
    if day_before == REST:
        return next_activity(yesterday)
    return REST
''',
    probes=([(a, b) for a in ACTIVITIES for b in ACTIVITIES if b == ACTIVITIES[(ACTIVITIES.index(a) + 1) % 3]]
            + [(a, REST) for a in ACTIVITIES] + [(REST, b) for b in ACTIVITIES]),
    hints=[
        "Three cases: yesterday was a rest; the day before was a rest; or both were exercise.",
        "After two exercise days comes a rest. After a rest comes the exercise after the one before the rest"
        " (`next_activity(day_before)`). After a rest and one exercise comes the next exercise.",
    ],
    diagnosers=[
        (_ignores_day_before, "After two days of exercise comes a rest day: look at `day_before` too."),
        (_always_weights_after_rest, "The exercise cycle carries on across a rest and never repeats the exercise"
                                     " just done: the answer is the exercise after the last exercise day, that is"
                                     " `next_activity` of whichever of the two days was not a rest."),
    ],
)

ex3 = PerDayModelExercise(
    number=3,
    name="memory_rnn",
    title="A SimpleRNN over the days",
    solution='''
memory_rnn = keras.Sequential([
    keras.Input(shape=(None, 4)),
    keras.layers.SimpleRNN(16, return_sequences=True),
    keras.layers.Dense(4, activation="softmax"),
])
''',
    hints=[
        "As in notebook 01: `keras.Input(shape=(None, 4))`, a `SimpleRNN` of 16 units with"
        " `return_sequences=True`, and a softmax `Dense` layer.",
        "Count the possible answers: weights, swimming, yoga *and rest*. The Dense layer needs 4 units.",
    ],
)


class _GradientQuestion(QuestionExercise):
    """The gradient question, whose explanation quotes the ratio the learner's own run printed.

    The cell above the exercise prints, for each network, ``norms[40] / norms[1]`` from the dict
    ``fresh`` (the SimpleRNN first). How small that is depends on the run, so the fixed
    explanation gives no number, and this adds the learner's own when the notebook has it.
    """

    def explain(self, namespace: dict) -> str:
        ratio = simple_rnn_ratio(namespace)
        if ratio is None:
            return self.explanation
        return self.explanation.replace(_RATIO_PLACE, f"{_RATIO_PLACE}; in your run it is {_ratio_words(ratio)}", 1)


_RATIO_PLACE = "compares 40 days back with 1 day back"


def simple_rnn_ratio(namespace: dict) -> float | None:
    """The SimpleRNN's gradient 40 days back over its gradient 1 day back, as the notebook printed it, or None."""
    try:
        norms = namespace["fresh"]["SimpleRNN"]
        ratio = float(norms[40] / norms[1])
    except Exception:
        return None
    return ratio if np.isfinite(ratio) and ratio > 0 else None


def _ratio_words(ratio: float) -> str:
    """The ratio as printed (``.1e``), and how many times smaller that is, to two significant digits."""
    text = f"{ratio:.1e}"
    if ratio < 1:
        text += f", about {float(f'{1 / ratio:.2g}'):,.0f} times smaller"
    return text


ex4 = _GradientQuestion(
    number=4,
    title="What a tiny gradient means",
    choices={
        "a": "The note does not matter for the answer, so the network is right to ignore it.",
        "b": "Training hardly changes how the network uses the note: each update is driven almost entirely by the"
             " last few days.",
        "c": "The network has already learned the note perfectly, so there is nothing left to change.",
    },
    answer="b",
    feedback={
        "a": "The note is the *only* thing that decides the answer. The gradient is small because of the path from"
             " the note to the answer through many steps of the SimpleRNN, not because the note is unimportant.",
        "c": "The plot was made before any training, when the network knows nothing: its answers are at chance.",
    },
    explanation=(
        "The gradient says how much the loss would change if the input (and so the weights that read it) changed"
        " a little. Before training, the SimpleRNN's gradient shrinks with every step back (the first ratio printed"
        " above compares 40 days back with 1 day back), and the note is 80 days back. So the note's share of every"
        " update is lost among the much larger, irrelevant signals from recent days, and the network never learns"
        " to carry it. The LSTM's cell state passes memory on by multiplying it by the forget gate: with the gate"
        " near 1, the gradient from far back stays large enough to learn from."
    ),
    hints=[
        "Before training, the SimpleRNN answers at chance. What does a gradient near zero say about the next"
        " updates?"
    ],
)

EXERCISES = [ex1, ex2, ex3, ex4]
