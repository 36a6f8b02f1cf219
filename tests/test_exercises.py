"""The exercise checkers: right answers pass, typical mistakes get the right explanation,
blank answers get a stand-in, and no answer, however odd, makes a check crash."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from course_utils import exercises
from course_utils.exercises import (
    CheckResult,
    ExerciseDefinitionError,
    FunctionExercise,
    ModelExercise,
    Outcome,
    QuestionExercise,
    ValueExercise,
    kinds,
)
from course_utils.palettes import OKABE_ITO

REPO = Path(__file__).resolve().parents[1]
DAYS = np.array([0, 2, 3, 1, 3])
ONE_HOT = np.eye(4)[DAYS]

ONE_HOT_EX = ValueExercise(
    number=2, name="encoded", title="One-hot encode the days",
    solution="encoded = np.eye(4)[day]",
    hints=["Each row is all zeros except a single 1.", "Row `i` of `np.eye(4)` is the one-hot vector for `i`."],
)
COUNT_EX = ValueExercise(number=3, name="n_sessions", title="Count the sessions", solution="n_sessions = len(day)")
DOUBLE_EX = FunctionExercise(
    number=4, name="double", title="Double a number",
    solution="def double(x):\n    return 2 * x\n", probes=[(0,), (3,), (-1.5,)],
)
QUESTION_EX = QuestionExercise(
    number=5, title="Why a forget gate?", explanation="It lets the cell drop memory that is no longer useful.",
    choices={"a": "To speed up training", "b": "To let the cell drop old memory"}, answer="b",
    feedback={"a": "Gates add computation; they are about what the cell remembers."},
)
THINK_EX = QuestionExercise(number=6, title="What would change with 2 layers?", explanation="More capacity.")


@pytest.fixture
def ns() -> dict:
    """A notebook namespace after the cells above the exercises have run."""
    return {"np": np, "day": DAYS.copy()}


def outcome_and_message(result: CheckResult) -> tuple[Outcome, str]:
    assert isinstance(result, CheckResult)
    return result.outcome, result.message


# --------------------------------------------------------------------------- value exercises


def test_value_correct(ns):
    assert ONE_HOT_EX.try_answer(ONE_HOT.copy(), ns).correct
    assert COUNT_EX.try_answer(5, ns).correct
    assert COUNT_EX.try_answer(np.int64(5), ns).correct


@pytest.mark.parametrize("answer, words", [
    (ONE_HOT.T, ["transposed", ".T"]),
    (ONE_HOT[:4], ["shape (4, 4)", "expected shape is (5, 4)", "one too few"]),
    (ONE_HOT[:, :, None], ["shape (5, 4, 1)", "np.squeeze"]),
    (np.eye(4)[(DAYS + 1) % 4], ["shifted by one position", "off by one"]),
    (DAYS, ["class indices", "one-hot"]),
    (ONE_HOT * 2, ["not one-hot", "only 0s and 1s"]),
    (np.ones((5, 4)), ["not one-hot", "row 0 has 4 ones"]),
    (np.where(ONE_HOT == 1, np.nan, 0.0), ["NaN"]),
    (ONE_HOT.tolist(), ["should be a NumPy array", "Its values are right", "np.array"]),
    ("text", ["should be a NumPy array", "the string 'text'"]),
    (None, ["None", "return"]),
    (np.eye, ["a function", "forget to call it"]),
])
def test_value_typical_mistakes(ns, answer, words):
    outcome, message = outcome_and_message(ONE_HOT_EX.try_answer(answer, ns))
    assert outcome is Outcome.INCORRECT
    for word in words:
        assert word in message


@pytest.mark.parametrize("answer, words", [
    (6, ["6, which is too high"]),  # one off: the direction only, never "one too high"
    (4, ["4, which is too low"]),
    (7, ["`n_sessions` is 7, which is too high."]),
    (70, ["is 70, which is much too high"]),
    (-2, ["is -2, which is too low"]),
    ("5", ["should be a number (without quotes)"]),
    (np.array([5]), ["single number", ".item()"]),
    (float("nan"), ["NaN"]),
])
def test_number_typical_mistakes(ns, answer, words):
    outcome, message = outcome_and_message(COUNT_EX.try_answer(answer, ns))
    assert outcome is Outcome.INCORRECT
    for word in words:
        assert word in message


def test_strict_dtype_and_tolerance():
    floats = ValueExercise(number=7, name="w", title="Weights", solution="w = np.array([0.1, 0.2])", strict_dtype=True)
    namespace = {"np": np}
    assert floats.try_answer(np.array([0.1, 0.2 + 1e-9]), namespace).correct
    message = floats.try_answer(np.array([0.1, 0.2], dtype=np.float32), namespace).message
    assert "dtype float32" in message and ".astype(np.float64)" in message
    assert "integer dtype" in floats.try_answer(np.array([0, 0]), namespace).message


def test_expected_may_be_a_constant_or_depend_on_the_namespace(ns):
    constant = ValueExercise(number=8, name="k", title="k", solution="k = 4", expected=4)
    assert constant.try_answer(4).correct and not constant.try_answer(3).correct
    dependent = ValueExercise(number=9, name="last", title="Last day", solution="last = day[-1]",
                              expected=lambda namespace: namespace["day"][-1])
    assert dependent.try_answer(3, ns).correct
    assert "which is too low" in dependent.try_answer(2, ns).message


def test_general_values_lists_and_dicts():
    names = ValueExercise(number=10, name="names", title="Names", solution="names = ['mon', 'tue', 'wed']")
    assert names.try_answer(["mon", "tue", "wed"]).correct
    assert "has 2 items, but it should have 3" in names.try_answer(["mon", "tue"]).message
    assert "item 1 of `names`" in names.try_answer(["mon", "TUE", "wed"]).message
    assert "should be a list" in names.try_answer(("mon", "tue", "wed")).message
    counts = ValueExercise(number=11, name="counts", title="Counts", solution="counts = {'run': 2, 'lift': 1.5}")
    assert counts.try_answer({"run": 2, "lift": 1.5 + 1e-9}).correct
    assert "missing the key(s) ['lift']" in counts.try_answer({"run": 2}).message
    assert "`counts`['run']" in counts.try_answer({"run": 3, "lift": 1.5}).message


def test_no_message_shows_the_expected_value_or_element(ns):
    """The generic explanations say what is wrong and in which direction, never what is right."""
    from lesson_checks import assert_reveals_nothing

    names = ValueExercise(number=22, name="names", title="Names", solution="names = ['mon', 'tue', 'wed']")
    weights = ValueExercise(number=23, name="w", title="Weights", solution="w = np.array([[0.25, -1.5], [3.75, 0.5]])")
    pair = FunctionExercise(number=24, name="pair", title="Pair", solution="def pair(x):\n    return x / 3, 'ok'\n",
                            probes=[(1.0,), (np.array([2.0, 4.0]),)])
    for exercise in (ONE_HOT_EX, COUNT_EX, DOUBLE_EX, QUESTION_EX, names, weights, pair):
        assert_reveals_nothing(exercise, {**ns, "np": np})


@pytest.mark.parametrize("answer, words, hidden", [
    (np.array([[0.25, -1.5], [3.5, 0.5]]), ["1 of 4 values", "index (1, 0): 3.5, which is too low"], "3.75"),
    (np.array([[0.25, -1.5], [375.0, 0.5]]), ["index (1, 0): 375.0, which is much too high"], "3.75"),
    (np.array([[0.25, -1.5], [3.75, np.nan]]), ["NaN in 1 of 4 places"], "0.5"),
])
def test_array_differences_point_at_the_element_not_at_its_value(answer, words, hidden):
    exercise = ValueExercise(number=25, name="w", title="Weights", solution="w = np.array([[0.25, -1.5], [3.75, 0.5]])")
    message = exercise.try_answer(answer, {"np": np}).message
    assert all(word in message for word in words) and hidden not in message, message


@pytest.mark.parametrize("answer, words", [
    ("wed ", "differs only in the spaces at its start or end"),
    ("WED", "differs only in upper and lower case"),
    ("w e d", "not the expected text: its first character is right, then it differs"),
    ("wednesday", "extra text after its first 3 characters"),
    ("we", "text is missing at its end"),
    ("", "it is empty"),
    ("sun", "differs from its first character on"),
])
def test_a_wrong_string_is_explained_without_the_right_one(answer, words):
    exercise = ValueExercise(number=26, name="day", title="Day", solution="day = 'wed'")
    message = exercise.try_answer(answer).message
    assert words in message and "'wed'" not in message, message


def test_a_tuple_is_matched_by_anything_that_unpacks_the_same():
    """`h, c = step(...)` works on a tuple, a list or an array of two rows: all are right."""
    step = FunctionExercise(number=27, name="step", title="Step", solution="def step(x):\n    return x + 1, x * 2\n",
                            probes=[(np.array([1.0, 2.0]),), (3.0,)])
    for body in ("x + 1, x * 2", "[x + 1, x * 2]", "np.stack([x + 1, x * 2])", "np.array([x + 1, x * 2])"):
        assert step.try_answer(f"def step(x):\n    return {body}\n", {"np": np}).correct, body
    assert "has 3 items" in step.try_answer("def step(x):\n    return [x + 1, x * 2, x]\n").message
    assert "item 1 of the result" in step.try_answer("def step(x):\n    return [x + 1, x * 3]\n").message
    three_rows = step.try_answer("def step(x):\n    return np.stack([x + 1, x * 2, x])\n", {"np": np}).message
    assert "should be a tuple, but it is a NumPy array" in three_rows


def test_lists_and_tensors_stand_for_arrays_only_where_the_exercise_says_so():
    class Tensor:  # what TensorFlow, Keras and pandas objects offer NumPy
        def __init__(self, values):
            self.values = np.asarray(values)

        def __array__(self, dtype=None, copy=None):
            return self.values

    plain = ValueExercise(number=28, name="w", title="W", solution="w = np.array([1.0, 2.0])")
    lenient = ValueExercise(number=29, name="w", title="W", solution="w = np.array([1.0, 2.0])",
                            accept_lists=True, accept_tensors=True)
    lists_only = ValueExercise(number=30, name="w", title="W", solution="w = np.array([1.0, 2.0])", accept_lists=True)
    ns = {"np": np}
    assert "Its values are right: wrap it in `np.array(...)`" in plain.try_answer([1, 2], ns).message
    assert "Its values are right: convert it with `np.asarray(...)`" in plain.try_answer(Tensor([1, 2]), ns).message
    assert lenient.try_answer([1, 2], ns).correct and lenient.try_answer((1.0, 2.0), ns).correct
    assert lenient.try_answer(Tensor([1.0, 2.0]), ns).correct
    assert "index (1,): 3.0, which is too high" in lenient.try_answer(Tensor([1.0, 3.0]), ns).message
    assert lists_only.try_answer([1, 2], ns).correct and not lists_only.try_answer(Tensor([1, 2]), ns).correct
    assert "should be a NumPy array" in lenient.try_answer({"a": 1}, ns).message


def test_strict_dtype_wants_a_whole_number_as_an_int():
    count = ValueExercise(number=31, name="k", title="k", solution="k = 53", strict_dtype=True)
    assert count.try_answer(53).correct and count.try_answer(np.int64(53)).correct
    assert count.try_answer(np.array(53)).correct  # a 0-d integer array works wherever an int does
    assert "whole number (an int)" in count.try_answer(53.0).message


def test_a_question_can_fit_its_explanation_to_the_notebook(capsys):
    class Measured(QuestionExercise):
        def explain(self, namespace):
            return f"{self.explanation} Yours: {namespace['ratio']:.1e}."

    question = Measured(number=32, title="Ratio", explanation="It is small.", choices={"a": "small", "b": "big"},
                        answer="a")
    assert question.try_answer("a", {"ratio": 3e-6}).message.endswith("It is small. Yours: 3.0e-06.")
    assert "Yours: 3.0e-06." in question.solution(namespace={"ratio": 3e-6})
    assert question.solution(namespace={}).endswith("It is small.")  # explain() failed: the fixed text


def test_author_diagnosers_come_first_and_may_raise_safely(ns):
    explode = (lambda answer, expected: answer.no_such_attribute, "never shown")
    reversed_rows = (lambda answer, expected: np.array_equal(answer, expected[::-1]), "Your rows are in reverse order.")
    exercise = ValueExercise(number=12, name="encoded", title="Diagnosed", solution="encoded = np.eye(4)[day]",
                             diagnosers=[explode, reversed_rows])
    assert exercise.try_answer(ONE_HOT[::-1], ns).message.startswith("Incorrect — Your rows are in reverse order.")
    assert "not one-hot" in exercise.try_answer(ONE_HOT * 3, ns).message  # built-in explanation still there
    assert exercise.try_answer(ONE_HOT, ns).correct  # diagnosers only run for wrong answers


# --------------------------------------------------------------------------- blank answers and stand-ins


def test_blank_value_gets_the_reference_and_stays_not_attempted(ns):
    ns["encoded"] = ...
    first = ONE_HOT_EX.check(namespace=ns)
    assert first.outcome is Outcome.NOT_ATTEMPTED
    assert "the reference answer stands in so the cells below run" in first.message
    assert np.array_equal(ns["encoded"], ONE_HOT)
    stand_in = ns["encoded"]
    second = ONE_HOT_EX.check(namespace=ns)
    assert second.outcome is Outcome.NOT_ATTEMPTED and "still holds the reference answer" in second.message
    assert ns["encoded"] is stand_in
    ns["encoded"] = np.eye(4)[ns["day"]]  # the learner's own (equal) answer is a new object
    assert ONE_HOT_EX.check(namespace=ns).correct


def test_undefined_name_counts_as_blank(ns):
    result = COUNT_EX.check(namespace=ns)
    assert result.outcome is Outcome.NOT_ATTEMPTED and "not defined yet" in result.message
    assert ns["n_sessions"] == 5


def test_blank_without_the_cells_above_explains_instead_of_crashing():
    result = ONE_HOT_EX.check(namespace={"np": np, "encoded": ...})
    assert result.outcome is Outcome.NOT_ATTEMPTED
    assert "NameError" in result.message and "run the cells above" in result.message


def test_incorrect_answer_is_kept_and_the_way_out_is_named(ns):
    wrong = ONE_HOT.T.copy()
    ns["encoded"] = wrong
    result = ONE_HOT_EX.check(namespace=ns)
    assert result.outcome is Outcome.INCORRECT
    assert ns["encoded"] is wrong
    assert ("may fail" in result.message and "ex2.load_solution()" in result.message
            and "ex2.solution()" in result.message)


def test_load_solution_injects_the_reference(ns, capsys):
    ns["encoded"] = "my attempt"
    assert ONE_HOT_EX.load_solution(namespace=ns) is None
    assert np.array_equal(ns["encoded"], ONE_HOT)
    assert "Loaded the reference answer" in capsys.readouterr().out
    assert ONE_HOT_EX.check(namespace=ns).outcome is Outcome.NOT_ATTEMPTED


def test_load_solution_without_the_cells_above_explains(capsys):
    namespace = {"np": np, "encoded": "mine"}
    ONE_HOT_EX.load_solution(namespace=namespace)
    assert namespace["encoded"] == "mine"
    assert "run the cells above" in capsys.readouterr().out


def test_try_answer_leaves_the_given_namespace_alone(ns):
    before = dict(ns)
    ONE_HOT_EX.try_answer(..., ns)
    assert ns.keys() == before.keys()


def test_none_answer_is_not_mistaken_for_a_stand_in(ns):
    ns["encoded"] = None
    assert ONE_HOT_EX.check(namespace=ns).outcome is Outcome.INCORRECT


def test_checker_errors_are_explained(ns):
    needs_missing = ValueExercise(number=13, name="z", title="z", solution="z = 1",
                                  expected=lambda namespace: namespace["not_run_yet"])
    outcome, message = outcome_and_message(needs_missing.try_answer(1, ns))
    assert outcome is Outcome.INCORRECT
    assert "KeyError" in message and "cells above" in message


def test_a_stand_in_that_is_a_small_int_gives_way_to_the_learners_equal_answer(ns):
    """Python shares small ints: the learner's right answer is the very object that stood in."""
    ns["n_sessions"] = ...
    assert COUNT_EX.check(namespace=ns).outcome is Outcome.NOT_ATTEMPTED
    stand_in = ns["n_sessions"]
    ns["n_sessions"] = len(ns["day"])  # the learner's answer...
    assert ns["n_sessions"] is stand_in  # ...is the same object
    assert COUNT_EX.check(namespace=ns).correct


