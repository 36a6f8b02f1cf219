"""``make bench``: train the 2019 configuration, the course's fast one and the course's best model
on the real data, in one run, and print what each costs and scores.

Every configuration trains in its own Python process (``python -m course_utils.bench --worker
NAME``), so its peak memory is its own and no configuration warms caches for another. All of
them use the same data: Kaggle's training phrases, 10% of the *sentences* held out
(:func:`course_utils.validation.split_by_sentence`), the 2019 vectoriser fitted on the rest.
After each epoch a worker predicts the held-out phrases; that time is reported apart and is not
counted as training time. The table goes to the console and to ``build/bench.md``, followed by
the targets of the course's issue, each with its measured ratio.

Configurations (``--configs`` picks some, in this order):

``seed2019``
    Notebook 05's model and settings: every phrase padded in front to the longest training
    phrase, ``LSTM(256, dropout=0.3, recurrent_dropout=0.3)``, one-hot labels, Adam, batches of
    512 shuffled phrases, 8 epochs, TensorFlow's default threads.
``fast``
    The same layers and widths, trained the course's way: no recurrent dropout, phrases packed so
    that a phrase which is the start of a longer one is read inside it
    (:func:`course_utils.batching.pack_prefixes`), batches of similar length padded per batch,
    threads matched to the CPUs this process may use, 8 epochs.
``best``
    The course's best model (see :data:`CONFIGS`).

``--fraction 0.1`` keeps a tenth of the sentences (before the split) for a quick trial;
``--epochs`` overrides every configuration's epochs (the targets assume the defaults).
Timings only mean something on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from course_utils.threads import available_cpus, match_threads

HOLD_OUT = 0.1
SPLIT_SEED = 42
TRAIN_SEED = 0


@dataclass(frozen=True)
class Config:
    """One way to train; what the table reports about it is a :class:`Result`."""

    name: str
    title: str
    kind: str  # "padded" (the 2019 way), "prefix" (prefix packs), "same_length" (exact-length batches)
    epochs: int = 8
    batch_phrases: int = 512
    learning_rate: float = 1e-3
    recurrent_dropout: float = 0.0
    cell: str = "lstm"
    units: int = 256
    spatial_dropout: float = 0.0
    match_threads: bool = True  # both thread pools = CPUs available; False keeps TensorFlow's defaults
    steps_per_execution: int = 1
    members: int = 1  # >1: an ensemble of this many models (different seeds), probabilities averaged


CONFIGS: dict[str, Config] = {
    "seed2019": Config(
        "seed2019", "2019 configuration: padded to the longest phrase, recurrent dropout", "padded",
        recurrent_dropout=0.3, match_threads=False,
    ),
    "fast": Config("fast", "2019 architecture, course's fast configuration: prefix packs, sorted batches", "prefix"),
    "best": Config(
        "best", "course's best model: bidirectional GRU, spatial dropout, max over time", "same_length",
        epochs=4, cell="gru", units=128, spatial_dropout=0.3,
    ),
}


@dataclass
class Result:
    """What one configuration's worker measured."""

    name: str
    title: str
    epochs: int
    epoch_seconds: list[float] = field(default_factory=list)
    eval_seconds: list[float] = field(default_factory=list)
    fit_seconds: list[float] = field(default_factory=list)  # each epoch's ``fit`` calls on the wall clock
    accuracy: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    train_phrases: int = 0
    held_out_phrases: int = 0
    tokens_per_epoch: int = 0
    threads: str = ""
    data: str = ""

    @property
    def training_seconds(self) -> float:
        return float(sum(self.epoch_seconds))

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


# ------------------------------------------------------------------------------------ the machine


def machine() -> str:
    """One line: CPU model, CPUs available, memory, library versions."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        memory_text = f", {memory:.0f} GB RAM"
    except (ValueError, OSError, AttributeError):
        memory_text = ""
    import keras
    import tensorflow as tf

    return (f"{model}, {available_cpus():g} CPUs available{memory_text}; Python {platform.python_version()}, "
            f"TensorFlow {tf.__version__}, Keras {keras.__version__}")


def peak_mb() -> float:
    """This process's peak resident memory in MB (Linux reports kB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


# ------------------------------------------------------------------------------------- the worker


def _threads(config: Config) -> str:
    return match_threads() if config.match_threads else "TensorFlow's defaults"


def load_split(fraction: float = 1.0):
    """``(train, held_out, source)``: the sentence-level split every configuration uses."""
    import numpy as np

    from course_utils import validation
    from course_utils.data import load_phrases

    phrases = load_phrases(verbose=False)
    table = phrases.train
    if fraction < 1:
        sentences = np.sort(table["SentenceId"].unique())
        kept = np.random.default_rng(SPLIT_SEED).choice(sentences, max(2, round(fraction * len(sentences))), replace=False)
        table = table[table["SentenceId"].isin(kept)]
    train, held_out = validation.split_by_sentence(table, HOLD_OUT, SPLIT_SEED)
    return train, held_out, phrases.source


