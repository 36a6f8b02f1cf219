"""The LSTM and GRU cells written out in NumPy, one gate at a time.

Notebook 03 builds these functions in front of the learner and proves, on whole sequences,
that they compute what ``keras.layers.LSTM`` and ``keras.layers.GRU`` compute. Later
notebooks (and the gate explorer widget) import them from here; ``tests/test_cells.py``
keeps the notebook's inline versions and these in step.

The weights live in a plain dict, one matrix or vector per gate, so the code reads like the
equations. For an LSTM with ``n`` inputs and ``u`` units::

    p["W_f"]  (n, u)   input weights of the forget gate
    p["U_f"]  (u, u)   recurrent weights of the forget gate
    p["b_f"]  (u,)     bias of the forget gate

and the same for ``i`` (input gate), ``g`` (candidate values) and ``o`` (output gate).
Keras stores the four gates side by side in one kernel, in the order [i, f, c, o] (its ``c``
is our candidate ``g``); :func:`params_from_keras` cuts them apart.

A GRU has ``z`` (update gate), ``r`` (reset gate) and ``g`` (candidate). Keras 3's default
GRU (``reset_after=True``) has *two* biases per gate, shape ``(2, 3 * units)``: one added to
``x @ W`` and one added to ``h @ U``. We keep them as ``bW_z`` and ``bU_z`` (and so on),
because the candidate applies the reset gate to ``h @ U + bU_g`` as a whole.

Rows are examples: ``x`` is ``(batch, n)`` (or ``(n,)`` for one example) and ``x @ W`` is how
Keras multiplies too, so the matrices need no transposing.
"""
from __future__ import annotations

from typing import Any

import numpy as np

Params = dict[str, np.ndarray]

#: Keras's order of the gates in an LSTM kernel's columns, in our names (Keras calls the candidate ``c``).
LSTM_KERAS_ORDER: tuple[str, ...] = ("i", "f", "g", "o")
#: Keras's order of the gates in a GRU kernel's columns, in our names (Keras calls the candidate ``h``).
GRU_KERAS_ORDER: tuple[str, ...] = ("z", "r", "g")


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Squash any number into (0, 1): a gate's "how much lets through"."""
    return 1 / (1 + np.exp(-z))


# --------------------------------------------------------------------------- LSTM


def forget_gate(x: np.ndarray, h_prev: np.ndarray, p: Params) -> np.ndarray:
    """How much of each unit's old cell state to keep (0 = forget it all, 1 = keep it all)."""
    return sigmoid(x @ p["W_f"] + h_prev @ p["U_f"] + p["b_f"])


def input_gate(x: np.ndarray, h_prev: np.ndarray, p: Params) -> np.ndarray:
    """How much of the candidate values to write into the cell state."""
    return sigmoid(x @ p["W_i"] + h_prev @ p["U_i"] + p["b_i"])


def candidate(x: np.ndarray, h_prev: np.ndarray, p: Params) -> np.ndarray:
    """The new values the cell could write, between -1 and 1."""
    return np.tanh(x @ p["W_g"] + h_prev @ p["U_g"] + p["b_g"])


def output_gate(x: np.ndarray, h_prev: np.ndarray, p: Params) -> np.ndarray:
    """How much of each unit's (squashed) cell state to show as the hidden state."""
    return sigmoid(x @ p["W_o"] + h_prev @ p["U_o"] + p["b_o"])


def update_cell(c_prev: np.ndarray, f: np.ndarray, i: np.ndarray, g: np.ndarray) -> np.ndarray:
    """The new cell state: keep a share ``f`` of the old one, add a share ``i`` of the candidate."""
    return f * c_prev + i * g


