"""Every exercise in every notebook is defined, listed and tested.

The course's rule: for every exercise in every notebook, a test shows that its solution passes and
that at least two typical mistakes fail with the right message. This file makes the rule
mechanical. For notebook ``NN_name.ipynb`` whose cells check ``ex1`` ... ``exK``:

- the notebook imports them with ``from course_utils.lessons.lNN import ...``;
- ``course_utils/lessons/lNN.py`` defines ``ex1`` ... ``exK`` with those numbers and lists exactly
  them, in order, in ``EXERCISES``;
- each exercise cell leaves a blank for the learner (``name = ...`` or a function whose body is ``...``);
- ``tests/test_lesson_NN.py`` calls ``assert_exercise(exN, ...)`` (from ``tests/lesson_checks.py``) in a
  test function for every exercise; that helper asserts the solution passes and every one of at
  least two mistakes fails with its message (a literal ``mistakes`` list must hold two or more). Calls
  such as ``exN.try_answer(...)`` may add further asserts, but they do not count as the exercise's
  test: a count of calls cannot see what each one asserts.

So a test fails when a notebook has an exercise with no such test.
"""
from __future__ import annotations

import ast
import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

from course_utils.exercises import Exercise, QuestionExercise
from course_utils.tools.conventions import CHECK_LINE, MIN_MISTAKES

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LESSON_MODULES = sorted((REPO / "course_utils" / "lessons").glob("l[0-9][0-9].py"))
LESSON_MODULE = re.compile(r"^course_utils\.lessons\.l(\d\d)$")
HELPER = "assert_exercise"


