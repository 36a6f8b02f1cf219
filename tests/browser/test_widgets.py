"""The course's widgets, driven in JupyterLab with the mouse and keyboard as a learner does.

Each widget is found in the notebook that shows it (the one whose code imports its module) after
that notebook ran with Run > Run All Cells; a widget no notebook shows fails. Every change made
in the page must change the widget's output, and undoing it must bring the first output back, so
a control not wired to its output fails. What the output says is checked too:

- week planner: tick a hockey day, change the Sunday before; the table must show the games, the
  rule's week as ``course_utils.routine.hockey_routine`` computes it, and the model's misses;
- gate explorer: raise the forget gate's bias with the arrow keys; the forget gate must open and
  the other gates stay; move the input x, press Reset; the first values come back;
- sentiment playground: type a sentence; the answer must show its words and one of the five labels.

The CSS classes are the ones each widget module lists in its docstring.
Each test runs in JupyterLab's light and dark themes; every screenshot also checks that each piece of
the widget's text has a WCAG contrast of at least 4.5:1 against what is behind it.
Screenshots: ``build/screenshots/widget-<name>-<light|dark>-<n>-<step>.png``.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from lab_driver import NOTEBOOKS, SCREENSHOTS, THEMES, code_of, course_notebooks, illegible_text, panel, set_theme

from course_utils.labels import LABELS
from course_utils.routine import ACTIVITIES, hockey_routine

pytestmark = pytest.mark.browser

# Seconds a widget gets to redraw its output after a change (a prediction or a plot).
REACT_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class Widget:
    name: str  # course_utils/widgets/<name>.py
    title: str
    lesson: str  # the number of the notebook meant to show it
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
    Widget("planner", "week planner", "01", ".course-planner-day", ".course-planner-output"),
    Widget("gates", "gate explorer", "03", '[class*="course-gates-slider-"]', ".course-gates-output"),
    Widget("playground", "sentiment playground", "06", ".course-playground-text", ".course-playground-output"),
]


def widget_param(widget: Widget) -> object:
    notebook = widget.notebook()
    marks = [pytest.mark.uses_notebook(notebook)] if notebook else []
    if not list(NOTEBOOKS.glob(f"{widget.lesson}_*.ipynb")):
        # The lesson itself is missing (not yet written); once it exists, it must show the widget.
        marks.append(pytest.mark.skip(
            reason=f"notebook {widget.lesson}, which shows the {widget.title}, is not in the course yet"))
    return pytest.param(widget, notebook, marks=marks, id=widget.name)


# What the output shows: its text, and a fingerprint of the pixels of each image in it (an
# ipywidgets Image gets a new blob URL on every update, so URLs say nothing). The output may
# itself be an <img>.
LOOK = """el => {
    const imgs = el.matches('img') ? [el] : [...el.querySelectorAll('img')];
    const pixels = img => {
        if (!img.complete || !img.naturalWidth) return 'image not loaded yet';
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        const context = canvas.getContext('2d');
        context.drawImage(img, 0, 0);
        const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
        let hash = 2166136261;
        for (let i = 0; i < data.length; i++) { hash ^= data[i]; hash = Math.imul(hash, 16777619); }
        return `image ${canvas.width}x${canvas.height} #${(hash >>> 0).toString(16)}`;
    };
    return [el.innerText.trim(), ...imgs.map(pixels)].join('\\n');
}"""


class WidgetOnPage:
    """One widget in a run notebook's page: its controls, its output, and how it reacts."""

    def __init__(self, run, widget: Widget, theme: str) -> None:
        self.page = run.page
        self.widget = widget
        self.theme = theme
        self.controls = panel(run.page).locator(widget.controls)
        self.output = panel(run.page).locator(widget.output)
        self.step = 0

    def check_rendered(self) -> None:
        name = f"the {self.widget.title}"
        assert self.controls.count() > 0, f"{name} shows no control matching {self.widget.controls!r}"
        assert self.output.count() == 1, (
            f"{name} shows {self.output.count()} outputs matching {self.widget.output!r}, not 1")
        self.controls.first.scroll_into_view_if_needed()
        assert self.controls.first.is_visible() and self.output.is_visible(), f"{name} is not visible"

    def look(self) -> str:
        return self.output.evaluate(LOOK)

    def settled(self, until: Callable[[str], bool] = lambda look: True, timeout_ms: int = REACT_TIMEOUT_MS) -> str:
        """The output once ``until(look)`` holds and the look stayed the same for half a second.

        Every key press or keystroke may queue one more redraw, so a single change is not the end.
        Raises TimeoutError when that does not happen in time.
        """
        deadline = time.monotonic() + timeout_ms / 1000
        previous, steady_since = None, time.monotonic()
        while True:
            now = self.look()
            if now != previous:
                previous, steady_since = now, time.monotonic()
            elif until(now) and "image not loaded yet" not in now and time.monotonic() - steady_since >= 0.5:
                return now
            if time.monotonic() > deadline:
                raise TimeoutError(now)
            self.page.wait_for_timeout(150)

    def screenshot(self, step: str) -> None:
        self.step += 1
        area = self.controls.first.locator(
            "xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' jp-OutputArea-output ')][last()]"
        )
        area.scroll_into_view_if_needed()
        step = re.sub(r"[^\w.-]+", "_", step)
        theme = "dark" if "Dark" in self.theme else "light"
        area.screenshot(path=str(SCREENSHOTS / f"widget-{self.widget.name}-{theme}-{self.step}-{step}.png"))
        checked, bad = illegible_text(area)
        assert checked, f"the {self.widget.title} shows no text to check in {self.theme}"
        assert not bad, f"in {self.theme}, text of the {self.widget.title} is hard to read:\n" + "\n".join(bad[:10])

    def expect_change(self, before: str, action: str) -> str:
        try:
            return self.settled(lambda look: look != before)
        except TimeoutError:
            raise AssertionError(
                f"the {self.widget.title}'s output ({self.widget.output}) did not change after {action}; "
                f"it still shows:\n{before[:500]}"
            ) from None

    def expect_back(self, before: str, action: str) -> None:
        try:
            self.settled(lambda look: look == before)
        except TimeoutError as shown:
            raise AssertionError(
                f"after {action} the {self.widget.title} should show what it showed at first:\n{before[:500]}\n"
                f"but it shows:\n{str(shown)[:500]}"
            ) from None