def test_a_blank_then_a_right_answer_in_copies_of_one_namespace_is_correct(ns):
    """try_answer works on copies: a stand-in recorded in one copy never haunts another (ids are reused)."""
    for _ in range(20):
        assert COUNT_EX.try_answer(..., ns).outcome is Outcome.NOT_ATTEMPTED
        assert COUNT_EX.try_answer(5, ns).correct


def notebook_cells(namespace: dict, *cells: str) -> CheckResult:
    """Run cells as IPython does (each is first appended to the input history `In`); return the last check."""
    namespace.setdefault("In", [""])
    results = []
    namespace["_record"] = results.append
    for cell in cells:
        namespace["In"].append(cell)
        exec(cell.replace("CHECK", "_record(EX.check())"), namespace)
    return results[-1]


@pytest.mark.parametrize("exercise, blank, answer", [
    (COUNT_EX, "n_sessions = ...", "n_sessions = len(day)"),  # 5: a cached int
    (ValueExercise(number=21, name="best", title="Best day", solution="best = 'yoga'"), "best = ...",
     "best = 'yo' + 'ga'"),  # an interned string
])
def test_in_a_notebook_the_stand_in_stays_until_a_cell_assigns_the_name(exercise, blank, answer, ns, capsys):
    ns["EX"] = exercise
    assert notebook_cells(ns, f"{blank}\nCHECK").outcome is Outcome.NOT_ATTEMPTED
    stand_in = ns[exercise.name]
    still = notebook_cells(ns, "print('another cell')", "def helper():\n    " + answer + "\nCHECK")
    assert still.outcome is Outcome.NOT_ATTEMPTED and "still holds" in still.message  # nothing assigned it
    assert notebook_cells(ns, "x = 1", f"{answer}\nCHECK").correct
    assert ns[exercise.name] is stand_in or ns[exercise.name] == stand_in


