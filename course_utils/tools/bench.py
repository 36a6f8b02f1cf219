"""``make bench``: train the 2019 configuration and the course's ones on the real data, in one run,
and print what each costs and scores, on all the CPUs and pinned to one.

Every configuration trains in its own Python process (``python -m course_utils.tools.bench --worker
NAME``), so its peak memory is its own and no configuration warms caches for another. All of
them use the same data: Kaggle's training phrases, 10% of the *sentences* held out
(:func:`course_utils.validation.split_by_sentence`), the 2019 vectoriser fitted on the rest.
They train with :func:`course_utils.training.fit`, the code notebooks 05 and 06 run. After each
epoch a worker predicts the held-out phrases; that time is reported apart and is not counted as
training time. After the last epoch a worker predicts Kaggle's test phrases and writes them as a
submission (``build/bench/<configuration>-submission.csv``, through
:func:`course_utils.submission.write_submission`), scored offline when the treebank's test labels are
there (:mod:`course_utils.scoring`): reported beside the held-out accuracy, never used to choose
anything. The table goes to the console and to ``build/bench.md``, followed by the targets of
the course's issue, each with its measured ratio; the numbers go to ``build/bench.json`` and,
after a complete run on the real data, to :data:`RESULTS` (committed: notebook 05 shows the 2019
run's curves from it when a learner does not run that long training).

Configurations (``--configs`` picks some, in this order):

``seed2019``
    Notebook 05's 2019 model and settings: every phrase padded in front to the longest training
    phrase, ``LSTM(256, dropout=0.3, recurrent_dropout=0.3)``, one-hot labels, Adam, batches of
    512 shuffled phrases, 8 epochs, TensorFlow's default threads.
``fast``
    The same layers, trained as notebook 05 trains them: no recurrent dropout, phrases sorted by
    length into batches padded only to their own longest phrase, threads matched to the CPUs.
``prefix``
    The same layers again, read as notebook 06's fast LSTM reads them: a phrase that is the start
    of a longer one is read inside it (:func:`course_utils.batching.pack_prefixes`).
``best``
    The course's best chain model (see :data:`CONFIGS`).
``tree``
    Notebook 07's Tree-LSTM (:mod:`course_utils.trees`), trained on the treebank's train trees but
    those of the held-out sentences (every node's label), scored on the same held-out phrases; its
    test predictions come from each test sentence's tree rebuilt from Kaggle's listing (a row that is
    no node of a rebuilt tree is predicted neutral). Without the treebank's trees it runs on the
    sample's trees and phrases (its data column says "sample"), so the run is not saved as complete.

Then the pinned runs: ``seed2019`` and ``fast`` again with their process pinned to one CPU
(:data:`PINNED` says for how many epochs), the per-epoch ratio that a one-CPU Binder session sees.
``--fraction 0.1`` keeps a tenth of the sentences (before the split) for a quick trial;
``--epochs`` overrides every configuration's epochs (the targets assume the defaults);
``--no-pinned`` skips the pinned runs. Timings only mean something on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import MISSING, asdict, dataclass, field, fields
from functools import partial
from pathlib import Path

from course_utils import config as course_config
from course_utils import resources, validation
from course_utils.files import FileFormatError, FileSet, read_json, write_json
from course_utils.labels import N_CLASSES
from course_utils.sentiment_models import PRECISIONS

HOLD_OUT = validation.DEFAULT_FRACTION  # notebook 06's split: the same held-out sentences
SPLIT_SEED = validation.DEFAULT_SEED
TRAIN_SEED = 0
MEMORY_TARGET_MB = 1200
RESULTS = course_config.DATA_DIR / "benchmark.json"  # the last complete run, committed


@dataclass(frozen=True)
class Config:
    """One way to train; what the table reports about it is a :class:`Result`."""

    name: str
    title: str
    kind: str  # "padded" (the 2019 way), "sorted" (notebook 05), "prefix" (notebook 06), "same_length", "tree"
    epochs: int = 8
    learning_rate: float = 1e-3
    recurrent_dropout: float = 0.0
    cell: str = "lstm"
    units: int = 256
    embedding: int = 256  # the input of the recurrent layer
    spatial_dropout: float = 0.0
    bidirectional: bool = False
    # config.setup's runtime: both thread pools = CPUs available, and resources.tune_malloc; False keeps
    # TensorFlow's and glibc's defaults, as the 2019 code ran.
    course_runtime: bool = True


CONFIGS: dict[str, Config] = {
    "seed2019": Config(
        "seed2019", "2019 configuration: padded to the longest phrase, recurrent dropout", "padded",
        recurrent_dropout=0.3, course_runtime=False,
    ),
    "fast": Config("fast", "2019 layers, notebook 05's way: sorted batches padded per batch, no recurrent dropout",
                   "sorted"),
    "prefix": Config("prefix", "2019 layers, notebook 06's way: prefix packs in sorted batches", "prefix"),
    "best": Config(
        "best", "course's best model: bidirectional GRU, spatial dropout, max over time", "same_length",
        epochs=4, cell="gru", units=128, spatial_dropout=0.3, bidirectional=True,
    ),
    "tree": Config("tree", "Tree-LSTM on the parse trees (notebook 07), every node's label", "tree", epochs=6,
                   learning_rate=2e-3, cell="tree", units=128, embedding=128),
}
# configuration -> epochs on one CPU (fast: notebook 05's 8; tree: notebook 07's 6)
PINNED: dict[str, int] = {"seed2019": 2, "fast": 8, "tree": 6}
OFFLINE_TARGET = 0.70  # the course's best model on the offline Kaggle score (the 2019 configuration: about 0.635)
TREE_SECONDS_TARGET = 15 * 60  # that model's training on one CPU


@dataclass
class Result:
    """What one configuration's worker measured."""

    name: str
    title: str
    epochs: int
    cpus: float = 0.0  # CPUs the worker could use
    pinned: bool = False  # one of the runs pinned to one CPU
    epoch_seconds: list[float] = field(default_factory=list)
    eval_seconds: list[float] = field(default_factory=list)
    fit_seconds: float = 0.0  # the fit call on the wall clock, held-out prediction taken out
    accuracy: list[float] = field(default_factory=list)  # held out, after each epoch
    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    train_phrases: int = 0
    held_out_phrases: int = 0
    tokens_per_epoch: int = 0  # token positions (tree: nodes) the recurrent layer reads, padding included
    real_tokens_per_epoch: int = 0  # of which are words (an empty phrase counts one; tree: every node)
    flops_per_token: float = 0.0  # training step (forward and backward) of the recurrent layer
    threads: str = ""
    data: str = ""
    test_accuracy: float | None = None  # the offline score of the last epoch's test predictions (None: no labels)
    test_scored: int = 0  # test phrases that score counts
    submission: str = ""  # where the test predictions were written
    test_labels: str = ""  # where the test labels came from, or why there are none
    precision: str = "float32"  # the recurrent layer's Keras dtype policy (sentiment_models.PRECISIONS)

    @property
    def file_stem(self) -> str:
        """The label as a file name: ``fast`` or ``fast-1cpu``."""
        return f"{self.name}-1cpu" if self.pinned else self.name

    @property
    def label(self) -> str:
        return f"{self.name}, 1 CPU" if self.pinned else self.name

    @property
    def training_seconds(self) -> float:
        return float(sum(self.epoch_seconds))

    @property
    def seconds_per_epoch(self) -> float:
        return self.training_seconds / max(1, len(self.epoch_seconds))

    @property
    def gflops(self) -> float:
        """Useful GFLOP/s: the recurrent layer's work on the real tokens, over the epoch time."""
        return self.flops_per_token * self.real_tokens_per_epoch / max(self.seconds_per_epoch, 1e-9) / 1e9

    @property
    def best(self) -> tuple[float, int]:
        """(best held-out accuracy, its epoch counted from 1)."""
        epoch = max(range(len(self.accuracy)), key=self.accuracy.__getitem__)
        return self.accuracy[epoch], epoch + 1

    def seconds_to_reach(self, accuracy: float) -> float | None:
        """Training seconds until the held-out accuracy first reaches ``accuracy`` (None if never)."""
        for epoch, value in enumerate(self.accuracy):
            if value >= accuracy:
                return float(sum(self.epoch_seconds[: epoch + 1]))
        return None


