"""Notebook 03's exercises: each solution passes, typical mistakes fail with the right message."""
from __future__ import annotations

import numpy as np
import pytest
from lesson_checks import assert_exercise

from course_utils import cells
from course_utils.exercises import Outcome
from course_utils.lessons.l03 import EXERCISES, ex1, ex2, ex3, ex4, ex5

# What the notebook holds when the exercises come: its inline helpers (here the package's).
NOTEBOOK = {"np": np, **{name: getattr(cells, name) for name in
                         ("sigmoid", "input_gate", "candidate", "output_gate")}}


def test_ex1_forget_gate():
    body = "def forget_gate(x, h_prev, p):\n    return {}\n"
    assert_exercise(ex1, NOTEBOOK, mistakes=[
        (body.format('np.tanh(x @ p["W_f"] + h_prev @ p["U_f"] + p["b_f"])'), ("sigmoid", "tanh")),
        (body.format('sigmoid(x @ p["W_f"] + h_prev @ p["U_f"])'), "bias is missing"),
        (body.format('sigmoid(x @ p["W_f"] + p["b_f"])'), "hidden state is missing"),
        (body.format('sigmoid(x @ p["W_i"] + h_prev @ p["U_i"] + p["b_i"])'), "input gate"),
        (body.format('x @ p["W_f"] + h_prev @ p["U_f"] + p["b_f"]'), "not squashed"),
        (body.format('sigmoid(x @ p["U_f"] + h_prev @ p["W_f"] + p["b_f"])'), "raised ValueError"),
    ])


def test_ex1_reference_ignores_a_broken_notebook_sigmoid():
    broken = {**NOTEBOOK, "sigmoid": np.tanh}
    result = ex1.try_answer(ex1.solution_code, broken)
    assert result.outcome is Outcome.INCORRECT and "tanh" in result.message


def test_ex2_update_cell():
    body = "def update_cell(c_prev, f, i, g):\n    return {}\n"
    assert_exercise(ex2, NOTEBOOK, mistakes=[
        (body.format("i * c_prev + f * g"), "swapped"),
        (body.format("f * c_prev + g"), "input gate first"),
        (body.format("c_prev + i * g"), "forget gate"),
        (body.format("np.tanh(f * c_prev + i * g)"), "not squashed"),
        (body.format("f * c_prev * i * g"), "added, not multiplied"),
        ("def update_cell(c_prev, f, i, g):\n    c = f * c_prev + i * g\n", "forget `return`"),
    ])


def test_ex3_lstm_step():
    namespace = {**NOTEBOOK, "forget_gate": cells.forget_gate, "update_cell": cells.update_cell}
    start = ex3.solution_code.rsplit("    h = ", 1)[0]
    assert_exercise(ex3, namespace, mistakes=[
        (start + "    h = o * np.tanh(c)\n    return c, h\n", "wrong order"),
        (start + "    h = o * c\n    return h, c\n", "not squashed"),
        (start + "    h = o * np.tanh(c_prev)\n    return h, c\n", "old cell state"),
        (start + "    h = np.tanh(o * c)\n    return h, c\n", "Squash the cell state first"),
        (start + "    h = o * np.tanh(c)\n    return h\n", "Return both"),
        (start + "    h = o * np.tanh(c)\n    return [c, h]\n", "wrong order"),
    ], also_correct=[
        # `h, c = lstm_step(...)`, the notebook's loops, unpacks a list or the rows of an array the same way
        start + "    h = o * np.tanh(c)\n    return [h, c]\n",
        start + "    h = o * np.tanh(c)\n    return np.stack([h, c])\n",
    ])


def test_ex3_reports_a_wrong_forget_gate_from_exercise_1():
    wrong_gate = {}
    exec("def forget_gate(x, h_prev, p):\n    return sigmoid(x @ p['W_f'] + p['b_f'])\n", {**NOTEBOOK}, wrong_gate)
    namespace = {**NOTEBOOK, "forget_gate": wrong_gate["forget_gate"], "update_cell": cells.update_cell}
    result = ex3.try_answer(ex3.solution_code, namespace)
    assert result.outcome is Outcome.INCORRECT  # the reference uses the package's gate, so the mistake shows


@pytest.fixture
def kernel_namespace():
    rng = np.random.default_rng(0)
    # What the notebook holds at exercise 4: the trained layer's arrays, its width `lstm_units`, and the toy
    # cell's `units` (3), left over from the start of the notebook.
    return {"np": np, "kernel": rng.normal(size=(4, 16)).astype("float32"),
            "recurrent_kernel": rng.normal(size=(4, 16)).astype("float32"), "lstm_units": 4, "units": 3}


def test_ex4_forget_block(kernel_namespace):
    kernel = kernel_namespace["kernel"]
    assert_exercise(ex4, kernel_namespace, mistakes=[
        (kernel[:, :4], ("input gate's columns", "[i, f, c, o]", "second block of `lstm_units` columns")),
        (kernel[:, 8:12], "candidate's columns"),
        (kernel[:, 12:], "output gate's columns"),
        (kernel[3:6, :], "shape"),
        (kernel_namespace["recurrent_kernel"][:, 4:8], ("recurrent weights U_f", "are in `kernel`")),
        (kernel[:, 3:6], ("`units` is still 3", "`lstm_units` (4) units")),
    ], also_correct=[
        kernel[:, 4:8],  # the second block of `lstm_units` columns, written out
        kernel[:, 4:8].tolist(),  # the cell below only compares it with np.allclose
    ])


@pytest.mark.parametrize("wrong", ["input", "recurrent", "toy"])
def test_ex4_feedback_does_not_give_the_slice_away(kernel_namespace, wrong):
    kernel = kernel_namespace["kernel"]
    answer = {"input": kernel[:, :4], "recurrent": kernel_namespace["recurrent_kernel"][:, 4:8],
              "toy": kernel[:, 3:6]}[wrong]
    result = ex4.try_answer(answer, kernel_namespace)
    assert result.outcome is Outcome.INCORRECT
    assert "lstm_units:2" not in result.message and "units:2 * units" not in result.message


def test_ex4_never_crashes_on_odd_namespaces(kernel_namespace):
    # A learner who reassigned `units` or `recurrent_kernel` to something odd still gets a verdict.
    for odd in ({"units": "three"}, {"units": None}, {"recurrent_kernel": None}, {"recurrent_kernel": "abc"},
                {"recurrent_kernel": np.zeros(3)}):
        result = ex4.try_answer(np.zeros((4, 4)), {**kernel_namespace, **odd})
        assert result.outcome is Outcome.INCORRECT and "failed with" not in result.message, result.message


def test_ex5_update_and_reset_gate_question():
    assert_exercise(ex5, mistakes=[
        ("a", "no share"),
        ("c", "not today's input"),
        ("d", ("reset_after=True", "b^U_g too")),
    ])


def test_every_exercise_is_listed():
    assert EXERCISES == [ex1, ex2, ex3, ex4, ex5]
    assert [exercise.number for exercise in EXERCISES] == [1, 2, 3, 4, 5]
