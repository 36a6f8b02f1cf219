"""Generate notebooks/06_beyond_the_baseline.ipynb (run from anywhere; writes into the nb06 worktree)."""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbgen import code, md, write  # noqa: E402

CHECK = "nbval-check-output"
cells = []
add = cells.append

add(md("""
# 06 · Beyond the baseline

After this notebook you can measure a phrase-sentiment model honestly, train the 2019 LSTM an order of magnitude faster with the same accuracy, build models that beat it, and see where they still fail.

[![Open in Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/lstm-course/lstm-course/main?urlpath=lab/tree/notebooks/06_beyond_the_baseline.ipynb)
"""))
add(md("""
**Questions**
- Why does a random split of the phrase rows flatter a model, and what is the honest split?
- What does an LSTM buy over always answering "neutral", or over a bag of words?
- Where does the 2019 model's training time go, and how much of it can we get back without changing its layers?
- Which models do better than the 2019 one, and at what cost?
- Which phrases does the model still get wrong, and why?

**Objectives**
- *Split* the phrases by sentence and *measure* how much a split by rows flatters.
- *Compare* an LSTM with the majority class and with TF-IDF + logistic regression.
- *Measure* what recurrent dropout, padding, repeated prefixes, wasted epochs and thread settings cost, and remove each cost.
- *Build* GRU, bidirectional and pooled models and *tabulate* held-out accuracy against training time.
- *Analyse* the errors on negation, contrast, intensity and long phrases, word by word.
- *Run* the same training under `tf.distribute`, and *list* what changes on GPUs.

**Time**: teaching 60 min, exercises 30 min. In full mode the whole notebook runs in about 12 minutes on 2 cores (the training cells say how long each takes); in quick mode in about a minute.
"""))

add(md("""
## Set-up

One new line: `threads.match_threads()` sizes TensorFlow's thread pools to the CPUs this process may really use. It has to run before TensorFlow does anything, so it sits here; section 3.6 explains and measures it.
"""))
add(code("""
import subprocess
import sys
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

from course_utils import baselines, batching, config, threads, validation
from course_utils import sentiment_models as models
from course_utils.data import LABELS, load_phrases
from course_utils.lessons.l06 import ex1, ex2, ex3, ex4, ex5, ex6
from course_utils.text import Vectoriser
from course_utils.training import EpochLog
from course_utils.widgets.playground import playground, step_probabilities

print(threads.match_threads())
settings = config.setup(keras=True)
phrases = load_phrases()
"""))

# ------------------------------------------------------------------------------------------ 1
add(md("""
## 1. Honest validation: hold out whole sentences

Kaggle's table lists every labelled phrase of a sentence's parse tree: the sentence, its two halves, their halves, down to single words. Here is one sentence's worth of rows:
"""))
add(code("""
first_sentence = phrases.train[phrases.train["SentenceId"] == phrases.train["SentenceId"].iloc[0]]
first_sentence[["Phrase", "Sentiment"]].head(8)
"""))
add(md("""
The phrases of one sentence are nested copies of each other. Draw validation *rows* at random, and nearly every validation phrase has a longer or shorter relative in the training rows, usually with a similar label. Notebook 05 validated on the last 10% of the rows, which is almost a sentence split only because the rows happen to be sorted by sentence. Kaggle's test set, like any review the model meets later, is made of *new sentences*. So we hold out whole sentences: `validation.split_by_sentence` draws 10% of the sentence ids and puts all their phrases aside.
"""))
add(code("""
train, held_out = validation.split_by_sentence(phrases.train, fraction=0.1, seed=42)
row_train, row_held = validation.split_by_row(phrases.train, fraction=0.1, seed=42)
print(f"{len(train):,} training phrases, {len(held_out):,} held-out phrases from {held_out['SentenceId'].nunique():,} sentences")
print("split by sentence:", validation.overlap(train, held_out))
print("split by row:     ", validation.overlap(row_train, row_held))
"""))
add(md("""
With a row split, almost every held-out phrase comes from a sentence the model trained on, and most of them sit word for word inside a training phrase. How much does that flatter a model? Train the same quick model, TF-IDF + logistic regression (section 2), on each split.

*Takes about 40 s on 2 cores in full mode, 2 s in quick mode.*
"""))
add(code("""
def accuracy(predicted, labels):
    return float(np.mean(np.asarray(predicted) == np.asarray(labels)))

tfidf_rows = baselines.tfidf_logreg(row_train["Phrase"], row_train["Sentiment"])
tfidf = baselines.tfidf_logreg(train["Phrase"], train["Sentiment"])
flattering = accuracy(tfidf_rows.predict(row_held["Phrase"]), row_held["Sentiment"])
honest = accuracy(tfidf.predict(held_out["Phrase"]), held_out["Sentiment"])
print(f"TF-IDF + logistic regression: {flattering:.4f} on random rows, {honest:.4f} on held-out sentences "
      f"({100 * (flattering - honest):+.1f} points of flattery)")
"""))
add(md("""
The same model looks several points better on random rows. Every comparison below uses the held-out sentences, and nothing is tuned on them: where a model needs a validation set (early stopping, section 3.5), it gets a *development* set cut from the training sentences.
"""))
add(code("""
fit_part, dev = validation.split_by_sentence(train, fraction=0.1, seed=1)
print(f"{len(fit_part):,} phrases to fit on, {len(dev):,} development phrases, {len(held_out):,} held out (untouched)")
"""))