def flops_per_token(cell: str, units: int, inputs: int, directions: int = 1) -> float:
    """FLOPs of one token through a recurrent layer in a training step: forward, then twice that backward.

    Each gate multiplies the input (``inputs`` numbers) and the previous output (``units``) by
    its weights: ``2 * (inputs + units) * units`` FLOPs a gate (a multiply and an add per weight);
    an LSTM has four gates, a GRU three. The backward pass needs two such products per forward
    one (the gradients of the inputs and of the weights): 3.1 MFLOP for the 2019 LSTM. A Tree-LSTM's
    "token" is a node: five blocks (i, f_l, f_r, o, u) over the input and *both* children's outputs.
    """
    gates, previous = {"lstm": (4, units), "gru": (3, units), "tree": (5, 2 * units)}[cell]
    return 3.0 * gates * 2 * (inputs + previous) * units * directions


# ------------------------------------------------------------------------------------ the machine


def machine() -> str:
    """One line: CPU model, AVX-512 and bfloat16 instructions, CPUs available, memory, library versions."""
    avx512 = f"AVX-512: {resources.yes_no(resources.has_avx512())}"
    bf16 = f"bfloat16 in hardware: {resources.yes_no(resources.has_bf16())}"
    memory = f", {resources.machine_memory_bytes() / 2**30:.0f} GB RAM" if resources.machine_memory_bytes() else ""
    import keras
    import tensorflow as tf

    return (f"{resources.cpu_model()} ({avx512}, {bf16}), {resources.available_cpus():g} CPUs available{memory}; "
            f"Python {platform.python_version()}, TensorFlow {tf.__version__}, Keras {keras.__version__}")