def test_an_answer_cell_under_a_cell_magic_counts_as_assigning(ns, capsys):
    ns["EX"] = COUNT_EX
    notebook_cells(ns, "n_sessions = ...\nCHECK")
    magic = "get_ipython().run_cell_magic('time', '', 'n_sessions = len(day)\\nCHECK\\n')"
    ns["get_ipython"] = lambda: type("Shell", (), {"run_cell_magic": lambda self, name, line, cell: exec(
        cell.replace("CHECK", "_record(EX.check())"), ns)})()
    assert notebook_cells(ns, magic).correct


def test_load_solution_is_a_stand_in_too(ns, capsys):
    ns["EX"] = COUNT_EX
    ns["n_sessions"] = 4
    assert notebook_cells(ns, "EX.load_solution()\nCHECK").outcome is Outcome.NOT_ATTEMPTED
    assert notebook_cells(ns, "n_sessions = 5\nCHECK").correct


def test_an_array_stand_in_is_told_by_identity_alone(ns):
    """No code but the stand-in's own name can give this very array: a cell that fails to replace it
    (here it assigns it to itself) leaves the stand-in in place."""
    ns["EX"] = ONE_HOT_EX
    notebook_cells(ns, "encoded = ...\nCHECK")
    assert notebook_cells(ns, "encoded = encoded\nCHECK").outcome is Outcome.NOT_ATTEMPTED
    assert notebook_cells(ns, "encoded = np.eye(4)[day]\nCHECK").correct


