"""The week planner: tick the hockey days of a week and compare the rule's plan with a model's.

Planning a week ahead is what makes the hockey story recurrent: from Tuesday on we do not
know what we *did* yesterday, only what we planned, so a model has to carry its own plan
forward in its state. The widget shows the rule (:func:`course_utils.routine.hockey_routine`)
and the model side by side, day by day, and marks the days where they disagree.

``planner(model)`` takes a trained Keras model (anything with ``predict`` that maps
:func:`~course_utils.routine.plan_inputs` of shape ``(1, 7, 4)`` to workout probabilities
``(1, 7, 3)``) or a plain function ``plan(hockey, yesterday) -> list of 7 workouts``, so it
can be tried and tested without training anything. Show the returned :class:`Planner` (a
``VBox``) as the last expression of a cell.

CSS classes, for styling and for the browser test:

- ``course-planner``: the whole widget
- ``course-planner-day``: each of the seven hockey checkboxes, Monday to Sunday in order
  (each also has ``course-planner-day-<mon|tue|...>``)
- ``course-planner-yesterday``: the drop-down with the workout of the Sunday before
- ``course-planner-output``: the HTML table of the plan; inside it, each model cell that
  disagrees with the rule has the class ``course-planner-miss``, and the summary line the
  class ``course-planner-summary``
"""
from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

from course_utils.palettes import OKABE_ITO
from course_utils.routine import ACTIVITIES, hockey_routine, plan_inputs

WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PlanFunction = Callable[[Sequence[bool], str], Sequence[str]]
# The mark of a model that failed: a border, not a text colour, so the text reads on any theme.
_PROBLEM = OKABE_ITO["vermillion"]
_ICONS = {"weights": "🏋️", "swimming": "🏊", "yoga": "🧘"}


def model_plan(model: Any) -> PlanFunction:
    """Turn a model trained on :func:`~course_utils.routine.hockey_plan_dataset` into a plan function.

    The model sees the week as :func:`~course_utils.routine.plan_inputs` (the hockey flags and
    the workout of the day before the week); each day's answer is its most likely workout.
    """
    def plan(hockey: Sequence[bool], yesterday: str) -> list[str]:
        probabilities = np.asarray(model.predict(plan_inputs(hockey, yesterday)[None], verbose=0))
        if probabilities.shape != (1, len(hockey), len(ACTIVITIES)):
            raise ValueError(f"the model should output one probability per workout and day, shape"
                             f" (1, {len(hockey)}, {len(ACTIVITIES)}), but it gave {probabilities.shape}:"
                             " did you build it with return_sequences=True and a Dense layer of 3 units?")
        return [ACTIVITIES[i] for i in probabilities[0].argmax(-1)]

    return plan


def plan_table(hockey: Sequence[bool], rule: Sequence[str], model: Sequence[str]) -> str:
    """The HTML table the widget shows: one column a day, rows for hockey, the rule and the model."""
    cell = "padding: 3px 8px; text-align: center; border: 1px solid #ddd"
    head = "".join(f"<th style='{cell}'>{day}</th>" for day in WEEKDAYS[: len(rule)])
    games = "".join(f"<td style='{cell}'>{'🏒 hockey' if game else ''}</td>" for game in hockey)
    planned = "".join(f"<td style='{cell}'>{_label(day)}</td>" for day in rule)
    predicted = "".join(
        f"<td style='{cell}'>{_label(day)}</td>" if day == expected
        else f"<td class='course-planner-miss' style='{cell}; background: #FBE3E1; color: #000000'>✗ {_label(day)}</td>"
        for day, expected in zip(model, rule))
    agree = sum(a == b for a, b in zip(model, rule))
    summary = f"The model agrees with the rule on {agree} of {len(rule)} days."
    return (f"<table style='border-collapse: collapse; margin: 4px 0'>"
            f"<tr><th style='{cell}'></th>{head}</tr>"
            f"<tr><th style='{cell}; text-align: left'>hockey</th>{games}</tr>"
            f"<tr><th style='{cell}; text-align: left'>the rule</th>{planned}</tr>"
            f"<tr><th style='{cell}; text-align: left'>the model</th>{predicted}</tr></table>"
            f"<div class='course-planner-summary'>{html.escape(summary)}</div>")