def readout(slider) -> str:
    return slider.locator(".widget-readout").inner_text().strip()


# The planner's table as {row header: [cell text, ...]} plus which model cells are marked as misses.
PLAN_TABLE = """el => {
    const rows = {};
    for (const tr of el.querySelectorAll('table tr')) {
        const head = tr.querySelector('th');
        rows[head ? head.innerText.trim() : ''] = [...tr.querySelectorAll('td')].map(td => td.innerText.trim());
    }
    const model = [...el.querySelectorAll('table tr')]
        .find(tr => /model/.test(tr.querySelector('th')?.innerText || ''));
    const misses = model
        ? [...model.querySelectorAll('td')].map(td => td.classList.contains('course-planner-miss'))
        : [];
    const summary = el.querySelector('.course-planner-summary');
    return {rows, misses, summary: summary ? summary.innerText.trim() : null};
}"""


def workout_in(text: str) -> str | None:
    return next((activity for activity in ACTIVITIES if activity in text), None)


def check_plan(shown: WidgetOnPage) -> str:
    """The table shows the ticked games, the rule's week (computed here from course_utils.routine)
    and the model's week with its misses marked; returns a one-line description of the week."""
    boxes = shown.controls.locator("input[type=checkbox]")
    hockey = [boxes.nth(i).is_checked() for i in range(boxes.count())]
    yesterday = panel(shown.page).locator(".course-planner-yesterday select").input_value()
    table = shown.output.evaluate(PLAN_TABLE)
    rows = {head: cells for head, cells in table["rows"].items() if head}
    find = lambda word: next((cells for head, cells in rows.items() if word in head), None)  # noqa: E731
    games, rule, model = find("hockey"), find("rule"), find("model")
    assert games is not None and rule is not None and model is not None, (
        f"the plan table lacks a hockey, rule or model row: {rows}")
    assert ["hockey" in cell for cell in games] == hockey, f"ticked {hockey}, but the hockey row shows {games}"
    expected = hockey_routine(hockey, yesterday)
    assert [workout_in(cell) for cell in rule] == expected, f"the rule row shows {rule}, but the rule gives {expected}"
    planned = [workout_in(cell) for cell in model]
    assert None not in planned, f"the model row shows something that is not a workout: {model}"
    assert table["misses"] == [a != b for a, b in zip(planned, expected)], (
        f"the model's misses are marked on the wrong days: model {planned}, rule {expected}, marked {table['misses']}")
    agree = sum(a == b for a, b in zip(planned, expected))
    assert table["summary"] and f"{agree} of {len(expected)}" in table["summary"], (
        f"the summary should count {agree} of {len(expected)} days: {table['summary']!r}")
    return f"games {hockey}, Sunday before {yesterday}"


