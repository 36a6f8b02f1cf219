"""The course's colours, defined once, chosen so that colour-blind learners can tell them apart.

- Gates (:data:`GATE_COLOURS`) use Okabe & Ito's eight-colour set ("Color Universal Design", 2008),
  picked to stay distinct under protanopia, deuteranopia and tritanopia.
- The five sentiment classes (:data:`CLASS_COLOURS`) use ColorBrewer's five-class RdBu scheme, a
  diverging scale rated colour-blind safe: dark red (0 negative) to light grey (2 neutral) to dark blue
  (4 positive), so lightness says how strong a sentiment is and hue says which side it is on.

``tests/test_palettes.py`` simulates the three colour-vision deficiencies and checks the distances.
"""
from __future__ import annotations

#: Okabe & Ito's colour-blind-safe set (black omitted: it is the diagrams' ink).
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7",
}

#: One colour per gate, shared by the cell diagrams, the gate explorer and the heatmaps' titles.
#: The GRU's update gate z plays the forget gate's part and its reset gate r the output gate's,
#: so they share those colours.
GATE_COLOURS: dict[str, str] = {
    "f": OKABE_ITO["vermillion"], "i": OKABE_ITO["sky blue"], "g": OKABE_ITO["reddish purple"],
    "o": OKABE_ITO["blue"], "z": OKABE_ITO["vermillion"], "r": OKABE_ITO["blue"],
}
#: The gates drawn side by side in one picture, which must be told apart.
GATE_GROUPS: tuple[tuple[str, ...], ...] = (("f", "i", "g", "o"), ("z", "r", "g"))

#: The state that runs from step to step (the unrolled network's arrows, the explorer's ``h``):
#: a dark orange, dark enough for its labels to read on white (contrast above 4.5:1).
STATE_COLOUR = "#A35200"
#: The cell state ``c`` in the explorer's plot: the diagrams' ink.
INK = "#000000"
#: Wires and box outlines of the diagrams.
WIRE_COLOUR = "#555555"

#: Fill colours of the unrolled network's boxes: light tints (black text reads on each).
BOX_COLOURS: dict[str, str] = {"input": "#D4E9F7", "cell": "#FBE0B5", "output": "#E2E2E2"}

#: ColorBrewer RdBu, five classes: 0 negative ... 4 positive.
CLASS_COLOURS: tuple[str, ...] = ("#CA0020", "#F4A582", "#F7F7F7", "#92C5DE", "#0571B0")


def hex_to_rgb(colour: str) -> tuple[float, float, float]:
    """``"#RRGGBB"`` as sRGB floats in 0..1."""
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"expected a colour as #RRGGBB, got {colour!r}")
    return tuple(int(text[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of an sRGB colour (0 black, 1 white)."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in hex_to_rgb(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    return "#000000" if contrast_ratio(background, "#000000") >= contrast_ratio(background, "#FFFFFF") else "#FFFFFF"


def mix(colour: str, amount: float, base: str = "#FFFFFF") -> str:
    """``colour`` laid over ``base`` at opacity ``amount`` (0..1), as an opaque ``#RRGGBB``.

    Used instead of CSS opacity, which would fade the text in the cell too.
    """
    amount = min(max(amount, 0.0), 1.0)
    mixed = [a * amount + b * (1 - amount) for a, b in zip(hex_to_rgb(colour), hex_to_rgb(base))]
    return "#" + "".join(f"{round(c * 255):02X}" for c in mixed)
