"""Generate notebooks/02_rest_days_need_memory.ipynb in the nb0102 worktree."""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbgen import code, md, write  # noqa: E402

CHECK = "nbval-check-output"
PATH = "/work/wt/nb0102/notebooks/02_rest_days_need_memory.ipynb"

cells = [
    md(r"""
# 02 · Rest days need memory

Show, with exact numbers, why knowing only yesterday cannot predict a rest day, train a recurrent network that remembers enough, and measure how far back a SimpleRNN and an LSTM can learn to remember.

[![Open in Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/lstm-course/lstm-course/main?urlpath=lab/tree/notebooks/02_rest_days_need_memory.ipynb)
"""),
    md(r"""
**Questions**
- If we rest after two days of exercise, how well can a model that knows only yesterday do, at best?
- Does a recurrent network over the whole sequence do better?
- How far back can a `SimpleRNN` learn to remember, and how far an LSTM? Why do they differ?

**Objectives**
- *Compute* the best accuracy any one-day model can reach, and *show* that a trained one sits at that limit.
- *Write* the two-day rule and *train* a `SimpleRNN` that learns it.
- *Measure* accuracy against the length of a dependency for a `SimpleRNN` and an LSTM, and the gradient that reaches back in time.
- *Explain* vanishing gradients from that measurement.

**Time**: teaching 35 min, exercises 20 min.
"""),
    md(r"""
## Set-up

One cell: the mode (quick or full), the seeds, and the tools of this lesson. The routine's rules live in `course_utils.routine`, the long-memory data in `course_utils.memory`, the exercises in `course_utils.lessons.l02`.
"""),
    code(r"""
from course_utils import config

settings = config.setup(keras=True)

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

from course_utils.diagrams import draw_unrolled_rnn
from course_utils.lessons.l02 import ex1, ex2, ex3, ex4
from course_utils.memory import ForgetGateBias, StopWhenLearned, coach_note_dataset
from course_utils.routine import (ACTIVITIES, DAYS_WITH_REST, REST, best_accuracy_on_data, best_accuracy_with_memory,
                                  next_activity, rest_day_dataset, rest_day_routine)
from course_utils.training import EpochLog
"""),
    md(r"""
## The rest day

Our friend now rests after **two days of exercise** in a row. The exercise cycle carries on across the rest: weights, swimming, *rest*, yoga, weights, *rest*, swimming, yoga, *rest*, and round again every nine days.
"""),
    code(r"""
days = rest_day_routine(18)
print(" → ".join(days))
""", CHECK),
    md(r"""
## Yesterday is not enough

Put every pair of consecutive days of one nine-day cycle in a table, yesterday against today. After swimming, we sometimes rest and sometimes do yoga: nothing in "yesterday was swimming" tells which.
"""),
    code(r"""
cycle = rest_day_routine(9 + 1)  # one full cycle of pairs: nine (yesterday, today) pairs
counts_table = pd.crosstab(pd.Categorical(cycle[:-1], DAYS_WITH_REST), pd.Categorical(cycle[1:], DAYS_WITH_REST),
                           rownames=["yesterday"], colnames=["today"], dropna=False)
counts = counts_table.to_numpy()  # the same numbers as a NumPy array, for the exercise
counts_table
""", CHECK),
    md(r"""
A model that sees only yesterday must give the same answer every time it sees the same yesterday. The best it can do is pick, for each yesterday, the most common today. After an exercise day it is right half of the time; after a rest, a third.

### Exercise 1: the best a one-day model can do

Write `best_accuracy(counts)`: given a table of counts (a NumPy array, rows = yesterday, columns = today), return the accuracy of the best model that answers from yesterday alone: the share of all days it gets right.
"""),
    code(r"""
# Exercise 1: the best accuracy of any model that sees only yesterday
def best_accuracy(counts):
    ...


ex1.check()
# ex1.hint()
# ex1.solution()
"""),
    code(r"""
one_day_limit = best_accuracy(counts)
print(f"best possible with one day of memory: {one_day_limit:.4f} (= 4/9: {np.isclose(one_day_limit, 4 / 9)})")
print("the same from course_utils:", np.isclose(best_accuracy_with_memory(1, exercise_days=2), one_day_limit))
""", CHECK),
    md(r"""
No model that knows only yesterday can beat **4/9 ≈ 44%** on this routine, however large it is and however long it trains. The data we train on starts each sequence at a random point of the cycle, so its own limit, counted the same way on its pairs, is close to 4/9 but not exactly:
"""),
    code(r"""
length = 20
n_train = config.pick(full=2000, quick=500)
x_train, y_train = rest_day_dataset(n_train, length, exercise_days=2, seed=1)
x_test, y_test = rest_day_dataset(500, length, exercise_days=2, seed=2)
limit_train = best_accuracy_on_data(x_train, y_train, memory=1)
limit_test = best_accuracy_on_data(x_test, y_test, memory=1)
print("x", x_train.shape, "y", y_train.shape)
print(f"one-day limit on the training data {limit_train:.3f}, on the test data {limit_test:.3f}")
"""),
    md(r"""
### A one-day model at its limit

A `Dense` layer applied to each day on its own (Keras applies `Dense` to the last axis, day by day) is exactly a model that sees only yesterday. Trained on the sequences, it should reach the limit, and not pass it.
"""),
    code(r"""
keras.utils.set_random_seed(settings.seed)
one_day = keras.Sequential([keras.Input(shape=(None, 4)), keras.layers.Dense(4, activation="softmax")])
one_day.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
one_day.fit(x_train, y_train, epochs=10, batch_size=64, verbose=0, callbacks=[EpochLog(every=5)])
one_day_accuracy = (one_day.predict(x_test, verbose=0).argmax(-1) == y_test).mean()
print(f"one-day model on the test data: {one_day_accuracy:.3f}; the limit: {limit_test:.3f}")
"""),
    code(r"""
assert abs(one_day_accuracy - limit_test) < 0.02, "the one-day model should sit at the one-day limit"
"""),
    md(r"""
The trained model sits at the limit: it has learned everything one day can tell. What it lacks is not training but **memory**.

## Two days are enough

Knowing the day before yesterday as well settles every case: two exercise days mean rest; a rest means the exercise after the one before it; a rest then one exercise means the next exercise.

### Exercise 2: write the two-day rule

Write `next_day(day_before, yesterday)`, returning today's activity (one of `DAYS_WITH_REST`; `REST` is `"rest"`) from the last two days. `next_activity` is imported.
"""),
    code(r"""
# Exercise 2: today from the day before yesterday and yesterday
def next_day(day_before, yesterday):
    ...


ex2.check()
# ex2.hint()
# ex2.solution()
"""),
    code(r"""
long_routine = rest_day_routine(90)
right = [next_day(a, b) == c for a, b, c in zip(long_routine, long_routine[1:], long_routine[2:])]
print(f"the two-day rule is right on {sum(right)} of {len(right)} days")
print("exact limit with two days of memory:", best_accuracy_with_memory(2, exercise_days=2))
""", CHECK),
    md(r"""
## A SimpleRNN over the sequence

A recurrent network reads the days one by one and carries a state, so it can keep "the day before" (and more) in mind. Give it the same data as the one-day model.

### Exercise 3: build the SimpleRNN

Build `memory_rnn`: an input of any number of days with 4 numbers a day, a `SimpleRNN` of 16 units that returns its state for every day, and a softmax `Dense` layer with one output per possible day.
"""),
    code(r"""
# Exercise 3: the SimpleRNN
memory_rnn = ...

ex3.check()
# ex3.hint()
# ex3.solution()
"""),
    md(r"""
Training takes about 10 s in quick mode and 30 s in full mode on 2 cores.
"""),
    code(r"""
keras.utils.set_random_seed(settings.seed)
memory_rnn.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
memory_rnn.fit(x_train, y_train, epochs=config.pick(full=10, quick=6), batch_size=32, verbose=0,
               callbacks=[EpochLog(every=5)])
right = memory_rnn.predict(x_test, verbose=0).argmax(-1) == y_test
rnn_first_day, rnn_accuracy = right[:, 0].mean(), right[:, 1:].mean()
print(f"first day of each sequence (only one day seen): {rnn_first_day:.3f}")
print(f"every later day (two or more days seen):        {rnn_accuracy:.3f}")
"""),
    code(r"""
assert rnn_accuracy >= 0.98, "the SimpleRNN should learn the two-day rule"
assert rnn_first_day < 0.6, "with one day seen, no model can pass the one-day limit"
"""),
    md(r"""
From the second day of each sequence on, the SimpleRNN is (all but) always right: its state holds enough of the past. On the very first day it has seen one day, like the one-day model, and it is stuck near the same 4/9. Memory, not a cleverer function of yesterday, is what was missing.

## Longer dependencies need longer memory

If we rested after *k* days of exercise instead of two, how many days would a model need to see? The same exact count answers it, for every *k* and every memory length:
"""),
    code(r"""
limits = pd.DataFrame({f"{m} day{'s' if m > 1 else ''}": [best_accuracy_with_memory(m, k) for k in range(1, 6)]
                       for m in range(1, 7)}, index=pd.Index(range(1, 6), name="rest after k days"))
limits.round(3)
""", CHECK),
    md(r"""
With a rest after *k* exercise days, a model needs *k* days of memory (two when *k* = 1) to be always right; with one day less it is capped below 100%. The dependency grows with *k*: a recurrent network has to carry information across more and more steps.
"""),
    md(r"""
## How far back? The coach's note

To stretch the dependency as far as we like, we use a cleaner version of the story. On the first day the coach leaves a **note** naming the session for the day we come back (weights, swimming or yoga). Then come *k* ordinary days of the routine, rests included. On the last day the model must say what the note said. The days in between do not help at all: the only way to answer is to carry the note for *k* steps.

Each day has 7 numbers: the note one-hot (first day only), then the day's activity one-hot. Here is one sequence with *k* = 6:
"""),
    code(r"""
x_note, y_note = coach_note_dataset(1, k=6, seed=0)
print("shape", x_note.shape, "| answer:", ACTIVITIES[y_note[0]])
print(["note: " + ACTIVITIES[x_note[0, 0, :3].argmax()]] + [DAYS_WITH_REST[i] for i in x_note[0, 1:, 3:].argmax(-1)])
""", CHECK),
    code(r"""
labels = [f"note:\n{ACTIVITIES[y_note[0]]}"] + [DAYS_WITH_REST[i] for i in x_note[0, 1:, 3:].argmax(-1)]
draw_unrolled_rnn(labels, ["·"] * 6 + ["the note?"], title="Only the last output counts: the note, k = 6 steps back");
"""),
    md(r"""
## The experiment: accuracy against *k*

For each *k* we train two networks of 16 units on the same 1,000 sequences with the same budget (Adam, batches of 32, at most `max_epochs` epochs, stopping early once 99% of the training notes are right), and test them on 300 other sequences:

- a `SimpleRNN`;
- an `LSTM`, a recurrent cell with a separate memory lane (the *cell state*) that each step multiplies by a **forget gate** between 0 and 1 and adds to; notebook 03 opens it up. We start its forget gate at 0.98 (`ForgetGateBias(4.0)`, since sigmoid(4) = 0.98) so that from the first step it keeps most of what it stores; Keras's default starts it at 0.73. We come back to that choice below.

Guessing gives 1/3. This is the slowest cell of the course's first part: about 40 s in quick mode (*k* = 5, 20, 40, one run each) and 2 to 3 min in full mode (five values of *k*, two runs each) on 2 cores.
"""),
    code(r"""
def make_model(kind, units=16):
    if kind == "SimpleRNN":
        recurrent = keras.layers.SimpleRNN(units)
    elif kind == "LSTM":
        recurrent = keras.layers.LSTM(units, unit_forget_bias=False, bias_initializer=ForgetGateBias(4.0))
    else:  # "LSTM (Keras default)": forget gate starting at sigmoid(1) = 0.73
        recurrent = keras.layers.LSTM(units)
    return keras.Sequential([keras.Input(shape=(None, 7)), recurrent, keras.layers.Dense(3, activation="softmax")])


def train_on_notes(kind, k, seed, max_epochs):
    x_k, y_k = coach_note_dataset(1000, k, seed=1)
    x_k_test, y_k_test = coach_note_dataset(300, k, seed=2)
    keras.utils.set_random_seed(seed)
    model = make_model(kind)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_k, y_k, epochs=max_epochs, batch_size=32, verbose=0, callbacks=[StopWhenLearned(0.99)])
    accuracy = float((model.predict(x_k_test, verbose=0).argmax(-1) == y_k_test).mean())
    return model, accuracy, len(history.history["loss"])


ks = config.pick(full=[5, 10, 20, 30, 40], quick=[5, 20, 40])
seeds = config.pick(full=[0, 1], quick=[0])
max_epochs = config.pick(full=8, quick=5)
rows, trained = [], {}
for k in ks:
    for kind in ("SimpleRNN", "LSTM"):
        for seed in seeds:
            model, accuracy, epochs_used = train_on_notes(kind, k, seed, max_epochs)
            rows.append({"k": k, "model": kind, "seed": seed, "epochs": epochs_used, "test accuracy": accuracy})
            trained[kind, k, seed] = model
            print(f"k={k:>2}  {kind:<9}  seed {seed}  {epochs_used} epochs  test accuracy {accuracy:.2f}", flush=True)
results = pd.DataFrame(rows)
"""),
    code(r"""
summary = results.groupby(["k", "model"])["test accuracy"].mean().unstack()
fig, ax = plt.subplots(figsize=(6.5, 3.6))
for kind, colour in (("SimpleRNN", "tab:orange"), ("LSTM", "tab:blue")):
    runs = results[results.model == kind]
    ax.plot(summary.index, summary[kind], "-o", color=colour, label=kind)
    ax.scatter(runs.k, runs["test accuracy"], color=colour, alpha=0.35, s=18)
ax.axhline(1 / 3, color="grey", ls="--", lw=1, label="guessing (1/3)")
ax.set(xlabel="k: days between the note and the question", ylabel="test accuracy", ylim=(0, 1.05),
       title="Who still remembers the note k days later?")
ax.legend(loc="lower left")
fig.savefig(settings.build_dir / "02_accuracy_against_k.png", dpi=120, bbox_inches="tight")
summary.round(2)
"""),
    code(r"""
largest = max(ks)
assert summary.loc[min(ks)].min() >= 0.95, "both networks should remember the note over a short gap"
assert summary.loc[largest, "LSTM"] >= 0.95, "the LSTM should still remember the note at the largest gap"
assert summary.loc[largest, "SimpleRNN"] <= 0.8, "the SimpleRNN should fail at the largest gap"
"""),
    md(r"""
Over a short gap both networks carry the note. As *k* grows, the SimpleRNN stops learning it within the budget: it falls to guessing, or to a half-learned answer that tells one note from the other two (2/3). The LSTM keeps getting it right. A single run can be lucky or unlucky (the faint dots are single runs; in full mode there are two per point), but the trend is the point: the SimpleRNN has the units to hold the note (it did at small *k*), yet training does not find how.

Try adding 50 or 60 to `ks`: within this small budget the LSTM, too, starts to miss in some runs. Its memory is far longer than the SimpleRNN's, not endless.

## Why: follow the gradient back in time

Training changes a weight in proportion to the **gradient**: how much the loss on the last day would change if that weight changed a little. For the network to learn to use the note, the loss on the last day has to "feel" the input of a day far back. We can measure exactly that: the size of the gradient of the last day's loss with respect to the input *s* days earlier, $\lVert \partial L_T / \partial x_{T-s} \rVert$, averaged over sequences.
"""),
    code(r"""
def gradient_by_steps_back(model, x, y):
    # Mean size of d(loss on the last day) / d(input s days before it), for s = 0, 1, 2, ...
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = keras.losses.sparse_categorical_crossentropy(y, model(x))
    gradients = tape.gradient(loss, x)  # shape (sequences, days, features)
    return tf.norm(gradients, axis=-1).numpy().mean(axis=0)[::-1]


x_far, y_far = coach_note_dataset(100, k=80, seed=3)
fresh = {}
for kind in ("SimpleRNN", "LSTM (Keras default)", "LSTM"):
    keras.utils.set_random_seed(settings.seed)
    fresh[kind] = gradient_by_steps_back(make_model(kind), x_far, y_far)

fig, ax = plt.subplots(figsize=(6.5, 3.6))
for kind, colour, style in (("SimpleRNN", "tab:orange", "-"), ("LSTM (Keras default)", "tab:green", "--"), ("LSTM", "tab:blue", "-")):
    ax.semilogy(fresh[kind], style, color=colour, label=kind + (", forget gate 0.98" if kind == "LSTM" else ""))
ax.axvline(80, color="grey", ls=":", lw=1)
ax.text(80, ax.get_ylim()[1], "the note ", va="top", ha="right", color="grey")
ax.set(xlabel="s: days back from the last day", ylabel="gradient size (log scale)",
       title="Before training: how much the last day's loss feels day T − s")
ax.legend(loc="lower left")
fig.savefig(settings.build_dir / "02_gradient_against_steps_back.png", dpi=120, bbox_inches="tight")
for kind, norms in fresh.items():
    print(f"{kind:<21} gradient 40 days back / 1 day back: {norms[40] / norms[1]:.1e}")
"""),
    md(r"""
Before any training, the SimpleRNN's gradient shrinks by a roughly constant factor with every step back: a straight line falling on the log scale. Each step multiplies it by the recurrent weights and by the slope of tanh (at most 1), so over 40 steps it shrinks by orders of magnitude. The note's share of every update is then lost among the far larger signals from the last few days: the gradient **vanishes**.

The LSTM's cell state is passed on by *multiplying by the forget gate and adding*. With the gate at 0.98, 40 steps shrink that path only by about 0.98⁴⁰ ≈ 0.45, so the gradient from the note arrives nearly intact and training can learn to use it. Keras's default LSTM, whose gate starts at 0.73, fades almost as fast as the SimpleRNN (compare the printed ratios) until training opens the gate. The advantage of the LSTM is not magic but this gate, which training (or, here, its starting value) can hold near 1.

After training on the largest *k*, the LSTM that remembers the note has learned to listen to the first day; the SimpleRNN still hears only the last few:
"""),
    code(r"""
x_k, y_k = coach_note_dataset(100, k=largest, seed=3)
fig, ax = plt.subplots(figsize=(6.5, 3.6))
for kind, colour in (("SimpleRNN", "tab:orange"), ("LSTM", "tab:blue")):
    ax.semilogy(gradient_by_steps_back(trained[kind, largest, seeds[0]], x_k, y_k), color=colour, label=f"{kind}, trained")
ax.axvline(largest, color="grey", ls=":", lw=1)
ax.text(largest, ax.get_ylim()[1], "the note ", va="top", ha="right", color="grey")
ax.set(xlabel="s: days back from the last day", ylabel="gradient size (log scale)", title=f"After training with k = {largest}")
ax.legend();
"""),
    md(r"""
### Exercise 4: what a tiny gradient means

Before training, the SimpleRNN's gradient 40 days back is a tiny fraction of its gradient one day back (the ratio printed above), and 80 days back, where the note is, smaller still. What does that mean for learning to use the note?

- **a** The note does not matter for the answer, so the network is right to ignore it.
- **b** Training hardly changes how the network uses the note: each update is driven almost entirely by the last few days.
- **c** The network has already learned the note perfectly, so there is nothing left to change.
"""),
    code(r"""
# Exercise 4: set answer_4 to "a", "b" or "c"
answer_4 = ...
ex4.check()
# ex4.hint()
# ex4.solution()
"""),
    md(r"""
Optional: does the forget gate's starting value matter that much? The next cell trains Keras's default LSTM on the largest gap with the same budget (about 15 s).
"""),
    code(r"""
_, default_accuracy, default_epochs = train_on_notes("LSTM (Keras default)", largest, seeds[0], max_epochs)
print(f"Keras's default LSTM at k={largest}: test accuracy {default_accuracy:.2f} after {default_epochs} epochs")
"""),
    md(r"""
Whatever this run shows, the gradient plot says why the default can struggle: it starts out forgetting almost as fast as the SimpleRNN. Within a larger budget it often learns to open its gate; with long gaps and little training, a good start matters. (Some practitioners start the forget gate even higher for very long sequences; Keras's 1.0 is a safe general default.)

## Key points

- A model that sees only yesterday can reach **4/9** on the rest-day routine and no more; a trained one sits exactly there. The missing piece is memory, not a better function of yesterday.
- Two days of memory make the routine fully predictable; a `SimpleRNN` over the sequence learns that from examples.
- A rest after *k* days needs *k* days of memory: dependencies can be long, and recurrent networks must carry information across them.
- In a `SimpleRNN`, the gradient from *s* steps back shrinks roughly exponentially with *s* (**vanishing gradients**), so long dependencies are hard to *learn* even when they could be represented.
- An LSTM's cell state, scaled by a forget gate near 1, passes memories and gradients across many steps: it kept learning the note where the SimpleRNN failed.

## Review questions

1. Why can no amount of training lift a one-day model above 4/9 on this routine? What would change the limit?
2. On the first day of each test sequence, the SimpleRNN was only about as good as the one-day model. Why?
3. With a rest after 4 exercise days, how many days of memory does a model need, and what is the best accuracy with one day less (use `best_accuracy_with_memory`)?
4. The SimpleRNN's gradient falls by a roughly constant factor per step back. What two things multiply it at each step?
5. Why does a forget gate near 1 help the gradient, and why might a forget gate of exactly 1 everywhere be a bad idea?
"""),
]

write(cells, PATH)
print("wrote", PATH)
