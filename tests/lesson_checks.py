"""One call that tests an exercise the way the course promises it behaves.

Every exercise in every notebook needs a test showing that its solution passes and that at least
two typical mistakes fail with the message a learner should read. ``assert_exercise`` does all of
that in one call, and ``tests/test_exercise_coverage.py`` looks for one such call per exercise in
``tests/test_lesson_NN.py``::

    from lesson_checks import assert_exercise

    def test_ex2(namespace):
        labels = namespace["phrases"].train["Sentiment"]
        assert_exercise(ex2, namespace, mistakes=[
            (int((labels == 4).sum()) + 1, "too high"),
            (labels == 4, "True/False"),
        ])

(pytest puts ``tests/`` on ``sys.path``, so ``from lesson_checks import ...`` works in any test file.)
"""
from __future__ import annotations

import contextlib
import io
import linecache
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import count
from typing import Any

import numpy as np

from course_utils.exercises import (
    CheckResult,
    Exercise,
    FunctionExercise,
    ModelExercise,
    Outcome,
    QuestionExercise,
    ValueExercise,
)
from course_utils.exercises.feedback import _short as shown  # how the checker prints a value
from course_utils.tools.conventions import MIN_MISTAKES

__all__ = ["assert_exercise", "assert_blank_then_correct", "assert_reveals_nothing", "MIN_MISTAKES"]


Mistake = tuple[Any, "str | Sequence[str]"]


def assert_exercise(
    exercise: Exercise,
    namespace: dict[str, Any] | None = None,
    *,
    mistakes: Sequence[Mistake],
    also_correct: Iterable[Any] = (),
) -> dict[str, CheckResult]:
    """Assert everything the course promises about one exercise, and return what each try said.

    - the exercise has at least one hint (every exercise cell offers ``# exN.hint()``);
    - **its solution passes**: the reference answer for a value or model exercise (the value the
      solution code binds, run in a copy of ``namespace``), the solution's source text for a
      function exercise (as a learner would type it), the right key for a multiple-choice question;
    - every answer in ``also_correct`` passes too (other ways a learner may get it right; give a
      list, since a single list answer would be read as several answers);
    - **each mistake fails with its message**: ``mistakes`` holds at least two
      ``(answer, fragment)`` pairs; the answer must be judged incorrect and the message must
      contain the fragment (or every fragment, when a list or tuple of them is given);
    - **a blank answer is safe**: ``...`` is "not yet attempted" and, for a code exercise, the
      reference answer can stand in (so the cells below the exercise run);
    - **a right answer after a blank run is Correct**: in one namespace, the blank cell runs and
      checks, then the solution's cell (and each ``also_correct`` answer) and checks, both as plain
      Python and as a notebook would (with IPython's ``In`` history), where a check in between
      must still see the stand-in (:func:`assert_blank_then_correct`);
    - **no message gives the answer away**: no check of a mistake (given, or made from the
      reference: perturbed, of the wrong type or shape) and no hint shows the expected value or
      the expected element that differs (:func:`assert_reveals_nothing`).

    A reveal-only question (no choices) has nothing to get wrong: it must be given no mistakes,
    and the test asserts that checking it points at ``solution()``.

    ``namespace`` holds the notebook variables the exercise uses (``day``, ``phrases``, ``keras``...);
    it is copied, never changed. The returned dict maps ``"solution"``, ``"blank"`` and
    ``"mistake 1"``, ``"mistake 2"``... to the results, for any further assertions.
    """
    namespace = dict(namespace or {})
    who = f"{exercise.handle} ({exercise.title!r})"
    results: dict[str, CheckResult] = {}
    assert exercise.hints, (
        f"{who} has no hints: every exercise cell offers `# {exercise.handle}.hint()`, so give at least one.")

    if isinstance(exercise, QuestionExercise) and exercise.name is None:
        assert not mistakes, f"{who} is reveal-only (no choices), so no answer can be a mistake: drop `mistakes`."
        results["blank"] = blank = exercise.try_answer(..., namespace)
        assert blank.outcome is Outcome.NOT_ATTEMPTED and f"{exercise.handle}.solution()" in blank.message, (
            f"{who}: checking a reveal-only question should point at solution(); it said: {blank.message}")
        return results

    assert len(mistakes) >= MIN_MISTAKES, (
        f"{who}: give at least {MIN_MISTAKES} typical mistakes, each as (answer, expected message fragment);"
        f" got {len(mistakes)}.")

    results["solution"] = solved = exercise.try_answer(_solution_answer(exercise, namespace), namespace)
    assert solved.outcome is Outcome.CORRECT, f"{who}: its own solution is not accepted: {solved.message}"
    for index, answer in enumerate(also_correct, start=1):
        result = exercise.try_answer(answer, namespace)
        results[f"also correct {index}"] = result
        assert result.outcome is Outcome.CORRECT, (
            f"{who}: also_correct[{index - 1}] ({_short(answer)}) should pass, but: {result.message}")

    for index, mistake in enumerate(mistakes, start=1):
        assert isinstance(mistake, tuple) and len(mistake) == 2, (
            f"{who}: mistake {index} should be a pair (answer, expected message fragment), not {_short(mistake)}")
        answer, fragments = mistake
        fragments = [fragments] if isinstance(fragments, str) else list(fragments)
        assert fragments and all(isinstance(f, str) and f.strip() for f in fragments), (
            f"{who}: mistake {index} needs a non-empty message fragment to look for")
        result = exercise.try_answer(answer, namespace)
        results[f"mistake {index}"] = result
        assert result.outcome is Outcome.INCORRECT, (
            f"{who}: mistake {index} ({_short(answer)}) should be judged incorrect, but it was"
            f" {result.outcome.value!r}: {result.message}")
        missing = [fragment for fragment in fragments if fragment not in result.message]
        assert not missing, (
            f"{who}: mistake {index} ({_short(answer)}) failed, but its message lacks {missing!r}."
            f" The learner reads: {result.message}")

    results["blank"] = blank = exercise.try_answer(..., namespace)
    assert blank.outcome is Outcome.NOT_ATTEMPTED, (
        f"{who}: a blank answer (...) should be 'not yet attempted': {blank.message}")
    if not isinstance(exercise, QuestionExercise):
        assert "stands in" in blank.message, (
            f"{who}: for a blank answer the reference should stand in, so the cells below run; it said:"
            f" {blank.message}. Put every variable the solution uses into the test's namespace.")
    assert_blank_then_correct(exercise, namespace, also_correct=also_correct)
    assert_reveals_nothing(exercise, namespace, mistakes=[answer for answer, _ in mistakes])
    return results


