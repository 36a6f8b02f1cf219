"""Notebook exercises that give instant feedback, Kaggle-Learn style.

A notebook author declares each exercise once; the learner then calls ``exN.check()``,
``exN.hint()`` and ``exN.solution()`` in the cell below their answer::

    ex2 = ValueExercise(number=2, name="encoded", title="One-hot encode a day",
                        solution="encoded = np.eye(4)[day]",
                        hints=["Each row is all zeros except one 1.", "Index the rows of np.eye(4)."])

Four kinds exist: :class:`ValueExercise` (a value or array), :class:`FunctionExercise`
(a function, run on probe inputs), :class:`ModelExercise` (a Keras model) and
:class:`QuestionExercise` (multiple choice, or a question to think about).

Three rules shape the design:

* **A check never crashes on a wrong answer.** Whatever the learner wrote, ``check()``
  explains what is wrong and what to do next. Only a mistake in the exercise definition
  itself raises (:class:`ExerciseDefinitionError`).
* **The solution text is the reference.** The reference answer is made by executing the
  ``solution`` code in a scratch copy of the notebook namespace, so the code shown to the
  learner and the behaviour the checker expects cannot drift apart.
* **A skipped exercise does not break the cells below.** Checking a blank answer (``...``,
  or a function whose body is only ``...``/``pass``) puts the reference answer into the
  namespace under the answer's name and says so; later checks still report "not yet
  attempted" while the name holds that stand-in, and a right answer written after it is
  always "Correct" (see :class:`_StandIn` for how the two are told apart, even when the
  answer is a small ``int`` that Python shares between all who compute it).
* **No message but ``solution()`` gives the answer away.** A message says what is wrong (the
  type, the shape, the dtype, which element differs and in which direction), never the
  expected value or the expected element.

"""
from __future__ import annotations

from course_utils.exercises.display import CheckResult, ExerciseDefinitionError, Outcome
from course_utils.exercises.kinds import (
    Diagnoser,
    Exercise,
    FunctionExercise,
    ModelExercise,
    QuestionExercise,
    ValueExercise,
)

__all__ = [
    "CheckResult",
    "Diagnoser",
    "Exercise",
    "ExerciseDefinitionError",
    "FunctionExercise",
    "ModelExercise",
    "Outcome",
    "QuestionExercise",
    "ValueExercise",
]
