"""The cell diagrams and gate heatmaps are drawn from code and show what they claim."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import cell_diagrams, cells, routine  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def texts(ax) -> list[str]:
    return [text.get_text() for text in ax.texts]


def test_lstm_diagram_names_every_gate_and_state():
    ax = cell_diagrams.draw_lstm_cell()
    shown = texts(ax)
    for name in ("forget f", "input i", "candidate g", "output o", "$c_{t-1}$", "$c_t$", "$h_{t-1}$", "$h_t$", "$x_t$"):
        assert name in shown
    assert shown.count("σ") == 3 and shown.count("×") == 3 and shown.count("+") == 1


def test_gru_diagram_has_two_gates_and_one_state():
    ax = cell_diagrams.draw_gru_cell()
    shown = texts(ax)
    for name in ("update z", "reset r", "candidate g", "1−", "$h_{t-1}$", "$h_t$", "$x_t$"):
        assert name in shown
    assert "$c_t$" not in shown and shown.count("σ") == 2


def test_side_by_side_draws_both_into_one_figure(tmp_path):
    figure = cell_diagrams.draw_cells_side_by_side()
    assert [ax.get_title() for ax in figure.axes] == ["An LSTM cell", "A GRU cell"]
    figure.savefig(tmp_path / "cells.png")
    assert (tmp_path / "cells.png").stat().st_size > 10_000


def test_heatmaps_show_one_panel_per_name_with_the_run_values():
    days = routine.rest_day_routine(6)
    x = routine.one_hot(days, routine.DAYS_WITH_REST)[np.newaxis]
    run = cells.lstm_sequence(x, cells.random_lstm_params(4, 3, seed=0))
    figure = cell_diagrams.gate_heatmaps(run, days, names=("f", "c"))
    panels = [ax for ax in figure.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in panels] == ["forget gate f", "cell state c"]
    np.testing.assert_allclose(panels[0].images[0].get_array(), run["f"][0].T)
    labels = [label.get_text() for label in panels[-1].get_xticklabels()]
    assert labels == days
    assert all(label.get_fontweight() == "bold" for label in panels[-1].get_xticklabels() if label.get_text() == "rest")


def test_heatmaps_explain_mismatches():
    run = cells.lstm_sequence(np.zeros((1, 3, 4)), cells.random_lstm_params(4, 2))
    with pytest.raises(KeyError, match="has no"):
        cell_diagrams.gate_heatmaps(run, ["a", "b", "c"], names=("z",))
    with pytest.raises(ValueError, match="2 day labels for a run of 3 steps"):
        cell_diagrams.gate_heatmaps(run, ["a", "b"])
