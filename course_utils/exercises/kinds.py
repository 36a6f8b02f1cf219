"""The four kinds of exercise, and what they share: running the solution, stand-ins for blank answers."""
from __future__ import annotations

import ast
import copy
import html
import importlib
import inspect
import itertools
import linecache
import re
import textwrap
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from course_utils.exercises.display import (
    _COLOURS,
    _HINT_COLOUR,
    _SOLUTION_COLOUR,
    _SYMBOLS,
    CheckResult,
    ExerciseDefinitionError,
    Outcome,
    _box,
    _ipython_shell,
    _result,
    _show,
    _Shown,
    _to_html,
)
from course_utils.exercises.feedback import _a, _clip, _compare, _describe, _is_number, _short, _Tolerance, _type_tip

Namespace = dict[str, Any]
#: ``(predicate(answer, expected) -> bool, message)``: an author's explanation for a mistake they foresee.
Diagnoser = tuple[Callable[[Any, Any], bool], str]

_MISSING = object()  # the answer's name is not defined in the namespace at all
_FROM_SOLUTION = object()  # ValueExercise(expected=...) left out: compare with the solution's result
_answer_files = itertools.count(1)



# --------------------------------------------------------------------------- namespaces and code


def _namespace(namespace: Namespace | None) -> Namespace:
    """Where the learner's answers live: the explicit dict, else IPython's user namespace,
    else the globals of the code that called into this module (plain Python, tests)."""
    if namespace is not None:
        return namespace
    shell = _ipython_shell()
    if shell is not None:
        return shell.user_ns
    frame = inspect.currentframe()
    while frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    return frame.f_globals


def _binds(tree: ast.AST, name: str) -> bool:
    """Whether the code assigns, defines or imports ``name`` somewhere."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id == name:
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((alias.asname or alias.name.split(".")[0]) == name for alias in node.names):
                return True
    return False


def _run_source(source: str, namespace: Namespace, filename: str) -> None:
    """Execute code, registering its text so ``inspect.getsource`` works on what it defines."""
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), namespace)


# --------------------------------------------------------------------------- stand-ins

_STAND_INS = "__exercise_stand_ins__"
"""The namespace key under which checks record the stand-ins they put there (hidden from ``%who``)."""

#: Immutable built-in types: Python may hand the very same object of these to unrelated code (small
#: ints, interned strings, None, True, the empty tuple), so for them identity proves nothing. (A NumPy
#: scalar is not among them: NumPy makes a new one for every result.)
_SHARABLE = (type(None), bool, int, float, complex, str, bytes)


class _StandIn:
    """The record of a reference answer that a check put into a namespace in place of a blank one.

    The problem it solves: later checks must say "not yet attempted" while the name still holds
    the stand-in, yet "Correct" as soon as the learner has written a right answer, even when
    that answer is the same object. Identity alone cannot tell the two apart for small ints or
    interned strings: ``padded_length = max(...)`` gives the learner the very ``53`` object the
    stand-in is. So the record keeps two things:

    * **the object** put there (weakly when it can, so a replaced model or array is freed). If the
      name now holds anything else, the learner has replaced it: the record is dropped.
    * **the cell** that put it there: the index, in IPython's input history ``In`` (kept in the
      notebook namespace, the current cell last), of the cell whose check made the stand-in.

    When the name still holds the same object, the check decides:

    * for an object no other code can produce (an array, a NumPy number, a function, a model:
      anything but an immutable built-in value), identity is proof: the stand-in is still there;
    * for an immutable built-in value (an ``int``, ``float`` or ``str``, a tuple of them) it looks at the cells
      run since the stand-in was made (``In[cell + 1:]``, the current cell included): if one of
      them assigns the name at the top level of the cell (``name = ...``, ``def name``, an import,
      also inside ``%%time``-style magics), that value is the learner's own and is graded; if none
      does, the stand-in is still there. Outside IPython there is no history, so such a value is
      graded: a right answer is then always "Correct", at the cost of also accepting an untouched
      stand-in there (no notebook depends on that). A cell that assigns the name counts even if it
      raised before the assignment ran; then the stand-in is graded, and judged right.

    Records live in the namespace itself, under ``__exercise_stand_ins__``, so they last exactly as
    long as the variables they describe (a restarted kernel or ``%reset`` forgets both), and a copy
    of the namespace (``try_answer``) never changes the original's records.
    """

    __slots__ = ("_ref", "cell")

    def __init__(self, value: Any, cell: int | None) -> None:
        try:
            self._ref: Callable[[], Any] = weakref.ref(value)
        except TypeError:  # ints, strings, tuples: no weak references, and they are small
            self._ref = lambda: value
        self.cell = cell

    def holds(self, value: Any) -> bool:
        """Whether ``value`` is the very object this record put in the namespace."""
        target = self._ref()
        return target is not None and target is value


def _history(namespace: Namespace) -> list | None:
    """IPython's input history (``In``, the current cell last) when the namespace is a notebook's, else None."""
    history = namespace.get("In")
    return history if isinstance(history, list) else None


def _current_cell(namespace: Namespace) -> int | None:
    history = _history(namespace)
    return len(history) - 1 if history else None


def _identity_is_shared(value: Any) -> bool:
    """Whether unrelated code may hold this very object (see :data:`_SHARABLE`)."""
    if type(value) in (tuple, frozenset):
        return all(_identity_is_shared(item) for item in value)
    return type(value) in _SHARABLE


def _assigned_since(namespace: Namespace, name: str, cell: int | None) -> bool | None:
    """Whether a cell run after cell ``cell`` assigns ``name``; None when there is no history to tell."""
    history = _history(namespace)
    if history is None or cell is None or cell >= len(history):
        return None
    return any(isinstance(source, str) and _cell_binds(source, name) for source in history[cell + 1:])


_MAGIC_CALLS = ("run_cell_magic", "run_line_magic")


def _cell_binds(source: str, name: str, depth: int = 0) -> bool:
    """Whether a cell's code assigns ``name`` in the notebook's namespace: at the top level, not
    inside a function, class, lambda or comprehension. The code of IPython magics
    (``%%time``, ``%time``: in ``In`` they are calls of ``run_cell_magic``) is searched too.
    A cell that does not parse never ran, so it assigns nothing."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    stack: list[ast.AST] = list(ast.iter_child_nodes(tree))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id == name:
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == name:
                return True
            stack.extend(node.decorator_list)  # run in the cell's scope; the body does not
            continue
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((alias.asname or alias.name.split(".")[0]) == name for alias in node.names):
                return True
            continue
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _MAGIC_CALLS
                and depth < 3):
            for argument in node.args[1:]:
                if (isinstance(argument, ast.Constant) and isinstance(argument.value, str)
                        and _cell_binds(argument.value, name, depth + 1)):
                    return True
        stack.extend(ast.iter_child_nodes(node))
    return False


