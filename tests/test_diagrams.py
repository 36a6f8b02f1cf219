"""The course's diagrams show what they claim: the unrolled RNN (one cell per step, labelled with
the story's days), the LSTM and GRU cells, and the gate heatmaps."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from course_utils import cells, diagrams, routine
from course_utils.diagrams import BOX_COLOURS, draw_unrolled_rnn


def boxes(figure: Figure, kind: str) -> list[FancyBboxPatch]:
    colour = matplotlib.colors.to_rgba(BOX_COLOURS[kind])
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


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def ax_texts(ax) -> list[str]:
    return [text.get_text() for text in ax.texts]


def test_lstm_diagram_names_every_gate_and_state():
    ax = diagrams.draw_lstm_cell()
    shown = ax_texts(ax)
    for name in ("forget f", "input i", "candidate g", "output o", "$c_{t-1}$", "$c_t$", "$h_{t-1}$", "$h_t$", "$x_t$"):
        assert name in shown
    assert shown.count("σ") == 3 and shown.count("×") == 3 and shown.count("+") == 1


def test_gru_diagram_has_two_gates_and_one_state():
    ax = diagrams.draw_gru_cell()
    shown = ax_texts(ax)
    for name in ("update z", "reset r", "candidate g", "1−", "$h_{t-1}$", "$h_t$", "$x_t$"):
        assert name in shown
    assert "$c_t$" not in shown and shown.count("σ") == 2


def test_side_by_side_draws_both_into_one_figure(tmp_path):
    figure = diagrams.draw_cells_side_by_side()
    assert [ax.get_title() for ax in figure.axes] == ["An LSTM cell", "A GRU cell"]
    figure.savefig(tmp_path / "cells.png")
    assert (tmp_path / "cells.png").stat().st_size > 10_000


def test_heatmaps_show_one_panel_per_name_with_the_run_values():
    days = routine.rest_day_routine(6)
    x = routine.one_hot(days, routine.DAYS_WITH_REST)[np.newaxis]
    run = cells.lstm_sequence(x, cells.random_lstm_params(4, 3, seed=0))
    figure = diagrams.gate_heatmaps(run, days, names=("f", "c"))
    panels = [ax for ax in figure.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in panels] == ["forget gate f", "cell state c"]
    np.testing.assert_allclose(panels[0].images[0].get_array(), run["f"][0].T)
    labels = [label.get_text() for label in panels[-1].get_xticklabels()]
    assert labels == days
    assert all(label.get_fontweight() == "bold" for label in panels[-1].get_xticklabels() if label.get_text() == "rest")


def test_heatmaps_explain_mismatches():
    run = cells.lstm_sequence(np.zeros((1, 3, 4)), cells.random_lstm_params(4, 2))
    with pytest.raises(KeyError, match="has no"):
        diagrams.gate_heatmaps(run, ["a", "b", "c"], names=("z",))
    with pytest.raises(ValueError, match="2 day labels for a run of 3 steps"):
        diagrams.gate_heatmaps(run, ["a", "b"])
