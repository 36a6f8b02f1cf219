"""The gate explorer: move the input, the previous states and the weights of a one-unit LSTM
and watch each gate and the new states change.

A single unit with a single input keeps every weight a plain number, so a learner can
predict what a slider will do before moving it. The numbers come from the same
:mod:`course_utils.cells` functions the notebook proves equal to Keras.

``gate_explorer()`` returns a :class:`GateExplorer` (a ``VBox``); show it as the last
expression of a cell. CSS classes, for styling and for the browser test:

- ``course-gates``: the whole widget
- ``course-gates-slider-<name>``: one per slider, ``<name>`` being ``x``, ``h_prev``, ``c_prev``
  or a weight ``w_<gate>`` (on the input), ``u_<gate>`` (on the previous hidden state),
  ``b_<gate>`` (the bias), with ``<gate>`` one of ``f``, ``i``, ``g``, ``o``
- ``course-gates-reset``: the button that restores the starting values
- ``course-gates-readout``: the HTML table of numbers (each gate's sum and value, the new states);
  inside it, ``course-gates-value-<name>`` marks the cell with the value of ``f``, ``i``, ``g``,
  ``o``, ``c`` or ``h``
- ``course-gates-output``: the plot (a PNG image): each gate, then the new states, against the input x
"""
from __future__ import annotations

import io
from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from course_utils import cells
from course_utils.diagrams import TITLES
from course_utils.palettes import GATE_COLOURS, INK, STATE_COLOUR

GATES: tuple[str, ...] = ("f", "i", "g", "o")
STATE_NAMES: tuple[str, ...] = ("x", "h_prev", "c_prev")
WEIGHT_KINDS = {"w": "input weight", "u": "recurrent weight", "b": "bias"}

#: Starting values: every gate partly open, so each slider visibly changes something.
DEFAULTS: dict[str, float] = {
    "x": 1.0, "h_prev": 0.5, "c_prev": 1.0,
    "w_f": -1.0, "u_f": 0.5, "b_f": 1.0,
    "w_i": 1.5, "u_i": 0.5, "b_i": 0.0,
    "w_g": 1.0, "u_g": -0.5, "b_g": 0.0,
    "w_o": 1.0, "u_o": 0.5, "b_o": 0.5,
}
RANGES: dict[str, tuple[float, float]] = {"x": (-3.0, 3.0), "h_prev": (-1.0, 1.0), "c_prev": (-2.0, 2.0)}
WEIGHT_RANGE = (-4.0, 4.0)
X_GRID = np.linspace(*RANGES["x"], 121)


def explorer_params(values: Mapping[str, float]) -> cells.Params:
    """The one-unit, one-input LSTM weights (1x1 matrices) that the sliders describe."""
    params: cells.Params = {}
    for gate in GATES:
        params[f"W_{gate}"] = np.array([[values[f"w_{gate}"]]], dtype=float)
        params[f"U_{gate}"] = np.array([[values[f"u_{gate}"]]], dtype=float)
        params[f"b_{gate}"] = np.array([values[f"b_{gate}"]], dtype=float)
    return params


def explorer_state(values: Mapping[str, float], xs: np.ndarray | float | None = None) -> dict[str, np.ndarray]:
    """Every gate and the new states for inputs ``xs`` (default: the slider's ``x``), from :mod:`cells`.

    Returns arrays shaped like ``xs`` for ``f``, ``i``, ``g``, ``o``, ``c`` and ``h``.
    """
    xs = np.asarray(values["x"] if xs is None else xs, dtype=float)
    x = xs.reshape(-1, 1)
    p = explorer_params(values)
    h_prev = np.full_like(x, values["h_prev"])
    c_prev = np.full_like(x, values["c_prev"])
    gates = {"f": cells.forget_gate, "i": cells.input_gate, "g": cells.candidate, "o": cells.output_gate}
    state = {name: gate(x, h_prev, p) for name, gate in gates.items()}
    state["h"], state["c"] = cells.lstm_step(x, h_prev, c_prev, p)
    return {name: value.reshape(xs.shape) for name, value in state.items()}