def test_stand_in_records_live_in_the_namespace_and_copies_leave_the_original_alone(ns):
    ONE_HOT_EX.check(namespace=ns)  # undefined: stand-in
    records = ns[kinds._STAND_INS]
    assert list(records) == [ONE_HOT_EX]
    COUNT_EX.try_answer(..., ns)  # a stand-in in a copy
    assert ns[kinds._STAND_INS] is records and list(records) == [ONE_HOT_EX]


def test_a_replaced_stand_in_is_not_kept_alive(ns):
    import gc
    import weakref

    ONE_HOT_EX.check(namespace=ns)
    gone = weakref.ref(ns["encoded"])
    ns["encoded"] = np.eye(4)[ns["day"]]
    assert ONE_HOT_EX.check(namespace=ns).correct
    gc.collect()
    assert gone() is None  # a big stand-in (a model) is freed once the learner's own answer replaces it


def test_cell_binds_sees_top_level_assignments_only():
    binds = kinds._cell_binds
    for source in ["x = 1", "x, y = 1, 2", "def x():\n    pass", "import numpy as x", "for x in range(3):\n    pass",
                   "with open('f') as x:\n    pass", "if True:\n    x += 1", "(x := 3)",
                   "get_ipython().run_cell_magic('time', '', 'x = 2\\n')"]:
        assert binds(source, "x"), source
    for source in ["y = x", "def f():\n    x = 1", "lambda: (x := 1)", "[x for x in range(3)]", "class C:\n    x = 1",
                   "x = = 1", "print('x = 1')"]:
        assert not binds(source, "x"), source