# ------------------------------------------------------------------------------------------ 2
add(md("""
## 2. Baselines: what does the LSTM have to beat?

Two models that take seconds:

- **The majority class**: always answer the most frequent training label. Half of the phrases are neutral, so this already scores about 0.5.
- **TF-IDF + logistic regression** (`baselines.tfidf_logreg`): each phrase becomes a vector of its words and word pairs, weighted by how rare they are (TF-IDF); a multinomial logistic regression maps that vector to five probabilities. It knows *which* words occur and which pairs (`not good`), but not their order beyond pairs.

The table `results` collects every model of this notebook: its held-out accuracy and its training time.
"""))
add(code("""
results = []

def record(name, held_accuracy, seconds):
    results.append({"model": name, "held-out accuracy": round(held_accuracy, 4), "training s": round(seconds, 1)})
    return pd.DataFrame(results)

start = time.perf_counter()
tfidf = baselines.tfidf_logreg(train["Phrase"], train["Sentiment"])
tfidf_seconds = time.perf_counter() - start
tfidf_probabilities = tfidf.predict_proba(held_out["Phrase"])
y_held = held_out["Sentiment"].to_numpy()
record("majority class", baselines.majority_accuracy(train["Sentiment"], y_held), 0.0)
record("TF-IDF + logistic regression", accuracy(tfidf_probabilities.argmax(axis=1), y_held), tfidf_seconds)
"""))
add(md("""
That is the bar: an LSTM that does not beat TF-IDF by a clear margin is not worth its training time.
"""))

# ------------------------------------------------------------------------------------------ 3
add(md("""
## 3. Faster training, one step at a time

The 2019 configuration pads every phrase to the longest one and uses `recurrent_dropout=0.3`; on 2 cores an epoch takes about five minutes. We keep its layers and widths (`Embedding(8192, 256)`, `LSTM(256)`, `Dense(256)`, `Dense(5)`) and remove the waste one step at a time, measuring each. First the 2019 vectoriser, fitted on the phrases we train on:
"""))
add(code("""
vectoriser = Vectoriser(cleaner="clean_2019").fit(fit_part["Phrase"])
fit_seqs = vectoriser.texts_to_sequences(fit_part["Phrase"])
dev_seqs = vectoriser.texts_to_sequences(dev["Phrase"])
held_seqs = vectoriser.texts_to_sequences(held_out["Phrase"])
y_fit, y_dev = fit_part["Sentiment"].to_numpy(), dev["Sentiment"].to_numpy()
MAX_LEN = vectoriser.maxlen
lengths = np.array([len(s) for s in fit_seqs])
print(vectoriser)
print(f"phrase length in tokens: mean {lengths.mean():.1f}, median {np.median(lengths):.0f}, longest {MAX_LEN}")
"""))