def peak_mb() -> float:
    """This process's peak resident memory in MiB."""
    return resources.peak_bytes() / 2**20


# ------------------------------------------------------------------------------------- the worker


def load_split(fraction: float = 1.0, phrases=None):
    """``(train, held_out, phrases)``: the sentence-level split every configuration uses, and all the data
    (``phrases``, or :func:`course_utils.data.load_phrases`'s)."""
    import numpy as np

    from course_utils.data import load_phrases

    phrases = load_phrases(verbose=False) if phrases is None else phrases
    table = phrases.train
    if fraction < 1:
        sentences = np.sort(table["SentenceId"].unique())
        size = max(2, round(fraction * len(sentences)))
        kept = np.random.default_rng(SPLIT_SEED).choice(sentences, size, replace=False)
        table = table[table["SentenceId"].isin(kept)]
    train, held_out = validation.split_by_sentence(table, HOLD_OUT, SPLIT_SEED)
    return train, held_out, phrases


def run_config(config: Config, fraction: float = 1.0, epochs: int | None = None, pinned: bool = False,
               say=print, submissions: Path | None = None, precision: str = "auto") -> Result:
    """Train one configuration and measure it (call this in a fresh process: see :func:`main`).

    The last epoch's model then predicts the test phrases; they are written to ``submissions`` (a folder,
    default ``build/bench/``) as ``<configuration>-submission.csv`` and scored offline when the labels are there.
    ``precision`` is the recurrent layer's dtype policy in the course's chain configurations: ``"auto"`` (what
    notebooks 05 and 06 use, :func:`course_utils.sentiment_models.fast_precision`) or one of
    :data:`course_utils.sentiment_models.PRECISIONS`; the 2019 configuration always runs in float32.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import numpy as np

    from course_utils import threads, training
    from course_utils.text import Vectoriser

    if config.course_runtime:
        threads_line = "; ".join(filter(None, [threads.match_threads(), resources.tune_malloc()]))
    else:
        threads_line = "TensorFlow's and glibc's defaults"
    if config.kind == "tree":
        return _run_tree(config, fraction, epochs, pinned, say, submissions, threads_line)
    train, held_out, phrases = load_split(fraction)
    vectoriser = Vectoriser(cleaner="clean_2019").fit(train["Phrase"])
    sequences = vectoriser.texts_to_sequences(train["Phrase"])
    held_sequences = vectoriser.texts_to_sequences(held_out["Phrase"])
    test_sequences = vectoriser.texts_to_sequences(phrases.test["Phrase"])
    labels = train["Sentiment"].to_numpy()
    held_labels = held_out["Sentiment"].to_numpy()
    epochs = epochs or config.epochs
    keras.utils.set_random_seed(TRAIN_SEED)
    setup = _build(config, vectoriser, sequences, labels, precision)
    threads_line += f"; recurrent layer in {setup['precision']}"
    predict_held = setup["predictor"](held_sequences)
    result = Result(
        config.name, config.title, epochs, cpus=resources.available_cpus(), pinned=pinned, train_phrases=len(train),
        held_out_phrases=len(held_out), tokens_per_epoch=setup["tokens"],
        real_tokens_per_epoch=setup.get("real_tokens", int(sum(max(1, len(s)) for s in sequences))),
        flops_per_token=flops_per_token(config.cell, config.units, config.embedding, 2 if config.bidirectional else 1),
        threads=threads_line, data=f"{phrases.source}, fraction {fraction:g}", precision=setup["precision"],
    )

    class HeldOut(keras.callbacks.Callback):
        """After the log's clock has stopped: predict the held-out phrases and score them."""

        def on_epoch_end(self, epoch, logs=None):
            start = time.perf_counter()
            probabilities = predict_held()
            result.eval_seconds.append(time.perf_counter() - start)
            result.accuracy.append(float(np.mean(probabilities.argmax(axis=1) == held_labels)))
            say(f"{result.label}: held-out accuracy {result.accuracy[-1]:.4f} "
                f"(evaluation {result.eval_seconds[-1]:.1f} s)")

    start = time.perf_counter()
    run = training.fit(setup["model"], setup["data"], epochs=epochs, callbacks=[HeldOut()], **setup["fit"])
    result.fit_seconds = time.perf_counter() - start - sum(result.eval_seconds)
    result.epoch_seconds = run.seconds
    result.train_loss = run.history.get("loss", [])
    result.train_accuracy = run.history.get("accuracy", [])
    predicted = setup["predictor"](test_sequences)().argmax(axis=1)
    _score_test(result, phrases, predicted, submissions or _submission_dir(None))
    result.peak_mb = peak_mb()
    return result