def _body_is_blank(function: Callable) -> bool:
    """True when the function's source shows a body of only a docstring, ``...`` and ``pass``.

    False when the source is unavailable: without it, a function that returns None may be a
    real attempt that forgot ``return``, and must not be overwritten.
    """
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except Exception:
        return False
    definition = next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    return definition is not None and all(_is_filler(statement) for statement in definition.body)


def _is_filler(statement: ast.stmt) -> bool:
    """``pass``, ``...`` or a bare string (a docstring or a 'your code here' note)."""
    if isinstance(statement, ast.Pass):
        return True
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
            and (statement.value.value is Ellipsis or isinstance(statement.value.value, str)))


# --------------------------------------------------------------------------- the exercises


class Exercise(ABC):
    """What every exercise offers the learner: ``check()``, ``hint()``, ``solution()``.

    The learner's handle is assumed to be ``ex<number>`` (``ex2.hint()``); messages use it.
    """

    def __init__(self, number: int, title: str, hints: Sequence[str] = ()) -> None:
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise ExerciseDefinitionError(f"number must be a positive int, not {number!r}")
        if not isinstance(title, str) or not title.strip():
            raise ExerciseDefinitionError(f"exercise {number}: title must be a non-empty string")
        if isinstance(hints, str) or not all(isinstance(h, str) and h.strip() for h in hints):
            raise ExerciseDefinitionError(f"exercise {number}: hints must be a list of non-empty strings")
        self.number = number
        self.title = title
        self.hints = list(hints)
        self._hints_shown = 0

    @property
    def handle(self) -> str:
        """The variable name learners use for this exercise in a notebook."""
        return f"ex{self.number}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.number}: {self.title}>"

    def check(self, namespace: Namespace | None = None) -> CheckResult:
        """Check the learner's answer, show the verdict at once, and return it."""
        result = self._evaluate(_namespace(namespace))
        heading = f"Exercise {self.number} · {self.title}"
        colour = _COLOURS[result.outcome]
        _show(_box(colour, heading, _to_html(result.message)),
              f"{_SYMBOLS[result.outcome]} {heading}\n{result.message}")
        return result

    def try_answer(self, answer: Any, namespace: Namespace | None = None) -> CheckResult:
        """Check a candidate answer without a notebook and without displaying anything.

        ``namespace`` supplies the other variables the exercise needs; it is copied, never changed.
        """
        scratch = dict(namespace or {})
        self._place(answer, scratch)
        return self._evaluate(scratch)

    def hint(self, level: int | None = None) -> str:
        """Show the next hint (or hint ``level``, counting from 1) and return its text."""
        if not self.hints:
            text = f"There are no hints for this one; `{self.handle}.solution()` shows the answer."
            _show(_box(_HINT_COLOUR, "Hint", _to_html(text)), f"Hint: {text}")
            return _Shown(text)
        wanted = self._hints_shown + 1 if level is None else level
        level = min(max(int(wanted), 1), len(self.hints))
        self._hints_shown = level
        text = self.hints[level - 1]
        if level < len(self.hints):
            after = f"Run `{self.handle}.hint()` again for another hint."
        else:
            after = f"That was the last hint; `{self.handle}.solution()` shows the answer."
        heading = f"Hint {level} of {len(self.hints)}"
        _show(_box(_HINT_COLOUR, heading, f"{_to_html(text)}<br><em>{_to_html(after)}</em>"),
              f"{heading}: {text}\n({after})")
        return _Shown(text)

    @abstractmethod
    def solution(self) -> str:
        """Show the reference answer and return its text."""

    @abstractmethod
    def _evaluate(self, namespace: Namespace) -> CheckResult:
        """Judge the answer found in ``namespace`` (may write a stand-in there); never raises for
        a learner's mistake."""

    @abstractmethod
    def _place(self, answer: Any, namespace: Namespace) -> None:
        """Put a candidate answer into ``namespace`` the way a notebook cell would (for try_answer)."""