add(md("""
### 3.1 What one batch costs

A small helper times a few training steps on one batch (after a first call, which builds the graph). We time a batch of 512 phrases padded to `MAX_LEN`, as in 2019, with and without recurrent dropout.

*Takes about 25 s on 2 cores in full mode, 10 s in quick mode.*
"""))
add(code("""
def ms_per_batch(model, x, y, repeats=3):
    \"\"\"Milliseconds per training step on one batch (the first call, which traces the graph, is not timed).\"\"\"
    model.train_on_batch(x, y)
    start = time.perf_counter()
    for _ in range(repeats):
        model.train_on_batch(x, y)
    return 1000 * (time.perf_counter() - start) / repeats

rng = np.random.default_rng(0)
pick = rng.choice(len(fit_seqs), 512)
x_padded = vectoriser.transform(fit_part["Phrase"].iloc[pick])  # padded in front to MAX_LEN, as in 2019
y_batch = y_fit[pick]
timings = {}
for rd in (0.3, 0.0):
    keras.utils.set_random_seed(0)
    model = models.compile_model(models.seed_model(vectoriser.input_dim, recurrent_dropout=rd))
    timings[f"width {MAX_LEN}, recurrent_dropout={rd}"] = ms_per_batch(model, x_padded, y_batch)
for name, ms in timings.items():
    print(f"{name:<36} {ms:7.0f} ms per batch of 512")
with_rd, without_rd = timings.values()
print(f"recurrent dropout makes a step {with_rd / without_rd:.1f} times slower")
"""))
add(md("""
Recurrent dropout makes every step slower (on an idle 2-core machine about twice as slow). It multiplies the state that the LSTM carries from word to word by a fresh random mask *inside* the loop over the words, and Keras then has to run its generic step-by-step loop. On a GPU it also rules out the fused cuDNN kernel, which computes the whole sequence in one call and is many times faster: Keras uses that kernel only when `recurrent_dropout=0` (and the activations, bias and unrolling are the defaults). Dropout on the *inputs* (`dropout=0.3`), applied once before the loop, stays.
"""))
add(code("""
# Exercise 3: why does recurrent dropout cost so much? Set answer_3 to "a", "b" or "c".
answer_3 = ...
ex3.check()
# ex3.hint()
# ex3.solution()
"""))