def _run_tree(config: Config, fraction: float, epochs: int | None, pinned: bool, say, submissions: Path | None,
              threads_line: str) -> Result:
    """:func:`run_config` for the Tree-LSTM: notebook 07's training, on the split every configuration uses."""
    import keras

    from course_utils import trees
    from course_utils.data import load_sample, load_train_trees

    all_trees, from_sample = load_train_trees(verbose=False)
    phrases = None
    if from_sample and not course_config.is_quick():  # no treebank: trees and phrases must share one source
        phrases = load_sample()
        say("tree: no treebank trees here, so this configuration runs on the sample's trees and phrases")
    train, held_out, phrases = load_split(fraction, phrases)
    train_trees, held_trees = trees.split_trees(all_trees, held_out)
    if fraction < 1:  # a trial keeps only its share of the trees
        train_trees = trees.split_trees(train_trees, train)[1]
    index = trees.word_index(train_trees)
    nodes = sum(1 for tree in train_trees for _ in tree.preorder())
    epochs = epochs or config.epochs
    held_labels = held_out["Sentiment"].to_numpy()
    keras.utils.set_random_seed(TRAIN_SEED)
    model = trees.tree_classifier(len(index) + 2, embedding=config.embedding, units=config.units)
    result = Result(
        config.name, config.title, epochs, cpus=resources.available_cpus(), pinned=pinned,
        train_phrases=len(train), held_out_phrases=len(held_out), tokens_per_epoch=nodes,
        real_tokens_per_epoch=nodes, flops_per_token=flops_per_token("tree", config.units, config.embedding),
        threads=threads_line, data=f"{phrases.source}, fraction {fraction:g}",
    )

    def held_out_accuracy(epoch: int) -> dict[str, float]:
        start = time.perf_counter()
        found = trees.row_predictions(model, held_trees, index, held_out)
        result.eval_seconds.append(time.perf_counter() - start)
        result.accuracy.append(float((found == held_labels).mean()))  # a row on no held-out tree counts as wrong
        return {"held-out accuracy": result.accuracy[-1]}

    start = time.perf_counter()
    result.epoch_seconds = trees.fit_trees(model, train_trees, index, epochs=epochs, seed=TRAIN_SEED,
                                           learning_rate=config.learning_rate, after_epoch=held_out_accuracy)
    result.fit_seconds = time.perf_counter() - start - sum(result.eval_seconds)
    test_trees = [rebuilt.tree for _, rebuilt in trees.rebuild_table(phrases.test)]
    found = trees.row_predictions(model, test_trees, index, phrases.test)
    say(f"tree: {found.notna().mean():.2%} of the {len(found):,} test rows are nodes of a rebuilt tree; "
        "the others are predicted neutral")
    _score_test(result, phrases, found.fillna(2).astype(int).to_numpy(), submissions or _submission_dir(None))
    result.peak_mb = peak_mb()
    return result


