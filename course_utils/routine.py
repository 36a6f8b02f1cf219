"""The exercise-routine story of notebooks 01-03, as data.

The routine cycles through weights, swimming and yoga. Two twists make recurrence
necessary, each one a little at a time:

* **Hockey** (notebook 01): once a week there is a hockey game. On a day that would be
  weights, hockey means we skip the gym and go straight to swimming. Today then depends on
  an input (is there hockey?) and on the state (what did we do yesterday?).
* **Rest days** (notebooks 02-03): we rest after ``exercise_days`` days of exercise in a row
  (two by default). Knowing only yesterday ("we swam") no longer tells rest from yoga: the
  model needs memory of the day before too, and more as ``exercise_days`` grows.
* **The coach's note** (notebook 02): to stretch the dependency as far as we like, a cleaner
  version of the same story. On the first day the coach names the session for the day we come
  back to the gym; then ``k`` ordinary days of the routine follow (with their rest days); on the
  last day the model must say what the note said. Everything in between is irrelevant, so a
  model can only succeed by carrying the note for ``k`` steps (:func:`coach_note_dataset`).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ACTIVITIES: tuple[str, ...] = ("weights", "swimming", "yoga")
REST = "rest"
DAYS_WITH_REST: tuple[str, ...] = ACTIVITIES + (REST,)


def next_activity(activity: str) -> str:
    """The activity after ``activity`` in the weights → swimming → yoga cycle."""
    return ACTIVITIES[(ACTIVITIES.index(activity) + 1) % len(ACTIVITIES)]


def hockey_day(planned: str, hockey: bool) -> str:
    """Today's workout given the plan and whether there is a hockey game.

    Hockey on a weights day means no gym: we go straight to swimming. On other days the
    game changes nothing.
    """
    return "swimming" if hockey and planned == "weights" else planned


def hockey_routine(hockey: Sequence[bool], yesterday: str = "yoga") -> list[str]:
    """The workouts of consecutive days, one per entry of ``hockey``.

    Each day's plan is the activity after yesterday's workout; :func:`hockey_day` then
    applies the game.
    """
    days = []
    for game in hockey:
        today = hockey_day(next_activity(yesterday), bool(game))
        days.append(today)
        yesterday = today
    return days


def random_hockey_weeks(n_weeks: int, rng: np.random.Generator) -> np.ndarray:
    """``7 * n_weeks`` booleans with exactly one hockey game in each week, on a random day."""
    games = np.zeros((n_weeks, 7), dtype=bool)
    games[np.arange(n_weeks), rng.integers(0, 7, size=n_weeks)] = True
    return games.reshape(-1)


def rest_day_routine(n_days: int, exercise_days: int = 2, start: int = 0, streak: int = 0) -> list[str]:
    """``n_days`` of the routine with a rest day after ``exercise_days`` days of exercise.

    ``start`` is the index in :data:`ACTIVITIES` of the next exercise, ``streak`` how many
    exercise days came just before the first day. The exercise cycle carries on across a rest.
    """
    if exercise_days < 1:
        raise ValueError(f"exercise_days must be at least 1, not {exercise_days}")
    days = []
    activity = start % len(ACTIVITIES)
    for _ in range(n_days):
        if streak == exercise_days:
            days.append(REST)
            streak = 0
        else:
            days.append(ACTIVITIES[activity])
            activity = (activity + 1) % len(ACTIVITIES)
            streak += 1
    return days


def rest_day_dataset(n_sequences: int, length: int, exercise_days: int = 2,
                     seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Sequences for next-day prediction, each starting at a random point of the routine.

    ``x[i, t]`` is day t one-hot over :data:`DAYS_WITH_REST`, ``y[i, t]`` the index of day
    t + 1. Shapes ``(n, length, 4)`` and ``(n, length)``.
    """
    rng = np.random.default_rng(seed)
    x = np.zeros((n_sequences, length, len(DAYS_WITH_REST)), dtype="float32")
    y = np.zeros((n_sequences, length), dtype="int64")
    for i in range(n_sequences):
        start, streak = int(rng.integers(0, 3)), int(rng.integers(0, exercise_days + 1))
        days = rest_day_routine(length + 1, exercise_days, start=start, streak=streak)
        x[i] = one_hot(days[:-1], DAYS_WITH_REST)
        y[i] = [DAYS_WITH_REST.index(day) for day in days[1:]]
    return x, y