def _label(day: str) -> str:
    return f"{_ICONS.get(day, '')} {html.escape(day)}"


class Planner(widgets.VBox):
    """Seven hockey checkboxes and last Sunday's workout in; the rule's and the model's week out.

    ``days`` holds the checkboxes (Monday first), ``yesterday`` the drop-down and ``output``
    the HTML widget; ``rule_plan`` and ``model_plan`` the two weeks currently shown.
    """

    def __init__(self, plan: PlanFunction, hockey: Sequence[bool] = (False,) * 7, yesterday: str = "yoga") -> None:
        if len(hockey) != len(WEEKDAYS):
            raise ValueError(f"give one hockey flag per day of the week ({len(WEEKDAYS)}), not {len(hockey)}")
        if yesterday not in ACTIVITIES:
            raise ValueError(f"yesterday must be one of {list(ACTIVITIES)}, not {yesterday!r}")
        self.plan = plan
        self.days = [widgets.Checkbox(value=bool(game), description=day, indent=False,
                                      layout=widgets.Layout(width="70px"))
                     for day, game in zip(WEEKDAYS, hockey)]
        for day, box in zip(WEEKDAYS, self.days):
            box.add_class("course-planner-day")
            box.add_class(f"course-planner-day-{day.lower()}")
        self.yesterday = widgets.Dropdown(options=list(ACTIVITIES), value=yesterday,
                                          description="Sunday before:", style={"description_width": "initial"},
                                          layout=widgets.Layout(width="230px"))
        self.yesterday.add_class("course-planner-yesterday")
        self.output = widgets.HTML()
        self.output.add_class("course-planner-output")
        self.rule_plan: list[str] = []
        self.model_plan: list[str] = []
        super().__init__([widgets.HTML("<b>Hockey days</b> (tick the days with a game):"),
                          widgets.HBox(self.days), self.yesterday, self.output])
        self.add_class("course-planner")
        for control in (*self.days, self.yesterday):
            control.observe(self._update, names="value")
        self._update()

    @property
    def hockey(self) -> list[bool]:
        """The ticked days, Monday first."""
        return [box.value for box in self.days]

    def _update(self, change: dict | None = None) -> None:
        hockey, yesterday = self.hockey, self.yesterday.value
        self.rule_plan = hockey_routine(hockey, yesterday)
        try:
            self.model_plan = list(self.plan(hockey, yesterday))
        except Exception as error:  # a broken model should say so in the widget, not kill it
            self.model_plan = []
            self.output.value = (f"<div class='course-planner-summary' style='border-left: 4px solid {_PROBLEM};"
                                 f" padding-left: 6px'>The model could not"
                                 f" plan this week: {html.escape(type(error).__name__)}:"
                                 f" {html.escape(str(error))}</div>")
            return
        self.output.value = plan_table(hockey, self.rule_plan, self.model_plan)


def planner(model: Any, hockey: Sequence[bool] = (False, False, False, True, False, False, False),
            yesterday: str = "yoga") -> Planner:
    """The week planner for ``model``: a Keras model (see :func:`model_plan`) or a plan function.

    ``hockey`` and ``yesterday`` set the week shown first (by default a game on Thursday,
    after a Sunday of yoga).
    """
    plan = model_plan(model) if hasattr(model, "predict") else model
    if not callable(plan):
        raise TypeError("planner() needs a trained Keras model or a function plan(hockey, yesterday),"
                        f" not {type(model).__name__}")
    return Planner(plan, hockey, yesterday)