IPYTHON_SESSION = r"""
from IPython.core.interactiveshell import InteractiveShell
from course_utils.exercises import ValueExercise

shell = InteractiveShell.instance()
shell.user_ns["ex1"] = ValueExercise(number=1, name="padded_length", title="Longest",
                                     solution="padded_length = max(len(s) for s in sequences)")
cells = [
    "sequences = [[1, 2], [3, 4, 5]]",
    "padded_length = ...\nr = ex1.check()",  # blank: the reference, 3, stands in
    "r = ex1.check()",  # a later cell that does not touch it
    "%%time\npadded_length = max(map(len, sequences))\nr = ex1.check()",  # the learner's 3: the same object
]
for cell in cells:
    shell.run_cell(cell, store_history=True)
    if "r" in shell.user_ns:
        print("OUTCOME", shell.user_ns.pop("r").outcome.name)
"""


def test_a_real_ipython_session(tmp_path):
    """The stand-in, a check in a later cell and the learner's equal answer, in a real IPython shell."""
    script = tmp_path / "session.py"
    script.write_text(IPYTHON_SESSION)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=str(REPO), timeout=120)
    assert done.returncode == 0, done.stderr
    outcomes = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("OUTCOME")]
    assert outcomes == ["NOT_ATTEMPTED", "NOT_ATTEMPTED", "CORRECT"], done.stdout + done.stderr


# --------------------------------------------------------------------------- where check() finds the answer


def test_check_reads_the_callers_globals_in_plain_python(capsys):
    notebook = {"__name__": "__main__", "np": np, "day": DAYS, "n_sessions": 6, "COUNT_EX": COUNT_EX}
    exec("result = COUNT_EX.check()", notebook)
    assert notebook["result"].outcome is Outcome.INCORRECT
    assert "which is too high" in capsys.readouterr().out


class FakeShell:
    def __init__(self, user_ns: dict) -> None:
        self.user_ns = user_ns


@pytest.fixture
def fake_ipython(monkeypatch, ns):
    """Pretend to run inside IPython: a user namespace and a display() that records what it gets."""
    import IPython
    import IPython.display

    shown: list[dict] = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: FakeShell(ns))
    monkeypatch.setattr(IPython.display, "display", lambda bundle, raw=False: shown.append(bundle))
    return ns, shown


def test_ipython_gets_html_from_the_user_namespace(fake_ipython, capsys):
    namespace, shown = fake_ipython
    namespace["encoded"] = ONE_HOT.T.copy()
    result = ONE_HOT_EX.check()
    assert result.outcome is Outcome.INCORRECT
    assert capsys.readouterr().out == ""
    (bundle,) = shown
    assert OKABE_ITO["vermillion"] in bundle["text/html"] and "<code>encoded</code>" in bundle["text/html"]
    assert "Incorrect" in bundle["text/plain"]


def test_ipython_colours_differ_by_outcome(fake_ipython):
    namespace, shown = fake_ipython
    ONE_HOT_EX.check()  # undefined: stand-in
    namespace["n_sessions"] = 5
    COUNT_EX.check()
    assert OKABE_ITO["reddish purple"] in shown[0]["text/html"] and OKABE_ITO["blue"] in shown[1]["text/html"]


def test_plain_text_fallback(ns, capsys):
    ns["n_sessions"] = 5
    COUNT_EX.check(namespace=ns)
    out = capsys.readouterr().out
    assert out.startswith("✓ Exercise 3 · Count the sessions\nCorrect — `n_sessions` is right.") and "<div" not in out


def test_solution_is_highlighted_in_ipython_and_returned(fake_ipython):
    _, shown = fake_ipython
    code = ONE_HOT_EX.solution()
    assert code == "encoded = np.eye(4)[day]\n"
    assert "<style>" in shown[0]["text/html"]  # pygments highlighting
    assert "encoded = np.eye(4)[day]" in shown[0]["text/plain"]


