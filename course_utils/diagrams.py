"""The course's pictures of recurrent networks, drawn by code with matplotlib.

Drawing them from code (rather than pasting an image) lets a notebook label them with the
very inputs and outputs it is talking about, keeps them in the course's own notation
(``f``, ``i``, ``g``, ``o``; ``z``, ``r``, ``g``) and colours, and lets a learner redraw them.

- :func:`draw_unrolled_rnn` (notebooks 01 and 02): the *unrolled* network, the quickest way to
  see what "recurrent" means: the same cell, with the same weights, applied once a day,
  handing its state to the next day.
- :func:`draw_lstm_cell`, :func:`draw_gru_cell` and :func:`draw_cells_side_by_side`
  (notebook 03): one cell's gates and states.
- :func:`gate_heatmaps` (notebook 03): gates and states of a run of :mod:`course_utils.cells`,
  one row per unit and one column per day.
"""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch

from course_utils.palettes import BOX_COLOURS, GATE_COLOURS, STATE_COLOUR, WIRE_COLOUR, text_colour_on

_STEP = 1.9  # horizontal distance between two days
_ROWS = {"input": 0.0, "cell": 1.35, "output": 2.7}
_BOX_W, _BOX_H = 1.35, 0.62
_FIRST_ARROW = 0.85  # long enough for a label such as "h₀ = 0" above it


def draw_unrolled_rnn(inputs: Sequence[str], outputs: Sequence[str], *, cell: str = "RNN",
                      state: str = "h", initial_state: str = "h₀ = 0", rolled: bool = True,
                      title: str | None = None, ax: Axes | None = None) -> Figure:
    """Draw a recurrent network unrolled over ``len(inputs)`` steps and return the figure.

    ``inputs`` and ``outputs`` label the boxes below and above each copy of the cell (use
    ``"\\n"`` for two-line labels); ``state`` names the arrows that carry the state from one
    step to the next (``h₁``, ``h₂``, ...), and ``initial_state`` the arrow into the first
    step. Its default, ``"h₀ = 0"``, is what Keras's recurrent layers do unless given an
    ``initial_state``: every sequence starts from a state of zeros, so anything the first step
    must know (where the week starts, say) has to come in with the first input. With
    ``rolled=True`` the compact, looped form is drawn on the left, so the learner sees that both
    pictures are the same network. Pass ``ax`` to draw into existing axes;
    without it a new pyplot figure is made, which Jupyter shows at the end of the cell.
    """
    if len(inputs) != len(outputs):
        raise ValueError(f"got {len(inputs)} inputs but {len(outputs)} outputs: give one output per step")
    if not inputs:
        raise ValueError("give at least one step to draw")
    if ax is None:
        figure, ax = plt.subplots(figsize=(1.2 * len(inputs) + (2.6 if rolled else 0.8), 2.6))
    else:
        figure = ax.figure
    first = 0.0
    if rolled:
        _draw_rolled(ax, x=-2.9, cell=cell, state=state)
        ax.text(-1.0, _ROWS["cell"], "=", ha="center", va="center", fontsize=20)
        first = 0.75
    for step, (given, produced) in enumerate(zip(inputs, outputs)):
        x = first + _STEP * step
        _box(ax, x, _ROWS["input"], given, "input")
        _box(ax, x, _ROWS["cell"], cell, "cell", bold=True)
        _box(ax, x, _ROWS["output"], produced, "output")
        _arrow(ax, (x, _ROWS["input"] + _BOX_H / 2), (x, _ROWS["cell"] - _BOX_H / 2))
        _arrow(ax, (x, _ROWS["cell"] + _BOX_H / 2), (x, _ROWS["output"] - _BOX_H / 2))
        start = x - _STEP + _BOX_W / 2 if step else x - _BOX_W / 2 - _FIRST_ARROW
        _arrow(ax, (start, _ROWS["cell"]), (x - _BOX_W / 2, _ROWS["cell"]), colour=STATE_COLOUR)
        label = initial_state if step == 0 else f"{state}{_subscript(step)}"
        ax.text((start + x - _BOX_W / 2) / 2, _ROWS["cell"] + 0.12, label, ha="center", va="bottom",
                fontsize=9, color=STATE_COLOUR)
    left = -3.8 if rolled else first - _BOX_W / 2 - _FIRST_ARROW - 0.15
    ax.set_xlim(left, first + _STEP * (len(inputs) - 1) + _BOX_W / 2 + 0.1)
    ax.set_ylim(_ROWS["input"] - _BOX_H, _ROWS["output"] + _BOX_H)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return figure