def _solution_answer(exercise: Exercise, namespace: dict[str, Any]) -> Any:
    """What a learner who typed the solution would hand to the checker."""
    if isinstance(exercise, QuestionExercise):
        return exercise.answer
    if isinstance(exercise, FunctionExercise):
        return exercise.solution_code  # run as a cell would run it
    return exercise.reference(namespace)


def _short(value: Any, limit: int = 60) -> str:
    try:
        text = " ".join(repr(value).split())
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- a right answer after a blank run

_cells = count(1)


class Notebook:
    """A namespace driven the way a notebook drives it: each cell's code is run in it, and, when
    ``history`` is on, first appended to IPython's input history ``In`` (as IPython does before it
    runs a cell). The exercise is in the namespace under its handle, so cells call ``exN.check()``."""

    def __init__(self, exercise: Exercise, namespace: dict[str, Any], *, history: bool) -> None:
        self.exercise = exercise
        self.ns = {**namespace, exercise.handle: exercise}
        if history:
            self.ns["In"] = [""]

    def run(self, source: str) -> None:
        if "In" in self.ns:
            self.ns["In"].append(source)
        filename = f"<cell {next(_cells)}>"  # registered, so inspect.getsource finds what the cell defines
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, filename, "exec"), self.ns)

    def assign(self, value: Any) -> None:
        """A cell that assigns ``value`` to the answer's name (for values a cell cannot spell out)."""
        self.ns["_answer"] = value
        self.run(f"{self.exercise.name} = _answer")
        del self.ns["_answer"]

    def check(self) -> CheckResult:
        """``exN.check()`` in a cell of its own, as a learner may run it."""
        self.run(f"_result = {self.exercise.handle}.check()")
        return self.ns.pop("_result")


def _blank_cell(exercise: Exercise, history: bool) -> str:
    if isinstance(exercise, FunctionExercise) and history:
        return f"def {exercise.name}(*args):\n    ...\n"
    return f"{exercise.name} = ...\n"


