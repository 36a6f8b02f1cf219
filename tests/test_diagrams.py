"""The unrolled-RNN diagram: one cell per step, labelled with the story's days."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from course_utils.diagrams import COLOURS, draw_unrolled_rnn


def boxes(figure: Figure, kind: str) -> list[FancyBboxPatch]:
    colour = matplotlib.colors.to_rgba(COLOURS[kind])
    return [p for p in figure.axes[0].patches if isinstance(p, FancyBboxPatch) and p.get_facecolor() == colour]


def texts(figure: Figure) -> list[str]:
    return [t.get_text() for t in figure.axes[0].texts]


def test_one_cell_per_step_plus_the_rolled_form():
    figure = draw_unrolled_rnn(["Mon\nhockey", "Tue", "Wed"], ["swimming", "yoga", "weights"], title="week")
    assert len(boxes(figure, "cell")) == 3 + 1
    assert len(boxes(figure, "input")) == 3 + 1 and len(boxes(figure, "output")) == 3 + 1
    labels = texts(figure)
    for label in ("Mon\nhockey", "Tue", "Wed", "swimming", "yoga", "weights", "h₀ = 0", "h₁", "h₂", "="):
        assert label in labels
    assert figure.axes[0].get_title() == "week"
    figure.savefig(__import__("io").BytesIO(), format="png")  # it renders
    plt.close(figure)


def test_without_the_rolled_form_and_into_given_axes():
    figure = Figure()
    ax = figure.add_subplot()
    assert draw_unrolled_rnn(["a"], ["b"], rolled=False, cell="LSTM", state="c", ax=ax) is figure
    assert len(boxes(figure, "cell")) == 1
    assert "LSTM" in texts(figure) and "=" not in texts(figure)
    assert "c₁" not in texts(figure)  # a single step has only the initial state arrow


def test_the_state_starts_at_zero_unless_labelled_otherwise():
    # Keras starts every sequence from a zero state; the default label says so (notebook 01's text relies on it).
    assert "h₀ = 0" in texts(draw_unrolled_rnn(["Mon"], ["weights"]))
    labels = texts(draw_unrolled_rnn(["Mon", "Tue"], ["weights", "swimming"], state="c", initial_state="c₀ (given)"))
    assert "c₀ (given)" in labels and "c₁" in labels and "h₀ = 0" not in labels
    plt.close("all")


def test_mismatched_or_empty_steps_are_refused():
    with pytest.raises(ValueError, match="one output per step"):
        draw_unrolled_rnn(["a", "b"], ["c"])
    with pytest.raises(ValueError, match="at least one step"):
        draw_unrolled_rnn([], [])