def _draw_rolled(ax: Axes, x: float, cell: str, state: str) -> None:
    """The compact form: one cell whose state arrow loops back into itself."""
    _box(ax, x, _ROWS["input"], "input", "input")
    _box(ax, x, _ROWS["cell"], cell, "cell", bold=True)
    _box(ax, x, _ROWS["output"], "output", "output")
    _arrow(ax, (x, _ROWS["input"] + _BOX_H / 2), (x, _ROWS["cell"] - _BOX_H / 2))
    _arrow(ax, (x, _ROWS["cell"] + _BOX_H / 2), (x, _ROWS["output"] - _BOX_H / 2))
    right = x + _BOX_W / 2
    ax.add_patch(FancyArrowPatch((right, _ROWS["cell"] + 0.15), (right, _ROWS["cell"] - 0.15),
                                 connectionstyle="arc,angleA=0,angleB=0,armA=22,armB=22,rad=6",
                                 arrowstyle="-|>", mutation_scale=12, color=STATE_COLOUR, lw=1.4))
    ax.text(right + 0.62, _ROWS["cell"], state, ha="left", va="center", fontsize=9, color=STATE_COLOUR)


def _box(ax: Axes, x: float, y: float, text: str, kind: str, bold: bool = False) -> None:
    ax.add_patch(FancyBboxPatch((x - _BOX_W / 2, y - _BOX_H / 2), _BOX_W, _BOX_H,
                                boxstyle="round,pad=0.02,rounding_size=0.12",
                                facecolor=BOX_COLOURS[kind], edgecolor=WIRE_COLOUR, lw=1.0, gid=kind))
    ax.text(x, y, text, ha="center", va="center", fontsize=9, fontweight="bold" if bold else "normal")


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], colour: str = WIRE_COLOUR) -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=colour, lw=1.2))


def _subscript(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


# The cells of notebook 03: an LSTM and a GRU, gate by gate.

#: What each name in a run of :mod:`course_utils.cells` is.
TITLES = {
    "f": "forget gate f", "i": "input gate i", "g": "candidate g", "o": "output gate o",
    "c": "cell state c", "h": "hidden state h", "z": "update gate z", "r": "reset gate r",
}
_WIDTH, _HEIGHT = 12.0, 7.0
_BUS_Y, _GATE_Y, _MID_Y, _TOP_Y = 1.3, 2.4, 3.9, 5.2
_HALF = 0.62  # half the width of a gate box


def _canvas(ax: Axes | None, title: str) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.4))
    ax.set_xlim(0, _WIDTH)
    ax.set_ylim(0, _HEIGHT)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)
    ax.add_patch(FancyBboxPatch((1.2, 0.8), 9.6, 5.1, boxstyle="round,pad=0.1,rounding_size=0.4",
                                facecolor="#f5f5f5", edgecolor="0.6", zorder=0))
    return ax


def _gate(ax: Axes, x: float, symbol: str, name: str, colour: str) -> None:
    """A gate: a small layer (its weights) and a squashing function, coloured by gate."""
    ax.add_patch(FancyBboxPatch((x - _HALF, _GATE_Y - 0.5), 2 * _HALF, 1.0, boxstyle="round,pad=0.02,rounding_size=0.1",
                                facecolor=colour, edgecolor="none", zorder=3))
    ax.text(x, _GATE_Y + 0.12, symbol, ha="center", va="center", color=text_colour_on(colour), fontsize=12, zorder=4)
    ax.text(x, _GATE_Y - 0.3, name, ha="center", va="center", color=text_colour_on(colour), fontsize=6.5, zorder=4)
    _line(ax, [(x, _BUS_Y), (x, _GATE_Y - 0.5)], arrow=True)


def _op(ax: Axes, x: float, y: float, symbol: str) -> None:
    """A pointwise operation: multiply, add, or one minus."""
    ax.add_patch(Circle((x, y), 0.3, facecolor="white", edgecolor="0.25", zorder=3))
    ax.text(x, y, symbol, ha="center", va="center", fontsize=11 if len(symbol) == 1 else 8, zorder=4)


def _squash(ax: Axes, x: float, y: float) -> None:
    ax.add_patch(Ellipse((x, y), 1.0, 0.55, facecolor="#fff2cc", edgecolor="0.25", zorder=3))
    ax.text(x, y, "tanh", ha="center", va="center", fontsize=8, zorder=4)


def _line(ax: Axes, points: Sequence[tuple[float, float]], arrow: bool = False, **style: object) -> None:
    """A wire through ``points``; with ``arrow`` its last segment ends in an arrowhead."""
    xs, ys = zip(*points)
    options = {"color": "0.25", "lw": 1.4, "zorder": 2, **style}
    if not arrow:
        ax.plot(xs, ys, solid_capstyle="round", **options)
        return
    if len(points) > 2:
        ax.plot(xs[:-1], ys[:-1], solid_capstyle="round", **options)
    ax.annotate("", xy=points[-1], xytext=points[-2],
                arrowprops={"arrowstyle": "-|>", "color": options["color"], "lw": options["lw"],
                            "shrinkA": 0, "shrinkB": 0}, zorder=options["zorder"])