def drive_planner(shown: WidgetOnPage) -> None:
    """Tick a hockey day: the table shows the game and the rule's new week; untick it: the first
    week is back. Then change the Sunday before: the rule's week follows."""
    boxes = shown.controls.locator("input[type=checkbox]")
    assert boxes.count() == 7, f"the week planner shows {boxes.count()} day checkboxes, not 7"
    check_plan(shown)
    day = next((i for i in range(7) if not boxes.nth(i).is_checked()), 0)
    box = boxes.nth(day)
    label = re.sub(r"[\u200b\s]+", " ", shown.controls.nth(day).inner_text()).strip() or f"day {day + 1}"
    was_ticked = box.is_checked()
    before = shown.settled()
    box.click()
    assert box.is_checked() != was_ticked, f"clicking the checkbox of {label} did not toggle it"
    action = f"{'unticking' if was_ticked else 'ticking'} {label}"
    shown.expect_change(before, action)
    check_plan(shown)
    shown.screenshot(f"{'untick' if was_ticked else 'tick'}-{label.lower()}")
    box.click()
    shown.expect_back(before, f"{action} and back")

    select = panel(shown.page).locator(".course-planner-yesterday select")
    assert select.count() == 1, "the week planner shows no drop-down for the Sunday before (.course-planner-yesterday)"
    first = select.input_value()
    other = next(a for a in ACTIVITIES if a != first)
    select.select_option(other)
    shown.expect_change(before, f"choosing {other} for the Sunday before")
    week = check_plan(shown)
    shown.screenshot(f"sunday-{other}")
    select.select_option(first)
    shown.expect_back(before, f"choosing {other} and then {first} again for the Sunday before ({week})")


def value_of(shown: WidgetOnPage, css: str) -> float:
    cell = panel(shown.page).locator(css)
    assert cell.count() == 1, f"the {shown.widget.title} shows {cell.count()} elements {css!r}, not 1"
    return float(cell.inner_text().strip())


def gate_values(shown: WidgetOnPage) -> dict[str, float]:
    return {gate: value_of(shown, f".course-gates-value-{gate}") for gate in "figoch"}


def slider_named(shown: WidgetOnPage, name: str):
    slider = panel(shown.page).locator(f".course-gates-slider-{name}")
    assert slider.count() == 1, f"the gate explorer shows no slider .course-gates-slider-{name}"
    return slider


def press(slider, key: str, times: int) -> None:
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    for _ in range(times):
        handle.press(key)


