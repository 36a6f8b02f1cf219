"""Exercises of notebook 03, inside the LSTM: the forget gate, the cell update, the whole step,
Keras's gate order, and the GRU's update and reset gates.

The function exercises are probed on fixed random inputs. Their reference answers are built
from :mod:`course_utils.cells` (not from the notebook's own helpers), so a mistake made in an
earlier exercise shows up where it was made instead of being copied into the reference of a
later one.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils import cells
from course_utils.exercises import FunctionExercise, QuestionExercise, ValueExercise

# The parts a reference answer may use: the correct ones, whatever the notebook holds.
_PARTS = {name: getattr(cells, name) for name in
          ("sigmoid", "forget_gate", "input_gate", "candidate", "output_gate", "update_cell")}


class _CellExercise(FunctionExercise):
    """A function exercise whose reference runs with the package's gates and NumPy."""

    def reference(self, namespace: dict[str, Any] | None = None) -> Any:
        return super().reference({**(namespace or {}), "np": np, **_PARTS})


def _probe_inputs() -> list[tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]]:
    """(x, h_prev, c_prev, p): a batch of two days and a single day, with weights and biases far from 0."""
    rng = np.random.default_rng(3)
    p = cells.random_lstm_params(4, 3, seed=3, scale=1.0)
    batch = (rng.normal(size=(2, 4)), rng.uniform(-1, 1, (2, 3)), rng.normal(size=(2, 3)), p)
    single = (np.eye(4)[2], rng.uniform(-1, 1, 3), rng.normal(size=3), p)
    return [batch, single]


_STEP_PROBES = _probe_inputs()
_GATE_PROBES = [(x, h, p) for x, h, _, p in _STEP_PROBES]
_rng = np.random.default_rng(4)
_CELL_PROBES = [
    (_rng.normal(size=(2, 3)), _rng.uniform(0, 1, (2, 3)), _rng.uniform(0, 1, (2, 3)), _rng.uniform(-1, 1, (2, 3))),
    (np.array([2.0, -1.0, 0.5]), np.array([0.9, 0.1, 0.5]), np.array([0.2, 0.8, 0.5]), np.array([-0.5, 0.9, 0.3])),
]


def _same(a: Any, b: Any) -> bool:
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-5, atol=1e-8))
    except Exception:
        return False


def _matches(correct: Callable, mistake: Callable, probes: list[tuple]) -> Callable[[Any, Any], bool]:
    """A diagnoser predicate: the learner's result equals ``mistake`` on the probe that was failed.

    Diagnosers only see the two results, so the probe is found by its expected result.
    """
    def predicate(got: Any, expected: Any) -> bool:
        for args in probes:
            if _same(expected, correct(*args)):
                return _same(got, mistake(*args))
        return False
    return predicate


# --------------------------------------------------------------------------- exercise 1


def _forget_pre(x: np.ndarray, h: np.ndarray, p: dict, gate: str = "f") -> np.ndarray:
    return x @ p[f"W_{gate}"] + h @ p[f"U_{gate}"] + p[f"b_{gate}"]


def _forget_mistake(mistake: Callable, message: str) -> tuple[Callable[[Any, Any], bool], str]:
    return _matches(cells.forget_gate, mistake, _GATE_PROBES), message


ex1 = _CellExercise(
    number=1,
    name="forget_gate",
    title="Write the forget gate",
    solution='''
def forget_gate(x, h_prev, p):
    return sigmoid(x @ p["W_f"] + h_prev @ p["U_f"] + p["b_f"])
''',
    probes=_GATE_PROBES,
    hints=[
        "A gate is a small layer: multiply today's input by its input weights, yesterday's hidden state by its"
        " recurrent weights, add its bias, then squash the sum.",
        'The forget gate\'s weights are `p["W_f"]`, `p["U_f"]` and `p["b_f"]`; gates squash with `sigmoid`.',
        'In one line: `return sigmoid(x @ p["W_f"] + h_prev @ p["U_f"] + p["b_f"])`.',
    ],
    diagnosers=[
        _forget_mistake(lambda x, h, p: np.tanh(_forget_pre(x, h, p)),
                        "You squashed with `np.tanh`: a gate is a share between 0 and 1, so it uses `sigmoid`"
                        " (tanh, between -1 and 1, is for the candidate values)."),
        _forget_mistake(lambda x, h, p: _forget_pre(x, h, p),
                        "Your values are not squashed: pass the sum through `sigmoid` so each lies between 0 and 1."),
        _forget_mistake(lambda x, h, p: cells.sigmoid(x @ p["W_f"] + h @ p["U_f"]),
                        'The bias is missing: add `p["b_f"]` before squashing.'),
        _forget_mistake(lambda x, h, p: cells.sigmoid(x @ p["W_f"] + p["b_f"]),
                        'Yesterday\'s hidden state is missing: add `h_prev @ p["U_f"]`. Without it the gate could'
                        " not depend on what came before."),
        *[_forget_mistake(lambda x, h, p, g=gate: cells.sigmoid(_forget_pre(x, h, p, g)),
                          f'You used the weights of the {name} (`p["W_{gate}"]`...): the forget gate has its own,'
                          ' `p["W_f"]`, `p["U_f"]` and `p["b_f"]`.')
          for gate, name in (("i", "input gate"), ("g", "candidate"), ("o", "output gate"))],
    ],
)