class _CodeExercise(Exercise):
    """An exercise whose answer is bound to a name by code, with a code ``solution``.

    Subclasses say what a blank answer looks like and how to grade a real one.
    """

    kind = "value"

    def __init__(self, number: int, name: str, title: str, solution: str, hints: Sequence[str] = ()) -> None:
        super().__init__(number, title, hints)
        if not isinstance(name, str) or not name.isidentifier():
            raise ExerciseDefinitionError(f"exercise {number}: name must be a Python identifier, not {name!r}")
        if not isinstance(solution, str) or not solution.strip():
            raise ExerciseDefinitionError(f"exercise {number}: solution must be code (a non-empty string)")
        self.name = name
        self.solution_code = textwrap.dedent(solution).strip() + "\n"
        try:
            tree = ast.parse(self.solution_code)
        except SyntaxError as error:
            raise ExerciseDefinitionError(f"exercise {number}: the solution is not valid Python: {error}") from error
        if not _binds(tree, name):
            raise ExerciseDefinitionError(f"exercise {number}: the solution never assigns `{name}`")

    # -- for learners

    def solution(self) -> str:
        """Show the reference code, syntax-highlighted in Jupyter, and return it."""
        heading = f"Solution to exercise {self.number}"
        try:
            from IPython.display import Code

            code_html = Code(self.solution_code, language="python")._repr_html_()
        except Exception:  # no IPython or no pygments: plain preformatted code
            code_html = f"<pre>{html.escape(self.solution_code)}</pre>"
        _show(_box(_SOLUTION_COLOUR, heading, code_html), f"{heading}:\n{self.solution_code}")
        return _Shown(self.solution_code)

    def load_solution(self, namespace: Namespace | None = None) -> None:
        """Put the reference answer into the notebook under the answer's name (replacing the learner's)."""
        namespace = _namespace(namespace)
        try:
            reference = self.reference(namespace)
        except ExerciseDefinitionError:
            raise
        except Exception as error:
            text = (f"The reference answer could not be made ({type(error).__name__}: {_clip(str(error), 120)}):"
                    " run the cells above this exercise first, then try again.")
        else:
            self._put_stand_in(reference, namespace)
            text = (f"Loaded the reference answer into `{self.name}`, so the cells below can use it."
                    f" `{self.handle}.solution()` shows its code.")
        _show(_box(_SOLUTION_COLOUR, f"Exercise {self.number} · reference loaded", _to_html(text)), text)

    # -- for authors and tests

    def reference(self, namespace: Namespace | None = None) -> Any:
        """The reference answer: the value the solution code binds to ``name``.

        The code runs in a copy of ``namespace`` (without the learner's ``name``), so it may
        use earlier notebook variables but changes nothing in the notebook itself.
        """
        scratch = dict(namespace or {})
        scratch.pop(self.name, None)
        _run_source(self.solution_code, scratch, f"<solution to exercise {self.number}>")
        if self.name not in scratch:
            raise ExerciseDefinitionError(f"exercise {self.number}: running the solution did not define `{self.name}`")
        return scratch[self.name]

    # -- grading

    def _place(self, answer: Any, namespace: Namespace) -> None:
        namespace[self.name] = answer

    def _is_blank(self, answer: Any) -> bool:
        return answer is Ellipsis

    @abstractmethod
    def _grade(self, answer: Any, namespace: Namespace) -> str | None:
        """None when the (non-blank) answer is right, else why it is wrong. May raise on odd
        answers: the caller turns that into an explanation."""

    # -- stand-ins (see _StandIn)

    def _put_stand_in(self, reference: Any, namespace: Namespace) -> None:
        namespace[self.name] = reference
        records = namespace.get(_STAND_INS)
        records = dict(records) if isinstance(records, dict) else {}  # a copy: never change another namespace's
        records[self] = _StandIn(reference, _current_cell(namespace))
        namespace[_STAND_INS] = records

    def _forget_stand_in(self, namespace: Namespace) -> None:
        records = namespace.get(_STAND_INS)
        if isinstance(records, dict) and self in records:
            namespace[_STAND_INS] = {key: record for key, record in records.items() if key is not self}

    def _holds_stand_in(self, answer: Any, namespace: Namespace) -> bool:
        """Whether ``answer``, found under the answer's name, is still the stand-in a check put there."""
        records = namespace.get(_STAND_INS)
        record = records.get(self) if isinstance(records, dict) else None
        if not isinstance(record, _StandIn):
            return False
        if not record.holds(answer):
            self._forget_stand_in(namespace)  # replaced by the learner
            return False
        if not _identity_is_shared(answer):
            return True
        if _assigned_since(namespace, self.name, record.cell) is False:
            return True
        self._forget_stand_in(namespace)  # the learner's cell assigned it (or there is no history to tell)
        return False

    def _evaluate(self, namespace: Namespace) -> CheckResult:
        answer = namespace.get(self.name, _MISSING)
        if answer is not _MISSING and self._holds_stand_in(answer, namespace):
            return _result(Outcome.NOT_ATTEMPTED, (
                f"`{self.name}` still holds the reference answer that stands in for yours."
                f" Write your own {self.kind} in the exercise cell, run it, then check again."))
        try:
            blank = answer is _MISSING or self._is_blank(answer)
        except Exception:
            blank = False  # cannot tell: treat it as an attempt, never overwrite it
        if blank:
            return self._stand_in(answer, namespace)
        try:
            reason = self._grade(answer, namespace)
        except ExerciseDefinitionError:
            raise
        except Exception as error:
            reason = (f"Checking `{self.name}` failed with {type(error).__name__}: {_clip(str(error), 200)}."
                      f" Make sure `{self.name}` is {_a(self.kind)} of the kind the exercise asks for, and that"
                      " the cells above it have run.")
        if reason is None:
            return _result(Outcome.CORRECT, f"`{self.name}` is right. Well done!")
        return _result(Outcome.INCORRECT, (
            f"{reason}\nThe cells below use `{self.name}` and may fail until it is right."
            f" Try `{self.handle}.hint()`, or run `{self.handle}.load_solution()` to continue with the"
            f" reference answer (`{self.handle}.solution()` shows it)."))

    def _stand_in(self, answer: Any, namespace: Namespace) -> CheckResult:
        what = f"`{self.name}` is not defined yet" if answer is _MISSING else f"`{self.name}` is still blank"
        try:
            reference = self.reference(namespace)
        except ExerciseDefinitionError:
            raise
        except Exception as error:
            return _result(Outcome.NOT_ATTEMPTED, (
                f"{what}. The reference answer could not stand in either"
                f" ({type(error).__name__}: {_clip(str(error), 120)}): run the cells above this exercise first."))
        self._put_stand_in(reference, namespace)
        return _result(Outcome.NOT_ATTEMPTED, (
            f"the reference answer stands in so the cells below run. ({what}: write your"
            f" answer, run the cell, then `{self.handle}.check()` again.)"))