add(md("""
### 3.2 Padding: most of the 2019 batch is zeros

Padded to the longest phrase, a batch of typical phrases is mostly padding, and the LSTM reads every padding step as carefully as a word.
"""))
add(code("""
# Exercise 1: the share of a padded batch that is padding.
# `lengths` are the phrases' lengths in tokens, `width` the length every phrase is padded to.
def padding_share(lengths, width):
    ...

ex1.check()
# ex1.hint()
# ex1.solution()
"""))
add(code("""
print(f"padded to {MAX_LEN}: {padding_share(lengths, MAX_LEN):.0%} of the tokens the 2019 model reads are padding")
"""))
add(code("""
print(round(padding_share([3, 5, 2], 5), 4), round(padding_share([4, 4], 4), 4))
""", CHECK))
add(md("""
The cure: sort the phrases by length, cut the sorted list into batches, and pad each batch only to *its* longest phrase (`batching.sorted_batches`). Each epoch shuffles the order of the batches, and the order among phrases of equal length, so the batches still change. With the padding in front, as in 2019, the model needs no change at all. How many tokens does an epoch read each way?
"""))
add(code("""
plan = batching.batch_plan(lengths, 512)
sorted_tokens = sum(len(b) * max(1, lengths[b].max()) for b in plan)
padded_tokens = len(lengths) * MAX_LEN
print(f"padded to {MAX_LEN}: {padded_tokens:,} tokens an epoch; sorted, padded per batch: {sorted_tokens:,} "
      f"({padded_tokens / sorted_tokens:.1f} times fewer); real tokens: {lengths.sum():,}")
x_sorted = batching.padded_tokens([fit_seqs[i] or [0] for i in plan[len(plan) // 2]], "pre")
keras.utils.set_random_seed(0)
model = models.compile_model(models.seed_model(vectoriser.input_dim, recurrent_dropout=0.0))
ms = ms_per_batch(model, x_sorted, y_fit[plan[len(plan) // 2]])
print(f"a sorted batch of width {x_sorted.shape[1]}: {ms:.0f} ms, against {timings[f'width {MAX_LEN}, recurrent_dropout=0.0']:.0f} ms at width {MAX_LEN}")
"""))
add(md("""
The cost of a batch falls with its width, though not to zero: every step has a fixed overhead, and every batch one more. Sorting removes nearly all the padding; the next idea removes real tokens that are read twice.

### 3.3 Read every prefix once

In a parse tree a left subtree is the *start* of its parent: "the film" begins "the film is dull". An LSTM reads left to right, so after the first two words of "the film is dull" its state is exactly the state it has after reading "the film" alone. Reading both phrases separately repeats work. Instead, read only the sequences that are not the start of another one, ask the model for its answer at *several positions* of each, and train on all those answers at once.

Two things make that work in Keras: the LSTM returns its output at every step (`return_sequences=True`), and a small layer (`TakePositions`) picks the steps we ask for. That is `models.prefix_reader`: the same layers and widths as the 2019 model, with two inputs, the tokens and the positions to read. Padding goes at the *end*, after every position we read, so a left-to-right LSTM never sees it before answering.
"""))
add(code("""
# Exercise 2: at which position of `sequence` can the model's answer for `phrase` be read?
# Return the index of the phrase's last token, or -1 if the sequence does not start with the phrase.
def read_position(phrase, sequence):
    ...

ex2.check()
# ex2.hint()
# ex2.solution()
"""))
add(code("""
print(read_position([4, 7], [4, 7, 9, 2]), read_position([7, 9], [4, 7, 9, 2]), read_position([4, 7, 9, 2], [4, 7, 9, 2]))
""", CHECK))
add(md("""
`batching.pack_prefixes` does that for a whole table at once, on the word indices, across all sentences: it sorts the distinct sequences, and a sequence that is the start of another one is then the start of the very next one. Phrases that became identical (they differed only by words the vectoriser drops) share one position and keep both labels.
"""))
add(code("""
fit_packs = batching.pack_prefixes(fit_seqs)
dev_packs = batching.pack_prefixes(dev_seqs)
held_packs = batching.pack_prefixes(held_seqs)
print(fit_packs.describe(phrase_tokens=int(lengths.sum())))
"""))
add(md("""
Does reading phrases inside longer ones really give the same answers? Take an untrained prefix reader, predict every held-out phrase once from the packs and once alone, and compare:
"""))
add(code("""
keras.utils.set_random_seed(0)
reader = models.prefix_reader(vectoriser.input_dim)
sample = np.random.default_rng(1).choice(len(held_seqs), 200, replace=False)
packed = batching.predict_packs(reader, batching.pack_prefixes([held_seqs[i] for i in sample]))
alone = np.concatenate([
    reader.predict_on_batch({"tokens": np.array([held_seqs[i] or [0]]), "positions": np.array([[max(len(held_seqs[i]), 1) - 1]])})[0]
    for i in sample
])
print(f"largest difference between packed and one-by-one predictions: {np.abs(packed - alone).max():.1e}")
"""))
add(md("""
The differences are rounding errors. In training, `batching.prefix_batches` gives the model each sequence with the positions to read and, for each position, the labels of the phrases that end there; the loss is averaged over those phrases (`compile_model(..., prefix=True)`), so every phrase counts exactly as much as in 2019.

### 3.4 Early stopping: no wasted epochs

The 2019 model trained for 8 epochs although its validation accuracy peaked around epoch 2 to 4. `EarlyStopping` watches the development loss, stops when it has not improved for `patience` epochs, and restores the best weights.
"""))
add(code("""
# Exercise 5: which data should early stopping watch? Set answer_5 to "a", "b" or "c".
answer_5 = ...
ex5.check()
# ex5.hint()
# ex5.solution()
"""))
add(md("""
### 3.5 The fast configuration, trained

Everything together: the 2019 layers and widths, no recurrent dropout, prefix packs in sorted batches of about 512 phrases, early stopping on the development set.

*Takes about 2 minutes on 2 cores in full mode (4 to 6 epochs of about 20 s), 10 s in quick mode.*
"""))
add(code("""
PHRASES_PER_BATCH = 512
EPOCHS = config.pick(full=8, quick=4)

def sequences_per_batch(packs):
    \"\"\"About PHRASES_PER_BATCH phrases per batch: a packed sequence answers for several phrases.\"\"\"
    return max(1, round(PHRASES_PER_BATCH * len(packs.sequences) / packs.n_phrases))

def train_prefix_reader(cell="lstm", **layer_args):
    keras.utils.set_random_seed(settings.seed)
    model = models.compile_model(models.prefix_reader(vectoriser.input_dim, cell=cell, **layer_args), prefix=True)
    fit_batches = batching.prefix_batches(fit_packs, y_fit, sequences_per_batch(fit_packs), seed=settings.seed)
    dev_batches = batching.prefix_batches(dev_packs, y_dev, 1024, shuffle=False)
    log = EpochLog()
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    model.fit(fit_batches, validation_data=dev_batches, epochs=EPOCHS, shuffle=False, verbose=0, callbacks=[log, stop])
    return model, sum(log.seconds)

fast, fast_seconds = train_prefix_reader("lstm")
fast_probabilities = batching.predict_packs(fast, held_packs)
record("LSTM, fast configuration (2019 layers)", accuracy(fast_probabilities.argmax(axis=1), y_held), fast_seconds)
"""))
add(code("""
batches_2019 = -(-len(fit_seqs) // 512)
projected_2019 = batches_2019 * timings[f"width {MAX_LEN}, recurrent_dropout=0.3"] / 1000
fast_epochs = len(fast.history.epoch)
print(f"2019 configuration, projected from section 3.1: {batches_2019} batches x "
      f"{timings[f'width {MAX_LEN}, recurrent_dropout=0.3']:.0f} ms = {projected_2019:.0f} s an epoch")
print(f"fast configuration, measured: {fast_seconds / fast_epochs:.0f} s an epoch over {fast_epochs} epochs "
      f"(development set included), {projected_2019 * fast_epochs / fast_seconds:.0f} times faster")
"""))
add(md("""
The projection leaves out the 2019 model's per-epoch validation, so it flatters the 2019 side a little. Accuracy is the other half of the comparison: `make bench` trains the 2019 configuration and this one on the full data in one run, 8 epochs each, and compares their held-out accuracy and time (the README has the table).

### 3.6 Threads in a small container

TensorFlow sizes its thread pools from the cores it *sees*. In a container such as Binder that can be the host's 32 or 64 cores, while the container may use only 2: dozens of threads then queue for two CPUs. The set-up cell called `threads.match_threads()`, which reads the CPUs the process may really use (its CPU affinity, capped by the cgroup quota) and gives TensorFlow that many threads inside one operation, one operation at a time:
"""))
add(code("""
print(f"os.cpu_count() = {__import__('os').cpu_count()}, usable by this process: {threads.available_cpus():g}")
print(f"TensorFlow now uses {tf.config.threading.get_intra_op_parallelism_threads()} thread(s) per operation, "
      f"{tf.config.threading.get_inter_op_parallelism_threads()} operation(s) at a time")
"""))
add(md("""
Optional: measure it. Thread pools cannot change once TensorFlow has started, so each setting runs in a fresh Python process that times a few training steps of the 2019 LSTM without recurrent dropout (batches of 512 phrases of width 12).

*Takes about 40 s on 2 cores in either mode (most of it is starting TensorFlow three times).*
"""))
add(code("""
PROBE = '''
import os, sys, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
import numpy as np, tensorflow as tf
intra, inter = int(sys.argv[1]), int(sys.argv[2])
if intra:
    tf.config.threading.set_intra_op_parallelism_threads(intra)
    tf.config.threading.set_inter_op_parallelism_threads(inter)
from course_utils import sentiment_models as models
model = models.compile_model(models.seed_model(recurrent_dropout=0.0))
x, y = np.random.default_rng(0).integers(1, 8192, (512, 12)).astype("int32"), np.zeros(512, "int32")
model.train_on_batch(x, y)
start = time.perf_counter()
for _ in range(5):
    model.train_on_batch(x, y)
print(1000 * (time.perf_counter() - start) / 5)
'''
usable = max(1, int(threads.available_cpus()))
for intra, inter, name in [(0, 0, "TensorFlow's defaults"), (usable, 1, f"matched: {usable} x 1"), (8 * usable, 4, f"oversubscribed: {8 * usable} x 4")]:
    out = subprocess.run([sys.executable, "-c", PROBE, str(intra), str(inter)], capture_output=True, text=True)
    print(f"{name:<28} {float(out.stdout.split()[-1]):6.0f} ms per batch" if out.returncode == 0 else out.stderr[-500:])
"""))
add(md("""
On a machine whose cores are all usable, the defaults and the matched setting are close; too many threads cost time, and that is what a container that reports the host's cores gets by default. The course's benchmark uses the matched setting for its fast configurations.
"""))