class GateExplorer(widgets.VBox):
    """Sliders for a one-unit LSTM, a table of its numbers and a plot of its gates.

    ``sliders`` maps each name in :data:`DEFAULTS` to its slider; ``state`` holds the current
    gates and new states (floats); ``figure`` is the matplotlib figure behind ``output``.
    Setting a slider's ``value`` in Python updates everything, as dragging it does.
    """

    def __init__(self, values: Mapping[str, float] | None = None) -> None:
        start = {**DEFAULTS, **(values or {})}
        unknown = set(start) - set(DEFAULTS)
        if unknown:
            raise ValueError(f"unknown slider name(s) {sorted(unknown)}; the sliders are {list(DEFAULTS)}")
        self.sliders = {name: self._slider(name, start[name]) for name in DEFAULTS}
        self.reset_button = widgets.Button(description="Reset", tooltip="Back to the starting values")
        self.reset_button.add_class("course-gates-reset")
        self.reset_button.on_click(lambda _: self.reset())
        self.readout = widgets.HTML()
        self.readout.add_class("course-gates-readout")
        self.output = widgets.Image(format="png")
        self.output.add_class("course-gates-output")
        self.state: dict[str, float] = {}
        self.figure, self._artists = self._make_figure()
        self._paused = False

        states = widgets.HBox([self.sliders[name] for name in STATE_NAMES] + [self.reset_button])
        header = widgets.HBox([widgets.HTML(f"<b>{WEIGHT_KINDS[kind]}</b>", layout={"width": "230px"})
                               for kind in WEIGHT_KINDS])
        rows = [widgets.HBox([self.sliders[f"{kind}_{gate}"] for kind in WEIGHT_KINDS]) for gate in GATES]
        super().__init__([widgets.HTML("<b>Inputs of this step</b>"), states, header, *rows,
                          self.readout, self.output])
        self.add_class("course-gates")
        for slider in self.sliders.values():
            slider.observe(self._on_change, names="value")
        self.update()

    @property
    def values(self) -> dict[str, float]:
        """The sliders' current values by name."""
        return {name: float(slider.value) for name, slider in self.sliders.items()}

    def reset(self) -> None:
        """Put every slider back to its starting value (one redraw, not fifteen)."""
        self._paused = True
        try:
            for name, slider in self.sliders.items():
                slider.value = DEFAULTS[name]
        finally:
            self._paused = False
        self.update()

    def update(self) -> None:
        """Recompute the gates from the sliders and redraw the table and the plot."""
        values = self.values
        current = explorer_state(values)
        self.state = {name: float(value) for name, value in current.items()}
        self.readout.value = self._table(values)
        self._redraw(values)

    # -- pieces

    @staticmethod
    def _slider(name: str, value: float) -> widgets.FloatSlider:
        low, high = RANGES.get(name, WEIGHT_RANGE)
        kind, _, gate = name.partition("_")
        description = name if name in STATE_NAMES else f"{kind}_{gate}"
        slider = widgets.FloatSlider(value=value, min=low, max=high, step=0.1, description=description,
                                     continuous_update=False, readout_format=".1f",
                                     layout={"width": "230px"}, style={"description_width": "55px"})
        slider.add_class(f"course-gates-slider-{name}")
        return slider

    def _on_change(self, _change: dict) -> None:
        if not self._paused:
            self.update()

    def _table(self, values: Mapping[str, float]) -> str:
        s, v = self.state, values
        rows = []
        for gate in GATES:
            squash = "tanh" if gate == "g" else "sigmoid"
            total = v[f"w_{gate}"] * v["x"] + v[f"u_{gate}"] * v["h_prev"] + v[f"b_{gate}"]
            rows.append(
                f"<tr><td><span style='display:inline-block;width:0.8em;height:0.8em;margin-right:4px;"
                f"background:{GATE_COLOURS[gate]}'></span>{TITLES[gate]}</td>"
                f"<td>{squash}({v[f'w_{gate}']:.1f}·{v['x']:.1f} + {v[f'u_{gate}']:.1f}·{v['h_prev']:.1f}"
                f" + {v[f'b_{gate}']:.1f}) = {squash}({total:.2f})</td>"
                f"<td class='course-gates-value-{gate}'><b>{s[gate]:.3f}</b></td></tr>")
        rows.append(f"<tr><td>new cell state c</td><td>f·c_prev + i·g = {s['f']:.3f}·{v['c_prev']:.1f}"
                    f" + {s['i']:.3f}·{s['g']:.3f}</td><td class='course-gates-value-c'><b>{s['c']:.3f}</b></td></tr>")
        rows.append(f"<tr><td>new hidden state h</td><td>o·tanh(c) = {s['o']:.3f}·tanh({s['c']:.3f})</td>"
                    f"<td class='course-gates-value-h'><b>{s['h']:.3f}</b></td></tr>")
        return ("<table style='border-collapse: collapse; font-family: monospace'>"
                + "".join(rows) + "</table>")

    def _make_figure(self) -> tuple[Figure, dict]:
        figure = Figure(figsize=(12, 2.6))
        axes = figure.subplots(1, 5, sharex=True)
        # Fixed margins: an automatic layout engine would triple the time of every redraw.
        figure.subplots_adjust(left=0.04, right=0.99, bottom=0.19, top=0.88, wspace=0.28)
        artists = {}
        for ax, gate in zip(axes, GATES):
            (curve,) = ax.plot(X_GRID, np.zeros_like(X_GRID), color=GATE_COLOURS[gate])
            (point,) = ax.plot([0], [0], "o", color=GATE_COLOURS[gate])
            ax.set_ylim(-1.05 if gate == "g" else -0.05, 1.05)
            ax.axhline(0, color="0.8", lw=0.8, zorder=0)
            artists[gate] = (curve, point)
        states_ax = axes[-1]
        for name, colour in (("c", INK), ("h", STATE_COLOUR)):
            (curve,) = states_ax.plot(X_GRID, np.zeros_like(X_GRID), color=colour, label=f"new {name}")
            (point,) = states_ax.plot([0], [0], "o", color=colour)
            (previous,) = states_ax.plot(X_GRID[[0, -1]], [0, 0], "--", color=colour, lw=1, label=f"{name}_prev")
            artists[name] = (curve, point, previous)
        states_ax.set_ylim(-3.1, 3.1)
        states_ax.set_title("new states", fontsize=10)
        states_ax.legend(loc="lower right", fontsize=7, ncols=2)
        for ax in axes:
            ax.set_xlabel("input x")
            ax.tick_params(labelsize=8)
        return figure, artists

    def _redraw(self, values: Mapping[str, float]) -> None:
        curves = explorer_state(values, X_GRID)
        x = values["x"]
        for gate in GATES:
            curve, point = self._artists[gate]
            curve.set_ydata(curves[gate])
            point.set_data([x], [self.state[gate]])
            curve.axes.set_title(f"{TITLES[gate]} = {self.state[gate]:.2f}", fontsize=10)
        for name in ("c", "h"):
            curve, point, previous = self._artists[name]
            curve.set_ydata(curves[name])
            point.set_data([x], [self.state[name]])
            previous.set_ydata([values[f"{name}_prev"]] * 2)
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=80)
        self.output.value = buffer.getvalue()


def gate_explorer(**values: float) -> GateExplorer:
    """Build the gate explorer; keyword arguments override starting values, e.g. ``gate_explorer(b_f=-3)``."""
    return GateExplorer(values)
