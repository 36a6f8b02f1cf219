"""Every lesson notebook, opened in JupyterLab and run with Run > Run All Cells in quick mode.

A notebook passes when every code cell ran, no cell shows an error, every plot it makes is an
image the page actually shows, and every widget renders (no "Error displaying widget").
A screenshot of the whole notebook goes to ``build/screenshots/<notebook>.png``.
"""
from __future__ import annotations

import re
import time

import pytest
from lab_driver import IMAGE_MIMES, NOTEBOOKS, SCREENSHOTS, code_of, course_notebooks, full_screenshot

pytestmark = pytest.mark.browser

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
    print(f"{notebook}: opened in {run.load_seconds:.0f} s, ran in {run.seconds:.0f} s in JupyterLab,"
          f" {images} images, screenshot in {shot_seconds:.0f} s")