def one_hot(days: Sequence[str], vocabulary: Sequence[str] = ACTIVITIES) -> np.ndarray:
    """Rows of zeros with a single 1 at each day's position in ``vocabulary``."""
    unknown = sorted({day for day in days if day not in vocabulary})
    if unknown:
        raise ValueError(f"{unknown} not in the vocabulary {list(vocabulary)}")
    return np.eye(len(vocabulary), dtype="float32")[[vocabulary.index(day) for day in days]]


# --------------------------------------------------------------------------- planning a week (notebook 01)


def plan_inputs(hockey: Sequence[bool], yesterday: str = "yoga") -> np.ndarray:
    """What a planning model sees: the hockey flags, and yesterday's workout on the first day only.

    The columns are yesterday's workout one-hot over :data:`ACTIVITIES`, then the hockey flag; the
    workout columns are zero after the
    first day: to plan a whole week ahead we do not know what we will actually have done, so
    the model has to carry its own plan forward in its state. Shape ``(len(hockey), 4)``.
    """
    x = np.zeros((len(hockey), len(ACTIVITIES) + 1), dtype="float32")
    if len(hockey):
        x[0, : len(ACTIVITIES)] = one_hot([yesterday], ACTIVITIES)[0]
    x[:, -1] = np.asarray(hockey, dtype="float32")
    return x


def hockey_plan_dataset(n_sequences: int, n_weeks: int = 1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Sequences of ``n_weeks`` weeks for a planning RNN: :func:`plan_inputs` and the workouts.

    Each sequence has one hockey game a week on a random day and starts from a random
    yesterday. Returns ``x`` of shape ``(n, 7 * n_weeks, 4)`` and ``y``, the index in
    :data:`ACTIVITIES` of each day's workout, of shape ``(n, 7 * n_weeks)`` (int32, ready for
    ``sparse_categorical_crossentropy``).
    """
    rng = np.random.default_rng(seed)
    length = 7 * n_weeks
    x = np.zeros((n_sequences, length, len(ACTIVITIES) + 1), dtype="float32")
    y = np.zeros((n_sequences, length), dtype="int32")
    for i in range(n_sequences):
        games = random_hockey_weeks(n_weeks, rng)
        yesterday = ACTIVITIES[rng.integers(0, len(ACTIVITIES))]
        x[i] = plan_inputs(games, yesterday)
        y[i] = [ACTIVITIES.index(day) for day in hockey_routine(games, yesterday)]
    return x, y


# --------------------------------------------------------------------------- how much memory (notebook 02)


def best_accuracy_with_memory(memory: int, exercise_days: int = 2) -> float:
    """The best next-day accuracy of *any* model that sees only the last ``memory`` days.

    Exact, from the rule: every state of the routine (next exercise, exercise days so far) is
    equally likely, as in :func:`rest_day_dataset`. For each window of ``memory`` days the
    best guess is the most common next day after it; the limit is the share of states where
    that guess is right. No model with that much memory can beat it, however it is trained.
    """
    if memory < 1:
        raise ValueError(f"memory must be at least 1 day, not {memory}")
    counts: dict[tuple[str, ...], dict[str, int]] = {}
    states = [(start, streak) for start in range(len(ACTIVITIES)) for streak in range(exercise_days + 1)]
    for start, streak in states:
        days = rest_day_routine(memory + 1, exercise_days, start=start, streak=streak)
        following = counts.setdefault(tuple(days[:-1]), {})
        following[days[-1]] = following.get(days[-1], 0) + 1
    return sum(max(f.values()) for f in counts.values()) / len(states)


def best_accuracy_on_data(x: np.ndarray, y: np.ndarray, memory: int = 1) -> float:
    """The best accuracy any model that sees only the last ``memory`` inputs can reach on ``(x, y)``.

    ``x`` holds one-hot steps ``(n, length, features)`` and ``y`` the class of each step
    ``(n, length)``, as :func:`rest_day_dataset` makes them. Steps with fewer than ``memory``
    inputs before them (the start of each sequence) are left out. For each window of inputs
    the best any model can do is answer the most common target seen after it.
    """
    if memory < 1:
        raise ValueError(f"memory must be at least 1 step, not {memory}")
    codes = x.argmax(-1)
    counts: dict[tuple[int, ...], np.ndarray] = {}
    n_classes = int(y.max()) + 1
    for t in range(memory - 1, codes.shape[1]):
        windows = codes[:, t - memory + 1 : t + 1]
        for window, target in zip(map(tuple, windows.tolist()), y[:, t].tolist()):
            counts.setdefault(window, np.zeros(n_classes, dtype=int))[target] += 1
    total = sum(int(c.sum()) for c in counts.values())
    return sum(int(c.max()) for c in counts.values()) / total


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