def python_source(cell_source: str) -> str:
    """A cell's code as plain Python (IPython's `%magic` and `!shell` lines turned into calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(cell_source)


@dataclass
class NotebookExercises:
    """What a notebook does with its exercises."""

    path: Path
    checked: dict[int, str] = field(default_factory=dict)  # number -> source of its exercise cell
    imports: dict[str, set[str]] = field(default_factory=dict)  # lesson module -> names imported from it
    unparsable: list[str] = field(default_factory=list)

    @property
    def number(self) -> str:
        return self.path.name[:2]

    @property
    def module(self) -> str:
        return f"course_utils.lessons.l{self.number}"


def read_exercises(path: Path) -> NotebookExercises:
    found = NotebookExercises(path)
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "code":
            continue
        for number in CHECK_LINE.findall(cell.source):
            found.checked.setdefault(int(number), cell.source)
        try:
            tree = ast.parse(python_source(cell.source))
        except SyntaxError as error:
            found.unparsable.append(f"cell {index + 1}: {error.msg} (line {error.lineno})")
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and LESSON_MODULE.match(node.module):
                found.imports.setdefault(node.module, set()).update(alias.name for alias in node.names)
    return found


def binds_a_blank(cell_source: str, name: str) -> bool:
    """True when the cell assigns `name = ...`-like code or defines `def name(...)` with a blank body.

    Lenient on purpose: the name must be bound in the cell, and the cell must contain the
    placeholder `...` somewhere (so it is not a filled-in answer).
    """
    tree = ast.parse(python_source(cell_source))
    binds = False
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            binds = True
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            binds |= any(isinstance(t, ast.Name) and t.id == name for target in targets for t in ast.walk(target))
    has_placeholder = any(isinstance(node, ast.Constant) and node.value is Ellipsis for node in ast.walk(tree))
    return binds and has_placeholder


@dataclass
class LessonTestUse:
    """What tests/test_lesson_NN.py does with each exercise."""

    helper_calls: dict[str, list[ast.Call]] = field(default_factory=dict)  # "exN" -> assert_exercise calls in tests
    imports_helper: bool = False


def read_test(path: Path) -> LessonTestUse:
    tree = ast.parse(path.read_text(), filename=str(path))
    coverage = LessonTestUse()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "lesson_checks":
            coverage.imports_helper |= any(alias.name == HELPER for alias in node.names)
    for function in ast.walk(tree):
        if not (isinstance(function, ast.FunctionDef) and function.name.startswith("test")):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Call):
                continue
            callee = node.func
            callee_name = callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", None)
            if callee_name == HELPER:
                target = node.args[0] if node.args else next(
                    (k.value for k in node.keywords if k.arg == "exercise"), None)
                if isinstance(target, ast.Name):
                    coverage.helper_calls.setdefault(target.id, []).append(node)
    return coverage


def literal_mistakes(call: ast.Call) -> int | None:
    """How many mistakes an assert_exercise call gives, when written as a literal list; else None."""
    value = next((k.value for k in call.keywords if k.arg == "mistakes"), None)
    return len(value.elts) if isinstance(value, (ast.List, ast.Tuple)) else None


def report(problems: list[str]) -> str:
    return "\n".join(["", *(f"- {p}" for p in problems)])


# --------------------------------------------------------------------------- the rules


def import_problems(notebook: NotebookExercises) -> list[str]:
    """The notebook imports each exercise it checks from its own lesson module."""
    name = f"notebooks/{notebook.path.name}"
    if notebook.unparsable:
        return [f"{name}: cells that are not valid Python: {notebook.unparsable}"]
    problems = [f"{name} imports from {module}; a notebook's exercises live in its own module, {notebook.module}"
                for module in sorted(set(notebook.imports) - {notebook.module})]
    missing = sorted(f"ex{n}" for n in notebook.checked if f"ex{n}" not in notebook.imports.get(notebook.module, ()))
    if missing:
        problems.append(f"{name} checks {', '.join(missing)} but does not import them: add"
                        f" `from {notebook.module} import {', '.join(missing)}` (names listed, not `*`)")
    return problems


def module_problems(notebook: NotebookExercises, module: ModuleType) -> list[str]:
    """The lesson module defines ex1..exK with those numbers and lists exactly them in EXERCISES."""
    name = f"notebooks/{notebook.path.name}"
    module_file = f"course_utils/lessons/l{notebook.number}.py"
    problems = []
    for number in sorted(notebook.checked):
        exercise = getattr(module, f"ex{number}", None)
        if not isinstance(exercise, Exercise):
            problems.append(f"{module_file} does not define `ex{number}` (an Exercise), which {name} checks")
        elif exercise.number != number:
            problems.append(f"{module_file}: `ex{number}` was created with number={exercise.number}; its messages"
                            f" would tell learners to call ex{exercise.number}.hint(): use number={number}")
    handles = [f"ex{n}" for n in sorted(notebook.checked)]
    listed = getattr(module, "EXERCISES", None)
    wanted = [getattr(module, handle, None) for handle in handles]
    if not isinstance(listed, list):
        problems.append(f"{module_file} has no list `EXERCISES`; add `EXERCISES = [{', '.join(handles)}]`")
    elif [id(e) for e in listed] != [id(e) for e in wanted]:
        shown = ", ".join(getattr(e, "handle", repr(e)) for e in listed)
        problems.append(f"{module_file}: EXERCISES is [{shown}], but {name} checks [{', '.join(handles)}];"
                        " list exactly those, in order")
    return problems


def blank_problems(notebook: NotebookExercises, module: ModuleType) -> list[str]:
    """Each exercise cell leaves the answer blank (the check fills in the reference)."""
    problems = []
    for number, source in sorted(notebook.checked.items()):
        answer_name = getattr(getattr(module, f"ex{number}", None), "name", None)
        if answer_name and not binds_a_blank(source, answer_name):
            problems.append(f"notebooks/{notebook.path.name}: the cell of ex{number} should leave the answer blank"
                            f" for the learner (`{answer_name} = ...`, or `def {answer_name}(...):` with `...` as"
                            " its body); the check fills in the reference when it is left blank")
    return problems


def lesson_test_problems(notebook: NotebookExercises, module: ModuleType, test_path: Path) -> list[str]:
    """tests/test_lesson_NN.py tests every exercise: assert_exercise(exN, ...) with 2+ mistakes."""
    test_file = f"tests/{test_path.name}"
    handles = [f"ex{n}" for n in sorted(notebook.checked)]
    example = f"`{HELPER}(exN, namespace, mistakes=[(answer, \"message fragment\"), (answer, \"...\")])`"
    if not test_path.is_file():
        return [f"notebooks/{notebook.path.name} has exercises ({', '.join(handles)}) but {test_file} does not"
                f" exist. Test each one with {example} (see docs/exercises.md)"]
    use = read_test(test_path)
    problems = []
    if use.helper_calls and not use.imports_helper:
        problems.append(f"{test_file} calls {HELPER} but does not import it: `from lesson_checks import {HELPER}`")
    for handle in handles:
        exercise = getattr(module, handle, None)
        reveal_only = isinstance(exercise, QuestionExercise) and exercise.name is None
        calls = use.helper_calls.get(handle, [])
        if calls:
            counts = [literal_mistakes(call) for call in calls]
            if not reveal_only and all(c is not None and c < MIN_MISTAKES for c in counts):
                problems.append(f"{test_file}: {HELPER}({handle}, ...) gives {max(counts)} mistake(s);"
                                f" give at least {MIN_MISTAKES}")
        else:
            problems.append(f"{test_file} has no test for {handle}: add a test function calling"
                            f" {example.replace('exN', handle)}")
    return problems


# --------------------------------------------------------------------------- the tests


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook(request) -> NotebookExercises:
    return read_exercises(request.param)


def lesson_module(notebook: NotebookExercises) -> ModuleType:
    if not notebook.checked:
        pytest.skip(f"{notebook.path.name} has no exercises")
    module_file = REPO / "course_utils" / "lessons" / f"l{notebook.number}.py"
    assert module_file.is_file(), (f"notebooks/{notebook.path.name} has exercises but"
                                   f" course_utils/lessons/{module_file.name} does not exist: define them there")
    return importlib.import_module(notebook.module)


def test_notebook_imports_its_exercises(notebook):
    assert not (problems := import_problems(notebook)), report(problems)


def test_lesson_module_defines_and_lists_the_exercises(notebook):
    assert not (problems := module_problems(notebook, lesson_module(notebook))), report(problems)


def test_exercise_cells_leave_a_blank(notebook):
    assert not (problems := blank_problems(notebook, lesson_module(notebook))), report(problems)


def test_every_exercise_has_a_test(notebook):
    test_path = REPO / "tests" / f"test_lesson_{notebook.number}.py"
    assert not (problems := lesson_test_problems(notebook, lesson_module(notebook), test_path)), report(problems)


def test_every_lesson_module_belongs_to_a_notebook():
    numbers = {p.name[:2] for p in NOTEBOOKS}
    orphans = [f"course_utils/lessons/{p.name}" for p in LESSON_MODULES if p.stem[1:] not in numbers]
    assert not orphans, f"lesson modules without a notebook of the same number: {orphans}; rename or remove them"


# --------------------------------------------------------------------------- the checks themselves


def test_binds_a_blank():
    assert binds_a_blank("x = ...\nex1.check()", "x")
    assert binds_a_blank("def f(a):\n    ...\nex1.check()", "f")
    assert binds_a_blank("%time\nmodel = ...\nex1.check()", "model")
    assert binds_a_blank("a, x = 1, ...", "x")
    assert not binds_a_blank("x = 3\nex1.check()", "x")
    assert not binds_a_blank("y = ...\nex1.check()", "x")


def test_read_test_counts_only_helper_calls_in_test_functions(tmp_path):
    source = '''
from lesson_checks import assert_exercise
from course_utils.lessons.l09 import ex1, ex2, ex3

def test_ex1(ns):
    assert_exercise(ex1, ns, mistakes=[(1, "a"), (2, "b")])

def test_ex2():
    assert ex2.try_answer(1).correct
    assert "x" in ex2.try_answer(2).message
    assert "y" in ex2.try_answer(3).message

def test_ex4():
    assert answer(ex4, "solution").correct
    assert "a" in answer(ex4, "wrong").message and "b" in answer(ex4, "other").message

def helper():
    assert_exercise(ex3, mistakes=[(1, "a"), (2, "b")])  # not a test: never runs on its own
'''
    path = tmp_path / "test_lesson_09.py"
    path.write_text(source)
    coverage = read_test(path)
    assert coverage.imports_helper
    # ex2 and ex4 are only tried one by one (three calls each): that is not a test of them any more.
    assert list(coverage.helper_calls) == ["ex1"] and literal_mistakes(coverage.helper_calls["ex1"][0]) == 2


FAKE_EX1 = QuestionExercise(number=1, title="Pick", explanation="Because.", choices={"a": "A", "b": "B"}, answer="a",
                            hints=["Think."])


def fake_lesson(tmp_path, cells, **attributes):
    """A notebook 09 with the given code cells, and a stand-in lesson module with the given attributes."""
    from course_utils.exercises import ValueExercise

    path = tmp_path / "09_fake.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    nbformat.write(notebook, path)
    module = ModuleType("course_utils.lessons.l09")
    ex2 = ValueExercise(number=2, name="total", title="Total", solution="total = 3", hints=["Add."])
    defaults = {"ex1": FAKE_EX1, "ex2": ex2, "EXERCISES": [FAKE_EX1, ex2]}
    module.__dict__.update({**defaults, **attributes})
    return read_exercises(path), module


GOOD_CELLS = [
    "from course_utils.lessons.l09 import ex1, ex2\nanswer_1 = ...\nex1.check()\n# ex1.hint()\n# ex1.solution()",
    "total = ...\nex2.check()\n# ex2.hint()\n# ex2.solution()",
]
GOOD_TEST = """
from lesson_checks import assert_exercise
from course_utils.lessons.l09 import ex1, ex2

