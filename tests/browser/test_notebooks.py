"""Every lesson notebook, opened in JupyterLab and run with Run > Run All Cells in quick mode.

A notebook passes when every code cell ran, no cell shows an error, every plot it makes is an
image the page actually shows, and every widget renders (no "Error displaying widget").
Every text the course draws into outputs (its ``course-*`` elements) must keep a WCAG contrast of 4.5:1 in
JupyterLab's light and dark themes. Screenshots of the whole notebook: ``build/screenshots/<notebook>.png``
and ``<notebook>-dark.png``.
"""
from __future__ import annotations

import re
import time

import pytest
from lab_driver import (
    IMAGE_MIMES,
    NOTEBOOKS,
    SCREENSHOTS,
    THEMES,
    code_of,
    course_notebooks,
    full_screenshot,
    illegible_text,
    panel,
    set_theme,
)

pytestmark = pytest.mark.browser

# The elements the course draws (its CSS classes all start with "course-"), inside a cell's output.
COURSE_OUTPUT = '.jp-OutputArea-output [class^="course-"], .jp-OutputArea-output [class*=" course-"]'

# Code that draws (plt.subplots(...), df.plot(...), plot_history(...)): such a notebook must show an image.
PLOTS = re.compile(r"\bplt\.\w+\(|\.plot\(|\bplot_\w+\(")


@pytest.mark.parametrize(
    "notebook",
    [pytest.param(p.name, marks=pytest.mark.uses_notebook(p.name), id=p.stem) for p in course_notebooks()],
)
def test_notebook_runs_in_jupyterlab(notebook: str, run_notebook) -> None:
    run = run_notebook()
    start = time.monotonic()
    full_screenshot(run.page, SCREENSHOTS / f"{notebook.removesuffix('.ipynb')}.png")
    shot_seconds = time.monotonic() - start

    shown = run.shown_errors()
    assert not shown, f"{notebook} shows {len(shown)} error(s) in JupyterLab:\n" + "\n---\n".join(shown)
    assert not run.saved_errors(), f"{notebook} has error outputs: {run.saved_errors()}"
    assert not run.cells_not_run(), f"code cells {run.cells_not_run()} of {notebook} never ran (Run All Cells stopped)"

    images, loaded = run.shown_images()
    assert loaded == images, f"{notebook}: {images - loaded} of {images} images on the page did not load"
    expected = run.saved_count(IMAGE_MIMES)
    assert images >= expected, f"{notebook} made {expected} images but the page shows {images}"
    if PLOTS.search(code_of(NOTEBOOKS / notebook)):
        assert images > 0, f"{notebook} draws plots but the page shows no image"

    problems = run.widget_problems()
    assert not problems, f"{notebook}: widgets did not render:\n" + "\n".join(problems)

    # What the course itself draws into outputs (exercise boxes, feedback, widgets: every element with a
    # course-* class) must read in both themes. Libraries' own outputs (Keras's coloured model.summary())
    # keep their colours and are not the course's to fix. The dark theme is shot too.
    for theme in THEMES:
        set_theme(run.page, theme)
        if "Dark" in theme:
            full_screenshot(run.page, SCREENSHOTS / f"{notebook.removesuffix('.ipynb')}-dark.png")
        checked, bad = illegible_text(panel(run.page).locator(".jp-Notebook"), within=COURSE_OUTPUT)
        if ".check()" in code_of(NOTEBOOKS / notebook):  # its exercise boxes at least are there to be read
            assert checked, f"{notebook} in {theme}: no course-* text to check (has the exercise box lost its class?)"
        assert not bad, f"{notebook} in {theme}: text hard to read (contrast below 4.5:1):\n" + "\n".join(bad[:15])
    set_theme(run.page, THEMES[0])
    print(f"{notebook}: opened in {run.load_seconds:.0f} s, ran in {run.seconds:.0f} s in JupyterLab,"
          f" {images} images, screenshot in {shot_seconds:.0f} s")