def lstm_step(x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, p: Params) -> tuple[np.ndarray, np.ndarray]:
    """One time step of an LSTM: the new hidden state ``h`` and cell state ``c``."""
    f = forget_gate(x, h_prev, p)
    i = input_gate(x, h_prev, p)
    g = candidate(x, h_prev, p)
    o = output_gate(x, h_prev, p)
    c = update_cell(c_prev, f, i, g)
    h = o * np.tanh(c)
    return h, c


def lstm_sequence(x: np.ndarray, p: Params, h0: np.ndarray | None = None,
                  c0: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Run :func:`lstm_step` over sequences ``x`` of shape ``(batch, steps, inputs)``.

    Returns every step's states and gates, each ``(batch, steps, units)``: ``h`` (what
    ``return_sequences=True`` gives), ``c``, and the gates ``f``, ``i``, ``g``, ``o`` that
    produced them. ``h[:, -1]`` and ``c[:, -1]`` are the final states (``return_state=True``).
    Starts from zeros unless ``h0``/``c0`` are given, as Keras does.
    """
    x = _sequences(x)
    h, c = _initial(h0, x, p["U_f"]), _initial(c0, x, p["U_f"])
    gates = {"f": forget_gate, "i": input_gate, "g": candidate, "o": output_gate}
    record: dict[str, list[np.ndarray]] = {name: [] for name in ("h", "c", *gates)}
    for t in range(x.shape[1]):
        for name, gate in gates.items():
            record[name].append(gate(x[:, t], h, p))
        h, c = lstm_step(x[:, t], h, c, p)
        record["h"].append(h)
        record["c"].append(c)
    return {name: np.stack(values, axis=1) for name, values in record.items()}


# --------------------------------------------------------------------------- GRU


def update_gate(x: np.ndarray, h_prev: np.ndarray, p: Params) -> np.ndarray:
    """How much of the old hidden state to keep (1 = keep it, 0 = take the candidate)."""
    return sigmoid(x @ p["W_z"] + p["bW_z"] + h_prev @ p["U_z"] + p["bU_z"])


def reset_gate(x: np.ndarray, h_prev: np.ndarray, p: Params) -> np.ndarray:
    """How much of the old hidden state the candidate may look at."""
    return sigmoid(x @ p["W_r"] + p["bW_r"] + h_prev @ p["U_r"] + p["bU_r"])


def gru_candidate(x: np.ndarray, h_prev: np.ndarray, r: np.ndarray, p: Params) -> np.ndarray:
    """The candidate hidden state; the reset gate scales the old state's contribution."""
    return np.tanh(x @ p["W_g"] + p["bW_g"] + r * (h_prev @ p["U_g"] + p["bU_g"]))


def gru_step(x: np.ndarray, h_prev: np.ndarray, p: Params) -> np.ndarray:
    """One time step of a GRU (Keras's ``reset_after=True`` form): the new hidden state."""
    z = update_gate(x, h_prev, p)
    r = reset_gate(x, h_prev, p)
    g = gru_candidate(x, h_prev, r, p)
    return z * h_prev + (1 - z) * g


