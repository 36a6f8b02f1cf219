"""Diagrams of a recurrent network, drawn with matplotlib from the story's own days.

A picture of the *unrolled* network is the quickest way to see what "recurrent" means: the
same cell, with the same weights, applied once a day, handing its state to the next day.
Drawing it from code (rather than showing a copied image) lets a notebook label it with
the very inputs and outputs it is talking about.
"""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

#: Fill colours of the three kinds of box: what goes in, the cell, what comes out.
COLOURS = {"input": "#dbe9f6", "cell": "#fde3c8", "output": "#d9f0d3"}
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
        _arrow(ax, (start, _ROWS["cell"]), (x - _BOX_W / 2, _ROWS["cell"]), colour="#b35900")
        label = initial_state if step == 0 else f"{state}{_subscript(step)}"
        ax.text((start + x - _BOX_W / 2) / 2, _ROWS["cell"] + 0.12, label, ha="center", va="bottom",
                fontsize=9, color="#b35900")
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
                                 arrowstyle="-|>", mutation_scale=12, color="#b35900", lw=1.4))
    ax.text(right + 0.62, _ROWS["cell"], state, ha="left", va="center", fontsize=9, color="#b35900")


def _box(ax: Axes, x: float, y: float, text: str, kind: str, bold: bool = False) -> None:
    ax.add_patch(FancyBboxPatch((x - _BOX_W / 2, y - _BOX_H / 2), _BOX_W, _BOX_H,
                                boxstyle="round,pad=0.02,rounding_size=0.12",
                                facecolor=COLOURS[kind], edgecolor="#555555", lw=1.0, gid=kind))
    ax.text(x, y, text, ha="center", va="center", fontsize=9, fontweight="bold" if bold else "normal")


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], colour: str = "#555555") -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=colour, lw=1.2))


def _subscript(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
