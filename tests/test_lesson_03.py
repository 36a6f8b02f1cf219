"""Notebook 03's exercises: each solution passes, typical mistakes fail with the right message."""
from __future__ import annotations

import numpy as np
import pytest

from course_utils import cells
from course_utils.exercises import Outcome
from course_utils.lessons.l03 import EXERCISES, ex1, ex2, ex3, ex4, ex5

# What the notebook holds when the exercises come: its inline helpers (here the package's).
NOTEBOOK = {"np": np, **{name: getattr(cells, name) for name in
                         ("sigmoid", "input_gate", "candidate", "output_gate")}}


def answer(exercise, source: str, namespace: dict | None = None):
    """Check source code the way a learner's cell would define it."""
    return exercise.try_answer(source, dict(namespace or NOTEBOOK))


def incorrect(result, *phrases: str) -> bool:
    return result.outcome is Outcome.INCORRECT and all(phrase in result.message for phrase in phrases)


def test_ex1_forget_gate():
    assert answer(ex1, ex1.solution_code).correct
    body = "def forget_gate(x, h_prev, p):\n    return {}\n"
    assert incorrect(answer(ex1, body.format('np.tanh(x @ p["W_f"] + h_prev @ p["U_f"] + p["b_f"])')), "sigmoid", "tanh")
    assert incorrect(answer(ex1, body.format('sigmoid(x @ p["W_f"] + h_prev @ p["U_f"])')), "bias is missing")
    assert incorrect(answer(ex1, body.format('sigmoid(x @ p["W_f"] + p["b_f"])')), "hidden state is missing")
    assert incorrect(answer(ex1, body.format('sigmoid(x @ p["W_i"] + h_prev @ p["U_i"] + p["b_i"])')), "input gate")
    assert incorrect(answer(ex1, body.format('x @ p["W_f"] + h_prev @ p["U_f"] + p["b_f"]')), "not squashed")
    shape = answer(ex1, body.format('sigmoid(x @ p["U_f"] + h_prev @ p["W_f"] + p["b_f"])'))
    assert incorrect(shape, "raised ValueError")
    assert answer(ex1, "def forget_gate(x, h_prev, p):\n    ...\n").outcome is Outcome.NOT_ATTEMPTED


def test_ex1_reference_ignores_a_broken_notebook_sigmoid():
    broken = {**NOTEBOOK, "sigmoid": np.tanh}
    assert incorrect(answer(ex1, ex1.solution_code, broken), "tanh")


def test_ex2_update_cell():
    assert answer(ex2, ex2.solution_code).correct
    body = "def update_cell(c_prev, f, i, g):\n    return {}\n"
    assert incorrect(answer(ex2, body.format("i * c_prev + f * g")), "swapped")
    assert incorrect(answer(ex2, body.format("f * c_prev + g")), "input gate first")
    assert incorrect(answer(ex2, body.format("c_prev + i * g")), "forget gate")
    assert incorrect(answer(ex2, body.format("np.tanh(f * c_prev + i * g)")), "not squashed")
    assert incorrect(answer(ex2, body.format("f * c_prev * i * g")), "added, not multiplied")
    assert incorrect(answer(ex2, "def update_cell(c_prev, f, i, g):\n    c = f * c_prev + i * g\n"), "forget `return`")


def test_ex3_lstm_step():
    namespace = {**NOTEBOOK, "forget_gate": cells.forget_gate, "update_cell": cells.update_cell}
    assert answer(ex3, ex3.solution_code, namespace).correct
    start = ex3.solution_code.rsplit("    h = ", 1)[0]
    assert incorrect(answer(ex3, start + "    h = o * np.tanh(c)\n    return c, h\n", namespace), "wrong order")
    assert incorrect(answer(ex3, start + "    h = o * c\n    return h, c\n", namespace), "not squashed")
    assert incorrect(answer(ex3, start + "    h = o * np.tanh(c_prev)\n    return h, c\n", namespace), "old cell state")
    assert incorrect(answer(ex3, start + "    h = np.tanh(o * c)\n    return h, c\n", namespace), "Squash the cell state first")
    assert incorrect(answer(ex3, start + "    h = o * np.tanh(c)\n    return h\n", namespace), "Return both")
    assert incorrect(answer(ex3, start + "    h = o * np.tanh(c)\n    return [h, c]\n", namespace), "as a tuple")


def test_ex3_reports_a_wrong_forget_gate_from_exercise_1():
    wrong_gate = {}
    exec("def forget_gate(x, h_prev, p):\n    return sigmoid(x @ p['W_f'] + p['b_f'])\n", {**NOTEBOOK}, wrong_gate)
    namespace = {**NOTEBOOK, "forget_gate": wrong_gate["forget_gate"], "update_cell": cells.update_cell}
    result = answer(ex3, ex3.solution_code, namespace)
    assert result.outcome is Outcome.INCORRECT  # the reference uses the package's gate, so the mistake shows


@pytest.fixture
def kernel_namespace():
    rng = np.random.default_rng(0)
    return {"np": np, "kernel": rng.normal(size=(4, 12)).astype("float32"), "units": 3}


def test_ex4_forget_block(kernel_namespace):
    kernel = kernel_namespace["kernel"]
    assert ex4.try_answer(kernel[:, 3:6], kernel_namespace).correct
    assert incorrect(ex4.try_answer(kernel[:, :3], kernel_namespace), "input gate's columns", "[i, f, c, o]")
    assert incorrect(ex4.try_answer(kernel[:, 6:9], kernel_namespace), "candidate's columns")
    assert incorrect(ex4.try_answer(kernel[:, 9:], kernel_namespace), "output gate's columns")
    assert incorrect(ex4.try_answer(kernel[3:6, :], kernel_namespace), "shape")
    assert ex4.try_answer(..., kernel_namespace).outcome is Outcome.NOT_ATTEMPTED


def test_ex5_update_gate_question():
    assert ex5.try_answer("b").correct
    assert incorrect(ex5.try_answer("a"), "1 - z")
    assert incorrect(ex5.try_answer("d"), "z = 0.5")
    assert ex5.try_answer(...).outcome is Outcome.NOT_ATTEMPTED


def test_every_exercise_is_listed():
    assert EXERCISES == [ex1, ex2, ex3, ex4, ex5]
    assert [exercise.number for exercise in EXERCISES] == [1, 2, 3, 4, 5]
