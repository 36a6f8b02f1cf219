"""Solved notebooks (``make solutions``): every exercise cell answered with its solution.

The course's own notebooks are only parsed here (every exercise has exactly one cell, the answer
lands in it); running them solved is ``make solutions``, too slow for ``make test`` except for
notebook 03 (tests/test_notebook_03.py). The run itself is tested on a small notebook.
"""
from __future__ import annotations

import textwrap

import nbformat
import pytest

from course_utils.exercises import QuestionExercise, ValueExercise
from course_utils.tools import runner, solutions

NOTEBOOKS = runner.course_notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_exercise_of_a_course_notebook_gets_its_answer(path):
    exercises = solutions.lesson_exercises(path)
    blank = nbformat.read(path, as_version=4)
    solved, cells = solutions.solve(blank, exercises)
    assert sorted(c.exercise.number for c in cells) == sorted(e.number for e in exercises)
    for cell in cells:
        source = solved.cells[cell.index].source
        answer = solutions.answer_source(cell.exercise).strip()
        check = f"ex{cell.exercise.number}.check()"
        assert check in source and "..." not in source.split(check)[0], f"cell {cell.index} still has a placeholder"
        assert answer in source.split(check)[0], f"cell {cell.index} lacks the answer to ex{cell.exercise.number}"
        above = blank.cells[cell.index].source.split(f"# Exercise {cell.exercise.number}")[0]
        assert source.startswith(above), f"cell {cell.index}: the code above the exercise comment was lost"


def test_solve_refuses_a_cell_for_an_unknown_exercise_and_a_missing_cell():
    ex1 = ValueExercise(1, "x", "one", "x = 1")
    ex2 = ValueExercise(2, "y", "two", "y = 2")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = ...\nex1.check()")])
    with pytest.raises(ValueError, match=r"missing \['ex2'\]"):
        solutions.solve(notebook, [ex1, ex2])
    with pytest.raises(ValueError, match="checks ex1, which the lesson module does not define"):
        solutions.solve(notebook, [ex2])


def test_a_question_gets_the_right_key_and_keeps_the_comments():
    question = QuestionExercise(3, "why", "Because.", choices={"a": "yes", "b": "no"}, answer="b")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "# Exercise 3: pick one\nanswer_3 = ...\nex3.check()\n# ex3.hint()")])
    solved, [cell] = solutions.solve(notebook, [question])
    assert solved.cells[0].source == "# Exercise 3: pick one\nanswer_3 = 'b'\n\nex3.check()\n# ex3.hint()"
    assert notebook.cells[0].source.startswith("# Exercise 3: pick one\nanswer_3 = ...")  # the original is untouched


LESSON = '''
from course_utils.exercises import ValueExercise
ex1 = ValueExercise(1, "total", "Add them up", "total = sum(numbers)", hints=["sum()"])
'''


def write_lesson_notebook(tmp_path):
    (tmp_path / "tiny_lesson.py").write_text(textwrap.dedent(LESSON))
    cells = ["from tiny_lesson import ex1\nnumbers = [1, 2, 3]",
             "# Exercise 1: add up the numbers\ntotal = ...\n\nex1.check()",
             "print(total * 10)"]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "07_tiny.ipynb"
    nbformat.write(notebook, path)
    return path


def test_a_solved_run_passes_and_writes_the_answer_key(tmp_path, monkeypatch):
    path = write_lesson_notebook(tmp_path)
    monkeypatch.setattr(solutions, "lesson_exercises",
                        lambda _: [ValueExercise(1, "total", "Add them up", "total = sum(numbers)")])
    result = runner.run_notebook(path, tmp_path / "solutions", solved=True)
    assert result.ok, result.error
    key = nbformat.read(tmp_path / "solutions" / path.name, as_version=4)
    assert "total = sum(numbers)" in key.cells[1].source
    assert solutions.CORRECT.search(solutions.output_text(key.cells[1].outputs))
    assert solutions.output_text(key.cells[2].outputs) == "60\n"


def test_a_solution_that_does_not_check_fails_the_run(tmp_path, monkeypatch):
    path = write_lesson_notebook(tmp_path)
    # The answer key says something the notebook's own check rejects: the run must say so.
    monkeypatch.setattr(solutions, "lesson_exercises",
                        lambda _: [ValueExercise(1, "total", "Add them up", "total = len(numbers)")])
    result = runner.run_notebook(path, tmp_path / "solutions", solved=True)
    assert not result.ok
    assert "ex1 (cell 1) said: ✗ Exercise 1 · Add them up Incorrect — `total` is 3" in result.error


def test_code_above_the_exercise_comment_is_kept():
    question = QuestionExercise(1, "why", "Because.", choices={"a": "yes", "b": "no"}, answer="a")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from course_utils.lessons.l00 import ex1\n\n# Exercise 1: pick\nanswer_1 = ...\nex1.check()")])
    solved, _ = solutions.solve(notebook, [question])
    assert solved.cells[0].source == (
        "from course_utils.lessons.l00 import ex1\n\n# Exercise 1: pick\nanswer_1 = 'a'\n\nex1.check()")
