"""Generate notebooks/03_inside_the_lstm.ipynb (run from anywhere; writes into the nb03 worktree)."""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbgen import code, md, write  # noqa: E402

CHECK = "nbval-check-output"
PATH = "/work/wt/nb03/notebooks/03_inside_the_lstm.ipynb"

cells = [
    md(r"""
# 03 · Inside the LSTM

Build an LSTM cell gate by gate in NumPy, prove that it computes exactly what Keras computes, and watch its gates decide what to remember around a rest day.

[![Open in Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/lstm-course/lstm-course/main?urlpath=lab/tree/notebooks/03_inside_the_lstm.ipynb)
"""),
    md(r"""
**Questions**
- What does an LSTM compute at each step, number by number?
- Is the textbook LSTM really what `keras.layers.LSTM` runs?
- What do the gates of a trained LSTM do when a rest day comes?
- How does a GRU differ?

**Objectives**
- *Build* the forget, input and output gates, the candidate values and the state updates of an LSTM in NumPy.
- *Load* the weights of a trained Keras LSTM and GRU into that code and *show* that both give the same outputs.
- *Explain*, from measured gate values, what the forget and input gates do around a rest day.
- *Compare* the LSTM's gates with the GRU's update and reset gates.

**Time**: teaching 45 min, exercises 25 min.
"""),
    md(r"""
## Set-up

One cell: the mode (quick or full), the seeds, and the tools of this lesson. `course_utils.cells` holds the LSTM and GRU code we are about to write, so later notebooks can import it.
"""),
    code(r"""
from course_utils import config

settings = config.setup(keras=True)

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from course_utils import cell_diagrams, cells, routine
from course_utils.lessons.l03 import ex1, ex2, ex3, ex4, ex5
from course_utils.training import EpochLog
from course_utils.widgets.gates import gate_explorer
"""),
    md(r"""
## The cell at a glance

Notebook 02 showed that a rest day after two days of exercise needs memory: knowing only yesterday's workout is not enough. An LSTM cell carries two states from day to day:

- the **cell state** $c$ (the thick line along the top), its long-term memory. Each step changes it only by *scaling* it and *adding* to it, so information can ride along for many steps;
- the **hidden state** $h$, what the cell shows the rest of the network (and itself, at the next step).

Four small layers read today's input $x_t$ and yesterday's hidden state $h_{t-1}$:

| name | squashing | what it decides |
| --- | --- | --- |
| forget gate $f$ | sigmoid, 0 to 1 | how much of each unit's old cell state to keep |
| input gate $i$ | sigmoid, 0 to 1 | how much of the candidate to write |
| candidate $g$ | tanh, -1 to 1 | the new values that could be written |
| output gate $o$ | sigmoid, 0 to 1 | how much of the (squashed) cell state to show as $h_t$ |

The diagram is drawn by `course_utils.cell_diagrams`, in the colours the rest of the notebook uses.
"""),
    code(r"""
cell_diagrams.draw_lstm_cell()
plt.show()
"""),
    md(r"""
In equations, with rows as examples (as Keras multiplies, $x\,W$ rather than $W x$) and $\odot$ meaning element-by-element:

$$
\begin{aligned}
f_t &= \sigma(x_t W_f + h_{t-1} U_f + b_f) &\quad
i_t &= \sigma(x_t W_i + h_{t-1} U_i + b_i) \\
g_t &= \tanh(x_t W_g + h_{t-1} U_g + b_g) &\quad
o_t &= \sigma(x_t W_o + h_{t-1} U_o + b_o) \\
c_t &= f_t \odot c_{t-1} + i_t \odot g_t &\quad
h_t &= o_t \odot \tanh(c_t)
\end{aligned}
$$

Each gate has its own input weights $W$, recurrent weights $U$ and bias $b$. We build these six lines one at a time.
"""),
    md(r"""
## Two squashing functions

A gate is a share: between 0 (nothing passes) and 1 (everything passes). The sigmoid squashes any number into that range. The candidate uses tanh instead, because the values it proposes may be negative.
"""),
    code(r"""
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


z = np.array([-5.0, -1.0, 0.0, 1.0, 5.0])
print("sigmoid:", sigmoid(z).round(3))
print("tanh:   ", np.tanh(z).round(3))
""", CHECK),
    md(r"""
Large negative inputs close a gate (near 0), large positive ones open it (near 1), and 0 leaves it half open.
"""),
    md(r"""
## A toy cell

Before training anything, take a cell with 3 units and random weights. Its input is one day, one-hot over the four kinds of day (weights, swimming, yoga, rest). The weights live in a dict with one entry per gate: `p["W_f"]`, `p["U_f"]`, `p["b_f"]` for the forget gate, and the same with `i`, `g` and `o`.
"""),
    code(r"""
n_inputs, units = 4, 3
p = cells.random_lstm_params(n_inputs, units, seed=0)

x = routine.one_hot(["swimming"], routine.DAYS_WITH_REST)  # today, shape (1, 4): one row per example
h_prev = np.zeros((1, units))                              # yesterday's hidden state
c_prev = np.array([[1.0, -1.0, 0.5]])                      # yesterday's cell state

for name in ("W_f", "U_f", "b_f"):
    print(f"{name}: shape {p[name].shape}")
print("x =", x)
""", CHECK),
    md(r"""
$W_f$ maps 4 inputs to 3 units, $U_f$ maps the 3 units of yesterday's hidden state to the 3 units, and $b_f$ adds one number per unit.
"""),
    md(r"""
## The forget gate

$f_t = \sigma(x_t W_f + h_{t-1} U_f + b_f)$: one number between 0 and 1 per unit, the share of that unit's old cell state to keep.

### Exercise 1: write the forget gate

Write `forget_gate(x, h_prev, p)` with `@` for the matrix products and the `sigmoid` above. It should work for a batch of rows and for a single row.
"""),
    code(r"""
# Exercise 1: write the forget gate
def forget_gate(x, h_prev, p):
    ...


ex1.check()
# ex1.hint()
# ex1.solution()
"""),
    code(r"""
f = forget_gate(x, h_prev, p)
print("f =", f.round(3))
""", CHECK),
    md(r"""
Each unit keeps a different share of its old cell state: the gate is a per-unit dial, not one switch for the whole cell.
"""),
    md(r"""
## The input gate and the candidate

The input gate has the forget gate's form with its own weights. The candidate has the same form too but is squashed by tanh: it proposes values between -1 and 1, and the input gate decides how much of them to write.
"""),
    code(r"""
def input_gate(x, h_prev, p):
    return sigmoid(x @ p["W_i"] + h_prev @ p["U_i"] + p["b_i"])


def candidate(x, h_prev, p):
    return np.tanh(x @ p["W_g"] + h_prev @ p["U_g"] + p["b_g"])


i = input_gate(x, h_prev, p)
g = candidate(x, h_prev, p)
print("i =", i.round(3))
print("g =", g.round(3))
""", CHECK),
    md(r"""
## The cell update

The new cell state keeps a share $f$ of the old one and adds a share $i$ of the candidate: $c_t = f_t \odot c_{t-1} + i_t \odot g_t$. Nothing else touches it, which is why the cell state can carry a fact over many steps: with $f = 1$ and $i = 0$ it passes through unchanged.

### Exercise 2: update the cell state

Write `update_cell(c_prev, f, i, g)`. All four arguments have the same shape; the products are element by element.
"""),
    code(r"""
# Exercise 2: the new cell state from the old one, the two gates and the candidate
def update_cell(c_prev, f, i, g):
    ...


ex2.check()
# ex2.hint()
# ex2.solution()
"""),
    code(r"""
c = update_cell(c_prev, f, i, g)
print("c_prev =", c_prev.round(3))
print("c      =", c.round(3))
""", CHECK),
    md(r"""
## The output gate and the hidden state

The output gate chooses how much of each unit's memory to show. The hidden state is that share of the squashed new cell state: $h_t = o_t \odot \tanh(c_t)$.
"""),
    code(r"""
def output_gate(x, h_prev, p):
    return sigmoid(x @ p["W_o"] + h_prev @ p["U_o"] + p["b_o"])


o = output_gate(x, h_prev, p)
h = o * np.tanh(c)
print("o =", o.round(3))
print("h =", h.round(3))
""", CHECK),
    md(r"""
$h$ lies between -1 and 1 whatever the size of $c$: the cell state may grow, what the cell shows stays bounded.

## The whole step

### Exercise 3: put the step together

Write `lstm_step(x, h_prev, c_prev, p)` that returns the new hidden state and cell state, `h, c` (in that order, as Keras does). Use `forget_gate`, `input_gate`, `candidate`, `output_gate` and `update_cell`.
"""),
    code(r"""
# Exercise 3: one LSTM step
def lstm_step(x, h_prev, c_prev, p):
    ...


ex3.check()
# ex3.hint()
# ex3.solution()
"""),
    md(r"""
A sequence is the same step repeated, each day's states feeding the next. Here is a week of the routine through the untrained toy cell, starting from zero states as Keras does:
"""),
    code(r"""
week = routine.rest_day_routine(7)
week_x = routine.one_hot(week, routine.DAYS_WITH_REST)

h, c = np.zeros((1, units)), np.zeros((1, units))
for day, day_x in zip(week, week_x):
    h, c = lstm_step(day_x[np.newaxis], h, c, p)
    print(f"{day:<9} h = {h.round(2)}")
""", CHECK),
    md(r"""
The same step is kept in `course_utils.cells` (`cells.lstm_step`, and `cells.lstm_sequence` to run it over whole sequences), so later notebooks can import it; a test keeps it in step with the code above. Both give the same states:
"""),
    code(r"""
package_run = cells.lstm_sequence(week_x[np.newaxis], p)
print("same final h as course_utils.cells:", np.allclose(package_run["h"][:, -1], h))
print("same final c as course_utils.cells:", np.allclose(package_run["c"][:, -1], c))
""", CHECK),
    md(r"""
## Train an LSTM on rest days

The task from notebook 02: every sequence is 21 days of the routine with a rest day after two days of exercise (the cycle weights → swimming → yoga carries on after a rest). Each sequence starts at a random point; at every day the model predicts the next.

Training takes about 10 s in quick mode (256 sequences, 15 epochs) and about 30 s in full mode (1,024 sequences, 30 epochs) on 2 cores.
"""),
    code(r"""
n_train, epochs = config.pick(full=1024, quick=256), config.pick(full=30, quick=15)
x_train, y_train = routine.rest_day_dataset(n_train, length=21, seed=0)
x_test, y_test = routine.rest_day_dataset(200, length=21, seed=1)
print("train:", x_train.shape, "test:", x_test.shape)

lstm_units = 4
lstm_model = keras.Sequential([
    keras.Input(shape=(None, len(routine.DAYS_WITH_REST))),
    keras.layers.LSTM(lstm_units, return_sequences=True, name="lstm"),
    keras.layers.Dense(len(routine.DAYS_WITH_REST), activation="softmax", name="next_day"),
])
lstm_model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
lstm_model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0, callbacks=[EpochLog(every=5)]);
"""),
    code(r"""
predicted = lstm_model.predict(x_test, verbose=0).argmax(axis=-1)
print(f"test accuracy, every day:          {(predicted == y_test).mean():.3f}")
print(f"test accuracy from the second day: {(predicted[:, 1:] == y_test[:, 1:]).mean():.3f}")
"""),
    md(r"""
On the first day of a sequence the model cannot know whether a rest is due: it has seen a single day. From the second day on the answer is determined by what it has seen, and a trained LSTM gets (nearly) all of them.
"""),
    md(r"""
## From Keras's weights to ours

A Keras LSTM stores three arrays. The four gates sit side by side in the columns of each, `units` columns per gate, in the order **[i, f, c, o]** (Keras calls the candidate `c`; we call it `g` to keep `c` for the cell state).
"""),
    code(r"""
lstm_layer = lstm_model.get_layer("lstm")
kernel, recurrent_kernel, bias = lstm_layer.get_weights()
units = lstm_units
print("kernel           ", kernel.shape, "  = (inputs, 4 * units): [W_i | W_f | W_g | W_o]")
print("recurrent_kernel ", recurrent_kernel.shape, "  = (units, 4 * units): [U_i | U_f | U_g | U_o]")
print("bias             ", bias.shape, "     = (4 * units,):        [b_i | b_f | b_g | b_o]")
""", CHECK),
    md(r"""
### Exercise 4: find the forget gate in the kernel

Slice `kernel` to get the forget gate's input weights `W_f`, shape `(inputs, units)`.
"""),
    code(r"""
# Exercise 4: the forget gate's columns of Keras's kernel
W_f = ...
ex4.check()
# ex4.hint()
# ex4.solution()
"""),
    md(r"""
`cells.params_from_keras` does this cutting for every gate (and checks that the layer uses the default activations, which our code assumes):
"""),
    code(r"""
params = cells.params_from_keras(lstm_layer)
print("gates:", sorted({name[-1] for name in params}))
print("W_f from exercise 4 matches:", np.allclose(W_f, params["W_f"]))
""", CHECK),
    md(r"""
## The proof: our step equals Keras

Run `lstm_step` (the one written above) over all 200 test sequences with the trained weights, and compare with what Keras computes:

- `return_sequences=True`: the hidden state of every day;
- `return_state=True`: the final hidden and cell states;
- the default `return_sequences=False`: the last hidden state only;
- the whole model's predicted probabilities (our hidden states through the trained `Dense` layer).

Keras cannot switch `return_state` on a layer that exists, so we build twins of the trained layer with those settings and give them its weights.
"""),
    code(r"""
h = np.zeros((len(x_test), units))
c = np.zeros((len(x_test), units))
our_h = []
for t in range(x_test.shape[1]):
    h, c = lstm_step(x_test[:, t], h, c, params)
    our_h.append(h)
our_h = np.stack(our_h, axis=1)  # (sequences, days, units)

twin = keras.layers.LSTM(units, return_sequences=True, return_state=True)
twin.build(x_test.shape)
twin.set_weights(lstm_layer.get_weights())
keras_h, keras_final_h, keras_final_c = (np.asarray(a) for a in twin(x_test))

last_only = keras.layers.LSTM(units)  # return_sequences=False
last_only.build(x_test.shape)
last_only.set_weights(lstm_layer.get_weights())
keras_last = np.asarray(last_only(x_test))

dense_W, dense_b = lstm_model.get_layer("next_day").get_weights()
logits = our_h @ dense_W + dense_b
our_probs = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
keras_probs = lstm_model.predict(x_test, verbose=0)
"""),
    code(r"""
def compare(name, ours, theirs):
    difference = np.abs(ours - theirs).max()
    print(f"{name:<40} {str(ours.shape):<13} max abs difference < 1e-5: {difference < 1e-5}")
    return difference


lstm_differences = [
    compare("every hidden state (return_sequences)", our_h, keras_h),
    compare("final hidden state (return_state)", h, keras_final_h),
    compare("final cell state (return_state)", c, keras_final_c),
    compare("last hidden state (default)", our_h[:, -1], keras_last),
    compare("model's probabilities", our_probs, keras_probs),
]
""", CHECK),
    code(r"""
print(f"largest difference: {max(lstm_differences):.1e}")
"""),
    md(r"""
The differences are rounding: Keras computes in 32-bit floats, NumPy here in 64-bit. The six equations above *are* the Keras LSTM.
"""),
    md(r"""
## Looking inside: the gates day by day

`cells.lstm_sequence` runs the same step and also records every gate. Here are the trained cell's 4 units over 15 days of the routine (the labels are each day's input; rest days in bold). Gates go from 0 (dark) to 1 (yellow); the cell and hidden states are red when positive, blue when negative.
"""),
    code(r"""
days = routine.rest_day_routine(15)
run = cells.lstm_sequence(routine.one_hot(days, routine.DAYS_WITH_REST)[np.newaxis], params)
cell_diagrams.gate_heatmaps(run, days, title="The trained LSTM, day by day")
plt.show()
"""),
    md(r"""
## What the gates do around a rest day

A rest day asks two things of the memory. The count of exercise days in a row must start again, and which workout came last must be kept, because the cycle carries on after the rest (after *swimming, rest* comes *yoga*).

We measure over all 200 test sequences, for each unit: its average forget and input gate on rest days and on exercise days, and what its cell state tracks on exercise days. For the latter, $R^2$ is the share of the variation of the unit's cell state explained by a grouping of the days: by *which workout* it is (weights, swimming or yoga), or by *the count*, first or second exercise day in a row. 1 means the cell state tells the groups apart perfectly, 0 not at all.
"""),
    code(r"""
test_run = cells.lstm_sequence(x_test, params)
is_rest = x_test[..., routine.DAYS_WITH_REST.index(routine.REST)] == 1  # (sequences, days)
after_rest = np.zeros_like(is_rest)
after_rest[:, 1:] = is_rest[:, :-1]
exercise = ~is_rest
exercise[:, 0] = False                                # the first day's count is unknown
workout = x_test[exercise].argmax(axis=-1)            # 0 weights, 1 swimming, 2 yoga
count = np.where(after_rest[exercise], 1, 2)          # first or second exercise day in a row


def share_explained(values, groups):
    # R²: 1 - (variation within the groups) / (total variation), for each column of values
    within = sum(((values[groups == k] - values[groups == k].mean(axis=0)) ** 2).sum(axis=0) for k in np.unique(groups))
    return 1 - within / ((values - values.mean(axis=0)) ** 2).sum(axis=0)


gate_table = pd.DataFrame({
    "forget, rest days": test_run["f"][is_rest].mean(axis=0),
    "forget, exercise days": test_run["f"][~is_rest].mean(axis=0),
    "input, rest days": test_run["i"][is_rest].mean(axis=0),
    "input, exercise days": test_run["i"][~is_rest].mean(axis=0),
    "R² of c by workout": share_explained(test_run["c"][exercise], workout),
    "R² of c by count": share_explained(test_run["c"][exercise], count),
}).rename_axis("unit")
gate_table.round(2)
"""),
    code(r"""
for unit, row in gate_table.iterrows():
    keep = row["forget, rest days"]
    if keep > 0.8:
        verdict = "keeps its cell state through a rest day"
    elif keep < 0.2:
        verdict = "wipes its cell state on a rest day"
    else:
        verdict = "keeps part of its cell state on a rest day"
    tracks = "the workout" if row["R² of c by workout"] > row["R² of c by count"] else "the count"
    print(f"unit {unit} {verdict} (forget gate {keep:.2f}, input gate {row['input, rest days']:.2f});"
          f" its cell state tracks {tracks} (R² {row['R² of c by workout']:.2f} by workout,"
          f" {row['R² of c by count']:.2f} by count)")
"""),
    md(r"""
Read the lines above for your run: which units do what changes with the seed and the mode. In our runs (quick and full mode) the four units split the two jobs of a rest day between them:

- two units *keep* their memory on rest days (forget gate near 1) and their cell state tracks the workout: they carry "where we are in the cycle" across the rest;
- two units *wipe* their memory on rest days (forget gate near 0) while their input gate is wide open, so they write a fresh value; on exercise days their cell state tracks the count. That is the counter that starts again after every rest.

Nobody told the network to do this. Training found that dividing the work this way predicts the next day.
"""),
    md(r"""
## The gate explorer

One unit with one input, every weight a slider. Predict first, then move:

- Set the forget gate's bias `b_f` to -3: the gate closes and the new cell state forgets `c_prev`.
- Set `b_f` to 3 and `b_i` to -3: the cell keeps `c_prev` and writes almost nothing, whatever `x` is.
- Move `c_prev` with `b_o` at -3: the memory is there, but the output gate hides it from `h`.

Each small plot shows a gate (or the new states) as a function of the input `x`, the dot marking the current `x`; the table shows the sums behind the numbers.
"""),
    code(r"""
gate_explorer()
"""),
    md(r"""
## The GRU beside the LSTM

A GRU (gated recurrent unit) keeps a single state $h$ and uses two gates:

- the **update gate** $z$ mixes old and new: $h_t = z_t \odot h_{t-1} + (1 - z_t) \odot g_t$. One number does the work of the LSTM's forget gate ($z$) and input gate ($1 - z$): keeping more means writing less;
- the **reset gate** $r$ decides how much of the old state the candidate $g$ may look at.

Keras 3's GRU (`reset_after=True`, the default) applies $r$ *after* multiplying the old state by its weights, and has two biases per gate, one on each side:

$$
\begin{aligned}
z_t &= \sigma(x_t W_z + b^W_z + h_{t-1} U_z + b^U_z) &\quad
r_t &= \sigma(x_t W_r + b^W_r + h_{t-1} U_r + b^U_r) \\
g_t &= \tanh\big(x_t W_g + b^W_g + r_t \odot (h_{t-1} U_g + b^U_g)\big) &\quad
h_t &= z_t \odot h_{t-1} + (1 - z_t) \odot g_t
\end{aligned}
$$

| | LSTM | GRU |
| --- | --- | --- |
| states | cell state $c$ and hidden state $h$ | hidden state $h$ only |
| keep the old memory | forget gate $f$ | update gate $z$ |
| write new content | input gate $i$, independent of $f$ | $1 - z$, tied to $z$ |
| hide the memory from the output | output gate $o$ | nothing: $h$ is both memory and output |
| limit what the candidate sees of the past | nothing | reset gate $r$ |
| number of weights ($n$ inputs, $u$ units) | $4(nu + u^2 + u)$ | $3(nu + u^2 + 2u)$ |
"""),
    code(r"""
cell_diagrams.draw_cells_side_by_side()
plt.show()
"""),
    md(r"""
The GRU in NumPy, following the equations (kept in `course_utils.cells` as well):
"""),
    code(r"""
def update_gate(x, h_prev, p):
    return sigmoid(x @ p["W_z"] + p["bW_z"] + h_prev @ p["U_z"] + p["bU_z"])


def reset_gate(x, h_prev, p):
    return sigmoid(x @ p["W_r"] + p["bW_r"] + h_prev @ p["U_r"] + p["bU_r"])


def gru_candidate(x, h_prev, r, p):
    return np.tanh(x @ p["W_g"] + p["bW_g"] + r * (h_prev @ p["U_g"] + p["bU_g"]))


def gru_step(x, h_prev, p):
    z = update_gate(x, h_prev, p)
    r = reset_gate(x, h_prev, p)
    g = gru_candidate(x, h_prev, r, p)
    return z * h_prev + (1 - z) * g
"""),
    md(r"""
Train a GRU of the same width on the same days. About 10 s in quick mode and 30 s in full mode on 2 cores.
"""),
    code(r"""
gru_model = keras.Sequential([
    keras.Input(shape=(None, len(routine.DAYS_WITH_REST))),
    keras.layers.GRU(lstm_units, return_sequences=True, name="gru"),
    keras.layers.Dense(len(routine.DAYS_WITH_REST), activation="softmax", name="next_day"),
])
gru_model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
gru_model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0, callbacks=[EpochLog(every=5)])
gru_predicted = gru_model.predict(x_test, verbose=0).argmax(axis=-1)
print(f"GRU test accuracy from the second day: {(gru_predicted[:, 1:] == y_test[:, 1:]).mean():.3f}")
"""),
    md(r"""
Its weights: the kernels hold three gates in the order **[z, r, h]** (Keras's `h` is our candidate `g`), and the bias has **two rows**, the input-side biases $b^W$ and the recurrent-side biases $b^U$. `cells.params_from_keras` cuts them apart the same way.
"""),
    code(r"""
gru_layer = gru_model.get_layer("gru")
for weight in gru_layer.weights:
    print(f"{weight.name:<17} {tuple(weight.shape)}")
gru_params = cells.params_from_keras(gru_layer)
print("bias rows -> bW_z, bU_z:", gru_params["bW_z"].shape, gru_params["bU_z"].shape)
""", CHECK),
    md(r"""
The same proof for the GRU, with `gru_step` from above:
"""),
    code(r"""
h = np.zeros((len(x_test), units))
our_gru_h = []
for t in range(x_test.shape[1]):
    h = gru_step(x_test[:, t], h, gru_params)
    our_gru_h.append(h)
our_gru_h = np.stack(our_gru_h, axis=1)

gru_twin = keras.layers.GRU(units, return_sequences=True, return_state=True)
gru_twin.build(x_test.shape)
gru_twin.set_weights(gru_layer.get_weights())
keras_gru_h, keras_gru_final = (np.asarray(a) for a in gru_twin(x_test))

gru_last_only = keras.layers.GRU(units)
gru_last_only.build(x_test.shape)
gru_last_only.set_weights(gru_layer.get_weights())

gru_W, gru_b = gru_model.get_layer("next_day").get_weights()
gru_logits = our_gru_h @ gru_W + gru_b
our_gru_probs = np.exp(gru_logits) / np.exp(gru_logits).sum(axis=-1, keepdims=True)

gru_differences = [
    compare("every hidden state (return_sequences)", our_gru_h, keras_gru_h),
    compare("final hidden state (return_state)", h, keras_gru_final),
    compare("last hidden state (default)", our_gru_h[:, -1], np.asarray(gru_last_only(x_test))),
    compare("model's probabilities", our_gru_probs, gru_model.predict(x_test, verbose=0)),
]
""", CHECK),
    code(r"""
print(f"largest difference: {max(gru_differences):.1e}")
"""),
    md(r"""
### The gates side by side

The LSTM's forget and input gates above, the GRU's update and reset gates below, over the same 15 days. For the GRU, $z$ near 1 means *keep*, like $f$ near 1.
"""),
    code(r"""
gru_run = cells.gru_sequence(routine.one_hot(days, routine.DAYS_WITH_REST)[np.newaxis], gru_params)
side_by_side = {"f": run["f"], "i": run["i"], "z": gru_run["z"], "r": gru_run["r"]}
cell_diagrams.gate_heatmaps(side_by_side, days, names=("f", "i", "z", "r"), title="LSTM gates (top) and GRU gates (bottom)")
plt.show()
"""),
    md(r"""
The same measurements for the GRU's gates. For the state we ask one question: does a unit's $h$ on a rest day still say which workout came before it? The *spread* is the highest minus the lowest of the unit's average $h$ over the three groups of rest days (after weights, after swimming, after yoga). Near 0, the unit's state is the same whatever came before: it does not carry the workout.
"""),
    code(r"""
gru_test_run = cells.gru_sequence(x_test, gru_params)
rest_seq, rest_day = np.nonzero(is_rest[:, 1:])
rest_day = rest_day + 1
last_workout = x_test[rest_seq, rest_day - 1].argmax(axis=-1)  # the workout just before each rest
h_on_rest = gru_test_run["h"][rest_seq, rest_day]
group_means = np.stack([h_on_rest[last_workout == k].mean(axis=0) for k in np.unique(last_workout)])

gru_table = pd.DataFrame({
    "update z, rest days": gru_test_run["z"][is_rest].mean(axis=0),
    "update z, exercise days": gru_test_run["z"][~is_rest].mean(axis=0),
    "reset r, rest days": gru_test_run["r"][is_rest].mean(axis=0),
    "reset r, exercise days": gru_test_run["r"][~is_rest].mean(axis=0),
    "spread of h by last workout": group_means.max(axis=0) - group_means.min(axis=0),
}).rename_axis("unit")
gru_table.round(2)
"""),
    code(r"""
for unit, row in gru_table.iterrows():
    z, r, spread = row["update z, rest days"], row["reset r, rest days"], row["spread of h by last workout"]
    if z > 0.8:
        verdict = "keeps its state through a rest day (z near 1)"
    elif z < 0.2 and r < 0.2:
        verdict = "starts afresh on a rest day: it takes the candidate (z near 0), which ignores the old state (r near 0)"
    else:
        verdict = f"rewrites its state on a rest day from a candidate that still sees the old state (z {z:.2f}, r {r:.2f})"
    carries = "carries" if spread > 0.5 else "does not carry" if spread < 0.2 else "partly carries"
    print(f"unit {unit} {verdict}; it {carries} the last workout (spread {spread:.2f})")
"""),
    md(r"""
The GRU has no separate input gate: keeping more ($z$ near 1) means writing less, and a low $z$ on a rest day means the unit takes the candidate. Whether that candidate still carries the past depends on the reset gate. A unit with $r$ near 0 rewrites its state from today's input alone (the GRU's way of wiping, like an LSTM unit's forget gate at 0); a unit with $r$ well above 0 can pass the last workout on through the candidate even while rewriting its state, and a large spread says it did. Compare with the LSTM's table: the GRU meets the same rest day with different gates.

### Exercise 5: an update gate at 1

A unit of a Keras GRU has update gate $z = 1$ at some step. What is its new hidden state?

- **a** the candidate $g$
- **b** its previous hidden state, unchanged
- **c** zero
- **d** the average of the previous state and the candidate
"""),
    code(r"""
# Exercise 5: set answer_5 to "a", "b", "c" or "d"
answer_5 = ...
ex5.check()
# ex5.hint()
# ex5.solution()
"""),
    md(r"""
## Key points

- An LSTM step is six lines: three sigmoid gates ($f$, $i$, $o$), a tanh candidate $g$, then $c_t = f \odot c_{t-1} + i \odot g$ and $h_t = o \odot \tanh(c_t)$.
- The cell state changes only by scaling and adding, which lets it carry a fact across many steps; the gates decide, per unit and per step, what to keep, write and show.
- Keras stores an LSTM's gates side by side in the order [i, f, c, o] and a GRU's in the order [z, r, h], with two bias rows for the default `reset_after=True` GRU. Loaded into NumPy, they reproduce Keras's outputs to within float rounding.
- In the trained rest-day LSTM, measured over the test sequences, some units keep their memory through a rest day (forget gate near 1) and others wipe it and write afresh (forget gate near 0, input gate open).
- A GRU couples keeping and writing in one update gate and has no separate cell state or output gate: fewer weights, the same kind of memory.

## Review questions

1. What would an LSTM unit with forget gate 1 and input gate 0 at every step do with its cell state? And one with forget gate 0 at every step?
2. Why are the gates squashed with a sigmoid and the candidate with tanh?
3. You load Keras's kernel and take its first `units` columns as the forget gate. What goes wrong, and how would the equality check show it?
4. Why does `h` stay between -1 and 1 even when `c` grows large?
5. Count the weights of `LSTM(4)` and `GRU(4)` on 4 inputs with the formulas in the table, and check them with `lstm_layer.count_params()` and `gru_layer.count_params()`.
"""),
]

write(cells, PATH)
print("wrote", PATH)