def test_ex1():
    assert_exercise(ex1, mistakes=[("b", "not the best"), ("z", "one of")])

def test_ex2():
    assert_exercise(ex2, mistakes=MISTAKES)
"""


def test_a_well_covered_lesson_has_no_problems(tmp_path):
    notebook, module = fake_lesson(tmp_path, GOOD_CELLS)
    (tmp_path / "test_lesson_09.py").write_text(GOOD_TEST)
    assert sorted(notebook.checked) == [1, 2]
    assert import_problems(notebook) == module_problems(notebook, module) == blank_problems(notebook, module) == []
    assert lesson_test_problems(notebook, module, tmp_path / "test_lesson_09.py") == []


@pytest.mark.parametrize("first_cell, words", [
    (GOOD_CELLS[0].replace("import ex1, ex2", "import ex1"), "checks ex2 but does not import them"),
    (GOOD_CELLS[0].replace("l09", "l08"), "imports from course_utils.lessons.l08"),
    (GOOD_CELLS[0].replace("import ex1, ex2", "import *"), "does not import them"),
])
def test_import_rule(tmp_path, first_cell, words):
    notebook, _ = fake_lesson(tmp_path, [first_cell, GOOD_CELLS[1]])
    assert words in report(import_problems(notebook))


@pytest.mark.parametrize("attributes, words", [
    ({"ex2": None}, "does not define `ex2`"),
    ({"ex1": QuestionExercise(number=7, title="T", explanation="E.")}, "created with number=7"),
    ({"EXERCISES": None}, "has no list `EXERCISES`"),
    ({"EXERCISES": [FAKE_EX1]}, "EXERCISES is [ex1], but notebooks/09_fake.ipynb checks [ex1, ex2]"),
])
def test_module_rule(tmp_path, attributes, words):
    notebook, module = fake_lesson(tmp_path, GOOD_CELLS, **attributes)
    assert words in report(module_problems(notebook, module))


def test_blank_rule(tmp_path):
    cells = [GOOD_CELLS[0], GOOD_CELLS[1].replace("total = ...", "total = 3")]
    notebook, module = fake_lesson(tmp_path, cells)
    assert "the cell of ex2 should leave the answer blank" in report(blank_problems(notebook, module))


@pytest.mark.parametrize("test_source, words", [
    (None, "tests/test_lesson_09.py does not exist"),
    (GOOD_TEST.replace("def test_ex2():\n    assert_exercise(ex2, mistakes=MISTAKES)", ""), "has no test for ex2"),
    (GOOD_TEST.replace('("z", "one of")', ""), "gives 1 mistake(s)"),
    (GOOD_TEST.replace("from lesson_checks import assert_exercise", ""), "does not import it"),
    (GOOD_TEST.replace("assert_exercise(ex2, mistakes=MISTAKES)",
                       "assert ex2.try_answer(3).correct\n    assert 'a' in ex2.try_answer(4).message\n"
                       "    assert 'b' in ex2.try_answer(5).message"),
     "has no test for ex2"),  # tries one by one, however many, are not the exercise's test
])
def test_test_file_rule(tmp_path, test_source, words):
    notebook, module = fake_lesson(tmp_path, GOOD_CELLS)
    if test_source is not None:
        (tmp_path / "test_lesson_09.py").write_text(test_source)
    assert words in report(lesson_test_problems(notebook, module, tmp_path / "test_lesson_09.py"))


def test_every_exercise_of_every_lesson_is_run_blank_then_right_and_checked_for_giveaways():
    """Each exercise of each lesson module (found, not listed: a new one is covered at once) is given to
    assert_exercise in its lesson's test file, and assert_exercise runs, for every exercise it gets,
    the blank-then-right run (a right answer after a blank run must be Correct, in plain Python and in
    a notebook) and the search of every message and hint for the expected value."""
    import inspect

    import lesson_checks

    calls = {node.func.id for node in ast.walk(ast.parse(inspect.getsource(lesson_checks.assert_exercise)))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert {"assert_blank_then_correct", "assert_reveals_nothing"} <= calls
    problems, seen = [], 0
    for module_file in LESSON_MODULES:
        module = importlib.import_module(f"course_utils.lessons.{module_file.stem}")
        test_path = REPO / "tests" / f"test_lesson_{module_file.stem[1:]}.py"
        use = read_test(test_path) if test_path.is_file() else LessonTestUse()
        for exercise in getattr(module, "EXERCISES", []):
            seen += 1
            names = [name for name, value in vars(module).items() if value is exercise and name != "EXERCISES"]
            if not any(use.helper_calls.get(name) for name in names):
                problems.append(f"course_utils/lessons/{module_file.name}: {exercise.handle} is never given to"
                                f" {HELPER} in tests/{test_path.name}")
    assert seen >= 7 * 2 and not problems, report(problems)