# --------------------------------------------------------------------------- exercise 2


def _cell_mistake(mistake: Callable, message: str) -> tuple[Callable[[Any, Any], bool], str]:
    return _matches(cells.update_cell, mistake, _CELL_PROBES), message


ex2 = _CellExercise(
    number=2,
    name="update_cell",
    title="Update the cell state",
    solution='''
def update_cell(c_prev, f, i, g):
    return f * c_prev + i * g
''',
    probes=_CELL_PROBES,
    hints=[
        "Two parts add up: what is kept of the old cell state, and what is written of the candidate.",
        "The forget gate `f` scales the old state `c_prev`; the input gate `i` scales the candidate `g`.",
        "`return f * c_prev + i * g` (element by element, so `*`, not `@`).",
    ],
    diagnosers=[
        _cell_mistake(lambda c, f, i, g: i * c + f * g,
                      "The gates are swapped: the forget gate `f` scales the old state `c_prev`, the input gate `i`"
                      " scales the candidate `g`."),
        _cell_mistake(lambda c, f, i, g: f * c + g,
                      "You wrote the whole candidate: scale it by the input gate first (`i * g`)."),
        _cell_mistake(lambda c, f, i, g: c + i * g,
                      "You kept all of the old state: scale `c_prev` by the forget gate (`f * c_prev`)."),
        _cell_mistake(lambda c, f, i, g: np.tanh(f * c + i * g),
                      "The cell state is not squashed: `tanh` comes later, when the hidden state is made from it."),
        _cell_mistake(lambda c, f, i, g: f * c * i * g,
                      "The two parts are added, not multiplied: `f * c_prev + i * g`."),
    ],
)

# --------------------------------------------------------------------------- exercise 3


def _step_mistake(mistake: Callable, message: str) -> tuple[Callable[[Any, Any], bool], str]:
    return _matches(cells.lstm_step, mistake, _STEP_PROBES), message


def _parts(x: np.ndarray, h: np.ndarray, c: np.ndarray, p: dict) -> tuple[np.ndarray, np.ndarray]:
    """The output gate and the new cell state, for describing mistakes."""
    f, i, g = cells.forget_gate(x, h, p), cells.input_gate(x, h, p), cells.candidate(x, h, p)
    return cells.output_gate(x, h, p), cells.update_cell(c, f, i, g)


ex3 = _CellExercise(
    number=3,
    name="lstm_step",
    title="Put the whole step together",
    solution='''
def lstm_step(x, h_prev, c_prev, p):
    f = forget_gate(x, h_prev, p)
    i = input_gate(x, h_prev, p)
    g = candidate(x, h_prev, p)
    o = output_gate(x, h_prev, p)
    c = update_cell(c_prev, f, i, g)
    h = o * np.tanh(c)
    return h, c
''',
    probes=_STEP_PROBES,  # `[h, c]` or `np.stack([h, c])` pass too: the loops below unpack them the same way
    hints=[
        "Compute the four gates from `x` and `h_prev` with the functions above, then the new cell state with"
        " `update_cell`, then the hidden state.",
        "The hidden state is the output gate times the squashed new cell state: `h = o * np.tanh(c)`."
        " Return both, hidden state first: `return h, c`.",
        "If exercise 1 or 2 is not correct yet, fix it first: this step uses your `forget_gate` and `update_cell`.",
    ],
    diagnosers=[
        _step_mistake(lambda x, h, c, p: cells.lstm_step(x, h, c, p)[::-1],
                      "You returned the states in the wrong order: return `h, c` (hidden state first, as Keras does)."),
        _step_mistake(lambda x, h, c, p: (lambda o, cn: (o * cn, cn))(*_parts(x, h, c, p)),
                      "The new cell state is not squashed before the output gate: `h = o * np.tanh(c)`."),
        _step_mistake(lambda x, h, c, p: (lambda o, cn: (o * np.tanh(c), cn))(*_parts(x, h, c, p)),
                      "The hidden state uses the old cell state `c_prev`: make it from the new one, `o * np.tanh(c)`."),
        _step_mistake(lambda x, h, c, p: (lambda o, cn: (np.tanh(o * cn), cn))(*_parts(x, h, c, p)),
                      "Squash the cell state first, then scale it by the output gate: `o * np.tanh(c)`."),
        _step_mistake(lambda x, h, c, p: cells.lstm_step(x, h, c, p)[0],
                      "Return both states, `return h, c`: the next step needs the cell state too."),
    ],
)

