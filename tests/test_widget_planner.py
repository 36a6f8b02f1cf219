"""The week planner widget, driven from Python (no browser): controls in, table out."""
from __future__ import annotations

import numpy as np
import pytest

from course_utils.routine import ACTIVITIES, hockey_routine, plan_inputs
from course_utils.widgets.planner import WEEKDAYS, Planner, model_plan, plan_table, planner


def ignores_hockey(hockey, yesterday):
    return hockey_routine([False] * len(hockey), yesterday)


class FakeModel:
    """Anything with predict: answers with the rule, as one-hot 'probabilities', and remembers its inputs."""

    def __init__(self, shape_wrong: bool = False) -> None:
        self.seen: list[np.ndarray] = []
        self.shape_wrong = shape_wrong

    def predict(self, x, verbose=0):
        self.seen.append(x)
        hockey = x[0, :, 3].astype(bool)
        yesterday = ACTIVITIES[int(x[0, 0, :3].argmax())]
        days = hockey_routine(hockey, yesterday)
        out = np.eye(3, dtype="float32")[[ACTIVITIES.index(d) for d in days]][None]
        return out[:, -1] if self.shape_wrong else out


def test_controls_and_css_classes():
    widget = planner(hockey_routine)
    assert isinstance(widget, Planner) and "course-planner" in widget._dom_classes
    assert [box.description for box in widget.days] == list(WEEKDAYS)
    for day, box in zip(WEEKDAYS, widget.days):
        assert {"course-planner-day", f"course-planner-day-{day.lower()}"} <= set(box._dom_classes)
    assert "course-planner-yesterday" in widget.yesterday._dom_classes
    assert "course-planner-output" in widget.output._dom_classes
    # By default a game on Thursday, after yoga: it turns Thursday's weights into swimming.
    assert widget.hockey == [False, False, False, True, False, False, False]
    assert widget.rule_plan[3] == "swimming"


def test_ticking_a_day_changes_the_plan_shown():
    widget = planner(ignores_hockey, hockey=[False] * 7, yesterday="yoga")
    assert widget.rule_plan == widget.model_plan == hockey_routine([False] * 7, "yoga")
    assert "7 of 7 days" in widget.output.value and "course-planner-miss" not in widget.output.value
    widget.days[0].value = True  # Monday's weights becomes swimming, and the week shifts
    assert widget.rule_plan == hockey_routine([True] + [False] * 6, "yoga")
    assert widget.model_plan == hockey_routine([False] * 7, "yoga")
    disagree = sum(a != b for a, b in zip(widget.rule_plan, widget.model_plan))
    assert disagree > 0
    assert widget.output.value.count("course-planner-miss") == disagree
    assert f"{7 - disagree} of 7 days" in widget.output.value
    widget.yesterday.value = "weights"  # a week after weights starts with swimming: Monday's game changes nothing
    assert widget.rule_plan == widget.model_plan == hockey_routine([False] * 7, "weights")
    assert "7 of 7 days" in widget.output.value


def test_a_model_is_wrapped_with_plan_inputs():
    model = FakeModel()
    widget = planner(model, hockey=[False, True, False, False, False, False, True], yesterday="swimming")
    assert widget.model_plan == widget.rule_plan
    assert np.array_equal(model.seen[-1][0], plan_inputs(widget.hockey, "swimming"))
    widget.days[6].value = False
    assert np.array_equal(model.seen[-1][0], plan_inputs(widget.hockey, "swimming"))
    assert model_plan(FakeModel())([False] * 3, "yoga") == ["weights", "swimming", "yoga"]


def test_a_broken_model_is_reported_in_the_widget():
    widget = planner(FakeModel(shape_wrong=True))
    assert "could not plan" in widget.output.value and "return_sequences=True" in widget.output.value
    assert widget.model_plan == []


def test_bad_arguments():
    with pytest.raises(ValueError, match="one hockey flag per day"):
        planner(hockey_routine, hockey=[True] * 3)
    with pytest.raises(ValueError, match="yesterday must be one of"):
        planner(hockey_routine, yesterday="rest")
    with pytest.raises(TypeError, match="Keras model or a function"):
        planner(42)


def test_plan_table_marks_each_disagreement():
    table = plan_table([False, True], ["weights", "swimming"], ["weights", "yoga"])
    assert table.count("course-planner-miss") == 1 and "1 of 2 days" in table and "hockey" in table