def _submission_dir(out: Path | None) -> Path:
    """Where the submissions go: ``bench/`` beside the report (``build/bench/`` by default)."""
    return (out or course_config.build_dir() / "bench.md").parent / "bench"


def _score_test(result: Result, phrases, predicted, folder: Path) -> None:
    """Write the predicted test labels as a Kaggle submission and record their offline score in ``result``."""
    from course_utils import scoring
    from course_utils.submission import make_submission, write_submission

    submission = make_submission(phrases.test, predicted)
    result.submission = str(write_submission(submission, folder / f"{result.file_stem}-submission.csv",
                                             phrases.test))
    try:
        score = scoring.score_submission(submission, phrases)
    except scoring.ScoringError as error:  # damaged trees: the run's other numbers still count
        result.test_labels = str(error)
        return
    result.test_accuracy, result.test_scored = score.accuracy, score.scored
    result.test_labels = score.origin


def _build(config: Config, vectoriser, sequences, labels, precision: str = "auto") -> dict:
    """The model, its training data, its ``predictor`` and the ``precision`` its recurrent layer runs in, for one
    configuration.

    ``predictor(sequences)`` prepares phrases once (padding, packs) and returns the call that predicts them,
    so the held-out phrases, predicted after every epoch, are prepared only once. ``precision="auto"`` is
    :func:`course_utils.sentiment_models.fast_precision`'s choice; the 2019 configuration always runs in float32.
    """
    from course_utils import sentiment_models as models

    if not config.course_runtime:
        precision = "float32"  # the 2019 code's
    elif precision == "auto":
        precision = models.fast_precision()
    return {**_setup(config, vectoriser, sequences, labels, precision), "precision": precision}


def _setup(config: Config, vectoriser, sequences, labels, precision: str) -> dict:
    """:func:`_build`'s model, data and predictor, with the precision already chosen."""
    import keras
    import numpy as np

    from course_utils import batching
    from course_utils import sentiment_models as models
    from course_utils.text import pad

    if config.kind == "padded":
        model = models.seed_model(vectoriser.input_dim, recurrent_dropout=config.recurrent_dropout, cell=config.cell,
                                  units=config.units, precision=precision)
        model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss="categorical_crossentropy",
                      metrics=["accuracy"])
        # Padded in front to the longest training phrase, as Keras's pad_sequences did in 2019.
        x = pad(sequences, vectoriser.maxlen)
        y = np.eye(N_CLASSES, dtype=np.float32)[labels]
        return {"model": model, "data": x, "fit": {"y": y, "batch_size": batching.PHRASES_PER_BATCH},
                "predictor": lambda phrases: partial(model.predict, pad(phrases, vectoriser.maxlen), batch_size=1024,
                                                     verbose=0),
                "tokens": int(x.size)}
    if config.kind == "sorted":
        model = models.compile_model(models.seed_model(vectoriser.input_dim, recurrent_dropout=0.0, cell=config.cell,
                                                       units=config.units, precision=precision), config.learning_rate)
        data = batching.course_batches(sequences, labels, seed=TRAIN_SEED)
        plan = batching.batch_plan([max(1, len(s)) for s in sequences], batching.PHRASES_PER_BATCH,
                                   max_tokens=batching.MAX_TOKENS)
        widths = [max(1, max(len(sequences[i]) for i in batch)) * len(batch) for batch in plan]
        return {"model": model, "data": data, "fit": {}, "tokens": int(sum(widths)),
                "predictor": lambda phrases: partial(batching.predict_sorted, model, phrases)}
    if config.kind == "prefix":
        packs = batching.pack_prefixes(sequences)
        model = models.prefix_reader(vectoriser.input_dim, cell=config.cell, units=config.units,
                                     spatial_dropout=config.spatial_dropout, precision=precision)
        models.compile_model(model, config.learning_rate, prefix=True)
        data = batching.course_prefix_batches(packs, labels, seed=TRAIN_SEED)
        return {"model": model, "data": data, "fit": {}, "tokens": packs.tokens_read, "real_tokens": packs.tokens_read,
                "predictor": lambda phrases: partial(batching.predict_packs, model, batching.pack_prefixes(phrases))}
    if config.kind == "same_length":
        model = models.pooled_model(vectoriser.input_dim, cell=config.cell, units=config.units,
                                    spatial_dropout=config.spatial_dropout, precision=precision)
        models.compile_model(model, config.learning_rate)
        data = batching.sorted_batches(sequences, labels, batching.PHRASES_PER_BATCH, padding="post", same_length=True,
                                       max_tokens=batching.MAX_TOKENS, seed=TRAIN_SEED)
        return {"model": model, "data": data, "fit": {}, "tokens": int(sum(max(1, len(s)) for s in sequences)),
                "predictor": lambda phrases: partial(batching.predict_sorted, model, phrases, padding="post",
                                                     same_length=True)}
    raise ValueError(f"unknown kind {config.kind!r}")


