"""The NumPy LSTM and GRU equal Keras's, and notebook 03's inline code equals the package's."""
from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402

from course_utils import cells  # noqa: E402
from course_utils.lessons import l03  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03_inside_the_lstm.ipynb"
TOLERANCE = 1e-5
INPUTS, UNITS, STEPS, BATCH = 3, 5, 9, 6  # inputs != units, so a transposed matrix cannot slip through


def random_gru_params(n_inputs: int, units: int, seed: int = 0, scale: float = 0.5) -> cells.Params:
    """Random GRU weights in the course's dict form (two biases per gate, like Keras's default GRU)."""
    rng = np.random.default_rng(seed)
    params: cells.Params = {}
    for gate in cells.GRU_KERAS_ORDER:
        params[f"W_{gate}"] = rng.normal(0, scale, (n_inputs, units))
        params[f"U_{gate}"] = rng.normal(0, scale, (units, units))
        params[f"bW_{gate}"] = rng.normal(0, scale, units)
        params[f"bU_{gate}"] = rng.normal(0, scale, units)
    return params


@pytest.fixture(scope="module")
def sequences() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(BATCH, STEPS, INPUTS)).astype("float32")


def randomise(layer) -> None:
    """Random weights everywhere, biases included (Keras starts biases at 0 and 1), so every term counts."""
    rng = np.random.default_rng(1)
    layer.set_weights([rng.normal(0, 0.6, w.shape).astype("float32") for w in layer.get_weights()])


def built(layer_class, **options):
    layer = layer_class(UNITS, return_sequences=True, return_state=True, **options)
    layer.build((None, STEPS, INPUTS))
    randomise(layer)
    return layer


def max_difference(ours, theirs) -> float:
    return float(np.abs(np.asarray(ours) - np.asarray(theirs)).max())


# --------------------------------------------------------------------------- NumPy == Keras


def test_lstm_equals_keras_over_whole_sequences(sequences):
    layer = built(keras.layers.LSTM)
    keras_h, keras_final_h, keras_final_c = layer(sequences)
    run = cells.lstm_sequence(sequences, cells.params_from_keras(layer))
    assert run["h"].shape == (BATCH, STEPS, UNITS)
    assert max_difference(run["h"], keras_h) < TOLERANCE            # return_sequences=True
    assert max_difference(run["h"][:, -1], keras_final_h) < TOLERANCE  # return_state=True
    assert max_difference(run["c"][:, -1], keras_final_c) < TOLERANCE


def test_lstm_equals_keras_default_output_and_initial_state(sequences):
    layer = keras.layers.LSTM(UNITS)  # return_sequences=False: the last hidden state only
    layer.build((None, STEPS, INPUTS))
    randomise(layer)
    rng = np.random.default_rng(2)
    h0, c0 = (rng.normal(size=(BATCH, UNITS)).astype("float32") for _ in range(2))
    params = cells.params_from_keras(layer)
    assert max_difference(cells.lstm_sequence(sequences, params)["h"][:, -1], layer(sequences)) < TOLERANCE
    started = layer(sequences, initial_state=[h0, c0])
    assert max_difference(cells.lstm_sequence(sequences, params, h0, c0)["h"][:, -1], started) < TOLERANCE


def test_gru_equals_keras_with_two_bias_rows(sequences):
    layer = built(keras.layers.GRU)
    assert layer.cell.reset_after and tuple(layer.cell.bias.shape) == (2, 3 * UNITS)
    keras_h, keras_final_h = layer(sequences)
    params = cells.params_from_keras(layer)
    bias = layer.cell.bias.numpy()
    np.testing.assert_allclose(params["bW_r"], bias[0, UNITS:2 * UNITS])
    np.testing.assert_allclose(params["bU_r"], bias[1, UNITS:2 * UNITS])
    run = cells.gru_sequence(sequences, params)
    assert max_difference(run["h"], keras_h) < TOLERANCE
    assert max_difference(run["h"][:, -1], keras_final_h) < TOLERANCE
    h0 = np.random.default_rng(3).normal(size=(BATCH, UNITS)).astype("float32")
    _, started = layer(sequences, initial_state=[h0])
    assert max_difference(cells.gru_sequence(sequences, params, h0)["h"][:, -1], started) < TOLERANCE


@pytest.mark.parametrize("layer_class", [keras.layers.LSTM, keras.layers.GRU])
def test_layers_without_bias(sequences, layer_class):
    layer = built(layer_class, use_bias=False)
    params = cells.params_from_keras(layer)
    run = (cells.lstm_sequence if layer_class is keras.layers.LSTM else cells.gru_sequence)(sequences, params)
    assert max_difference(run["h"], layer(sequences)[0]) < TOLERANCE


def test_gate_order_of_keras_kernels():
    """Columns [i, f, c, o] for an LSTM and [z, r, h] for a GRU: mark each block and find it again."""
    for layer_class, order in ((keras.layers.LSTM, "ifgo"), (keras.layers.GRU, "zrg")):
        layer = layer_class(UNITS)
        layer.build((None, STEPS, INPUTS))
        weights = layer.get_weights()
        blocks = np.repeat(np.arange(len(order)), UNITS).astype("float32")
        weights[0] = np.tile(blocks, (INPUTS, 1))
        layer.set_weights(weights)
        params = cells.params_from_keras(layer)
        for k, gate in enumerate(order):
            assert np.all(params[f"W_{gate}"] == k), f"{layer_class.__name__}: gate {gate} should be block {k}"