def drive_gates(shown: WidgetOnPage) -> None:
    """Raise the forget gate's bias with the keyboard: f (and the plot) go up, i, g and o do not move;
    lower it back: everything is as before. Then move the input x and press Reset."""
    b_f = slider_named(shown, "b_f")
    start_bias, start = readout(b_f), gate_values(shown)
    before = shown.settled()
    press(b_f, "ArrowRight", 10)
    raised = readout(b_f)
    assert raised != start_bias, f"the b_f slider did not move with the arrow keys (still {start_bias})"
    shown.expect_change(before, f"raising the forget bias b_f from {start_bias} to {raised}")
    now = gate_values(shown)
    shown.screenshot(f"b_f-{raised}")
    assert now["f"] > start["f"], (
        f"raising b_f from {start_bias} to {raised} should open the forget gate: f went {start['f']} -> {now['f']}")
    for gate in "igo":
        assert now[gate] == start[gate], (
            f"b_f belongs to the forget gate, but moving it changed {gate}: {start[gate]} -> {now[gate]}")
    press(b_f, "ArrowLeft", 10)
    assert readout(b_f) == start_bias, f"b_f did not come back to {start_bias} (shows {readout(b_f)})"
    shown.expect_back(before, f"raising b_f to {raised} and lowering it back to {start_bias}")
    assert gate_values(shown) == start

    x = slider_named(shown, "x")
    start_x = readout(x)
    press(x, "ArrowLeft", 10)
    shown.expect_change(before, f"moving the input x from {start_x} to {readout(x)}")
    shown.screenshot(f"x-{readout(x)}")
    assert gate_values(shown) != start, "moving the input x changed the plot but none of the gate values"
    reset = panel(shown.page).locator(".course-gates-reset")
    assert reset.count() == 1, "the gate explorer shows no Reset button (.course-gates-reset)"
    reset.click()
    shown.expect_back(before, "pressing Reset")
    assert gate_values(shown) == start, "Reset did not bring the gate values back to their starting values"


# Text typed into the playground: made up for this test, not from the data.
REVIEW = "the acting is wonderful and the plot is never dull"
PREDICTION = re.compile(r"^[0-4] (" + "|".join(re.escape(name) for name in LABELS.values()) + ")$")


def drive_playground(shown: WidgetOnPage) -> None:
    """Type a sentence: the answer shows the words read and one of the five labels; put the
    first text back: the first answer is back."""
    box = shown.controls.locator("input, textarea").first
    assert box.count() == 1, "the sentiment playground shows no text box"
    original = box.input_value()
    before = shown.settled()
    text = REVIEW if original.strip() != REVIEW else "a dull and tiresome film"
    box.fill(text)
    box.blur()  # a text box that updates only on change (continuous_update=False) updates on blur
    after = shown.expect_change(before, f"typing {text!r}")
    shown.screenshot("typed")
    missing = [word for word in text.split() if word.lower() not in after.lower()]
    assert not missing, (
        f"after typing {text!r} the playground's answer does not show the words {missing}:\n{after[:500]}")
    prediction = panel(shown.page).locator(".course-playground-prediction")
    assert prediction.count() == 1, "the playground's answer has no prediction (.course-playground-prediction)"
    label = prediction.inner_text().strip()
    assert PREDICTION.match(label), (
        f"the playground predicts {label!r}, not one of the five classes {list(LABELS.items())}")
    box.fill(original)
    box.blur()
    shown.expect_back(before, f"typing {text!r} and then the first text {original!r} again")


DRIVERS = {"planner": drive_planner, "gates": drive_gates, "playground": drive_playground}


@pytest.mark.parametrize("theme", THEMES, ids=["light", "dark"])
@pytest.mark.parametrize(("widget", "notebook"), [widget_param(w) for w in WIDGETS])
def test_widget_responds_in_jupyterlab(widget: Widget, notebook: str | None, theme: str, run_notebook) -> None:
    assert notebook, (
        f"no notebook in {NOTEBOOKS} shows the {widget.title}: none imports {widget.module}, "
        "so a learner never sees it"
    )
    run = run_notebook()
    assert not run.saved_errors(), f"{notebook} failed before the {widget.title} could be tried: {run.saved_errors()}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    set_theme(run.page, theme)
    shown = WidgetOnPage(run, widget, theme)
    shown.check_rendered()
    shown.settled()
    shown.screenshot("start")
    DRIVERS[widget.name](shown)
    shown.screenshot("end")