def run_config(config: Config, fraction: float = 1.0, epochs: int | None = None, say=print) -> Result:
    """Train one configuration and measure it (call this in a fresh process: see :func:`main`)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import numpy as np

    threads = _threads(config)
    from course_utils.text import Vectoriser

    train, held_out, source = load_split(fraction)
    vectoriser = Vectoriser(cleaner="clean_2019").fit(train["Phrase"])
    sequences = vectoriser.texts_to_sequences(train["Phrase"])
    held_sequences = vectoriser.texts_to_sequences(held_out["Phrase"])
    labels = train["Sentiment"].to_numpy()
    held_labels = held_out["Sentiment"].to_numpy()
    epochs = epochs or config.epochs
    result = Result(config.name, config.title, epochs, peak_mb=0.0, train_phrases=len(train),
                    held_out_phrases=len(held_out), threads=threads, data=f"{source}, fraction {fraction:g}")

    members = []
    for member in range(config.members):
        keras.utils.set_random_seed(TRAIN_SEED + member)
        members.append(_build(config, vectoriser, sequences, labels, held_sequences, member))
        result.tokens_per_epoch = members[-1]["tokens"]

    class EpochClock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds = time.perf_counter() - self.start

    clock = EpochClock()
    for epoch in range(epochs):
        seconds = wall = 0.0
        for member in members:
            start = time.perf_counter()
            member["model"].fit(member["data"], epochs=epoch + 1, initial_epoch=epoch, verbose=0, shuffle=False,
                                callbacks=[clock], **member["fit"])
            wall += time.perf_counter() - start
            seconds += clock.seconds
        start = time.perf_counter()
        probabilities = np.mean([member["predict"]() for member in members], axis=0)
        result.eval_seconds.append(time.perf_counter() - start)
        result.epoch_seconds.append(seconds)
        result.fit_seconds.append(wall)
        result.accuracy.append(float(np.mean(probabilities.argmax(axis=1) == held_labels)))
        say(f"{config.name}: epoch {epoch + 1}/{epochs}  {seconds:6.1f} s  held-out accuracy {result.accuracy[-1]:.4f}"
            f"  (evaluation {result.eval_seconds[-1]:.1f} s)")
    result.peak_mb = peak_mb()
    return result


def _build(config: Config, vectoriser, sequences, labels, held_sequences, member: int) -> dict:
    """The model, its training data and its held-out prediction function, for one configuration."""
    import keras
    import numpy as np

    from course_utils import batching
    from course_utils import sentiment_models as models
    from course_utils.text import pad

    compile_args = {"steps_per_execution": config.steps_per_execution}
    if config.kind == "padded":
        model = models.seed_model(vectoriser.input_dim, recurrent_dropout=config.recurrent_dropout, cell=config.cell,
                                  units=config.units)
        model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss="categorical_crossentropy",
                      metrics=["accuracy"], **compile_args)
        # Padded in front to the longest training phrase, as Keras's pad_sequences did in 2019.
        x, held = pad(sequences, vectoriser.maxlen), pad(held_sequences, vectoriser.maxlen)
        y = np.eye(models.CLASSES, dtype=np.float32)[labels]
        return {"model": model, "data": x, "fit": {"y": y, "batch_size": config.batch_phrases},
                "predict": lambda: model.predict(held, batch_size=1024, verbose=0), "tokens": int(x.size)}
    if config.kind == "prefix":
        packs = batching.pack_prefixes(sequences)
        held_packs = batching.pack_prefixes(held_sequences)
        batch = max(1, round(config.batch_phrases * len(packs.sequences) / packs.n_phrases))
        model = models.prefix_reader(vectoriser.input_dim, cell=config.cell, units=config.units,
                                     spatial_dropout=config.spatial_dropout)
        models.compile_model(model, config.learning_rate, prefix=True, **compile_args)
        data = batching.prefix_batches(packs, labels, batch, seed=TRAIN_SEED + member)
        return {"model": model, "data": data, "fit": {}, "tokens": packs.tokens_read,
                "predict": lambda: batching.predict_packs(model, held_packs)}
    if config.kind == "same_length":
        model = models.pooled_model(vectoriser.input_dim, cell=config.cell, units=config.units,
                                    spatial_dropout=config.spatial_dropout)
        models.compile_model(model, config.learning_rate, **compile_args)
        data = batching.sorted_batches(sequences, labels, config.batch_phrases, padding="post", same_length=True,
                                       seed=TRAIN_SEED + member)
        return {"model": model, "data": data, "fit": {}, "tokens": int(sum(max(1, len(s)) for s in sequences)),
                "predict": lambda: batching.predict_sorted(model, held_sequences, padding="post", same_length=True)}
    raise ValueError(f"unknown kind {config.kind!r}")


# ------------------------------------------------------------------------------------- the report


def table(results: list[Result]) -> str:
    """The markdown table: one row per configuration."""
    lines = [
        "| configuration | epochs | s / epoch | training time | `fit` calls, wall | held-out accuracy: best (epoch), last | peak memory |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        best, epoch = r.best
        lines.append(
            f"| `{r.name}`: {r.title} | {r.epochs} | {r.training_seconds / max(1, len(r.epoch_seconds)):,.1f} | "
            f"{r.training_seconds:,.0f} s | {sum(r.fit_seconds):,.0f} s | {best:.4f} ({epoch}), {r.accuracy[-1]:.4f} | "
            f"{r.peak_mb:,.0f} MB |"
        )
    return "\n".join(lines)


def targets(results: list[Result], memory_limit_mb: float = 1200) -> list[str]:
    """The issue's targets, each with the measured number and whether it is met."""
    by_name = {r.name: r for r in results}
    lines = []
    seed = by_name.get("seed2019")

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    if seed:
        seed_best, _ = seed.best
        fast = by_name.get("fast")
        if fast:
            speed = seed.training_seconds / fast.training_seconds
            gap = 100 * (fast.best[0] - seed_best)
            lines.append(f"- fast vs 2019, {fast.epochs} vs {seed.epochs} epochs: 1/{speed:.1f} of the time (target 1/12 or less), "
                         f"best held-out accuracy {gap:+.2f} points (target within 0.5): "
                         f"{verdict(speed >= 12 and gap >= -0.5)}")
            reach = fast.seconds_to_reach(seed_best)
            if reach is None:
                lines.append(f"- time to accuracy: fast never reached the 2019 best ({seed_best:.4f}): MISSED")
            else:
                ratio = seed.training_seconds / reach
                lines.append(f"- time to accuracy: fast reached the 2019 best ({seed_best:.4f}) after {reach:,.0f} s, "
                             f"1/{ratio:.1f} of the 2019 training time (target 1/25 or less): {verdict(ratio >= 25)}")
        best = by_name.get("best")
        if best:
            gain = 100 * (best.accuracy[-1] - seed_best)
            ratio = seed.training_seconds / best.training_seconds
            lines.append(f"- best model: last-epoch held-out accuracy {gain:+.2f} points over the 2019 best (target +3), "
                         f"1/{ratio:.1f} of its time (target 1/5 or less): {verdict(gain >= 3 and ratio >= 5)}")
    peak = max(r.peak_mb for r in results)
    lines.append(f"- peak memory: the largest process used {peak:,.0f} MB (target under {memory_limit_mb:,.0f}): "
                 f"{verdict(peak < memory_limit_mb)}")
    return lines