def _label(ax: Axes, x: float, y: float, text: str, **style: object) -> None:
    ax.text(x, y, text, ha="center", va="center", fontsize=12, **style)


def _inputs(ax: Axes, bus_end: float, h_from_top: bool) -> None:
    """The bus that carries yesterday's hidden state and today's input to every gate."""
    if h_from_top:
        _line(ax, [(1.0, _TOP_Y), (1.0, _BUS_Y), (bus_end, _BUS_Y)])
    else:
        _line(ax, [(0.2, _BUS_Y), (bus_end, _BUS_Y)])
        _label(ax, 0.45, _BUS_Y + 0.35, "$h_{t-1}$")
    _line(ax, [(2.0, 0.15), (2.0, _BUS_Y)])
    ax.add_patch(Circle((2.0, _BUS_Y), 0.06, color="0.25", zorder=3))
    _label(ax, 2.45, 0.3, "$x_t$")


def draw_lstm_cell(ax: Axes | None = None) -> Axes:
    """The LSTM cell: the cell state runs along the top, the four gates read ``h_{t-1}`` and ``x_t``.

    Along the top, the old cell state is scaled by the forget gate and gets the input gate's
    share of the candidate added; the output gate picks what of ``tanh(c_t)`` becomes ``h_t``.
    """
    ax = _canvas(ax, "An LSTM cell")
    f_x, i_x, g_x, o_x, tanh_x, out_x = 2.9, 4.4, 5.9, 7.4, 8.8, 10.2
    _line(ax, [(0.2, _TOP_Y), (_WIDTH - 0.2, _TOP_Y)], arrow=True, lw=2.4, color="black")
    _label(ax, 0.45, _TOP_Y + 0.4, "$c_{t-1}$")
    _label(ax, _WIDTH - 0.45, _TOP_Y + 0.4, "$c_t$")
    _inputs(ax, o_x, h_from_top=False)
    _gate(ax, f_x, "σ", "forget f", GATE_COLOURS["f"])
    _gate(ax, i_x, "σ", "input i", GATE_COLOURS["i"])
    _gate(ax, g_x, "tanh", "candidate g", GATE_COLOURS["g"])
    _gate(ax, o_x, "σ", "output o", GATE_COLOURS["o"])
    _line(ax, [(f_x, _GATE_Y + 0.5), (f_x, _TOP_Y - 0.3)], arrow=True)
    _op(ax, f_x, _TOP_Y, "×")
    _line(ax, [(i_x, _GATE_Y + 0.5), (i_x, _MID_Y), (g_x - 0.3, _MID_Y)], arrow=True)
    _line(ax, [(g_x, _GATE_Y + 0.5), (g_x, _MID_Y - 0.3)], arrow=True)
    _op(ax, g_x, _MID_Y, "×")
    _line(ax, [(g_x, _MID_Y + 0.3), (g_x, _TOP_Y - 0.3)], arrow=True)
    _op(ax, g_x, _TOP_Y, "+")
    _line(ax, [(tanh_x, _TOP_Y), (tanh_x, _MID_Y + 0.3)], arrow=True)
    _squash(ax, tanh_x, _MID_Y + 0.05)
    _line(ax, [(tanh_x, _MID_Y - 0.25), (tanh_x, _GATE_Y + 0.3)], arrow=True)
    _line(ax, [(o_x + _HALF, _GATE_Y), (tanh_x - 0.3, _GATE_Y)], arrow=True)
    _op(ax, tanh_x, _GATE_Y, "×")
    _line(ax, [(tanh_x + 0.3, _GATE_Y), (_WIDTH - 0.2, _GATE_Y)], arrow=True)
    _line(ax, [(out_x, _GATE_Y), (out_x, _HEIGHT - 0.4)], arrow=True)
    _label(ax, _WIDTH - 0.45, _GATE_Y + 0.4, "$h_t$")
    _label(ax, out_x + 0.45, _HEIGHT - 0.45, "$h_t$")
    return ax