# --------------------------------------------------------------------------- exercise 4


def _block(array: Any, start: int, width: int) -> np.ndarray | None:
    """``array[:, start:start + width]``, or None where ``array`` is not a 2-D array (a learner may have
    reassigned it)."""
    try:
        array = np.asarray(array)
        return array[:, start:start + width] if array.ndim == 2 else None
    except Exception:
        return None


class _KernelBlockExercise(ValueExercise):
    """A value exercise that recognises the other gates' blocks of ``kernel``, the forget gate's block of
    ``recurrent_kernel`` and a slice cut with the toy cell's ``units`` (diagnosers see only the answer and the
    expected block, not the arrays it was cut from). Its messages never write out the slice itself."""

    OTHERS = {0: "the input gate's columns", 2: "the candidate's columns (Keras calls it c)",
              3: "the output gate's columns"}

    def _grade(self, answer: Any, namespace: dict[str, Any]) -> str | None:
        reason = super()._grade(answer, namespace)
        if reason is None:
            return None
        kernel, units = np.asarray(namespace["kernel"]), int(namespace["lstm_units"])
        for k, which in self.OTHERS.items():
            if _same(answer, kernel[:, k * units:(k + 1) * units]):
                return (f"Those are {which}: Keras's order is [i, f, c, o], so the forget gate is the second"
                        " block of `lstm_units` columns.")
        if _same(answer, _block(namespace.get("recurrent_kernel"), units, units)):
            return ("Those are the recurrent weights U_f (from `recurrent_kernel`); W_f, the input weights, are in"
                    " `kernel`.")
        toy_units = namespace.get("units")
        if isinstance(toy_units, (int, np.integer)) and toy_units != units and _same(
                answer, _block(kernel, toy_units, toy_units)):
            return (f"`units` is still {int(toy_units)}, the toy cell's width: the trained layer has `lstm_units`"
                    f" ({units}) units, so each gate's block is `lstm_units` columns wide.")
        return reason


ex4 = _KernelBlockExercise(
    number=4,
    name="W_f",
    title="Find the forget gate in Keras's kernel",
    solution="W_f = kernel[:, lstm_units:2 * lstm_units]",
    # The cell below only compares it with `np.allclose`, which takes lists and tensors as well (a slice of
    # `lstm_layer.kernel`, a Keras variable, is a tensor).
    accept_lists=True, accept_tensors=True,
    hints=[
        "The kernel has one row per input and the four gates side by side in its columns, `lstm_units` columns"
        " each.",
        "Keras's order is [i, f, c, o]: the forget gate is the *second* block of `lstm_units` columns.",
        "`kernel[:, lstm_units:2 * lstm_units]`",
    ],
)

# --------------------------------------------------------------------------- exercise 5

ex5 = QuestionExercise(
    number=5,
    title="A GRU unit whose update and reset gates are 0",
    choices={
        "a": "its previous hidden state, unchanged",
        "b": "tanh(x_t W_g + b^W_g): a value from today's input alone",
        "c": "zero",
        "d": "tanh(x_t W_g + b^W_g + b^U_g): today's input and both of the candidate's biases",
    },
    answer="b",
    feedback={
        "a": "With z = 0 the old state gets no share: h = z * h_prev + (1 - z) * g is the candidate alone.",
        "c": "The candidate is not zero: r = 0 removes the old state from it, not today's input.",
        "d": "With reset_after=True, r multiplies the whole recurrent term (h_prev U_g + b^U_g), its bias"
             " included, so r = 0 removes b^U_g too. (The bias would stay in the textbook form, which applies r"
             " to h_prev before the product.)",
    },
    explanation=(
        "z = 0 makes the new state the candidate alone, and r = 0 removes the whole recurrent term from the"
        " candidate, its bias b^U_g included, because Keras's default GRU (reset_after=True) applies r after the"
        " product. What is left is tanh(x_t W_g + b^W_g): the unit starts afresh from today's input, the GRU's"
        " way of wiping its memory."
    ),
    hints=["Put z = 0 into h = z * h_prev + (1 - z) * g, then r = 0 into the candidate's equation:"
           " which terms does r multiply?"],
)

EXERCISES = [ex1, ex2, ex3, ex4, ex5]