def report(results: list[Result], machine_line: str, command: str) -> str:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    data = results[0].data if results else ""
    first = results[0] if results else None
    sizes = f"{first.train_phrases:,} training phrases, {first.held_out_phrases:,} held-out phrases" if first else ""
    return "\n".join([
        f"Benchmark (`{command}`), {when}",
        f"Machine: {machine_line}",
        f"Data: {data}; {sizes} (whole sentences held out)",
        "",
        table(results),
        "",
        "Training time sums Keras's epochs (first batch to last, first-call tracing included); the `fit` column is the "
        "wall-clock time of the `fit` calls, which adds what Keras does before and after an epoch. Held-out "
        "prediction after each epoch is in neither.",
        "",
        "Targets (on training time):",
        *targets(results),
        "",
    ])


# ------------------------------------------------------------------------------------ entry point


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default=",".join(CONFIGS), help=f"comma-separated, from {', '.join(CONFIGS)}")
    parser.add_argument("--fraction", type=float, default=1.0, help="share of the sentences to use (a quick trial: 0.1)")
    parser.add_argument("--epochs", type=int, default=None, help="override every configuration's epochs")
    parser.add_argument("--out", type=Path, default=None, help="where to write the markdown (default build/bench.md)")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 0 < args.fraction <= 1:
        parser.error("--fraction must be above 0 and at most 1")

    if args.worker:
        result = run_config(CONFIGS[args.worker], args.fraction, args.epochs)
        args.json.write_text(json.dumps(asdict(result)))
        return 0

    names = [n.strip() for n in args.configs.split(",") if n.strip()]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        parser.error(f"unknown configuration {unknown}; choose from {', '.join(CONFIGS)}")
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for name in names:
            path = Path(scratch) / f"{name}.json"
            command = [sys.executable, "-m", "course_utils.bench", "--worker", name, "--fraction", str(args.fraction),
                       "--json", str(path)] + (["--epochs", str(args.epochs)] if args.epochs else [])
            print(f"== {name}: {CONFIGS[name].title}", flush=True)
            done = subprocess.run(command, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
            if done.returncode != 0:
                print(f"error: configuration {name} failed (exit status {done.returncode})", file=sys.stderr)
                return 1
            results.append(Result(**json.loads(path.read_text())))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    shown = "python -m course_utils.bench" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    text = report(results, machine(), shown)
    from course_utils import config

    out = args.out or config.build_dir() / "bench.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print()
    print(text)
    print(f"(written to {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