def _checked_diagnosers(number: int, diagnosers: Sequence[Diagnoser]) -> list[Diagnoser]:
    pairs = list(diagnosers)
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2 and callable(pair[0]) and isinstance(pair[1], str)):
            raise ExerciseDefinitionError(
                f"exercise {number}: each diagnoser must be a (predicate, message) pair, not {pair!r}")
    return pairs


def _diagnose(diagnosers: Sequence[Diagnoser], got: Any, expected: Any) -> str | None:
    """The message of the first author diagnoser that recognises the mistake; a predicate
    that raises on an unexpected answer simply does not match."""
    for predicate, message in diagnosers:
        try:
            if predicate(got, expected):
                return message
        except Exception:
            continue
    return None


class ValueExercise(_CodeExercise):
    """The learner computes a value (a number, an array, a list...) and binds it to ``name``.

    ``expected`` is what the answer is compared with: left out, it is the value the
    ``solution`` produces (the usual case, so the two cannot disagree); a callable receives
    the notebook namespace (for answers that depend on earlier variables); anything else is
    used as is. Arrays are compared by shape, then values within ``rtol``/``atol``, and by
    dtype only if ``strict_dtype`` (which also makes a whole number required to be an ``int``).
    A tuple also accepts a list, or an array with one row per item (it is unpacked the same
    way). ``accept_lists``/``accept_tensors`` let a list, or a tensor, stand for an expected
    array (see :class:`_Tolerance`): turn them on where the cells below work with those too.
    ``diagnosers`` explain mistakes the author foresees; they are tried, in order, before the
    built-in explanations.
    """

    def __init__(self, number: int, name: str, title: str, solution: str, *,
                 expected: Any = _FROM_SOLUTION, hints: Sequence[str] = (),
                 diagnosers: Sequence[Diagnoser] = (), rtol: float = 1e-5, atol: float = 1e-8,
                 strict_dtype: bool = False, accept_lists: bool = False, accept_tensors: bool = False) -> None:
        super().__init__(number, name, title, solution, hints)
        if rtol < 0 or atol < 0:
            raise ExerciseDefinitionError(f"exercise {number}: rtol and atol must not be negative")
        self.expected = expected
        self.diagnosers = _checked_diagnosers(number, diagnosers)
        self.tolerance = _Tolerance(rtol, atol, strict_dtype, accept_lists, accept_tensors)

    def _expected(self, namespace: Namespace) -> Any:
        if self.expected is _FROM_SOLUTION:
            return self.reference(namespace)
        return self.expected(namespace) if callable(self.expected) else self.expected

    def _grade(self, answer: Any, namespace: Namespace) -> str | None:
        expected = self._expected(namespace)
        reason = _compare(answer, expected, f"`{self.name}`", self.tolerance)
        if reason is None:
            return None
        return _diagnose(self.diagnosers, answer, expected) or reason


