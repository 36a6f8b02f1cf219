"""Generate notebooks/01_workout_routine.ipynb in the nb0102 worktree."""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbgen import code, md, write  # noqa: E402

CHECK = "nbval-check-output"
PATH = "/work/wt/nb0102/notebooks/01_workout_routine.ipynb"

cells = [
    md(r"""
# 01 · Predicting today's workout

Turn a weekly exercise routine into numbers, predict each day's workout with a lookup table, a one-layer network and finally a recurrent network that plans a whole week around a hockey game.

[![Open in Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/lstm-course/lstm-course/main?urlpath=lab/tree/notebooks/01_workout_routine.ipynb)
"""),
    md(r"""
**Questions**
- How does a network read a day like "yoga"?
- When is a plain network enough, and when does it need a *state* carried from day to day?
- What is a recurrent network, drawn step by step?

**Objectives**
- *Encode* days as one-hot vectors and *write* "yesterday gives today" as a lookup table and as a one-layer network.
- *Write* the hockey rule, where today depends on an input and on yesterday.
- *Build* and *train* a Keras `SimpleRNN` that plans a week, and *measure* it on weeks it never saw.
- *Explain* the unrolled picture of a recurrent network.

**Time**: teaching 30 min, exercises 20 min.
"""),
    md(r"""
## Set-up

One cell: the mode (quick or full), the seeds, and the tools of this lesson. `course_utils.routine` holds the routine's rules; the exercises live in `course_utils.lessons.l01`.
"""),
    code(r"""
from course_utils import config

settings = config.setup(keras=True)

import keras
import matplotlib.pyplot as plt  # noqa: F401  (turns on inline figures, so the diagram below is drawn)
import numpy as np
import pandas as pd

from course_utils.diagrams import draw_unrolled_rnn
from course_utils.lessons.l01 import ex1, ex2, ex3, ex4
from course_utils.routine import ACTIVITIES, hockey_plan_dataset, hockey_routine, next_activity, one_hot, plan_inputs
from course_utils.training import EpochLog
from course_utils.widgets.planner import planner
"""),
    md(r"""
## The routine

Our friend keeps a simple routine: **weights**, then **swimming**, then **yoga**, then weights again, round and round. If you know yesterday's workout, you know today's.
"""),
    code(r"""
print(ACTIVITIES)
for yesterday in ACTIVITIES:
    print(f"after {yesterday:<8} comes {next_activity(yesterday)}")
print("a week after a day of yoga:", hockey_routine([False] * 7, yesterday="yoga"))
""", CHECK),
    md(r"""
`hockey_routine` makes a week of the routine; we will meet the hockey part soon. Here every entry is `False`: no hockey this week.

## Days as numbers: one-hot vectors

A network computes with numbers, not words. The simplest honest encoding gives each activity its own position and marks the day with a single 1: a **one-hot** vector. "weights" is `[1, 0, 0]`, "swimming" `[0, 1, 0]`, "yoga" `[0, 0, 1]`. Unlike numbering the days 0, 1, 2, it does not pretend that yoga is "twice" swimming.
"""),
    code(r"""
one_hot(["weights", "swimming", "yoga", "weights"])
""", CHECK),
    md(r"""
### Exercise 1: encode a day

Write `encode(day)`, which returns the one-hot vector of `day` as a NumPy array of three numbers, in the order of `ACTIVITIES`.
"""),
    code(r"""
# Exercise 1: return the one-hot vector of `day`
def encode(day):
    ...


ex1.check()
# ex1.hint()
# ex1.solution()
"""),
    code(r"""
encode("swimming")
""", CHECK),
    md(r"""
## Yesterday gives today: a lookup table

The whole routine fits in a table with one row per yesterday and one column per today: a 1 where today follows yesterday, 0 elsewhere.

### Exercise 2: build the table

Make `table`, a 3 × 3 array: row `i` is for yesterday = `ACTIVITIES[i]`, and holds the one-hot vector of the activity that follows it. `next_activity` is imported.
"""),
    code(r"""
# Exercise 2: the lookup table, rows = yesterday, columns = today
table = ...

ex2.check()
# ex2.hint()
# ex2.solution()
"""),
    code(r"""
pd.DataFrame(table.astype(int), index=[f"yesterday {d}" for d in ACTIVITIES], columns=[f"today {d}" for d in ACTIVITIES])
""", CHECK),
    md(r"""
Looking a day up in the table is a matrix product: a one-hot row vector times the table picks out one row, which is the one-hot vector of today.
"""),
    code(r"""
for yesterday in ACTIVITIES:
    today_vector = encode(yesterday) @ table
    print(f"{yesterday:<8} {encode(yesterday)} @ table = {today_vector} -> {ACTIVITIES[today_vector.argmax()]}")
""", CHECK),
    md(r"""
## The same table, learned by a network

A `Dense` layer computes `x @ W + b`: exactly our lookup when `W` is the table. So a one-layer network should be able to *learn* the table from examples of consecutive days. The softmax turns its three outputs into probabilities.
"""),
    code(r"""
days = hockey_routine([False] * 300, yesterday="yoga")
x_days, y_days = one_hot(days[:-1]), one_hot(days[1:])
print("inputs", x_days.shape, "targets", y_days.shape)

keras.utils.set_random_seed(settings.seed)
one_day = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(3, activation="softmax")])
one_day.compile(optimizer=keras.optimizers.Adam(0.1), loss="categorical_crossentropy", metrics=["accuracy"])
one_day.fit(x_days, y_days, epochs=20, batch_size=32, verbose=0, callbacks=[EpochLog(every=10)]);
"""),
    md(r"""
Each row of the learned weight matrix `W` has its largest entry in the column of the next activity: the network has learned the lookup table, and its predictions on the three possible yesterdays are the table's.
"""),
    code(r"""
weights = one_day.layers[0].kernel.numpy()
print(weights.round(1))
learned = one_day.predict(np.eye(3), verbose=0).argmax(axis=1)
print("the network's answers equal the table's:", bool(np.array_equal(learned, table.argmax(axis=1))))
"""),
    code(r"""
assert np.array_equal(learned, table.argmax(axis=1)), "the one-layer network did not learn the table"
"""),
    md(r"""
## Hockey: today depends on an input *and* on yesterday

Once a week there is a hockey game. On a day that would be weights, hockey means we skip the gym and go straight to swimming; on other days the game changes nothing. Now today depends on two things: yesterday's workout (the **state**) and whether there is a game (the **input**).

### Exercise 3: write the hockey rule

Write `today(yesterday, hockey)`, which returns today's workout from yesterday's workout (a string) and whether there is hockey today (`True`/`False`).
"""),
    code(r"""
# Exercise 3: today's workout from yesterday's and the hockey flag
def today(yesterday, hockey):
    ...


ex3.check()
# ex3.hint()
# ex3.solution()
"""),
    code(r"""
pd.DataFrame([(yesterday, hockey, today(yesterday, hockey)) for hockey in (False, True) for yesterday in ACTIVITIES],
             columns=["yesterday", "hockey", "today"])
""", CHECK),
    md(r"""
Applied day after day, each day's answer becomes the next day's "yesterday". Here is a week that starts after a day of yoga, with a game on Thursday, computed both with your rule and with the course's `hockey_routine`:
"""),
    code(r"""
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
week_hockey = [False, False, False, True, False, False, False]

plan, yesterday = [], "yoga"
for game in week_hockey:
    yesterday = today(yesterday, game)
    plan.append(yesterday)
print(pd.DataFrame({"hockey": week_hockey, "plan": plan}, index=WEEKDAYS).T.to_string())
print("same as hockey_routine:", plan == hockey_routine(week_hockey, yesterday="yoga"))
""", CHECK),
    md(r"""
The game on Thursday turns the weights day into swimming, and the rest of the week shifts: Friday is yoga, not swimming. One game changes every day after it, because each day depends on the day before.

## Planning ahead needs a state

A one-layer network could learn this six-row table too, *if* we told it yesterday's workout. But on Sunday evening, planning next week, we know the hockey days and nothing else: Tuesday's "yesterday" is Monday's *plan*. The model has to carry its own plan forward from day to day. That is a **recurrent network**: at each step it reads the day's input and the state it left itself the step before, and writes a new state.

A `SimpleRNN` with state $h$ computes, for each day $t$,

$$h_t = \tanh(x_t W + h_{t-1} U + b), \qquad \text{today's probabilities} = \text{softmax}(h_t V + c),$$

with the *same* weights $W$, $U$, $b$ every day. Drawn with one copy of the cell per day ("unrolled"), the week above looks like this:
"""),
    code(r"""
inputs = [f"{day}\n{'hockey' if game else 'no game'}" for day, game in zip(WEEKDAYS, week_hockey)]
figure = draw_unrolled_rnn(inputs, plan, initial_state="h₀\n(yoga)", title="The planner, unrolled over a week")
figure.savefig(settings.build_dir / "01_unrolled_rnn.png", dpi=120, bbox_inches="tight")
"""),
    md(r"""
On the left, the compact form: one cell whose state loops back into itself. On the right, the same cell copied once per day: each copy reads the day's input (below), hands its state $h$ to the next day (the orange arrows), and outputs that day's workout (above). The first state $h_0$ has to tell the network where the week starts; we give it yesterday's workout as part of the first day's input.

## Data for the planner

`plan_inputs` writes one row per day: Sunday's workout one-hot (on the first day only; later days leave these columns at 0) and the hockey flag. For the week above:
"""),
    code(r"""
plan_inputs(week_hockey, yesterday="yoga")
""", CHECK),
    md(r"""
`hockey_plan_dataset` makes many such sequences, several weeks long, each with one game a week on a random day and a random workout the Sunday before; the targets are the workouts of the routine, as indices into `ACTIVITIES`. We train on four-week sequences and test on *other* sequences that are eight weeks long, twice what the network saw in training.
"""),
    code(r"""
n_train = config.pick(full=1000, quick=300)
x_train, y_train = hockey_plan_dataset(n_train, n_weeks=4, seed=1)
x_test, y_test = hockey_plan_dataset(300, n_weeks=8, seed=2)
print("train:", x_train.shape, y_train.shape, "| test:", x_test.shape, y_test.shape)
"""),
    md(r"""
### Exercise 4: build the SimpleRNN

Build `planner_rnn`, a `keras.Sequential` model: an input of any number of days with 4 numbers a day (`keras.Input(shape=(None, 4))`), a `SimpleRNN` with 16 units that returns its state for *every* day, and a `Dense` layer that turns each day's state into probabilities for the three activities.
"""),
    code(r"""
# Exercise 4: the planning network
planner_rnn = ...

ex4.check()
# ex4.hint()
# ex4.solution()
"""),
    code(r"""
planner_rnn.summary()
"""),
    md(r"""
Training takes about 10 s in quick mode and 40 s in full mode on 2 cores.
"""),
    code(r"""
keras.utils.set_random_seed(settings.seed)
planner_rnn.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
epochs = config.pick(full=20, quick=10)
planner_rnn.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0, callbacks=[EpochLog(every=5)]);
"""),
    md(r"""
On the held-out eight-week sequences we count the days it gets right and the weeks it gets right on all seven days:
"""),
    code(r"""
predicted = planner_rnn.predict(x_test, verbose=0).argmax(axis=-1)
right = predicted == y_test
day_accuracy = right.mean()
week_accuracy = right.reshape(len(right), -1, 7).all(axis=-1).mean()
late_week_accuracy = right[:, 28:].reshape(len(right), -1, 7).all(axis=-1).mean()
print(f"days right:  {day_accuracy:.1%}")
print(f"weeks right: {week_accuracy:.1%} (weeks 5-8, longer than any training sequence: {late_week_accuracy:.1%})")
"""),
    code(r"""
assert day_accuracy >= 0.98 and week_accuracy >= 0.9, "the SimpleRNN should plan held-out weeks (almost) perfectly"
"""),
    md(r"""
Nobody told the network the rule. From examples alone it learned to carry "where we are in the routine" in its 16 numbers of state, and to let a game on a weights day move everything after it. It keeps doing so on weeks beyond the four it was trained on, because the same cell runs every day.

Here is Thursday's game again, the rule beside the network:
"""),
    code(r"""
network_plan = [ACTIVITIES[i] for i in planner_rnn.predict(plan_inputs(week_hockey, "yoga")[None], verbose=0)[0].argmax(-1)]
pd.DataFrame({"hockey": week_hockey, "rule": plan, "network": network_plan}, index=WEEKDAYS).T
"""),
    md(r"""
## Try it: plan your own week

Tick the days with a hockey game and pick the Sunday before. The table shows the rule's week and the network's, and marks in red any day where they disagree. Try two games in one week, or a week that starts after weights: the network only ever saw one game a week.
"""),
    code(r"""
planner(planner_rnn)
"""),
    md(r"""
## Key points

- A **one-hot** vector encodes a category without inventing an order; a one-hot vector times a table *looks up* a row, which is what a `Dense` layer does.
- When today depends only on yesterday, a lookup table, or a one-layer network that learns it, is enough.
- When we must plan ahead, each day depends on the *previous day's plan*: the model has to carry a **state**. A recurrent network applies the same cell every step, reading the input and its own previous state.
- A `SimpleRNN(16, return_sequences=True)` learned the hockey rule from examples and planned held-out weeks, longer than the training ones, all but perfectly.

## Review questions

1. Why is `[1, 0, 0]`, `[0, 1, 0]`, `[0, 0, 1]` a better encoding of the three activities than the numbers 0, 1, 2?
2. The one-layer network learned a 3 × 3 weight matrix. Why does it match the lookup table, and what does the bias add?
3. With a game on Thursday, why does Friday change too? Which part of the SimpleRNN carries that effect?
4. What would the planner need to know on Monday if the week's first input did not include Sunday's workout?
5. Without `return_sequences=True`, what would the SimpleRNN output, and what could we still predict with it?
"""),
]

write(cells, PATH)
print("wrote", PATH)
