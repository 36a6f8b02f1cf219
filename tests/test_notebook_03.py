"""Notebook 03 with every exercise solved: it runs top to bottom, every check says Correct, and the
checked outputs are the ones stored for the blank notebook (nbval runs the blank one).

The other notebooks' solved runs are ``make solutions`` (minutes each); this one is cheap enough
for ``make test``: about 40 s on 2 cores in quick mode, in a fresh kernel.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

from course_utils.tools import solutions

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03_inside_the_lstm.ipynb"
CHECKED = "nbval-check-output"


def test_solved_notebook_runs_and_every_check_passes(monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("COURSE_QUICK", "1")
    blank = nbformat.read(NOTEBOOK, as_version=4)
    notebook, cells = solutions.solve(blank, solutions.lesson_exercises(NOTEBOOK))
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    assert solutions.failed_checks(notebook, cells) == []
    for ours, stored in zip(notebook.cells, blank.cells):
        if CHECKED in stored.metadata.get("tags", []):
            assert solutions.output_text(ours.outputs) == solutions.output_text(stored.outputs), (
                f"checked output differs when solved:\n{stored.source}")