def test_results_do_not_echo_twice_in_a_notebook():
    """check()/hint()/solution() already display; their return values must not show again as Out[]."""
    for value in (COUNT_EX.try_answer(5), ONE_HOT_EX.solution()):
        assert value._ipython_display_() is None


# --------------------------------------------------------------------------- function exercises


def test_function_correct_as_callable_or_source():
    assert DOUBLE_EX.try_answer(lambda x: x + x).correct
    assert DOUBLE_EX.try_answer("def double(x):\n    return x * 2\n").correct


@pytest.mark.parametrize("source", [
    "def double(x):\n    ...\n",
    "def double(x):\n    pass\n",
    'def double(x):\n    """Return twice x."""\n    # your code here\n    ...\n',
])
def test_function_blank_body_is_not_attempted_and_replaced(source):
    result = DOUBLE_EX.try_answer(source)
    assert result.outcome is Outcome.NOT_ATTEMPTED and "stands in" in result.message


def test_function_stand_in_works_in_the_namespace():
    namespace: dict = {"double": ...}
    DOUBLE_EX.check(namespace=namespace)
    assert namespace["double"](21) == 42
    assert DOUBLE_EX.check(namespace=namespace).outcome is Outcome.NOT_ATTEMPTED


@pytest.mark.parametrize("answer, words", [
    ("def double(x):\n    return 1 / x\n", ["raised ZeroDivisionError on input double(0)", "division by zero"]),
    ("def double(x):\n    return x + 2\n", ["On input double(0): the result is 2, which is too high"]),
    ("def double(x):\n    y = 2 * x\n", ["returned None for double(0)", "forget `return`"]),
    (lambda x: None, ["returned None"]),  # no source to prove it blank: treated as an attempt
    ("def double(x, factor):\n    return factor * x\n", ["should accept 1 argument(s)", "double(x, factor)"]),
    (3, ["should be a function, but it is an int (3)"]),
    ("def double(x):\n    return [2 * x]\n", ["should be a number"]),
])
def test_function_typical_mistakes(answer, words):
    outcome, message = outcome_and_message(DOUBLE_EX.try_answer(answer))
    assert outcome is Outcome.INCORRECT
    for word in words:
        assert word in message


def test_function_probes_from_the_namespace_and_fresh_copies(ns):
    exercise = FunctionExercise(
        number=14, name="first_day", title="First day", solution="def first_day(days):\n    return days[0]\n",
        probes=lambda namespace: [(namespace["day"].tolist(),), ([7],)])
    assert exercise.try_answer("def first_day(days):\n    return days.pop(0)\n", ns).correct
    message = exercise.try_answer("def first_day(days):\n    return days[-1]\n", ns).message
    assert "On input first_day([0, 2, 3, 1, 3]): the result is 3, which is too high" in message