def test_params_from_keras_explains_what_it_cannot_load():
    with pytest.raises(TypeError, match="LSTM or GRU"):
        cells.params_from_keras(keras.layers.Dense(3))
    with pytest.raises(ValueError, match="build it first"):
        cells.params_from_keras(keras.layers.LSTM(3))
    relu = keras.layers.LSTM(3, activation="relu")
    relu.build((None, 2, 2))
    with pytest.raises(ValueError, match="activation must be 'tanh'"):
        cells.params_from_keras(relu)
    before = keras.layers.GRU(3, reset_after=False)
    before.build((None, 2, 2))
    with pytest.raises(ValueError, match="reset_after=True"):
        cells.params_from_keras(before)


# --------------------------------------------------------------------------- the NumPy code itself


def test_one_example_and_a_batch_agree():
    params = cells.random_lstm_params(INPUTS, UNITS, seed=4)
    rng = np.random.default_rng(5)
    x, h, c = rng.normal(size=(2, INPUTS)), rng.normal(size=(2, UNITS)), rng.normal(size=(2, UNITS))
    batch_h, batch_c = cells.lstm_step(x, h, c, params)
    one_h, one_c = cells.lstm_step(x[1], h[1], c[1], params)
    np.testing.assert_allclose(one_h, batch_h[1])
    np.testing.assert_allclose(one_c, batch_c[1])


def test_sequence_records_the_gates_that_made_each_step():
    params = cells.random_lstm_params(INPUTS, UNITS, seed=6)
    x = np.random.default_rng(7).normal(size=(2, 4, INPUTS))
    run = cells.lstm_sequence(x, params)
    assert set(run) == {"h", "c", "f", "i", "g", "o"}
    c_prev = run["c"][:, 1]
    expected_c = cells.update_cell(c_prev, run["f"][:, 2], run["i"][:, 2], run["g"][:, 2])
    np.testing.assert_allclose(run["c"][:, 2], expected_c)
    np.testing.assert_allclose(run["h"][:, 2], run["o"][:, 2] * np.tanh(run["c"][:, 2]))
    gru = cells.gru_sequence(x, random_gru_params(INPUTS, UNITS, seed=8))
    np.testing.assert_allclose(gru["h"][:, 2], gru["z"][:, 2] * gru["h"][:, 1] + (1 - gru["z"][:, 2]) * gru["g"][:, 2])


def test_sequence_shapes_are_checked():
    params = cells.random_lstm_params(INPUTS, UNITS)
    with pytest.raises(ValueError, match=r"x\[np.newaxis\]"):
        cells.lstm_sequence(np.zeros((STEPS, INPUTS)), params)
    with pytest.raises(ValueError, match="initial state"):
        cells.lstm_sequence(np.zeros((2, STEPS, INPUTS)), params, h0=np.zeros((3, UNITS)))


def test_sigmoid_does_not_overflow_to_nan():
    with np.errstate(over="ignore"):
        values = cells.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(values, [0.0, 0.5, 1.0])


# --------------------------------------------------------------------------- notebook and package in step


def notebook_functions(path: Path = NOTEBOOK) -> dict[str, str]:
    """The source of every function defined at the top level of a code cell, by name."""
    functions = {}
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef):
                functions[node.name] = ast.get_source_segment(source, node)
    return functions


def define(source: str, namespace: dict) -> None:
    exec(compile(source, "<notebook 03>", "exec"), namespace)


def random_arguments(name: str, rng: np.random.Generator, lstm: cells.Params, gru: cells.Params) -> tuple:
    x, h, c = rng.normal(size=(3, INPUTS)), rng.uniform(-1, 1, (3, UNITS)), rng.normal(size=(3, UNITS))
    return {
        "sigmoid": (rng.normal(0, 4, (3, UNITS)),),
        "input_gate": (x, h, lstm), "candidate": (x, h, lstm), "output_gate": (x, h, lstm),
        "forget_gate": (x, h, lstm), "update_cell": (c, *rng.uniform(0, 1, (2, 3, UNITS)), np.tanh(c)),
        "lstm_step": (x, h, c, lstm),
        "update_gate": (x, h, gru), "reset_gate": (x, h, gru),
        "gru_candidate": (x, h, rng.uniform(0, 1, (3, UNITS)), gru),
        "gru_step": (x, h, gru),
    }[name]


INLINE = ("sigmoid", "input_gate", "candidate", "output_gate", "update_gate", "reset_gate", "gru_candidate", "gru_step")
EXERCISES = {"forget_gate": l03.ex1, "update_cell": l03.ex2, "lstm_step": l03.ex3}


def test_notebook_teaches_the_package_code():
    """Each function the notebook writes inline, and each exercise's solution, equals course_utils.cells."""
    found = notebook_functions()
    assert set(INLINE) | set(EXERCISES) <= set(found), (
        f"notebook 03 no longer defines {set(INLINE) | set(EXERCISES) - set(found)}")
    namespace = {"np": np}
    for name in INLINE:
        define(found[name], namespace)
    for name, exercise in EXERCISES.items():
        assert ast.parse(found[name]).body[0].body[-1].value.value is Ellipsis, (
            f"exercise {name} is not blank in the notebook")
        define(exercise.solution_code, namespace)
    rng = np.random.default_rng(9)
    lstm, gru = cells.random_lstm_params(INPUTS, UNITS, seed=10), random_gru_params(INPUTS, UNITS, seed=11)
    for name in (*INLINE, *EXERCISES):
        for _ in range(3):
            arguments = random_arguments(name, rng, lstm, gru)
            ours, package = namespace[name](*arguments), getattr(cells, name)(*arguments)
            np.testing.assert_allclose(ours, package, rtol=1e-12,
                                       err_msg=f"notebook's {name} differs from cells.{name}")
