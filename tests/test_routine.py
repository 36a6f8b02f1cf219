"""The exercise-routine generators: the rules hold for every generated day."""
from __future__ import annotations

import numpy as np
import pytest

from course_utils.routine import (
    ACTIVITIES,
    DAYS_WITH_REST,
    REST,
    best_accuracy_on_data,
    best_accuracy_with_memory,
    hockey_plan_dataset,
    hockey_routine,
    one_hot,
    plan_inputs,
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


@pytest.mark.parametrize("yesterday", ACTIVITIES)
def test_plan_inputs_show_yesterday_only_on_the_first_day(yesterday):
    x = plan_inputs([False, True, False], yesterday)
    assert x.shape == (3, 4) and x.dtype == np.float32
    assert x[0, :3].tolist() == one_hot([yesterday])[0].tolist()
    assert not x[1:, :3].any()
    assert x[:, 3].tolist() == [0, 1, 0]
    assert plan_inputs([], yesterday).shape == (0, 4)


def test_hockey_plan_dataset_follows_the_rule_every_day():
    x, y = hockey_plan_dataset(100, n_weeks=3, seed=4)
    assert x.shape == (100, 21, 4) and y.shape == (100, 21) and y.dtype == np.int32
    for inputs, targets in zip(x, y):
        yesterday = ACTIVITIES[int(inputs[0, :3].argmax())]
        games = inputs[:, 3].astype(bool)
        assert (games.reshape(3, 7).sum(axis=1) == 1).all()
        assert [ACTIVITIES[i] for i in targets] == hockey_routine(games, yesterday)
        assert (inputs == plan_inputs(games, yesterday)).all()
    # Seeded: the same seed gives the same data, another seed other data.
    assert (hockey_plan_dataset(5, 1, seed=4)[0] == hockey_plan_dataset(5, 1, seed=4)[0]).all()
    assert not (hockey_plan_dataset(5, 1, seed=4)[0] == hockey_plan_dataset(5, 1, seed=5)[0]).all()


def test_one_day_of_memory_cannot_tell_rest_from_exercise():
    # Two exercise days then a rest: W S R Y W R S Y R, period 9. After an exercise day the
    # next is rest or the next exercise (half and half); after a rest any exercise (a third each).
    assert best_accuracy_with_memory(1, exercise_days=2) == pytest.approx(4 / 9)
    assert best_accuracy_with_memory(2, exercise_days=2) == 1.0
    # Rest after k exercise days: k days of memory are enough and fewer are not (for k >= 2).
    for k in range(2, 6):
        assert best_accuracy_with_memory(k, exercise_days=k) == 1.0
        assert best_accuracy_with_memory(k - 1, exercise_days=k) < 1.0
    with pytest.raises(ValueError, match="at least 1"):
        best_accuracy_with_memory(0)


def test_best_accuracy_on_data_matches_the_exact_limit():
    x, y = rest_day_dataset(3000, 12, exercise_days=2, seed=0)
    assert best_accuracy_on_data(x, y, memory=1) == pytest.approx(4 / 9, abs=0.01)
    assert best_accuracy_on_data(x, y, memory=2) == 1.0
    # A tiny hand-made case: after input 0 the target is 1 twice and 2 once -> 2 of 3 reachable.
    x_small = np.eye(3, dtype="float32")[[[0, 0, 0]]]
    y_small = np.array([[1, 1, 2]])
    assert best_accuracy_on_data(x_small, y_small, memory=1) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="at least 1"):
        best_accuracy_on_data(x_small, y_small, memory=0)