def test_function_diagnosers_see_the_failing_output():
    exercise = FunctionExercise(number=15, name="half", title="Half", solution="def half(x):\n    return x / 2\n",
                                probes=[(3,)],
                                diagnosers=[(lambda got, expected: got == 3 // 2, "Use / rather than //.")])
    assert "Use / rather than //." in exercise.try_answer(lambda x: x // 2).message


def test_a_solution_that_fails_on_a_probe_is_a_definition_bug():
    broken = FunctionExercise(number=16, name="inv", title="Inverse", solution="def inv(x):\n    return 1 / x\n",
                              probes=[(0,)])
    with pytest.raises(ExerciseDefinitionError, match="solution raised ZeroDivisionError"):
        broken.try_answer(lambda x: 0)


# --------------------------------------------------------------------------- question exercises


@pytest.mark.parametrize("answer, outcome, words", [
    ("b", Outcome.CORRECT, ["drop memory"]),
    (" (B) ", Outcome.CORRECT, []),
    ("b.", Outcome.CORRECT, []),
    ("B)", Outcome.CORRECT, []),
    ("ab", Outcome.INCORRECT, ["one of 'a', 'b'"]),
    ("a", Outcome.INCORRECT, ["(a) is not the best answer", "about what the cell remembers", "ex5.hint()"]),
    ("z", Outcome.INCORRECT, ["one of 'a', 'b'"]),
    (2, Outcome.INCORRECT, ["with quotes"]),
    (..., Outcome.NOT_ATTEMPTED, ["set `answer_5`"]),
])
def test_multiple_choice(answer, outcome, words):
    result = QUESTION_EX.try_answer(answer)
    assert result.outcome is outcome
    for word in words:
        assert word in result.message


def test_blank_question_injects_nothing():
    namespace: dict = {}
    QUESTION_EX.check(namespace=namespace)
    assert namespace == {}


def test_reveal_only_question_points_at_the_solution(fake_ipython):
    _, shown = fake_ipython
    result = THINK_EX.check()
    assert result.outcome is Outcome.NOT_ATTEMPTED and "ex6.solution()" in result.message
    assert THINK_EX.solution() == "More capacity."
    assert "<details>" in shown[-1]["text/html"] and "More capacity." in shown[-1]["text/html"]


def test_question_solution_names_the_right_choice():
    assert QUESTION_EX.solution().startswith("The answer is (b): To let the cell drop old memory")


# --------------------------------------------------------------------------- hints and solutions


def test_hint_levels(capsys):
    exercise = ValueExercise(number=17, name="h", title="Hints", solution="h = 1", hints=["one", "two", "three"])
    assert [exercise.hint(), exercise.hint(), exercise.hint(), exercise.hint()] == ["one", "two", "three", "three"]
    assert exercise.hint(2) == "two" and exercise.hint() == "three"
    assert exercise.hint(99) == "three" and exercise.hint(0) == "one"
    out = capsys.readouterr().out
    assert "Hint 1 of 3: one" in out and "last hint" in out and "ex17.solution()" in out


def test_no_hints_points_at_the_solution():
    assert "ex3.solution()" in COUNT_EX.hint()


def test_solution_returns_the_code(capsys):
    assert DOUBLE_EX.solution() == "def double(x):\n    return 2 * x\n"
    assert "def double(x):" in capsys.readouterr().out


# --------------------------------------------------------------------------- no answer makes a check crash


def _raises(*args):
    raise RuntimeError("boom")


class Nasty:
    """An object whose repr, equality and attributes all fail."""

    def __repr__(self):
        raise ValueError("no repr")

    def __eq__(self, other):
        raise TypeError("no eq")

    def __getattr__(self, name):
        raise RuntimeError(name)

    __hash__ = object.__hash__


GARBAGE = [None, "text", "", 3, 3.5, True, [], {}, (), object(), len, lambda: 1, lambda *a: _raises(),
           np.zeros((2, 3)), np.array([]), np.array("s"), np.zeros((5, 4, 2)), np.array([[1, 0], [0, 1]]),
           np.full((5, 4), np.inf), np.array(["a"] * 20).reshape(5, 4), Nasty(), Nasty, ValueError("x")]


@pytest.mark.parametrize("answer", GARBAGE, ids=lambda a: type(a).__name__)
@pytest.mark.parametrize("exercise", [ONE_HOT_EX, COUNT_EX, DOUBLE_EX, QUESTION_EX, THINK_EX],
                         ids=lambda e: type(e).__name__ + str(e.number))
def test_garbage_never_crashes(exercise, answer, ns):
    ns[getattr(exercise, "name", None) or "unused"] = answer
    result = exercise.check(namespace=ns)
    assert isinstance(result, CheckResult) and result.message
    if exercise is not THINK_EX:
        assert result.outcome is Outcome.INCORRECT


# --------------------------------------------------------------------------- definitions


@pytest.mark.parametrize("make", [
    lambda: ValueExercise(0, "x", "t", "x = 1"),
    lambda: ValueExercise(1, "not a name", "t", "x = 1"),
    lambda: ValueExercise(1, "x", "", "x = 1"),
    lambda: ValueExercise(1, "x", "t", "x = = 1"),
    lambda: ValueExercise(1, "x", "t", "y = 1"),
    lambda: ValueExercise(1, "x", "t", "x = 1", hints="a single string"),
    lambda: ValueExercise(1, "x", "t", "x = 1", diagnosers=[lambda a, e: True]),
    lambda: ValueExercise(1, "x", "t", "x = 1", rtol=-1),
    lambda: FunctionExercise(1, "f", "t", "def f(x):\n    return x\n", probes=[]),
    lambda: FunctionExercise(1, "f", "t", "def f(x):\n    return x\n", probes=[1, 2]),
    lambda: QuestionExercise(1, "t", "why", choices={"a": "A"}, answer="b"),
    lambda: QuestionExercise(1, "t", "why", choices={"a": "A"}, answer="a", feedback={"c": "?"}),
    lambda: QuestionExercise(1, "t", "why", answer="a"),
    lambda: QuestionExercise(1, "t", "why", name="answer_1"),
    lambda: QuestionExercise(1, "t", ""),
])
def test_bad_definitions_raise(make):
    with pytest.raises(ExerciseDefinitionError):
        make()


def test_a_solution_that_never_binds_the_name_at_run_time_raises():
    sneaky = ValueExercise(number=18, name="x", title="x", solution="if False:\n    x = 1\n")
    with pytest.raises(ExerciseDefinitionError, match="did not define `x`"):
        sneaky.try_answer(...)


def test_an_exercise_names_itself():
    assert repr(ONE_HOT_EX) == "<ValueExercise 2: One-hot encode the days>"


def test_every_reference_here_passes_its_own_check(ns):
    for exercise in (ONE_HOT_EX, COUNT_EX, DOUBLE_EX):
        assert exercise.try_answer(exercise.reference(ns), ns).correct
    assert QUESTION_EX.try_answer(QUESTION_EX.answer).correct


def test_importing_exercises_does_not_import_keras():
    code = ("import sys, course_utils.exercises; "
            "sys.exit(int(any(m in sys.modules for m in ('keras', 'tensorflow'))))")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --------------------------------------------------------------------------- Keras models


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip(
        "keras", reason="keras is not installed: the model checks need keras 3 (see requirements.txt)")


MODEL_SOLUTION = """
model = keras.Sequential([
    keras.Input(shape=(10,)),
    keras.layers.Embedding(50, 8),
    keras.layers.LSTM(4),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(1, activation="sigmoid"),
])
"""
MODEL_EX = ModelExercise(number=19, name="model", title="A small sentiment LSTM", solution=MODEL_SOLUTION)
SHAPES_ONLY_EX = ModelExercise(number=20, name="model", title="Shapes only", solution=MODEL_SOLUTION, config_keys=())


def build(keras, *layers, input_shape=(10,)):
    return keras.Sequential([keras.Input(shape=input_shape), *layers])


def test_model_correct_and_blank(keras):
    namespace = {"keras": keras}
    assert MODEL_EX.try_answer(MODEL_EX.reference(namespace), namespace).correct
    functional_input = keras.Input(shape=(10,))
    x = keras.layers.Embedding(50, 8)(functional_input)
    x = keras.layers.Dropout(0.2)(keras.layers.LSTM(4)(x))
    functional = keras.Model(functional_input, keras.layers.Dense(1, activation="sigmoid")(x))
    assert MODEL_EX.try_answer(functional, namespace).correct
    namespace["model"] = ...
    assert MODEL_EX.check(namespace=namespace).outcome is Outcome.NOT_ATTEMPTED
    assert isinstance(namespace["model"], keras.Model)
    assert MODEL_EX.check(namespace=namespace).outcome is Outcome.NOT_ATTEMPTED


def test_model_typical_mistakes(keras):
    L = keras.layers
    cases = [
        (build(keras, L.Embedding(50, 8), L.SimpleRNN(4), L.Dropout(0.2), L.Dense(1, activation="sigmoid")),
         "Layer 2 of `model` is SimpleRNN, but it should be LSTM"),
        (build(keras, L.Embedding(50, 8), L.LSTM(4), L.Dense(1, activation="sigmoid")),
         "has 3 layers (Embedding, LSTM, Dense), but it should have 4 (Embedding, LSTM, Dropout, Dense)"),
        (build(keras, L.Embedding(50, 8), L.LSTM(4), L.Dropout(0.5), L.Dense(1, activation="sigmoid")),
         "Layer 3 (Dropout) has rate=0.5, too high."),
        (build(keras, L.Embedding(50, 8), L.LSTM(4), L.Dropout(0.2), L.Dense(1)),
         "Layer 4 (Dense) has activation='linear', but it should be activation='sigmoid'"),
        (build(keras, L.Embedding(50, 8), L.LSTM(4, return_sequences=True), L.Dropout(0.2),
               L.Dense(1, activation="sigmoid")),
         "return_sequences=True"),
        (keras.Sequential([L.Embedding(50, 8), L.LSTM(4), L.Dropout(0.2), L.Dense(1, activation="sigmoid")]),
         "not built yet"),
        (L.Dense(1), "should be a Keras model (for example `keras.Sequential([...])`), but it is a Dense"),
        (keras.Sequential, "should be a Keras model (for example `keras.Sequential([...])`), but it is a class"),
    ]
    for answer, words in cases:
        result = MODEL_EX.try_answer(answer, {"keras": keras})
        assert result.outcome is Outcome.INCORRECT
        assert words in result.message


def test_model_settings_that_are_numbers_compare_within_rounding(keras):
    L = keras.layers
    close = build(keras, L.Embedding(50, 8), L.LSTM(4), L.Dropout(0.2000001), L.Dense(1, activation="sigmoid"))
    assert MODEL_EX.try_answer(close, {"keras": keras}).correct


def test_model_shapes_and_parameter_counts(keras):
    L = keras.layers
    namespace = {"keras": keras}
    wrong_length = build(keras, L.Embedding(50, 8), L.LSTM(4), L.Dropout(0.2), L.Dense(1, activation="sigmoid"),
                         input_shape=(12,))
    assert "Layer 1 (Embedding) outputs shape (None, 12, 8), but it should output (None, 10, 8)" in \
        SHAPES_ONLY_EX.try_answer(wrong_length, namespace).message
    no_bias = build(keras, L.Embedding(50, 8), L.LSTM(4), L.Dropout(0.2),
                    L.Dense(1, activation="sigmoid", use_bias=False))
    assert "Layer 4 (Dense) has 4 parameters, too few" in MODEL_EX.try_answer(no_bias, namespace).message
    small_vocabulary = build(keras, L.Embedding(40, 8), L.LSTM(4), L.Dropout(0.2), L.Dense(1, activation="sigmoid"))
    assert "has 320 parameters, too few" in SHAPES_ONLY_EX.try_answer(small_vocabulary, namespace).message


@pytest.mark.parametrize("answer", GARBAGE, ids=lambda a: type(a).__name__)
def test_model_garbage_never_crashes(keras, answer):
    result = MODEL_EX.try_answer(answer, {"keras": keras})
    assert result.outcome is Outcome.INCORRECT and "should be a Keras model" in result.message


def test_module_exports_are_importable():
    for name in exercises.__all__:
        assert hasattr(exercises, name)