def _answer_cells(exercise: Exercise, also_correct: Iterable[Any]) -> Iterator[tuple[str, Any]]:
    """(what, answer) for the solution and each other right answer; an answer is a cell's source, or a value."""
    if isinstance(exercise, QuestionExercise):
        yield "the right choice", f"{exercise.name} = {exercise.answer!r}\n"
    else:
        yield "the solution's cell", exercise.solution_code
    for index, answer in enumerate(also_correct, start=1):
        if isinstance(exercise, QuestionExercise):
            answer = f"{exercise.name} = {answer!r}\n"
        yield f"also_correct[{index - 1}]", answer


def assert_blank_then_correct(exercise: Exercise, namespace: dict[str, Any] | None = None, *,
                              also_correct: Iterable[Any] = ()) -> None:
    """In one namespace: the blank cell and its check (not yet attempted; the reference stands in),
    a check in a later cell that does not touch the answer (in a notebook: still not attempted),
    then a right answer and its check, which must be Correct, whatever the answer is (a small
    ``int`` that the stand-in shares, a string, an array, a function, a model).

    Run as plain Python (a dict, no history) and as a notebook (with IPython's ``In`` history), for
    the solution's cell and for every ``also_correct`` answer, each after a fresh blank run.
    """
    who = f"{exercise.handle} ({exercise.title!r})"
    if isinstance(exercise, QuestionExercise) and exercise.name is None:
        return  # reveal-only: nothing to answer
    namespace = dict(namespace or {})
    answers = list(_answer_cells(exercise, also_correct))
    for history in (False, True):
        where = "in a notebook" if history else "in plain Python"
        for what, answer in answers:
            notebook = Notebook(exercise, namespace, history=history)
            notebook.run(_blank_cell(exercise, history) + f"_result = {exercise.handle}.check()\n")
            blank = notebook.ns.pop("_result")
            assert blank.outcome is Outcome.NOT_ATTEMPTED, f"{who} {where}: a blank answer was judged: {blank.message}"
            if history and not isinstance(exercise, QuestionExercise):
                again = notebook.check()
                assert again.outcome is Outcome.NOT_ATTEMPTED and "still holds" in again.message, (
                    f"{who} {where}: checked again in a later cell, with the stand-in untouched, it said: "
                    f"{again.message}")
            if isinstance(answer, str) and (isinstance(exercise, (FunctionExercise, QuestionExercise))
                                            or what == "the solution's cell"):
                notebook.run(answer)
            else:
                notebook.assign(answer)
            result = notebook.check()
            assert result.outcome is Outcome.CORRECT, (
                f"{who} {where}: after a blank run, {what} was not accepted: {result.message}")


# --------------------------------------------------------------------------- no message gives the answer away

_REVEALING = (r"(?:expected(?: value| one| result| text)?(?: is| was| are)?|should be|should have|should equal|"
              r"should hold|should return|instead of|rather than|wanted|correct (?:value|answer) is|the answer is)")


def _appears(text: str, message: str) -> bool:
    """``text`` occurs in ``message`` as a whole token (not inside a longer number or word)."""
    return re.search(rf"(?<![\w.]){re.escape(text)}(?!\w|\.\d)", message) is not None


def _announced(text: str, message: str) -> bool:
    """``message`` says ``text`` is what is expected ("expected 5", "should be 'yoga'")."""
    return re.search(rf"{_REVEALING}\W{{0,3}}{re.escape(text)}(?!\w|\.\d)", message, re.IGNORECASE) is not None


