"""Notebook 03 with every exercise solved: it runs top to bottom, every check says Correct, and the
checked outputs are the ones stored for the blank notebook (nbval runs the blank one).

Runs the notebook in quick mode in a fresh kernel: about 40 s on 2 cores.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

from course_utils.exercises import QuestionExercise
from course_utils.lessons.l03 import EXERCISES

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03_inside_the_lstm.ipynb"
CHECKED = "nbval-check-output"


def solved(notebook: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, list[int]]:
    """A copy with each exercise cell's answer replaced by the exercise's solution; the indices changed."""
    notebook = nbformat.from_dict(notebook)
    by_number = {exercise.number: exercise for exercise in EXERCISES}
    changed = []
    for index, cell in enumerate(notebook.cells):
        match = re.search(r"^ex(\d+)\.check\(\)", cell.source, flags=re.MULTILINE) if cell.cell_type == "code" else None
        if not match:
            continue
        exercise = by_number[int(match.group(1))]
        if isinstance(exercise, QuestionExercise):
            answer = f"{exercise.name} = {exercise.answer!r}\n"
        else:
            answer = exercise.solution_code
        cell.source = answer + "\n" + cell.source[match.start():]
        changed.append(index)
    return notebook, changed


def text_of(outputs: list) -> str:
    parts = []
    for output in outputs:
        if output.get("output_type") == "stream":
            parts.append(output["text"])
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
    return "".join(parts)


def test_every_exercise_cell_is_found():
    _, changed = solved(nbformat.read(NOTEBOOK, as_version=4))
    assert len(changed) == len(EXERCISES)


def test_solved_notebook_runs_and_every_check_passes(monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("COURSE_QUICK", "1")
    blank = nbformat.read(NOTEBOOK, as_version=4)
    notebook, changed = solved(blank)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    for index in changed:
        verdict = text_of(notebook.cells[index].outputs)
        assert "Correct" in verdict, f"cell {index}: {verdict[:300]}"
    for ours, stored in zip(notebook.cells, blank.cells):
        if CHECKED in stored.metadata.get("tags", []):
            assert text_of(ours.outputs) == text_of(stored.outputs), f"checked output differs when solved:\n{stored.source}"
