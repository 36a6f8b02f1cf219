"""How a check's result reaches the learner: the outcome, and the coloured box a notebook shows."""
from __future__ import annotations

import enum
import html
import re
from dataclasses import dataclass
from typing import Any

from course_utils.palettes import OKABE_ITO


class ExerciseDefinitionError(ValueError):
    """The exercise itself is wrong (bad solution, bad options): a bug for the author, not the learner."""


class Outcome(enum.Enum):
    """What a check concluded."""

    CORRECT = "Correct"
    NOT_ATTEMPTED = "Not yet attempted"
    INCORRECT = "Incorrect"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check and the message the learner saw."""

    outcome: Outcome
    message: str

    @property
    def correct(self) -> bool:
        return self.outcome is Outcome.CORRECT

    def _ipython_display_(self) -> None:
        """Show nothing: ``check()`` already displayed the message (this avoids a duplicate ``Out[]``)."""


def _result(outcome: Outcome, text: str) -> CheckResult:
    """A result whose message starts with the outcome, so the message alone tells the whole story."""
    return CheckResult(outcome, f"{outcome.value} — {text}")


class _Shown(str):
    """Text returned by ``hint()``/``solution()``; already displayed, so a notebook does not echo it again."""

    def _ipython_display_(self) -> None:
        pass


# --------------------------------------------------------------------------- display

# Border colours: Okabe & Ito's, told apart with any colour vision and above 3:1 against both the
# light and the dark theme's page (tests/test_palettes.py).
_COLOURS = {
    Outcome.CORRECT: OKABE_ITO["blue"],  # blue and vermillion: the colour-blind-safe pair for right and wrong
    Outcome.NOT_ATTEMPTED: OKABE_ITO["reddish purple"],
    Outcome.INCORRECT: OKABE_ITO["vermillion"],
}
_HINT_COLOUR = OKABE_ITO["bluish green"]
_SOLUTION_COLOUR = "#808080"
_SYMBOLS = {Outcome.CORRECT: "✓", Outcome.NOT_ATTEMPTED: "…", Outcome.INCORRECT: "✗"}


def _ipython_shell() -> Any | None:
    """The running IPython shell, or None in plain Python (or when IPython is not installed)."""
    try:
        import IPython
    except ImportError:
        return None
    return IPython.get_ipython()


def _show(html_text: str, plain_text: str) -> None:
    """Display rich HTML in Jupyter, plain text anywhere else."""
    if _ipython_shell() is None:
        print(plain_text)
        return
    import IPython.display

    IPython.display.display({"text/html": html_text, "text/plain": plain_text}, raw=True)


def _to_html(text: str) -> str:
    """Escape a message and render its `backticked` names as code."""
    escaped = html.escape(text, quote=False)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped).replace("\n", "<br>")


def _box(colour: str, heading: str, body_html: str) -> str:
    """The box a message is shown in: ``colour`` marks only its left border.

    The text keeps the page's own colour, so it reads in JupyterLab's light and dark themes alike
    (a fixed dark heading vanished on the dark theme); the outcome is also in the words.
    """
    return (
        f'<div class="course-exercise-box" style="border-left: 4px solid {colour}; padding: 6px 12px; margin: 6px 0">'
        f'<strong>{html.escape(heading)}</strong><br>{body_html}</div>'
    )
