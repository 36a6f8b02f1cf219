"""The course's widgets, driven in JupyterLab with the mouse and keyboard as a learner does.

Each widget is found in the notebook that shows it (the one whose code imports its module),
after that notebook ran with Run > Run All Cells. The test changes a control in the page, checks
that the widget's output changes, changes the control back and checks that the output is back
to what it was: a widget whose controls are not wired to its output, or whose output depends on
anything but its controls, fails. Screenshots: ``build/screenshots/widget-<name>-<step>.png``.

The CSS classes are the ones each widget module lists in its docstring.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from lab_driver import NOTEBOOKS, SCREENSHOTS, code_of, course_notebooks, panel

pytestmark = pytest.mark.browser

# Seconds a widget gets to redraw its output after a change (a prediction or a plot).
REACT_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class Widget:
    name: str  # course_utils/widgets/<name>.py
    title: str
    controls: str  # CSS selector of the controls the test drives
    output: str  # CSS selector of the area that shows the result

    @property
    def module(self) -> str:
        return f"course_utils.widgets.{self.name}"

    def notebook(self) -> str | None:
        """The first notebook whose code uses the widget's module."""
        uses = re.compile(
            rf"\b{re.escape(self.module)}\b|from\s+course_utils\.widgets\s+import\s+[^\n]*\b{self.name}\b"
        )
        return next((p.name for p in course_notebooks() if uses.search(code_of(p))), None)


WIDGETS = [
    Widget("planner", "week planner", ".course-planner-day", ".course-planner-output"),
    Widget("gates", "gate explorer", '[class*="course-gates-slider-"]', ".course-gates-output"),
    Widget("playground", "sentiment playground", ".course-playground-text", ".course-playground-output"),
]


def widget_param(widget: Widget) -> object:
    notebook = widget.notebook()
    marks = [pytest.mark.uses_notebook(notebook)] if notebook else []
    return pytest.param(widget, notebook, marks=marks, id=widget.name)


# What the output shows: its text and the images in it (a redrawn plot has a new data URL).
LOOK = """el => el.innerText + '\\n' + [...el.querySelectorAll('img')].map(i => i.src.slice(-200)).join('|')
    + [...el.querySelectorAll('svg')].map(s => s.innerHTML.length).join('|')"""


class WidgetOnPage:
    """One widget in a run notebook's page: its controls, its output, and how it reacts."""

    def __init__(self, run, widget: Widget) -> None:
        self.page = run.page
        self.widget = widget
        self.controls = panel(run.page).locator(widget.controls)
        self.output = panel(run.page).locator(widget.output)
        self.step = 0

    def check_rendered(self) -> None:
        name = f"the {self.widget.title}"
        assert self.controls.count() > 0, f"{name} shows no control matching {self.widget.controls!r}"
        assert self.output.count() == 1, f"{name} shows {self.output.count()} outputs matching {self.widget.output!r}, not 1"
        self.controls.first.scroll_into_view_if_needed()
        assert self.controls.first.is_visible() and self.output.is_visible(), f"{name} is not visible"

    def look(self) -> str:
        return self.output.evaluate(LOOK)

    def settled(self, changed_from: str | None = None, back_to: str | None = None) -> str:
        """Wait until the output has changed (or is back to a look), then until it stops changing."""
        handle = self.output.element_handle()
        if changed_from is not None:
            self.page.wait_for_function(f"([el, old]) => ({LOOK})(el) !== old", arg=[handle, changed_from], timeout=REACT_TIMEOUT_MS)
        if back_to is not None:
            self.page.wait_for_function(f"([el, old]) => ({LOOK})(el) === old", arg=[handle, back_to], timeout=REACT_TIMEOUT_MS)
        now = self.look()
        for _ in range(40):  # every key press or keystroke may queue one more redraw
            self.page.wait_for_timeout(250)
            later = self.look()
            if later == now:
                return now
            now = later
        return now

    def screenshot(self, step: str) -> None:
        self.step += 1
        area = self.controls.first.locator(
            "xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' jp-OutputArea-output ')][last()]"
        )
        area.scroll_into_view_if_needed()
        step = re.sub(r"[^\w.-]+", "_", step)
        area.screenshot(path=str(SCREENSHOTS / f"widget-{self.widget.name}-{self.step}-{step}.png"))

    def expect_change(self, before: str, action: str) -> str:
        try:
            return self.settled(changed_from=before)
        except Exception:  # the Playwright timeout, said in the learner's terms
            raise AssertionError(
                f"the {self.widget.title}'s output ({self.widget.output}) did not change after {action}; "
                f"it still shows:\n{before.strip()[:500]}"
            ) from None

    def expect_back(self, before: str, after: str, action: str) -> None:
        try:
            self.settled(back_to=before)
        except Exception:
            raise AssertionError(
                f"after {action} the {self.widget.title} should show what it showed at first:\n{before.strip()[:500]}\n"
                f"but it shows:\n{self.look().strip()[:500]}"
            ) from None