# ------------------------------------------------------------------------------------------ 4
add(md("""
## 4. Better models

The fast recipe makes an experiment cheap, so we can try other models:

- **GRU** instead of LSTM: two gates instead of three and no separate cell state (notebook 03), so fewer weights and a little less work per word. It fits the prefix recipe unchanged.
- **Bidirectional + `SpatialDropout1D` + `GlobalMaxPooling1D`**: the 2019 example imported those two layers and never used them. `SpatialDropout1D` drops whole embedding dimensions for a phrase, rather than single numbers. A `Bidirectional` layer reads the phrase left to right *and* right to left, so each word's output knows its whole context; `GlobalMaxPooling1D` keeps, for each feature, its strongest value anywhere in the phrase, so a decisive word counts wherever it sits. Reading right to left, it cannot use the prefix trick; it reads each phrase in full, in batches of *exactly one length* (`same_length=True`): no padding at all, so no mask is needed either.
- **An ensemble**: average the probabilities of models that make different mistakes.

First build the pooled model yourself:
"""))
add(code("""
VOCAB = vectoriser.input_dim
# Exercise 4: build `pooled`: Input((None,), dtype="int32") -> Embedding(VOCAB, 256) -> SpatialDropout1D(0.3)
#   -> Bidirectional(LSTM(128, return_sequences=True)) -> GlobalMaxPooling1D() -> Dense(5, softmax)
pooled = ...
ex4.check()
# ex4.hint()
# ex4.solution()
"""))
add(code("""
pooled.summary()
"""))
add(md("""
Now train the GRU prefix reader and the pooled bidirectional LSTM, each with early stopping on the development set.

*Takes about 4 minutes on 2 cores in full mode, 20 s in quick mode.*
"""))
add(code("""
gru, gru_seconds = train_prefix_reader("gru")
gru_probabilities = batching.predict_packs(gru, held_packs)
record("GRU, fast configuration", accuracy(gru_probabilities.argmax(axis=1), y_held), gru_seconds)

def train_pooled(cell):
    keras.utils.set_random_seed(settings.seed)
    model = models.compile_model(models.pooled_model(vectoriser.input_dim, cell=cell, units=128, spatial_dropout=0.3))
    fit_batches = batching.sorted_batches(fit_seqs, y_fit, PHRASES_PER_BATCH, padding="post", same_length=True, seed=settings.seed)
    dev_batches = batching.sorted_batches(dev_seqs, y_dev, 1024, padding="post", same_length=True, shuffle=False)
    log = EpochLog()
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    model.fit(fit_batches, validation_data=dev_batches, epochs=EPOCHS, shuffle=False, verbose=0, callbacks=[log, stop])
    probabilities = batching.predict_sorted(model, held_seqs, padding="post", same_length=True)
    return model, probabilities, sum(log.seconds)

bilstm, bilstm_probabilities, bilstm_seconds = train_pooled("lstm")
record("bidirectional LSTM, spatial dropout, max pooling", accuracy(bilstm_probabilities.argmax(axis=1), y_held), bilstm_seconds)
"""))
add(md("""
An ensemble costs no extra training: average the probabilities the three networks already gave.
"""))
add(code("""
ensemble_probabilities = np.mean([fast_probabilities, gru_probabilities, bilstm_probabilities], axis=0)
table = record("ensemble of the three networks", accuracy(ensemble_probabilities.argmax(axis=1), y_held),
               fast_seconds + gru_seconds + bilstm_seconds)
table.sort_values("held-out accuracy")
"""))
add(code("""
fig, ax = plt.subplots(figsize=(7, 4))
ax.scatter(table["training s"], table["held-out accuracy"])
for _, row in table.iterrows():
    ax.annotate(row["model"], (row["training s"], row["held-out accuracy"]), fontsize=8, xytext=(4, 2), textcoords="offset points")
ax.set_xlabel("training time (s, this machine)")
ax.set_ylabel("held-out sentence accuracy")
ax.set_title("Accuracy against training time")
fig.tight_layout()
fig.savefig(settings.build_dir / "06_accuracy_vs_time.png", dpi=120)
plt.show()
"""))
add(md("""
Read the table from the top of the plot down: which model is most accurate, and what did it cost? An ensemble pays the sum of its members' training times; whether a single model is worth more epochs, or several models fewer, is exactly what this table answers. The benchmark's "best model" (`make bench`) is chosen the same way, by held-out accuracy for its training time.

## 5. Error analysis: what the model still gets wrong

Which phrases are hard? Mark the held-out phrases that contain a negation, a contrast, an intensifier, and the long ones, and compare the accuracy of TF-IDF, the fast LSTM and the ensemble on each group.
"""))
add(code("""
# Exercise 6: accuracy on the phrases a mask selects.
# `correct` is a boolean array (was each phrase predicted right?), `mask` a boolean array of the same length.
def accuracy_where(correct, mask):
    ...

ex6.check()
# ex6.hint()
# ex6.solution()
"""))
add(code("""
CUES = {
    "negation (not, n't, no, never ...)": {"not", "n't", "no", "never", "nothing", "nor", "neither", "without", "none"},
    "contrast (but, although, though, yet)": {"but", "although", "though", "yet", "however"},
    "intensity (very, too, so, really ...)": {"very", "too", "so", "really", "most", "extremely", "utterly", "truly", "totally", "quite"},
}
held_tokens = [set(p.lower().split()) for p in held_out["Phrase"]]
n_tokens = np.array([len(p.split()) for p in held_out["Phrase"]])
groups = {name: np.array([bool(t & cues) for t in held_tokens]) for name, cues in CUES.items()}
groups["long (20 tokens or more)"] = n_tokens >= 20
groups["short (1 to 3 tokens)"] = n_tokens <= 3
groups["all held-out phrases"] = np.ones(len(held_out), dtype=bool)
models_compared = {"TF-IDF": tfidf_probabilities, "fast LSTM": fast_probabilities, "ensemble": ensemble_probabilities}
rows = []
for group, mask in groups.items():
    row = {"group": group, "phrases": int(mask.sum())}
    for name, probabilities in models_compared.items():
        row[name] = round(accuracy_where(probabilities.argmax(axis=1) == y_held, mask), 3) if mask.any() else float("nan")
    rows.append(row)
pd.DataFrame(rows)
"""))
add(code("""
gains = {row["group"]: row["ensemble"] - row["TF-IDF"] for row in rows if row["phrases"]}
print(f"the ensemble gains most over TF-IDF on: {max(gains, key=gains.get)} ({100 * max(gains.values()):+.1f} points); "
      f"least on: {min(gains, key=gains.get)} ({100 * min(gains.values()):+.1f} points)")
"""))
add(md("""
Word order matters most in negation and contrast, which is where an LSTM should gain over a bag of words; the line above says where it did in this run. Long phrases are whole sentences, often with mixed feelings, and there are few of them to learn from. How wrong are the mistakes? On a five-point scale, confusing "positive" with "somewhat positive" is not the same as confusing it with "negative":
"""))
add(code("""
predicted = ensemble_probabilities.argmax(axis=1)
wrong = predicted != y_held
distance = np.abs(predicted - y_held)[wrong]
print(f"{wrong.mean():.1%} of the held-out phrases are wrong; of those, {np.mean(distance == 1):.0%} are off by one class, "
      f"{np.mean(distance >= 2):.0%} by two or more")
print("predicted neutral, really polar:", int(np.sum(wrong & (predicted == 2))),
      "| predicted polar, really neutral:", int(np.sum(wrong & (y_held == 2))))
"""))
add(md("""
Most mistakes are one step off: the boundary between "neutral" and "somewhat" is fuzzy even for the annotators. The confident mistakes among negated phrases show what the model does not understand:
"""))
add(code("""
negated = groups["negation (not, n't, no, never ...)"]
confidence = ensemble_probabilities.max(axis=1)
worst = np.flatnonzero(negated & wrong)
worst = worst[np.argsort(-confidence[worst])][:8]
pd.DataFrame({
    "phrase": held_out["Phrase"].to_numpy()[worst],
    "label": [LABELS[int(y)] for y in y_held[worst]],
    "predicted": [LABELS[int(p)] for p in predicted[worst]],
    "confidence": confidence[worst].round(2),
})
"""))
add(md("""
The fast LSTM can also show *when* it changes its mind: `step_probabilities` asks it for an answer after every word. Take the longest held-out phrase with a "but" and plot the expected rating (0 negative ... 4 positive) word by word:
"""))
add(code("""
with_but = [i for i in np.argsort(-n_tokens) if "but" in held_tokens[i]]
i = with_but[0] if with_but else int(np.argmax(n_tokens))
sequence = held_seqs[i]
steps = step_probabilities(fast, sequence)
words = [vectoriser.vocabulary[t - 1] for t in sequence] or ["(nothing)"]
fig, ax = plt.subplots(figsize=(min(14, 0.45 * len(words) + 3), 3.5))
ax.plot(steps @ np.arange(5), marker="o")
ax.set_xticks(range(len(words)), words, rotation=60, ha="right", fontsize=8)
ax.set_ylim(0, 4)
ax.set_yticks(range(5), [LABELS[k] for k in range(5)], fontsize=8)
ax.axhline(y_held[i], color="grey", linestyle="--", linewidth=1)
ax.set_title("Expected rating after each word (dashed: the phrase's label)")
fig.tight_layout()
plt.show()
"""))
add(md("""
A left-to-right LSTM has to commit as it reads: words after "but" must overturn a state built from everything before it, and a state of 256 numbers carries only so much. That is one reason the bidirectional, pooled models do better on contrast: every word's output sees both sides.

## 6. The sentiment playground

Type a sentence. The playground cleans and vectorises it as the training phrases were (words struck through were dropped: the model never sees them), shows the fast LSTM's five probabilities, and, word by word, what it would answer if the sentence stopped there. Try negations ("not good", "not bad"), contrasts in both orders, and intensifiers.
"""))
add(code("""
playground(fast, vectoriser)
"""))