class FunctionExercise(_CodeExercise):
    """The learner writes a function called ``name``; it is run on probe inputs and its results
    compared with those of the solution's function.

    ``probes`` is a list of argument tuples (``[(0,), (3,), (6,)]`` for a one-argument function;
    include edge cases), or a callable that builds that list from the notebook namespace.
    Arguments are deep-copied for every call, so a function that changes its input cannot
    spoil the next probe. Results are compared as a :class:`ValueExercise` compares values
    (the same ``rtol``, ``atol``, ``strict_dtype``, ``accept_lists`` and ``accept_tensors``).
    ``diagnosers`` see ``(learner_result, expected_result)`` of the first failing probe.
    """

    kind = "function"

    def __init__(self, number: int, name: str, title: str, solution: str, *,
                 probes: Sequence[tuple] | Callable[[Namespace], Sequence[tuple]],
                 hints: Sequence[str] = (), diagnosers: Sequence[Diagnoser] = (),
                 rtol: float = 1e-5, atol: float = 1e-8, strict_dtype: bool = False,
                 accept_lists: bool = False, accept_tensors: bool = False) -> None:
        super().__init__(number, name, title, solution, hints)
        if not callable(probes) and (not probes or not all(isinstance(p, tuple) for p in probes)):
            raise ExerciseDefinitionError(
                f"exercise {number}: probes must be a non-empty list of argument tuples, e.g. [(0,), (3,)]")
        self.probes = probes
        self.diagnosers = _checked_diagnosers(number, diagnosers)
        self.tolerance = _Tolerance(rtol, atol, strict_dtype, accept_lists, accept_tensors)

    def _place(self, answer: Any, namespace: Namespace) -> None:
        """Accept a function, or source code that defines it (as a notebook cell would)."""
        if isinstance(answer, str):
            filename = f"<answer to exercise {self.number} #{next(_answer_files)}>"
            _run_source(textwrap.dedent(answer), namespace, filename)
        else:
            namespace[self.name] = answer

    def _is_blank(self, answer: Any) -> bool:
        return answer is Ellipsis or (inspect.isfunction(answer) and _body_is_blank(answer))

    def _grade(self, answer: Any, namespace: Namespace) -> str | None:
        if not callable(answer):
            return (f"`{self.name}` should be a function, but it is {_describe(answer)}."
                    f" Define it with `def {self.name}(...):`.")
        reference = self.reference(namespace)
        probes = self.probes(namespace) if callable(self.probes) else self.probes
        for args in probes:
            call = f"{self.name}({', '.join(_short(a, 40) for a in args)})"
            signature_problem = self._signature_problem(answer, args)
            if signature_problem:
                return signature_problem
            try:
                expected = reference(*_fresh(args))
            except Exception as error:
                raise ExerciseDefinitionError(
                    f"exercise {self.number}: the solution raised {type(error).__name__} on {call}") from error
            try:
                got = answer(*_fresh(args))
            except Exception as error:
                return f"Your function raised {type(error).__name__} on input {call}: {_clip(str(error), 160)}."
            reason = _compare(got, expected, "the result", self.tolerance)
            if reason is not None:
                if got is None:
                    return f"Your function returned None for {call}. Did you forget `return`?"
                return f"On input {call}: {_diagnose(self.diagnosers, got, expected) or reason}"
        return None

    def _signature_problem(self, function: Callable, args: tuple) -> str | None:
        try:
            signature = inspect.signature(function)
        except (TypeError, ValueError):  # builtins without a signature: just call them
            return None
        try:
            signature.bind(*args)
        except TypeError:
            return (f"`{self.name}` should accept {len(args)} argument(s), but it is defined as"
                    f" `{self.name}{signature}`.")
        return None