def gru_sequence(x: np.ndarray, p: Params, h0: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Run :func:`gru_step` over sequences ``x`` of shape ``(batch, steps, inputs)``.

    Returns ``h`` and the gates ``z``, ``r`` and candidate ``g`` of every step, each
    ``(batch, steps, units)``; ``h[:, -1]`` is the final state.
    """
    x = _sequences(x)
    h = _initial(h0, x, p["U_z"])
    record: dict[str, list[np.ndarray]] = {"h": [], "z": [], "r": [], "g": []}
    for t in range(x.shape[1]):
        r = reset_gate(x[:, t], h, p)
        record["z"].append(update_gate(x[:, t], h, p))
        record["r"].append(r)
        record["g"].append(gru_candidate(x[:, t], h, r, p))
        h = gru_step(x[:, t], h, p)
        record["h"].append(h)
    return {name: np.stack(values, axis=1) for name, values in record.items()}


def _sequences(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"expected sequences of shape (batch, steps, inputs), got shape {x.shape};"
                         " for a single sequence use x[np.newaxis]")
    return x


def _initial(state: np.ndarray | None, x: np.ndarray, recurrent: np.ndarray) -> np.ndarray:
    units = recurrent.shape[0]
    if state is None:
        return np.zeros((x.shape[0], units))
    state = np.asarray(state, dtype=np.float64)
    if state.shape != (x.shape[0], units):
        raise ValueError(f"an initial state must have shape (batch, units) = {(x.shape[0], units)}, not {state.shape}")
    return state


# --------------------------------------------------------------------------- weights


def random_lstm_params(n_inputs: int, units: int, seed: int = 0, scale: float = 0.5) -> Params:
    """Random LSTM weights in our dict form, for trying the step out before any training."""
    rng = np.random.default_rng(seed)
    params: Params = {}
    for gate in LSTM_KERAS_ORDER:
        params[f"W_{gate}"] = rng.normal(0, scale, (n_inputs, units))
        params[f"U_{gate}"] = rng.normal(0, scale, (units, units))
        params[f"b_{gate}"] = rng.normal(0, scale, units)
    return params


def params_from_keras(layer: Any) -> Params:
    """Cut a Keras ``LSTM`` or ``GRU`` layer's weights into our one-matrix-per-gate dict.

    Keras keeps three arrays: ``kernel`` ``(inputs, k * units)``, ``recurrent_kernel``
    ``(units, k * units)`` and ``bias``; the gates sit side by side in the columns, LSTM
    in the order [i, f, c, o], GRU in the order [z, r, h]. The layer must be built (called
    on data, or created with an input shape) and use the default activations, which are what
    this module's NumPy code implements.
    """
    kind = type(layer).__name__.removesuffix("Cell")
    if kind not in ("LSTM", "GRU"):
        raise TypeError(f"params_from_keras takes a keras.layers.LSTM or GRU, not {type(layer).__name__}")
    if not layer.built or not layer.weights:
        raise ValueError(f"the {kind} layer has no weights yet: build it first (call the model on some data,"
                         " or start the model with keras.Input(shape=...))")
    cell = getattr(layer, "cell", layer)
    _require(_activation_name(cell.activation) == "tanh", f"{kind} activation must be 'tanh'")
    _require(_activation_name(cell.recurrent_activation) == "sigmoid", f"{kind} recurrent_activation must be 'sigmoid'")
    kernel = np.asarray(cell.kernel.numpy(), dtype=np.float64)
    recurrent = np.asarray(cell.recurrent_kernel.numpy(), dtype=np.float64)
    units = recurrent.shape[0]
    if kind == "LSTM":
        bias = np.asarray(cell.bias.numpy(), dtype=np.float64) if cell.use_bias else np.zeros(4 * units)
        return _split(kernel, recurrent, {"b": bias}, LSTM_KERAS_ORDER, units)
    _require(cell.reset_after, "GRU must use reset_after=True (Keras 3's default)")
    bias = np.asarray(cell.bias.numpy(), dtype=np.float64) if cell.use_bias else np.zeros((2, 3 * units))
    return _split(kernel, recurrent, {"bW": bias[0], "bU": bias[1]}, GRU_KERAS_ORDER, units)


def _split(kernel: np.ndarray, recurrent: np.ndarray, biases: dict[str, np.ndarray],
           order: tuple[str, ...], units: int) -> Params:
    params: Params = {}
    for k, gate in enumerate(order):
        columns = slice(k * units, (k + 1) * units)
        params[f"W_{gate}"] = kernel[:, columns]
        params[f"U_{gate}"] = recurrent[:, columns]
        for prefix, bias in biases.items():
            params[f"{prefix}_{gate}"] = bias[columns]
    return params


def _activation_name(function: Any) -> str:
    return getattr(function, "__name__", str(function))


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise ValueError(f"{what} for this NumPy version to match it; create the layer with the default settings")