def readout(slider) -> str:
    return slider.locator(".widget-readout").inner_text().strip()


def drive_planner(shown: WidgetOnPage) -> None:
    """Tick a day, then untick it: the plan changes, then comes back."""
    boxes = shown.controls.locator("input[type=checkbox]")
    assert boxes.count() > 0, "the week planner shows no day checkboxes"
    box = boxes.first
    label = re.sub(r"[\u200b\s]+", " ", shown.controls.first.inner_text()).strip() or "the first day"
    was_ticked = box.is_checked()
    before = shown.settled()
    box.click()
    assert box.is_checked() != was_ticked, f"clicking the checkbox of {label} did not toggle it"
    action = f"{'unticking' if was_ticked else 'ticking'} {label}"
    after = shown.expect_change(before, action)
    shown.screenshot(f"{'untick' if was_ticked else 'tick'}-{label.lower()}")
    box.click()
    shown.expect_back(before, after, f"{action} and back")


def drive_gates(shown: WidgetOnPage) -> None:
    """Move every gate slider with the keyboard, then back: each move changes the output."""
    sliders = shown.controls
    assert sliders.count() > 0
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        gate = next((c.removeprefix("course-gates-slider-") for c in (slider.get_attribute("class") or "").split() if c.startswith("course-gates-slider-")), str(i))
        handle = slider.locator(".noUi-handle").first
        start_value = readout(slider)
        before = shown.settled()
        handle.focus()
        key, back = "ArrowRight", "ArrowLeft"
        for _ in range(10):
            handle.press(key)
        if readout(slider) == start_value:  # already at its maximum: move it down instead
            key, back = "ArrowLeft", "ArrowRight"
            for _ in range(10):
                handle.press(key)
        moved_to = readout(slider)
        assert moved_to != start_value, f"the {gate} slider did not move with the arrow keys (still {start_value})"
        action = f"moving the {gate} slider from {start_value} to {moved_to}"
        after = shown.expect_change(before, action)
        shown.screenshot(f"{gate}-{moved_to}")
        for _ in range(10):
            handle.press(back)
        assert readout(slider) == start_value, f"the {gate} slider did not come back to {start_value}"
        shown.expect_back(before, after, f"{action} and back")


# Text typed into the playground: made up for this test, not from the data.
REVIEW = "a warm, funny and wonderfully acted film"


def drive_playground(shown: WidgetOnPage) -> None:
    """Type a review: the prediction changes; restore the first text: the first prediction is back."""
    box = shown.controls.locator("input, textarea").first
    assert box.count() == 1, "the sentiment playground shows no text box"
    original = box.input_value()
    before = shown.settled()
    text = REVIEW if original.strip() != REVIEW else "a dull and tiresome film"
    box.fill(text)
    box.blur()  # a text box that updates only on change (continuous_update=False) updates on blur
    after = shown.expect_change(before, f"typing {text!r}")
    shown.screenshot("typed")
    box.fill(original)
    box.blur()
    shown.expect_back(before, after, f"typing {text!r} and then the first text {original!r} again")


DRIVERS = {"planner": drive_planner, "gates": drive_gates, "playground": drive_playground}


@pytest.mark.parametrize(("widget", "notebook"), [widget_param(w) for w in WIDGETS])
def test_widget_responds_in_jupyterlab(widget: Widget, notebook: str | None, run_notebook) -> None:
    assert notebook, (
        f"no notebook in {NOTEBOOKS} shows the {widget.title}: none imports {widget.module}, "
        "so a learner never sees it"
    )
    run = run_notebook()
    assert not run.saved_errors(), f"{notebook} failed before the {widget.title} could be tried: {run.saved_errors()}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shown = WidgetOnPage(run, widget)
    shown.check_rendered()
    shown.settled()
    shown.screenshot("start")
    DRIVERS[widget.name](shown)
    shown.screenshot("end")