def draw_gru_cell(ax: Axes | None = None) -> Axes:
    """The GRU cell: one state ``h`` along the top, an update gate that mixes old and new, a reset gate.

    ``h_t = z * h_{t-1} + (1 - z) * g``; the reset gate ``r`` scales how much of ``h_{t-1}``
    the candidate ``g`` sees (Keras's default ``reset_after=True`` form).
    """
    ax = _canvas(ax, "A GRU cell")
    z_x, r_x, g_x, out_x = 3.0, 4.6, 7.0, 9.6
    _line(ax, [(0.2, _TOP_Y), (_WIDTH - 0.2, _TOP_Y)], arrow=True, lw=2.4, color="black")
    _label(ax, 0.45, _TOP_Y + 0.4, "$h_{t-1}$")
    _label(ax, _WIDTH - 0.45, _TOP_Y + 0.4, "$h_t$")
    _inputs(ax, g_x, h_from_top=True)
    _gate(ax, z_x, "σ", "update z", GATE_COLOURS["z"])
    _gate(ax, r_x, "σ", "reset r", GATE_COLOURS["r"])
    _gate(ax, g_x, "tanh", "candidate g", GATE_COLOURS["g"])
    # r does not enter the state line: inside the candidate it scales what h_{t-1} contributes.
    _line(ax, [(r_x + _HALF, _GATE_Y), (g_x - _HALF, _GATE_Y)], arrow=True, ls="--")
    _line(ax, [(z_x, _GATE_Y + 0.5), (z_x, _TOP_Y - 0.3)], arrow=True)
    _op(ax, z_x, _TOP_Y, "×")
    _line(ax, [(z_x, _MID_Y), (5.8 - 0.3, _MID_Y)], arrow=True)
    ax.add_patch(Circle((z_x, _MID_Y), 0.06, color="0.25", zorder=3))
    _op(ax, 5.8, _MID_Y, "1−")
    _line(ax, [(5.8 + 0.3, _MID_Y), (g_x - 0.3, _MID_Y)], arrow=True)
    _line(ax, [(g_x, _GATE_Y + 0.5), (g_x, _MID_Y - 0.3)], arrow=True)
    _op(ax, g_x, _MID_Y, "×")
    _line(ax, [(g_x, _MID_Y + 0.3), (g_x, _TOP_Y - 0.3)], arrow=True)
    _op(ax, g_x, _TOP_Y, "+")
    _line(ax, [(out_x, _TOP_Y), (out_x, _HEIGHT - 0.4)], arrow=True)
    _label(ax, out_x + 0.45, _HEIGHT - 0.45, "$h_t$")
    return ax


def draw_cells_side_by_side() -> Figure:
    """The LSTM and the GRU cell next to each other, for comparing their gates."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 4.0), layout="constrained")
    draw_lstm_cell(left)
    draw_gru_cell(right)
    return figure


def gate_heatmaps(run: dict[str, np.ndarray], days: Sequence[str],
                  names: Sequence[str] = ("f", "i", "g", "o", "c", "h"),
                  sequence: int = 0, title: str | None = None) -> Figure:
    """Heatmaps of a run (from ``cells.lstm_sequence`` or ``cells.gru_sequence``): one panel per name.

    Rows are units, columns are ``days`` (labelled with each day's input; rest days in bold).
    Gates use a 0-to-1 scale; the candidate and the states a scale centred on 0.
    """
    missing = [name for name in names if name not in run]
    if missing:
        raise KeyError(f"the run has no {missing}; it has {sorted(run)}")
    steps = run[names[0]].shape[1]
    if len(days) != steps:
        raise ValueError(f"{len(days)} day labels for a run of {steps} steps")
    figure, axes = plt.subplots(len(names), 1, figsize=(0.55 * steps + 2.5, 1.3 * len(names) + 1.0),
                                sharex=True, squeeze=False)
    # Fixed spacing: an automatic layout engine makes this figure several times slower to draw.
    figure.subplots_adjust(left=0.08, right=0.98, top=1 - 0.45 / figure.get_figheight(),
                           bottom=0.9 / figure.get_figheight(), hspace=0.5)
    for ax, name in zip(axes[:, 0], names):
        values = run[name][sequence].T  # (units, steps)
        if name in ("f", "i", "o", "z", "r"):
            image = ax.imshow(values, cmap="viridis", vmin=0, vmax=1, aspect="auto")
        else:
            limit = max(1.0, float(np.abs(values).max()))
            image = ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
        ax.set_yticks(range(values.shape[0]))
        ax.set_ylabel("unit", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.set_title(TITLES.get(name, name), fontsize=10, loc="left")
        figure.colorbar(image, ax=ax, pad=0.01, fraction=0.03)
    bottom = axes[-1, 0]
    bottom.set_xticks(range(steps))
    bottom.set_xticklabels(days, rotation=60, ha="right")
    for label, day in zip(bottom.get_xticklabels(), days):
        if day == "rest":
            label.set_fontweight("bold")
    if title:
        figure.suptitle(title)
    return figure
