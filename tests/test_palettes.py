"""The course's colours stay apart for colour-blind learners, and its text reads on its backgrounds.

Colour-vision deficiencies are simulated with the matrices of Machado, Oliveira & Fernandes (2009),
severity 1.0 (the complete dichromacies), applied to linear RGB; distances are CIE76 ΔE in CIELAB.
ΔE 2.3 is a just-noticeable difference for patches side by side; colours that name different things
in a small line or swatch must differ at a glance, so the gates must stay above ``GATE_MIN_DELTA_E``
and neighbouring classes of the sentiment scale above ``CLASS_MIN_DELTA_E``.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from course_utils.exercises.display import _COLOURS, _HINT_COLOUR, _SOLUTION_COLOUR
from course_utils.palettes import (
    BOX_COLOURS,
    CLASS_COLOURS,
    GATE_COLOURS,
    GATE_GROUPS,
    STATE_COLOUR,
    contrast_ratio,
    hex_to_rgb,
    mix,
    text_colour_on,
)

MACHADO = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
GATE_MIN_DELTA_E = 20.0
CLASS_MIN_DELTA_E = 15.0
# The page behind an output in JupyterLab's light and dark themes (--jp-layout-color0).
PAGES = {"light": "#FFFFFF", "dark": "#111111"}


def to_lab(colour: str, vision: str) -> np.ndarray:
    """CIELAB (D65) of ``colour`` as seen with ``vision``."""
    srgb = np.array(hex_to_rgb(colour))
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    linear = np.clip(MACHADO[vision] @ linear, 0, 1)
    xyz = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                    [0.0193339, 0.1191920, 0.9503041]]) @ linear
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(first: str, second: str, vision: str) -> float:
    return float(np.linalg.norm(to_lab(first, vision) - to_lab(second, vision)))


def closest_pair(colours: dict[str, str], minimum: float) -> list[str]:
    """The pairs closer than ``minimum`` under any vision, described."""
    return [f"{a} {colours[a]} and {b} {colours[b]} under {vision}: ΔE {delta_e(colours[a], colours[b], vision):.1f}"
            for vision in MACHADO for a, b in itertools.combinations(colours, 2)
            if delta_e(colours[a], colours[b], vision) < minimum]


def test_the_simulation_matches_known_values():
    """Pure red seen by a protanope is a dark olive; white stays white; ΔE of black to white is 100."""
    assert delta_e("#000000", "#FFFFFF", "normal") == pytest.approx(100, abs=0.01)
    for vision in MACHADO:
        assert to_lab("#FFFFFF", vision)[0] == pytest.approx(100, abs=0.5)
    assert to_lab("#FF0000", "protanopia")[0] < to_lab("#FF0000", "normal")[0] - 10
    assert delta_e("#D62728", "#2CA02C", "deuteranopia") < GATE_MIN_DELTA_E  # the old red and green gates


@pytest.mark.parametrize("group", GATE_GROUPS, ids="".join)
def test_gates_drawn_together_stay_apart_with_any_colour_vision(group):
    close = closest_pair({gate: GATE_COLOURS[gate] for gate in group}, GATE_MIN_DELTA_E)
    assert not close, "gates too alike: " + "; ".join(close)


def test_the_old_gate_colours_would_fail():
    """The test can fail: the tab10 colours used before merge red and green for deuteranopes."""
    old = {"f": "#d62728", "i": "#2ca02c", "g": "#9467bd", "o": "#1f77b4"}
    assert closest_pair(old, GATE_MIN_DELTA_E)


def test_exercise_borders_stay_apart_and_show_on_both_themes():
    borders = {outcome.value: colour for outcome, colour in _COLOURS.items()}
    close = closest_pair(borders, GATE_MIN_DELTA_E)
    assert not close, "outcome colours too alike: " + "; ".join(close)
    for name, colour in {**borders, "hint": _HINT_COLOUR, "solution": _SOLUTION_COLOUR}.items():
        for theme, page in PAGES.items():
            assert contrast_ratio(colour, page) >= 3, f"the {name} border {colour} is faint on the {theme} theme"


def test_neighbouring_classes_stay_apart_with_any_colour_vision():
    for vision in MACHADO:
        for label in range(len(CLASS_COLOURS) - 1):
            gap = delta_e(CLASS_COLOURS[label], CLASS_COLOURS[label + 1], vision)
            assert gap >= CLASS_MIN_DELTA_E, f"classes {label} and {label + 1} under {vision}: ΔE {gap:.1f}"


def test_the_class_scale_diverges_from_a_light_neutral():
    """Lightness rises from 0 to the neutral 2 and falls to 4 with any vision, so how light a colour is
    says how strong the sentiment is, whatever hues a learner sees; with normal vision both sides are
    equally light (a protanope sees the red side darker, as with any red)."""
    normal = [to_lab(colour, "normal")[0] for colour in CLASS_COLOURS]
    assert abs(normal[0] - normal[4]) < 10 and abs(normal[1] - normal[3]) < 10, f"lopsided lightness {normal}"
    for vision in MACHADO:
        light = [to_lab(colour, vision)[0] for colour in CLASS_COLOURS]
        assert light[0] < light[1] < light[2] > light[3] > light[4], f"{vision}: lightness {light}"
        # the two sides are told apart by hue: the extremes far apart although equally light
        assert delta_e(CLASS_COLOURS[0], CLASS_COLOURS[4], vision) >= GATE_MIN_DELTA_E


def test_the_old_class_colours_would_fail():
    """The red-to-green scale used before: its ends look alike to a deuteranope."""
    old = ("#b2182b", "#ef8a62", "#9e9e9e", "#67a9cf", "#1a9850")
    light = [to_lab(c, "deuteranopia")[0] for c in old]
    assert not (light[0] < light[1] < light[2] > light[3] > light[4])


def test_contrast_ratio_matches_wcag():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # WCAG's classic example
    assert contrast_ratio("#FFFFFF", "#777777") == contrast_ratio("#777777", "#FFFFFF")


def test_text_on_every_fill_reads():
    """Text the course draws on its own fills: gate labels, box labels, playground cells, state labels."""
    for gate, colour in GATE_COLOURS.items():
        assert contrast_ratio(colour, text_colour_on(colour)) >= 4.5, gate
    for kind, colour in BOX_COLOURS.items():
        assert contrast_ratio(colour, "#000000") >= 4.5, kind
    for colour in CLASS_COLOURS:
        for probability in np.linspace(0, 1, 21):
            tint = mix(colour, 0.15 + 0.85 * probability)
            assert contrast_ratio(tint, text_colour_on(tint)) >= 4.5, (colour, probability)
    assert contrast_ratio(STATE_COLOUR, "#FFFFFF") >= 4.5


def test_mix_and_hex_reject_and_blend():
    assert mix("#000000", 0.5) == "#808080"
    assert mix("#CA0020", 1.0) == "#CA0020" and mix("#CA0020", 0.0) == "#FFFFFF"
    with pytest.raises(ValueError, match="#RRGGBB"):
        hex_to_rgb("red")
