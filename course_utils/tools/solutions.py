"""Solved copies of the lesson notebooks: every exercise answered with its reference solution.

A notebook must run top to bottom both as a learner first opens it (exercises blank, the reference
answers standing in) and as a learner finishes it (every exercise answered). The blank run is what
nbval and ``make course`` do; this module makes the finished one, for
``python -m course_utils.tools.runner --solved`` (``make solutions``), which also gives instructors an
answer key under ``build/solutions/``.

An exercise cell is recognised by its ``exN.check()`` line. What lies between its ``# Exercise N``
comment (or the top of the cell) and that line, the placeholder the learner fills in, is replaced
by the exercise's solution code, or for a multiple choice question by ``answer_N = "<right key>"``;
code above the comment, the comments, the check and the commented ``hint``/``solution`` lines
stay, so the solved cell still says whether the answer is right.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course_utils.exercises import Exercise, QuestionExercise
from course_utils.tools.conventions import CHECK_LINE

NOTEBOOK_NAME = re.compile(r"^(\d\d)_")
# A check's message starts with its outcome (``exercises.Outcome``): "Correct — ...".
CORRECT = re.compile(r"^Correct — ", flags=re.MULTILINE)


@dataclass(frozen=True)
class SolvedCell:
    """One exercise cell of a solved notebook: where it is and what its check must say."""

    index: int
    exercise: Exercise

    @property
    def must_pass(self) -> bool:
        """A reveal-only question has nothing to check: its cell only points at ``solution()``."""
        return not (isinstance(self.exercise, QuestionExercise) and self.exercise.name is None)


def lesson_exercises(notebook_path: Path) -> list[Exercise]:
    """The exercises of ``NN_name.ipynb``: ``course_utils.lessons.lNN.EXERCISES`` (none if no such module)."""
    match = NOTEBOOK_NAME.match(Path(notebook_path).name)
    if not match:
        raise ValueError(f"{notebook_path} is not named NN_name.ipynb, so it has no lesson module")
    try:
        module = importlib.import_module(f"course_utils.lessons.l{match[1]}")
    except ModuleNotFoundError:
        return []
    return list(getattr(module, "EXERCISES", []))


def answer_source(exercise: Exercise) -> str:
    """The code a learner who got the exercise right would have typed."""
    if isinstance(exercise, QuestionExercise):
        return f"{exercise.name} = {exercise.answer!r}\n" if exercise.name else ""
    return exercise.solution_code


def solve(notebook: nbformat.NotebookNode, exercises: list[Exercise]) -> tuple[nbformat.NotebookNode, list[SolvedCell]]:
    """A copy of ``notebook`` with every exercise cell answered, and the cells that were changed.

    Raises ``ValueError`` when a cell checks an exercise the lesson module does not define, or an
    exercise has no cell (or several): a solved run that skipped one would prove nothing.
    """
    solved = nbformat.from_dict(notebook)
    by_number = {exercise.number: exercise for exercise in exercises}
    cells: list[SolvedCell] = []
    for index, cell in enumerate(solved.cells):
        match = CHECK_LINE.search(cell.source) if cell.cell_type == "code" else None
        if not match:
            continue
        number = int(match[1])
        if number not in by_number:
            raise ValueError(f"cell {index} checks ex{number}, which the lesson module does not define")
        exercise = by_number[number]
        # Code above the "# Exercise N" comment (an import, say) is not the learner's to write: keep it.
        header = re.search(rf"^# Exercise {number}\b.*$", cell.source[: match.start()], flags=re.MULTILINE)
        start = header.end() + 1 if header else 0
        kept = cell.source[:start].rstrip("\n").splitlines() + [
            line for line in cell.source[start: match.start()].splitlines()
            if line.startswith("#") and "..." not in line]
        answer = answer_source(exercise)
        cell.source = "\n".join(kept + ([answer.rstrip("\n"), ""] if answer else [])) + (
            "\n" if kept or answer else "") + cell.source[match.start():]
        cell.outputs, cell.execution_count = [], None
        cells.append(SolvedCell(index, exercise))
    numbers = [c.exercise.number for c in cells]
    missing = sorted(set(by_number) - set(numbers))
    repeated = sorted({n for n in numbers if numbers.count(n) > 1})
    if missing or repeated:
        raise ValueError(f"every exercise needs exactly one cell with `exN.check()`: "
                         f"missing {['ex%d' % n for n in missing]}, repeated {['ex%d' % n for n in repeated]}")
    return solved, cells


def output_text(outputs: list) -> str:
    """The text a cell printed or displayed (streams and ``text/plain``), joined."""
    parts = []
    for output in outputs:
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
    return "".join(parts)


def failed_checks(executed: nbformat.NotebookNode, cells: list[SolvedCell]) -> list[str]:
    """One line per solved exercise whose check did not say Correct after the run (empty: all passed)."""
    failures = []
    for cell in cells:
        if not cell.must_pass:
            continue
        verdict = output_text(executed.cells[cell.index].get("outputs", []))
        if not CORRECT.search(verdict):
            said = " ".join(verdict.split())[:160] or "nothing"
            failures.append(f"ex{cell.exercise.number} (cell {cell.index}) said: {said}")
    return failures