def _value_texts(value: Any) -> tuple[set[str], set[str]]:
    """How a message could show ``value``: (distinctive texts, short texts), or two empty sets
    when it is not a scalar or a short string. A distinctive text must not appear at all; a short
    one (a single digit, a one-word string) must not be announced as expected."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, np.generic):
        value = value.item()
    texts: set[str] = set()
    if isinstance(value, str):
        if not value:
            return set(), set()
        quoted = {repr(value), f'"{value}"', shown(value)}
        raw = {value} if (" " in value.strip() or len(value) >= 12) else set()
        return quoted | raw, {value}
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return set(), set()
    texts = {repr(value), str(value), shown(value)}
    if isinstance(value, int):
        texts.add(f"{value:,}")
    elif np.isfinite(value):
        texts |= {f"{value:.2f}", f"{value:.3f}", f"{value:.4f}", f"{value:.3g}", f"{value:.4g}"}
        if value.is_integer():
            texts |= {str(int(value)), f"{int(value):,}"}
    distinctive = {t for t in texts if len(t.lstrip("-")) >= 2}
    return distinctive, texts - distinctive


def _forbidden(values: Iterable[Any]) -> tuple[set[str], set[str]]:
    distinctive: set[str] = set()
    short: set[str] = set()
    for value in values:
        d, s = _value_texts(value)
        distinctive |= d
        short |= s
    return distinctive, short


def _wrong_variants(value: Any) -> Iterator[tuple[Any, bool]]:
    """Wrong answers made from a right one, each with whether its own text is free of the right
    one's values (then a message may quote it without the right value showing).

    Numbers: too high, too low, as a string, in a list. Arrays: one element changed, every
    element changed, the wrong shape, a list. Strings: longer, changed, empty. Tuples and lists:
    an item changed, the items reversed. The result of a function: the same, per call.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        yield (not value), True
    elif isinstance(value, (int, float)) and not (isinstance(value, float) and not np.isfinite(value)):
        yield value * 3 + 7, True
        yield -abs(value) * 2 - 5, True
        yield str(value * 3 + 7), True
        yield [value * 3 + 7], True
        yield None, True
    elif isinstance(value, np.ndarray) and value.ndim > 0 and value.size and value.dtype.kind in "biuf":
        one = value.astype(float).copy()
        one.flat[value.size // 2] += 0.37 * (abs(one.flat[value.size // 2]) + 1)
        yield one, True
        yield value.astype(float) * 2 + 1.3, True
        yield (np.delete(value, -1, axis=-1) if value.shape[-1] > 1 else np.concatenate([value, value], axis=-1)), False
        yield (value.astype(float) * 2 + 1.3).tolist(), False
        yield "text", True
    elif isinstance(value, str):
        yield value + " extra", False  # holds the right text: a message may quote it
        yield (value[::-1] + "x") if value else "x", True
        if value:
            yield "", True
        yield 42, True
    elif isinstance(value, (tuple, list)) and value:
        for changed, clean in _wrong_variants(value[0]):
            yield type(value)([changed, *value[1:]]), clean
        if len(value) > 1:
            yield type(value)(value[::-1]), False
        yield type(value)(value[:-1]), False


def _differing_elements(got: Any, expected: Any) -> list[Any]:
    """The expected elements a message about ``got`` might name: the first that differs in each array."""
    if isinstance(expected, (tuple, list)) and isinstance(got, (tuple, list)):
        return [element for a, b in zip(got, expected) for element in _differing_elements(a, b)]
    if isinstance(expected, np.ndarray) and isinstance(got, np.ndarray) and got.shape == expected.shape \
            and expected.ndim > 0 and expected.dtype.kind in "biuf":
        differs = ~np.isclose(got.astype(float), expected.astype(float), equal_nan=True)
        if differs.any():
            return [expected[tuple(np.argwhere(differs)[0])]]
        return []
    return [expected]


def _wrong_models(reference: Any) -> Iterator[tuple[Any, set[str]]]:
    """The reference model with one size changed, and without a bias, each with the expected
    settings and parameter counts its message must not show."""
    import keras

    counts = {f"{n:,}" for n in [layer.count_params() for layer in reference.layers] + [reference.count_params()]
              if n >= 100}  # smaller counts are too easily a coincidence
    for change in ("size", "bias"):
        changed: set[str] = set()

        def clone(layer: Any) -> Any:
            config = layer.get_config()
            if not changed:
                for key in ("units", "output_dim", "input_dim"):
                    if change == "size" and isinstance(config.get(key), int):
                        changed.add(f"{key}={config[key]!r}")
                        config = {**config, key: config[key] + 3}
                        break
                else:
                    if change == "bias" and config.get("use_bias") is True:
                        changed.add("use_bias")
                        config = {**config, "use_bias": False}
            return type(layer).from_config(config)

        try:
            model = keras.models.clone_model(reference, clone_function=clone)
        except Exception:
            continue
        if changed:
            yield model, (changed - {"use_bias"}) | counts


def assert_reveals_nothing(exercise: Exercise, namespace: dict[str, Any] | None = None, *,
                           mistakes: Iterable[Any] = ()) -> None:
    """No check of a wrong answer and no hint shows what the answer should be.

    The wrong answers are ``mistakes`` (the test's own) and variants made from the reference
    (:func:`_wrong_variants`; for a function, functions that return the variant of the
    reference's result; for a model, the reference with a size changed or a bias removed). For
    each, the check's message must not contain the expected value, or for an array the first
    expected element that differs (as a whole token; a single digit or a one-word string only
    when announced, "expected 5", "should be 'yoga'"), nor, for a model, the expected setting or
    parameter count; the probe inputs a function message names are left out of the search. A
    multiple-choice question's messages and hints must not name the right choice. Every variant
    must be judged incorrect.
    """
    who = f"{exercise.handle} ({exercise.title!r})"
    namespace = dict(namespace or {})
    hints = list(exercise.hints)
    failures: list[str] = []

    def judge(answer: Any, distinctive: set[str], short: set[str], *, strip: Sequence[str] = (),
              must_fail: bool = True) -> None:
        result = exercise.try_answer(answer, namespace)
        if result.outcome is not Outcome.INCORRECT:
            if must_fail:
                failures.append(
                    f"the wrong answer {_short(answer)} was judged {result.outcome.value!r}: {result.message}")
            return
        message = result.message
        for text in strip:
            message = message.replace(text, "…")
        shown_texts = sorted(t for t in distinctive if _appears(t, message))
        shown_texts += sorted(t for t in short | distinctive if _announced(t, message) and t not in shown_texts)
        if shown_texts:
            failures.append(f"the message for {_short(answer)} shows the expected {shown_texts}: {result.message}")

    if isinstance(exercise, QuestionExercise):
        if exercise.name is None:
            return
        right = {f"({exercise.answer})", exercise.choices[exercise.answer]}
        for text in hints:
            failures += [f"a hint names the right choice {t!r}: {text}" for t in right if t in text]
        for choice in [*exercise.choices, "z", 3, *mistakes]:
            if choice == exercise.answer:
                continue
            result = exercise.try_answer(choice, namespace)
            failures += [f"the message for {choice!r} names the right choice {t!r}: {result.message}"
                         for t in right if t in result.message]
    elif isinstance(exercise, ValueExercise):
        expected = exercise._expected(namespace)
        distinctive, short = _forbidden([expected])
        for text in hints:
            shown_texts = [t for t in distinctive if _appears(t, text)] + [t for t in short if _announced(t, text)]
            if shown_texts:
                failures.append(f"a hint shows the expected {shown_texts}: {text}")
        for answer in mistakes:
            judge(answer, set(), distinctive | short)
        for answer, clean in _wrong_variants(expected):
            d, s = _forbidden(_differing_elements(answer, expected)) if clean else (set(), set())
            judge(answer, d if clean else set(), s | (d if not clean else set()) | short | distinctive)
    elif isinstance(exercise, FunctionExercise):
        reference = exercise.reference(namespace)
        probes = exercise.probes(namespace) if callable(exercise.probes) else exercise.probes
        calls = sorted({f"{exercise.name}({', '.join(shown(a, 40) for a in args)})" for args in probes},
                       key=len, reverse=True)
        expected = [reference(*args) for args in probes]
        distinctive, short = _forbidden(expected)
        for text in hints:
            shown_texts = [t for t in distinctive | short if _announced(t, text)]
            if shown_texts:
                failures.append(f"a hint announces the expected {shown_texts}: {text}")
        for answer in mistakes:
            judge(answer, set(), distinctive | short, strip=calls)
        kinds = max(len(list(_wrong_variants(result))) for result in expected)
        for kind in range(kinds):
            def wrong(*args: Any, _kind: int = kind) -> Any:
                right = reference(*args)
                variants = list(_wrong_variants(right))
                return variants[min(_kind, len(variants) - 1)][0] if variants else "text"
            pairs = [(list(_wrong_variants(result)), result) for result in expected]
            clean = all(v[min(kind, len(v) - 1)][1] for v, _ in pairs if v)
            elements = [e for v, result in pairs if v for e in _differing_elements(v[min(kind, len(v) - 1)][0], result)]
            d, s = _forbidden(elements)
            judge(wrong, d if clean else set(), s | short | distinctive | (set() if clean else d), strip=calls)
    elif isinstance(exercise, ModelExercise):
        reference = exercise.reference(namespace)
        for answer in mistakes:
            result = exercise.try_answer(answer, namespace)
            counts = {f"{reference.count_params():,}"}
            failures += [f"the message for {_short(answer)} shows the expected count {t}: {result.message}"
                         for t in counts if _appears(t, result.message)]
        for model, texts in _wrong_models(reference):
            judge(model, texts, set())
    assert not failures, f"{who}: a message gives the answer away:\n- " + "\n- ".join(failures)
