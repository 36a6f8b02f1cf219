"""Make a *solved* copy of a lesson notebook: every exercise cell gets its reference solution typed in
place of the placeholder, then (optionally) run it and check every `exN.check()` said Correct.

usage: solve_nb0405.py NOTEBOOK LESSON_MODULE OUT [--run]
"""
import importlib
import re
import sys
import textwrap

import nbformat

from course_utils.exercises import QuestionExercise


def solve(path, module_name, out):
    module = importlib.import_module(module_name)
    notebook = nbformat.read(path, as_version=4)
    solved = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        match = re.search(r"^(ex\d+)\.check\(\)", cell.source, re.M)
        if not match:
            continue
        exercise = getattr(module, match[1])
        if isinstance(exercise, QuestionExercise):
            answer = f"{exercise.name} = {exercise.answer!r}"
        else:
            answer = textwrap.dedent(exercise.solution_code if hasattr(exercise, "solution_code") else exercise._solution).strip()
        lines = cell.source.splitlines()
        keep_head = [line for line in lines[: lines.index(match[0])] if line.startswith("#") and "..." not in line]
        cell.source = "\n".join(keep_head + [answer, "", f"{match[1]}.check()"])
        solved.append(match[1])
    nbformat.write(notebook, out)
    return solved


def run(out):
    import os

    from nbclient import NotebookClient

    notebook = nbformat.read(out, as_version=4)
    NotebookClient(notebook, timeout=None, kernel_name="python3",
                   resources={"metadata": {"path": os.path.dirname(os.path.abspath(out))}}).execute()
    nbformat.write(notebook, out)
    verdicts = []
    for cell in notebook.cells:
        if cell.cell_type == "code" and re.search(r"^ex\d+\.check\(\)", cell.source, re.M):
            text = " ".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cell.outputs)
            verdicts.append(text.strip().splitlines()[1] if text.strip() else "(no output)")
    return verdicts


if __name__ == "__main__":
    path, module_name, out = sys.argv[1:4]
    print("solved:", solve(path, module_name, out))
    if "--run" in sys.argv:
        verdicts = run(out)
        for verdict in verdicts:
            print(" ", verdict[:160])
        ok = all(v.startswith("Correct") for v in verdicts)
        print("ALL CORRECT" if ok else "NOT ALL CORRECT")
        sys.exit(0 if ok else 1)
