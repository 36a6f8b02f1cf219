"""The gate explorer, driven from Python: moving a slider changes the numbers and the plot as the maths says."""
from __future__ import annotations

import re

import numpy as np
import pytest

from course_utils import cells
from course_utils.widgets import gates
from course_utils.widgets.gates import DEFAULTS, GateExplorer, gate_explorer


@pytest.fixture
def explorer() -> GateExplorer:
    return gate_explorer()


def shown(explorer: GateExplorer, name: str) -> float:
    """The number the readout table shows for a gate or state (3 decimals)."""
    match = re.search(rf"course-gates-value-{name}'><b>(-?[0-9.]+)</b>", explorer.readout.value)
    assert match, f"no value for {name} in the readout"
    return float(match.group(1))


def curve(explorer: GateExplorer, panel: int, line: int = 0) -> np.ndarray:
    return np.asarray(explorer.figure.axes[panel].lines[line].get_ydata(), dtype=float)


def expected(values: dict) -> dict[str, float]:
    """The gates and states of a one-unit LSTM, straight from the equations."""
    s = {}
    for gate in "fio":
        s[gate] = cells.sigmoid(values[f"w_{gate}"] * values["x"] + values[f"u_{gate}"] * values["h_prev"]
                                + values[f"b_{gate}"])
    s["g"] = np.tanh(values["w_g"] * values["x"] + values["u_g"] * values["h_prev"] + values["b_g"])
    s["c"] = s["f"] * values["c_prev"] + s["i"] * s["g"]
    s["h"] = s["o"] * np.tanh(s["c"])
    return s


def test_starting_state_follows_the_equations(explorer):
    want = expected(DEFAULTS)
    for name, value in want.items():
        assert explorer.state[name] == pytest.approx(value)
        assert shown(explorer, name) == pytest.approx(value, abs=5e-4)
    assert bytes(explorer.output.value).startswith(b"\x89PNG")


def test_closing_the_forget_gate_drops_the_old_cell_state(explorer):
    before = dict(explorer.state)
    picture, forget_curve = bytes(explorer.output.value), curve(explorer, 0)
    explorer.sliders["b_f"].value = -4.0
    assert explorer.state["f"] < 0.02 < before["f"]
    assert explorer.state["c"] == pytest.approx(
        explorer.state["f"] * DEFAULTS["c_prev"] + explorer.state["i"] * explorer.state["g"])
    assert explorer.state["i"] == before["i"] and explorer.state["g"] == before["g"]  # other gates untouched
    assert shown(explorer, "f") == pytest.approx(explorer.state["f"], abs=5e-4)
    assert "+ -4.0)" in explorer.readout.value  # the sum behind the forget gate shows the new bias
    assert bytes(explorer.output.value) != picture
    assert (curve(explorer, 0) < forget_curve).all()  # the whole forget-gate curve dropped


def test_every_slider_changes_what_the_maths_says(explorer):
    for name, slider in explorer.sliders.items():
        before = dict(explorer.state)
        slider.value = slider.min
        want = expected(explorer.values)
        for key, value in want.items():
            assert explorer.state[key] == pytest.approx(value), f"after moving {name}: {key}"
        assert explorer.state != before, f"moving {name} changed nothing"


def test_moving_x_moves_the_dots_along_the_curves(explorer):
    explorer.sliders["x"].value = -2.0
    grid = gates.X_GRID
    for panel, gate in enumerate(gates.GATES):
        line, dot = explorer.figure.axes[panel].lines[:2]
        assert dot.get_xdata()[0] == -2.0
        assert dot.get_ydata()[0] == pytest.approx(explorer.state[gate])
        index = int(np.argmin(np.abs(grid + 2.0)))
        assert line.get_ydata()[index] == pytest.approx(explorer.state[gate])


def test_previous_hidden_state_reaches_every_gate(explorer):
    explorer.sliders["h_prev"].value = -1.0
    low = dict(explorer.state)
    explorer.sliders["h_prev"].value = 1.0
    for gate in gates.GATES:
        weight = DEFAULTS[f"u_{gate}"]
        assert np.sign(explorer.state[gate] - low[gate]) == np.sign(weight)


def test_the_states_panel_plots_new_and_previous_states(explorer):
    explorer.sliders["c_prev"].value = 2.0
    states_axes = explorer.figure.axes[-1]
    new_c, dot_c, previous_c = states_axes.lines[:3]
    assert list(previous_c.get_ydata()) == [2.0, 2.0]
    values = explorer.values
    xs = gates.X_GRID
    f = cells.sigmoid(values["w_f"] * xs + values["u_f"] * values["h_prev"] + values["b_f"])
    i = cells.sigmoid(values["w_i"] * xs + values["u_i"] * values["h_prev"] + values["b_i"])
    g = np.tanh(values["w_g"] * xs + values["u_g"] * values["h_prev"] + values["b_g"])
    np.testing.assert_allclose(new_c.get_ydata(), f * 2.0 + i * g)


def test_reset_restores_the_start(explorer):
    start = dict(explorer.state)
    explorer.sliders["w_o"].value = -3.0
    explorer.sliders["x"].value = 2.5
    assert explorer.state != start
    explorer.reset_button.click()
    assert explorer.values == DEFAULTS
    assert explorer.state == pytest.approx(start)


def test_css_classes_for_the_browser_test(explorer):
    assert "course-gates" in explorer._dom_classes
    for name, slider in explorer.sliders.items():
        assert f"course-gates-slider-{name}" in slider._dom_classes
    assert "course-gates-reset" in explorer.reset_button._dom_classes
    assert "course-gates-readout" in explorer.readout._dom_classes
    assert "course-gates-output" in explorer.output._dom_classes
    documented = gates.__doc__
    for css in ("course-gates-slider-<name>", "course-gates-reset", "course-gates-readout", "course-gates-output"):
        assert css in documented


def test_starting_values_and_unknown_names():
    assert gate_explorer(b_f=-3.0).sliders["b_f"].value == -3.0
    with pytest.raises(ValueError, match="unknown slider"):
        gate_explorer(bias=1.0)