# ------------------------------------------------------------------------------------- the report


def table(results: list[Result]) -> str:
    """The markdown table: one row per configuration and CPU count."""
    lines = [
        "| configuration | CPUs | epochs | s / epoch | training time | GFLOP/s "
        "| held-out accuracy: best (epoch), last | offline test score (last epoch) | peak memory |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        best, epoch = r.best
        lines.append(
            f"| `{r.name}`: {r.title}{_precision_note(r)} | {r.cpus:g} | {r.epochs} | {r.seconds_per_epoch:,.1f} "
            f"| {r.training_seconds:,.0f} s | "
            f"{r.gflops:.1f} | {best:.4f} ({epoch}), {r.accuracy[-1]:.4f} | {_test_score(r)} | {r.peak_mb:,.0f} MiB |"
        )
    return "\n".join(lines)


def _precision_note(result: Result) -> str:
    return "" if result.precision == "float32" else f"; recurrent layer in {result.precision}"


def _test_score(result: Result) -> str:
    return "n/a (no treebank)" if result.test_accuracy is None else f"{result.test_accuracy:.4f}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def targets(results: list[Result], memory_limit_mb: float = MEMORY_TARGET_MB) -> list[str]:
    """The issue's targets, each with the measured number and whether it is met."""
    full = {r.name: r for r in results if not r.pinned}
    one = {r.name: r for r in results if r.pinned}
    lines = []
    seed, fast = full.get("seed2019"), full.get("fast")
    if seed and fast and seed is not fast:
        seed_best, _ = seed.best
        speed = seed.training_seconds / fast.training_seconds
        gap = 100 * (fast.best[0] - seed_best)
        lines.append(f"- fast vs 2019, {fast.epochs} vs {seed.epochs} epochs on {fast.cpus:g} CPUs: "
                     f"1/{speed:.1f} of the time "
                     f"(target 1/12 or less), best held-out accuracy {gap:+.2f} points (target within 0.5): "
                     f"{_verdict(speed >= 12 and gap >= -0.5)}")
        reach = fast.seconds_to_reach(seed_best)
        if reach is None:
            lines.append(f"- time to accuracy: fast never reached the 2019 best ({seed_best:.4f}): MISSED")
        else:
            ratio = seed.training_seconds / reach
            lines.append(f"- time to accuracy: fast reached the 2019 best ({seed_best:.4f}) after {reach:,.0f} s, "
                         f"1/{ratio:.1f} of the 2019 training time (target 1/25 or less): {_verdict(ratio >= 25)}")
    seed1, fast1 = one.get("seed2019"), one.get("fast")
    if seed1 and fast1 and seed1 is not fast1:
        ratio = seed1.seconds_per_epoch / fast1.seconds_per_epoch
        lines.append(f"- one CPU: fast's epoch is 1/{ratio:.1f} of the 2019 epoch "
                     f"({fast1.seconds_per_epoch:,.0f} s against "
                     f"{seed1.seconds_per_epoch:,.0f} s; target 1/12 or less): {_verdict(ratio >= 12)}")
        if seed:
            gap = 100 * (fast1.best[0] - seed.best[0])
            ok = fast1.training_seconds <= 300 and gap >= -0.5
            lines.append(f"- notebook 05 on one CPU: fast trained {fast1.epochs} epochs "
                         f"in {fast1.training_seconds:,.0f} s "
                         f"(target 300 s or less), best held-out accuracy {gap:+.2f} points against the 2019 best "
                         f"(target within 0.5): {_verdict(ok)}")
    lines += _offline_targets(full, one.get("tree"))
    if results:
        peak = max(results, key=lambda r: r.peak_mb)
        lines.append(f"- peak memory: the largest process ({peak.label}) used {peak.peak_mb:,.0f} MiB "
                     f"(target under {memory_limit_mb:,.0f} for every one): {_verdict(peak.peak_mb < memory_limit_mb)}")
    return lines


def _offline_targets(full: dict[str, Result], tree1: Result | None) -> list[str]:
    """The trees issue's targets: the best offline score, and the tree model's training on one CPU."""
    lines = []
    scored = [r for r in full.values() if r.test_accuracy is not None]
    if scored:
        top = max(scored, key=lambda r: r.test_accuracy)
        lines.append(f"- offline score: the best configuration ({top.name}) scored {top.test_accuracy:.4f} "
                     f"(target {OFFLINE_TARGET:.2f} or more): {_verdict(top.test_accuracy >= OFFLINE_TARGET)}")
    elif full:
        lines.append(f"- offline score: not measured (no treebank dev and test trees here), so the "
                     f"{OFFLINE_TARGET:.2f} target cannot be checked on this machine")
    if tree1:
        ok = tree1.training_seconds <= TREE_SECONDS_TARGET and tree1.peak_mb < MEMORY_TARGET_MB
        lines.append(f"- tree on one CPU: {tree1.epochs} epochs in {tree1.training_seconds:,.0f} s "
                     f"(target {TREE_SECONDS_TARGET:,} s or less), peak {tree1.peak_mb:,.0f} MiB "
                     f"(target under {MEMORY_TARGET_MB:,}): {_verdict(ok)}")
    return lines


def report(results: list[Result], machine_line: str, command: str, when: str) -> str:
    first = results[0] if results else None
    sizes = f"{first.train_phrases:,} training phrases, {first.held_out_phrases:,} held-out phrases" if first else ""
    return "\n".join([
        f"Benchmark (`{command}`), {when}",
        f"Machine: {machine_line}",
        f"Data: {first.data if first else ''}; {sizes} (whole sentences held out)",
        "",
        table(results),
        "",
        "Training time sums Keras's epochs (first batch to last, first-call tracing included); held-out prediction "
        "after each epoch is not in it. GFLOP/s: the recurrent layer's forward and backward work on the real tokens "
        "(padding not counted) per second of training. Offline test score: the last epoch's predictions of Kaggle's "
        "test phrases (written to bench/<configuration>-submission.csv beside this report), scored on the labels of "
        "the treebank's dev and test trees as Kaggle's leaderboard did; reported, never used to choose anything "
        "(epochs and models are chosen on the held-out sentences).",
        "",
        "Targets (on training time):",
        *targets(results),
        "",
    ])


# ------------------------------------------------------------------------------------ entry point


def _worker(name: str, fraction: float, epochs: int | None, cpus: int | None, out: Path,
            submissions: Path, precision: str = "auto") -> list[str]:
    command = [sys.executable, "-m", "course_utils.tools.bench", "--worker", name, "--fraction", str(fraction),
               "--json", str(out), "--submissions", str(submissions), "--precision", precision]
    command += (["--epochs", str(epochs)] if epochs else []) + (["--worker-cpus", str(cpus)] if cpus else [])
    return command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default=",".join(CONFIGS), help=f"comma-separated, from {', '.join(CONFIGS)}")
    parser.add_argument("--fraction", type=float, default=1.0,
                        help="share of the sentences to use (a quick trial: 0.1)")
    parser.add_argument("--epochs", type=int, default=None, help="override every configuration's epochs")
    parser.add_argument("--no-pinned", action="store_true", help="skip the runs pinned to one CPU")
    parser.add_argument("--precision", default="auto", choices=("auto", *PRECISIONS),
                        help="the recurrent layer's arithmetic in the course's configurations (default auto: "
                             "mixed_bfloat16 where the CPU has bfloat16 instructions, as the notebooks do; "
                             "seed2019 always runs in float32)")
    parser.add_argument("--out", type=Path, default=None, help="where to write the markdown (default build/bench.md)")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--worker-cpus", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--submissions", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 0 < args.fraction <= 1:
        parser.error("--fraction must be above 0 and at most 1")

    if args.worker:
        if args.worker_cpus:
            os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.worker_cpus])
        result = run_config(CONFIGS[args.worker], args.fraction, args.epochs, pinned=bool(args.worker_cpus),
                            submissions=args.submissions, precision=args.precision)
        write_json(args.json, {"results": [asdict(result)]}, verify=saved_results)  # read back as main() reads it
        return 0

    names = [n.strip() for n in args.configs.split(",") if n.strip()]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        parser.error(f"unknown configuration {unknown}; choose from {', '.join(CONFIGS)}")
    runs = [(name, args.epochs, None) for name in names]
    if not args.no_pinned and resources.available_cpus() > 1:
        runs += [(name, args.epochs or epochs, 1) for name, epochs in PINNED.items() if name in names]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    machine_line = machine()
    print(f"Machine: {machine_line}", flush=True)
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for k, (name, epochs, cpus) in enumerate(runs):
            path = Path(scratch) / f"{k}-{name}.json"
            print(f"== {name}{', pinned to 1 CPU' if cpus else ''}: {CONFIGS[name].title}", flush=True)
            done = subprocess.run(_worker(name, args.fraction, epochs, cpus, path, _submission_dir(args.out),
                                          args.precision),
                                  env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
            if done.returncode != 0:
                print(f"error: configuration {name} failed (exit status {done.returncode})", file=sys.stderr)
                return 1
            try:
                found = saved_results(path)  # checked field by field: a fault names the file and what is wrong
            except FileFormatError as error:
                print(f"error: configuration {name} wrote a result that cannot be read: {error}", file=sys.stderr)
                return 1
            if found is None:
                print(f"error: configuration {name} wrote no result to {path}", file=sys.stderr)
                return 1
            results.extend(found[1].values())
    given = argv if argv is not None else sys.argv[1:]
    shown = "python -m course_utils.tools.bench" + "".join(f" {a}" for a in given)
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    text = report(results, machine_line, shown, when)
    out = args.out or course_config.build_dir() / "bench.md"
    saved = {"date": when, "machine": machine_line, "command": shown, "results": [asdict(r) for r in results]}
    with FileSet() as files:  # the table and its numbers, together
        files.stage(out, text)
        files.stage(out.with_suffix(".json"), json.dumps(saved, indent=1) + "\n", verify=saved_results)
    complete = (args.fraction == 1 and args.epochs is None and set(names) == set(CONFIGS) and not args.no_pinned
                and args.precision == "auto"
                and all(r.data.split(",")[0] in ("kaggle", "sst") for r in results))
    print()
    print(text)
    print(f"(written to {out} and {out.with_suffix('.json')})")
    if complete:
        write_json(RESULTS, saved, verify=saved_results)
        print(f"(a complete run on the real data: also written to {RESULTS}, which notebook 05 reads)")
    return 0


_RESULT_TYPES = {"str": str, "int": int, "float": (int, float), "float | None": (int, float, type(None)), "bool": bool,
                 "list[float]": list}


def saved_results(path: Path = RESULTS) -> tuple[dict, dict[str, Result]] | None:
    """The last complete run (its header, and its results by label), or None when there is none.

    A file that cannot be read as one raises :class:`course_utils.files.FileFormatError` naming
    it, the line and column of a JSON fault, what is wrong and what to do.
    """
    path = Path(path)
    if not path.exists():
        return None
    fix = ("Rerun `make bench` on the real data, or restore the file with `git checkout -- data/benchmark.json`."
           if path == RESULTS else "Rerun `make bench` to write it again.")
    saved = read_json(path, fix=fix)

    def fault(what: str) -> FileFormatError:
        return FileFormatError(f"{path} is not a benchmark result this course can read: {what}. {fix}")

    if not isinstance(saved, dict) or not isinstance(saved.get("results"), list):
        raise fault("it has no list of 'results'")
    known = {f.name: f for f in fields(Result)}
    results = []
    for number, entry in enumerate(saved["results"], start=1):
        if not isinstance(entry, dict):
            raise fault(f"result {number} is not an object")
        unknown = sorted(set(entry) - set(known))
        lacking = [name for name, f in known.items() if name not in entry and f.default is MISSING
                   and f.default_factory is MISSING]
        if unknown or lacking:
            raise fault(f"result {number} has {'unknown fields ' + ', '.join(unknown) if unknown else ''}"
                        f"{' and ' if unknown and lacking else ''}{'no ' + ', '.join(lacking) if lacking else ''}")
        for name, value in entry.items():
            kind = _RESULT_TYPES.get(str(known[name].type))
            wrong = kind is not None and (not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool))
            if kind is list and not wrong:
                wrong = not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            if wrong:
                raise fault(f"in result {number}, {name} is {str(value)[:40]}, not of type {known[name].type}")
        results.append(Result(**entry))
    return {k: v for k, v in saved.items() if k != "results"}, {r.label: r for r in results}


if __name__ == "__main__":
    sys.exit(main())