def _fresh(args: tuple) -> tuple:
    """A deep copy of probe arguments, or the originals if they cannot be copied."""
    try:
        return copy.deepcopy(args)
    except Exception:
        return args


def _import_keras() -> Any | None:
    """Keras, imported only when a model is checked (importing TensorFlow takes seconds)."""
    try:
        return importlib.import_module("keras")
    except ImportError:
        return None


_UNBUILT = ("`{name}` is not built yet, so its layers have no shapes or weights to check. Build it first:"
            " start it with `keras.Input(shape=...)` (or call `{name}.build(input_shape)`), then check again.")


class ModelExercise(_CodeExercise):
    """The learner builds a Keras model called ``name``; it is compared with the model the
    solution builds: layer types in order, then the ``config_keys`` of each layer (e.g. units,
    activation, dropout rate, return_sequences), output shapes, and parameter counts.

    Input layers are ignored (Keras lists them for functional models but not for Sequential ones).
    Keras is imported only when a check runs.
    """

    kind = "model"
    DEFAULT_CONFIG_KEYS = ("units", "activation", "rate", "return_sequences", "input_dim", "output_dim")

    def __init__(self, number: int, name: str, title: str, solution: str, *,
                 hints: Sequence[str] = (), config_keys: Sequence[str] = DEFAULT_CONFIG_KEYS) -> None:
        super().__init__(number, name, title, solution, hints)
        self.config_keys = tuple(config_keys)

    def _grade(self, answer: Any, namespace: Namespace) -> str | None:
        keras = _import_keras()
        if keras is None or not isinstance(answer, keras.Model):
            return (f"`{self.name}` should be a Keras model (for example `keras.Sequential([...])`), but it is"
                    f" {_describe(answer)}.{_type_tip(answer)}")
        if not answer.built:
            return _UNBUILT.format(name=self.name)
        reference = self.reference(namespace)
        if not reference.built:
            raise ExerciseDefinitionError(f"exercise {self.number}: the solution's model is not built")
        ours, theirs = _layers(answer), _layers(reference)
        our_types, their_types = [type(layer).__name__ for layer in ours], [type(layer).__name__ for layer in theirs]
        if len(ours) != len(theirs):
            return (f"`{self.name}` has {len(ours)} layers ({', '.join(our_types) or 'none'}), but it should have"
                    f" {len(theirs)} ({', '.join(their_types)}).")
        for position, (mine, wanted) in enumerate(zip(our_types, their_types), 1):
            if mine != wanted:
                return f"Layer {position} of `{self.name}` is {mine}, but it should be {wanted}."
        for check in (self._config_problem, self._shape_problem, self._params_problem):
            for position, (layer, target) in enumerate(zip(ours, theirs), 1):
                problem = check(layer, target)
                if problem:
                    return f"Layer {position} ({type(layer).__name__}) {problem}"
        if answer.count_params() != reference.count_params():
            return (f"`{self.name}` has {answer.count_params():,} parameters, too"
                    f" {'many' if answer.count_params() > reference.count_params() else 'few'}.")
        return None

    #: Settings that count things: a wrong one is "too many"/"too few" rather than "too high"/"too low".
    SIZES = ("units", "input_dim", "output_dim", "filters", "kernel_size", "pool_size")

    def _config_problem(self, layer: Any, target: Any) -> str | None:
        """A setting that differs. A number is said to be too high or too low, never what it should
        be (that would give away a size the exercise asks the learner to work out, or a parameter
        count another exercise asks for); a choice (an activation, ``return_sequences``) is named."""
        mine, wanted = layer.get_config(), target.get_config()
        for key in self.config_keys:
            if key not in wanted or str(mine.get(key)) == str(wanted[key]):
                continue
            ours, theirs = mine.get(key), wanted[key]
            if _is_number(ours) and _is_number(theirs) and not isinstance(ours, bool) and not isinstance(theirs, bool):
                if np.isclose(float(ours), float(theirs)):  # 0.3 written as 0.30000001, or a NumPy number
                    continue
                more = float(ours) > float(theirs)
                if key in self.SIZES:
                    words = "too many" if more else "too few"
                else:
                    words = "too high" if more else "too low"
                return f"has {key}={ours!r}, {words}."
            return f"has {key}={ours!r}, but it should be {key}={theirs!r}."
        return None

    def _shape_problem(self, layer: Any, target: Any) -> str | None:
        try:
            shape = tuple(layer.output.shape)
        except Exception:
            return "has no output shape yet. " + _UNBUILT.format(name=self.name)
        wanted = tuple(target.output.shape)
        if shape != wanted:
            return f"outputs shape {shape}, but it should output {wanted}."
        return None

    def _params_problem(self, layer: Any, target: Any) -> str | None:
        mine, wanted = layer.count_params(), target.count_params()
        if mine != wanted:
            return (f"has {mine:,} parameters, too {'many' if mine > wanted else 'few'}: check its sizes"
                    " (units, vocabulary size, embedding size) and whether it uses a bias.")
        return None


