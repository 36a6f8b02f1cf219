"""One call that tests an exercise the way the course promises it behaves.

Every exercise in every notebook needs a test showing that its solution passes and that at least
two typical mistakes fail with the message a learner should read. ``assert_exercise`` does all of
that in one call, and ``tests/test_exercise_coverage.py`` looks for one such call per exercise in
``tests/test_lesson_NN.py``::

    from lesson_checks import assert_exercise

    def test_ex2(namespace):
        labels = namespace["phrases"].train["Sentiment"]
        assert_exercise(ex2, namespace, mistakes=[
            (int((labels == 4).sum()) + 1, "one too high"),
            (labels == 4, "True/False"),
        ])

(pytest puts ``tests/`` on ``sys.path``, so ``from lesson_checks import ...`` works in any test file.)
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from course_utils.exercises import CheckResult, Exercise, FunctionExercise, Outcome, QuestionExercise

__all__ = ["assert_exercise", "MIN_MISTAKES"]

MIN_MISTAKES = 2
"""How many typical mistakes each exercise's test must show failing (the course's rule)."""

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
      reference answer can stand in (so the cells below the exercise run).

    A reveal-only question (no choices) has nothing to get wrong: it must be given no mistakes,
    and the test asserts that checking it points at ``solution()``.

    ``namespace`` holds the notebook variables the exercise uses (``day``, ``phrases``, ``keras``...);
    it is copied, never changed. The returned dict maps ``"solution"``, ``"blank"`` and
    ``"mistake 1"``, ``"mistake 2"``... to the results, for any further assertions.
    """
    namespace = dict(namespace or {})
    who = f"{exercise.handle} ({exercise.title!r})"
    results: dict[str, CheckResult] = {}
    assert exercise.hints, f"{who} has no hints: every exercise cell offers `# {exercise.handle}.hint()`, so give at least one."

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
    assert blank.outcome is Outcome.NOT_ATTEMPTED, f"{who}: a blank answer (...) should be 'not yet attempted': {blank.message}"
    if not isinstance(exercise, QuestionExercise):
        assert "stands in" in blank.message, (
            f"{who}: for a blank answer the reference should stand in, so the cells below run; it said:"
            f" {blank.message}. Put every variable the solution uses into the test's namespace.")
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