# ------------------------------------------------------------------------------------------ 7
add(md("""
## 7. Scaling out: the same training under `tf.distribute`

`tf.distribute.MirroredStrategy` copies the model onto every GPU of a machine, splits each batch between them and adds up their gradients. Without a GPU it runs on the CPU as one replica, so the same code runs here and on a machine with 8 GPUs. Only two things change: the model is built and compiled inside `strategy.scope()`, and the batch size is given per replica.

*Takes about 30 s on 2 cores in full mode, 5 s in quick mode (one epoch on a fifth of the packs).*
"""))
add(code("""
strategy = tf.distribute.MirroredStrategy()
print(f"{strategy.num_replicas_in_sync} replica(s) on {list(strategy.extended.worker_devices)}")
per_replica = sequences_per_batch(fit_packs)
global_batch = per_replica * strategy.num_replicas_in_sync
with strategy.scope():
    keras.utils.set_random_seed(settings.seed)
    scaled = models.compile_model(models.prefix_reader(vectoriser.input_dim), prefix=True)
subset = np.random.default_rng(0).random(len(fit_seqs)) < 0.2
subset_packs = batching.pack_prefixes([s for s, keep in zip(fit_seqs, subset) if keep])
scaled.fit(batching.prefix_batches(subset_packs, y_fit[subset], global_batch), epochs=1, shuffle=False, verbose=0, callbacks=[EpochLog()])
print(f"held-out accuracy after one epoch on a fifth of the data: {accuracy(batching.predict_packs(scaled, held_packs).argmax(axis=1), y_held):.4f}")
"""))
add(md("""
What to change on GPUs:

- **Keep `recurrent_dropout=0`** and the default activations, so Keras can use the fused cuDNN kernel; with a mask it also needs the padding at the end (`padding="post"`), which the prefix batches already use.
- **Scale the batch with the replicas**: the global batch is `per_replica * strategy.num_replicas_in_sync`. More phrases per step means fewer steps per epoch; raise the learning rate a little (or warm it up) to keep the progress per epoch.
- **Feed the GPUs**: `prefetch` (as `batching` does) lets the CPU prepare the next batch while the GPUs work; with several GPUs per machine, a batch that is too small leaves them idle.
- **Mixed precision** (`keras.mixed_precision.set_global_policy("mixed_float16")`) roughly halves memory and speeds up the matrix products on recent GPUs; the final softmax should stay in float32 (Keras keeps a layer's output in its `dtype` if you pass `dtype="float32"`).
- **Several machines**: `tf.distribute.MultiWorkerMirroredStrategy` runs the same code, each worker reading its own shard of the data.

## Key points

- Phrases of one sentence are nested copies of each other: split by *sentence*, or the validation accuracy flatters the model by several points. Tune on a development set cut from the training sentences, never on the held-out ones.
- Always report baselines: the majority class (about 0.5 here) and TF-IDF + logistic regression; the LSTM's value is its margin over them.
- Most of the 2019 training time was waste: recurrent dropout (about 2x per step, and no fused GPU kernel), padding every phrase to 53 tokens (most of each batch), reading shared prefixes again, epochs after the best one, and threads that do not match the container. Removing them keeps the layers and the accuracy.
- A left-to-right LSTM's output after word *k* is the answer for the first *k* words: one pass trains on every prefix phrase, and shows how the prediction moves as it reads.
- Bidirectional layers with spatial dropout and max pooling, and an ensemble, beat the 2019 model; negation, contrast and long phrases remain the hard cases.

## Review questions

1. Why does a row split put "the film" in validation and "the film is dull" in training, and what does that do to the accuracy you see?
2. The fast configuration reads about a third fewer tokens than sorted batches. Why can the same trick not be used for a bidirectional layer?
3. Early stopping picked the epoch on the development set. What would be wrong with picking it on the held-out sentences?
4. Your container has 2 CPUs but `os.cpu_count()` says 64. What happens to TensorFlow's speed, and what do you change?
5. A model gets "not bad" wrong. Which of the models in this notebook is most likely to get it right, and why?
"""))

write(cells, "/work/wt/nb06/notebooks/06_beyond_the_baseline.ipynb")
print("written")