def _layers(model: Any) -> list:
    return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]


def _choice_key(value: Any) -> str | None:
    """The choice a learner means: "b", "B", " (b) ", "b)", "b." all mean "b"; None for a non-string."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    match = re.fullmatch(r"\(?\s*(\w+)\s*\)?\s*[.:]?", text)
    return match.group(1) if match else text


class QuestionExercise(Exercise):
    """A question to think about, with an explanation that ``solution()`` reveals.

    With ``choices`` (``{"a": "...", "b": "..."}``) and the right ``answer`` key it is multiple
    choice: the learner sets ``answer_<number> = "b"`` (or the ``name`` given) and checks;
    ``feedback`` maps a wrong choice to why it is wrong. Without choices it is reveal-only and
    ``check()`` just points at ``solution()``. Nothing is injected for a blank answer: no cell
    depends on it. A subclass may override :meth:`explain` to fit the explanation to what the
    learner's own notebook computed.
    """

    def __init__(self, number: int, title: str, explanation: str, *,
                 choices: Mapping[str, str] | None = None, answer: str | None = None,
                 name: str | None = None, feedback: Mapping[str, str] | None = None,
                 hints: Sequence[str] = ()) -> None:
        super().__init__(number, title, hints)
        if not isinstance(explanation, str) or not explanation.strip():
            raise ExerciseDefinitionError(f"exercise {number}: explanation must be a non-empty string")
        self.explanation = textwrap.dedent(explanation).strip()
        self.choices = {str(k).lower(): v for k, v in (choices or {}).items()}
        self.answer = answer.lower() if isinstance(answer, str) else answer
        self.feedback = {str(k).lower(): v for k, v in (feedback or {}).items()}
        if self.choices and self.answer not in self.choices:
            raise ExerciseDefinitionError(f"exercise {number}: answer {answer!r} is not one of the choices")
        if not self.choices and (answer is not None or feedback or name):
            raise ExerciseDefinitionError(f"exercise {number}: answer, feedback and name need choices")
        if not set(self.feedback) <= set(self.choices):
            raise ExerciseDefinitionError(f"exercise {number}: feedback is given for unknown choices")
        self.name = (name or f"answer_{number}") if self.choices else None
        if self.name is not None and not self.name.isidentifier():
            raise ExerciseDefinitionError(f"exercise {number}: name must be a Python identifier, not {name!r}")

    def explain(self, namespace: Namespace) -> str:
        """The explanation shown by ``solution()`` and by a correct check; ``namespace`` is the notebook's."""
        return self.explanation

    def _explanation(self, namespace: Namespace) -> str:
        """:meth:`explain`, or the fixed explanation if that fails (a check never crashes)."""
        try:
            text = self.explain(namespace)
        except Exception:
            return self.explanation
        return text if isinstance(text, str) and text.strip() else self.explanation

    def solution(self, namespace: Namespace | None = None) -> str:
        """Show the explanation in a collapsible block and return it (with the right choice first)."""
        text = self._explanation(_namespace(namespace))
        if self.choices:
            text = f"The answer is ({self.answer}): {self.choices[self.answer]}\n\n{text}"
        details = (f"<details><summary>Show the explanation for exercise {self.number}</summary>"
                   f"<div style='margin-top: 6px'>{_to_html(text)}</div></details>")
        _show(_box(_SOLUTION_COLOUR, f"Exercise {self.number} · {self.title}", details),
              f"Solution to exercise {self.number}:\n{text}")
        return _Shown(text)

    def _place(self, answer: Any, namespace: Namespace) -> None:
        if self.name is not None:
            namespace[self.name] = answer

    def _evaluate(self, namespace: Namespace) -> CheckResult:
        if self.name is None:
            return _result(Outcome.NOT_ATTEMPTED, (
                f"there is nothing to check here: think it over (write your answer down, if you like),"
                f" then run `{self.handle}.solution()` to compare with ours."))
        options = ", ".join(repr(key) for key in self.choices)
        value = namespace.get(self.name, _MISSING)
        if value is _MISSING or value is Ellipsis:
            return _result(Outcome.NOT_ATTEMPTED, (
                f"set `{self.name}` to one of {options} (for example"
                f" `{self.name} = {next(iter(self.choices))!r}`), run the cell, then check again."))
        choice = _choice_key(value)
        if choice not in self.choices:
            return _result(Outcome.INCORRECT, (
                f"`{self.name}` should be one of {options} (a string, with quotes), but it is {_describe(value)}."))
        if choice == self.answer:
            return _result(Outcome.CORRECT, f"well done. {self._explanation(namespace)}")
        why = self.feedback.get(choice, "Think about it again.")
        return _result(Outcome.INCORRECT, (
            f"({choice}) is not the best answer. {why}\n`{self.handle}.hint()` gives a nudge;"
            f" `{self.handle}.solution()` explains the answer."))
