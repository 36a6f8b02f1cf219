"""The exercise-routine generators: the rules hold for every generated day."""
from __future__ import annotations

import numpy as np
import pytest

from course_utils.routine import (
    ACTIVITIES,
    DAYS_WITH_REST,
    REST,
    hockey_dataset,
    hockey_routine,
    one_hot,
    random_hockey_weeks,
    rest_day_dataset,
    rest_day_routine,
)


def test_plain_cycle_without_hockey():
    assert hockey_routine([False] * 6, yesterday="yoga") == ["weights", "swimming", "yoga"] * 2


def test_hockey_on_a_weights_day_means_swimming():
    assert hockey_routine([True, False, False], yesterday="yoga") == ["swimming", "yoga", "weights"]
    # Hockey on a day that is not a weights day changes nothing.
    assert hockey_routine([False, True], yesterday="yoga") == ["weights", "swimming"]


def test_one_game_a_week():
    games = random_hockey_weeks(50, np.random.default_rng(1)).reshape(50, 7)
    assert (games.sum(axis=1) == 1).all()


def test_hockey_dataset_follows_the_rule_every_day():
    x, y = hockey_dataset(200, seed=3)
    assert x.shape == (200, 7, 4) and y.shape == (200, 7, 3)
    for week in range(200):
        for day in range(7):
            yesterday = ACTIVITIES[x[week, day, :3].argmax()]
            planned = ACTIVITIES[(ACTIVITIES.index(yesterday) + 1) % 3]
            expected = "swimming" if x[week, day, 3] and planned == "weights" else planned
            assert ACTIVITIES[y[week, day].argmax()] == expected
            if day:  # yesterday's input is the previous day's target
                assert (x[week, day, :3] == y[week, day - 1]).all()


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_rest_after_exactly_k_exercise_days(k):
    days = rest_day_routine(200, exercise_days=k)
    streak = 0
    exercises = [d for d in days if d != REST]
    for day in days:
        if day == REST:
            assert streak == k
            streak = 0
        else:
            streak += 1
            assert streak <= k
    # The exercise cycle carries on across rests.
    assert all(ACTIVITIES.index(b) == (ACTIVITIES.index(a) + 1) % 3 for a, b in zip(exercises, exercises[1:]))


def test_rest_day_dataset_targets_are_the_next_day():
    x, y = rest_day_dataset(20, 10, exercise_days=2, seed=0)
    assert x.shape == (20, 10, 4) and y.shape == (20, 10)
    assert (x[:, 1:].argmax(-1) == y[:, :-1]).all()
    assert set(np.unique(y)) == set(range(len(DAYS_WITH_REST)))


def test_one_hot_and_unknown_days():
    assert one_hot(["yoga", "weights"]).tolist() == [[0, 0, 1], [1, 0, 0]]
    with pytest.raises(ValueError, match="hockey"):
        one_hot(["hockey"])
    with pytest.raises(ValueError, match="at least 1"):
        rest_day_routine(3, exercise_days=0)
