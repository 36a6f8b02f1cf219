"""Batches that waste no work: phrases of similar length together, and one pass for every prefix.

The 2019 model padded every phrase to the longest one (53 tokens) although the average phrase
has about 7: seven steps in eight of its LSTM read padding. Two ideas remove that waste.

1. **Sort by length, pad per batch** (:func:`sorted_batches`). Sort the phrases by length, cut
   the sorted list into batches, pad each batch only to its own longest phrase, and shuffle the
   *order of the batches* every epoch (and the order within a length, so batches change). A batch
   of 3-word phrases costs 3 steps, not 53. With padding in front (``padding="pre"``, as Keras's
   ``pad_sequences`` does) the 2019 model needs no change at all: it still reads its phrase last.

2. **Read every prefix in one pass** (:func:`pack_prefixes`, :func:`prefix_batches`). In a
   parse tree, a left subtree is a prefix of its parent: "the film" is the start of "the film is
   dull". An LSTM that reads left to right has, after the first two words of the longer phrase,
   exactly the state it would have after reading "the film" alone. So it is enough to read the
   sequences that are not a prefix of another one, and to read the prediction for each shorter
   phrase at its last word. :func:`pack_prefixes` finds those sequences (on the word indices,
   across the whole table), :func:`prefix_batches` feeds them with, for each sequence, the
   positions to read and the labels found there. On the Kaggle training phrases this reads about
   a third fewer tokens, with exactly the same predictions. It needs a model that returns the
   LSTM's output at every step and picks the requested positions
   (:func:`course_utils.sentiment_models.prefix_reader`); padding goes at the *end*, where a
   left-to-right LSTM has already produced everything we read.

Both produce ``tf.data`` datasets, so ``model.fit`` uses them as it is; a new random batch
order is drawn every epoch. Token arrays are int32; a batch is built only when it is needed.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from course_utils.labels import N_CLASSES

Sequences = Sequence[Sequence[int]]

# The course's batch settings (notebooks 05 and 06 and the bench use them through course_batches
# and course_prefix_batches): about 512 phrases a batch, as in 2019, and at most 8,192 padded tokens,
# so that a batch of 53-token phrases takes about 150 rows and training stays near 1.1 GB in all.
PHRASES_PER_BATCH = 512
MAX_TOKENS = 8192


def _flatten(sequences: Sequences) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(tokens, starts, lengths)``: every sequence end to end in one int32 array."""
    lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
    starts = np.zeros(len(sequences), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    tokens = np.zeros(int(lengths.sum()), dtype=np.int32)
    for start, sequence in zip(starts, sequences):
        tokens[start : start + len(sequence)] = sequence
    return tokens, starts, lengths


def _fill(tokens: np.ndarray, starts: np.ndarray, lengths: np.ndarray, width: int, padding: str) -> np.ndarray:
    """A ``(len(starts), width)`` int32 matrix of the given slices of ``tokens``, zero-padded."""
    out = np.zeros((len(starts), width), dtype=np.int32)
    rows = np.repeat(np.arange(len(starts)), lengths)
    within = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    columns = within + (np.repeat(width - lengths, lengths) if padding == "pre" else 0)
    out[rows, columns] = tokens[np.repeat(starts, lengths) + within]
    return out


def batch_plan(
    lengths: np.ndarray,
    batch_size: int,
    rng: np.random.Generator | None = None,
    *,
    same_length: bool = False,
    max_tokens: int | None = None,
) -> list[np.ndarray]:
    """Indices of each batch: sorted by length, cut into pieces of at most ``batch_size``.

    With ``rng`` the ties between equal lengths are broken at random and the batches come in a
    random order, so every epoch sees different batches in a different order; without it the
    plan is deterministic (for prediction). ``same_length=True`` never mixes two lengths in a
    batch: no padding at all, so no mask either, at the price of a few part-filled batches.

    ``max_tokens`` caps a batch's padded size (rows x its longest length) as well: the longest
    phrases then come in smaller batches. Training memory grows with that size (every step of
    every row keeps its activations for the backward pass: about 12 kB a row and a step for the
    2019 LSTM), so the cap is what keeps a 53-token batch from costing ten times a 5-token one.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    if max_tokens is not None and max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, not {max_tokens}")
    lengths = np.asarray(lengths)
    tiebreak = rng.random(len(lengths)) if rng is not None else np.arange(len(lengths))
    order = np.lexsort((tiebreak, lengths))
    if same_length:
        groups = np.split(order, np.flatnonzero(np.diff(lengths[order])) + 1)
    else:
        groups = [order]
    batches = [batch for group in groups for batch in _cut(group, lengths, batch_size, max_tokens)]
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


def _cut(group: np.ndarray, lengths: np.ndarray, batch_size: int, max_tokens: int | None) -> list[np.ndarray]:
    """Cut indices sorted by length into batches of at most ``batch_size`` rows and ``max_tokens`` padded tokens."""
    if max_tokens is None:
        return [group[i : i + batch_size] for i in range(0, len(group), batch_size)]
    widths = np.maximum(lengths[group], 1)
    batches, start = [], 0
    while start < len(group):
        window = widths[start : start + batch_size]
        # rows x width, the width being the last row's: it only grows, so the rows that fit are a prefix.
        size = max(1, int(np.sum(np.arange(1, len(window) + 1) * window <= max_tokens)))
        batches.append(group[start : start + size])
        start += size
    return batches


def sorted_batches(
    sequences: Sequences,
    labels: Sequence[int] | np.ndarray,
    batch_size: int = 512,
    *,
    padding: str = "pre",
    same_length: bool = False,
    max_tokens: int | None = None,
    shuffle: bool = True,
    seed: int = 0,
):
    """A ``tf.data.Dataset`` of ``(tokens, labels)`` batches of phrases of similar length, padded per batch.

    ``sequences`` are lists of word indices (the vectoriser's ``texts_to_sequences``), unpadded.
    An empty sequence (every word unknown) is kept as one padding token, as a padded matrix
    would show it to the model. ``same_length=True`` makes every batch rectangular (see
    :func:`batch_plan`): what a bidirectional layer needs to read no padding without a mask.
    ``max_tokens`` caps each batch's padded size (see :func:`batch_plan`).
    """
    import tensorflow as tf

    if padding not in ("pre", "post"):
        raise ValueError(f"padding must be 'pre' or 'post', not {padding!r}")
    labels = np.asarray(labels, dtype=np.int32)
    if len(labels) != len(sequences):
        raise ValueError(f"{len(sequences)} sequences but {len(labels)} labels")
    tokens, starts, lengths = _flatten([s if len(s) else [0] for s in sequences])
    rng = np.random.default_rng(seed) if shuffle else None

    def batches() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for index in plan(rng):
            width = int(lengths[index].max())
            yield _fill(tokens, starts[index], lengths[index], width, padding), labels[index]

    def plan(rng: np.random.Generator | None) -> list[np.ndarray]:
        return batch_plan(lengths, batch_size, rng, same_length=same_length, max_tokens=max_tokens)

    n_batches = len(plan(None))
    dataset = tf.data.Dataset.from_generator(
        batches,
        output_signature=(tf.TensorSpec((None, None), tf.int32), tf.TensorSpec((None,), tf.int32)),
    )
    return _quiet(dataset.apply(tf.data.experimental.assert_cardinality(n_batches)))


def _quiet(dataset):
    """Switch off ``tf.data``'s autotuner: it measured out a 2x slower epoch on one CPU, none faster on two.

    The autotuner runs a thread of its own that tunes buffers and thread counts while training runs.
    On one CPU (Binder) that thread takes turns with the training step itself: notebook 06's fast
    LSTM took 10.2 s an epoch on a quarter of the data with it and 5.9 s without (AMD EPYC, one
    core); on two cores 5.0 s with it and 4.0 s without. The batches are cheap to build (under a
    millisecond each), so there is nothing for it to tune.
    """
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    options.threading.private_threadpool_size = 1
    return dataset.with_options(options)


# ----------------------------------------------------------------------------------- prefixes


@dataclass
class PrefixPacks:
    """The sequences to read, the places to read them, and which place answers for which phrase.

    A *read* is one distinct token sequence: ``sequences[read_pack[r]][: read_position[r] + 1]``.
    Phrase ``i`` is answered by read ``read_of[i]``. Two phrases with the same tokens (they
    differed only by words the vectoriser drops) share a read. An empty phrase (every word
    unknown) is read from a sequence made of one padding token.
    """

    sequences: list[np.ndarray]
    read_pack: np.ndarray  # int64, one entry per read: the sequence it is in
    read_position: np.ndarray  # int64, one entry per read: the index of its last token
    read_of: np.ndarray  # int64, one entry per phrase

    @property
    def n_phrases(self) -> int:
        return len(self.read_of)

    @property
    def n_reads(self) -> int:
        return len(self.read_pack)

    @property
    def tokens_read(self) -> int:
        """Tokens an LSTM reads for one pass over the packs."""
        return int(sum(len(s) for s in self.sequences))

    def describe(self, phrase_tokens: int | None = None) -> str:
        text = f"{self.n_phrases:,} phrases read from {len(self.sequences):,} sequences, {self.tokens_read:,} tokens"
        if phrase_tokens:
            text += f" instead of {phrase_tokens:,} ({1 - self.tokens_read / phrase_tokens:.0%} fewer)"
        return text


def pack_prefixes(sequences: Sequences) -> PrefixPacks:
    """Keep only the sequences that are not a prefix of another; find where every phrase is read.

    The trick: sort the distinct sequences. A sequence that is a prefix of another one is then
    a prefix of the very next one in sorted order, so walking the sorted list backwards carries
    each longest sequence down to all its prefixes.
    """
    keys = [tuple(int(t) for t in s) if len(s) else (0,) for s in sequences]
    distinct = sorted(set(keys))
    read_pack = np.zeros(len(distinct), dtype=np.int64)
    packs: list[np.ndarray] = []
    for r in range(len(distinct) - 1, -1, -1):
        key = distinct[r]
        if r + 1 < len(distinct) and distinct[r + 1][: len(key)] == key:
            read_pack[r] = read_pack[r + 1]
        else:
            read_pack[r] = len(packs)
            packs.append(np.asarray(key, dtype=np.int32))
    read_position = np.fromiter((len(k) - 1 for k in distinct), dtype=np.int64, count=len(distinct))
    index = {key: r for r, key in enumerate(distinct)}
    read_of = np.fromiter((index[k] for k in keys), dtype=np.int64, count=len(keys))
    return PrefixPacks(packs, read_pack, read_position, read_of)


class _Reads:
    """For each pack, the reads it answers (flat arrays grouped by pack)."""

    def __init__(self, packs: PrefixPacks) -> None:
        self.read = np.argsort(packs.read_pack, kind="stable")  # read indices grouped by pack
        self.position = packs.read_position[self.read].astype(np.int32)
        self.count = np.bincount(packs.read_pack, minlength=len(packs.sequences))
        self.start = np.zeros(len(self.count), dtype=np.int64)
        np.cumsum(self.count[:-1], out=self.start[1:])

    def batch(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(positions, reads)``, each ``(len(index), most reads in one pack)``; ``reads`` is -1 where padded."""
        counts = self.count[index]
        rows = np.repeat(np.arange(len(index)), counts)
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        source = np.repeat(self.start[index], counts) + within
        positions = np.zeros((len(index), int(counts.max())), dtype=np.int32)
        reads = np.full(positions.shape, -1, dtype=np.int64)
        positions[rows, within] = self.position[source]
        reads[rows, within] = self.read[source]
        return positions, reads


def label_counts(packs: PrefixPacks, labels: Sequence[int] | np.ndarray, classes: int = N_CLASSES) -> np.ndarray:
    """``(n_reads, classes)``: how many phrases of each label every read answers for."""
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) != packs.n_phrases:
        raise ValueError(f"{packs.n_phrases} phrases in the packs but {len(labels)} labels")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"labels must lie between 0 and {classes - 1}")
    counts = np.zeros((packs.n_reads, classes), dtype=np.float32)
    np.add.at(counts, (packs.read_of, labels), 1.0)
    return counts


def prefix_batches(
    packs: PrefixPacks,
    labels: Sequence[int] | np.ndarray,
    batch_size: int = 512,
    *,
    classes: int = N_CLASSES,
    max_tokens: int | None = None,
    shuffle: bool = True,
    seed: int = 0,
):
    """A ``tf.data.Dataset`` of ``({"tokens", "positions"}, targets, weights)`` for prefix-reader models.

    ``tokens`` is ``(batch, longest)``, padded at the end. ``positions`` is ``(batch, k)``: row
    ``r`` asks for the model's prediction at each listed step of sequence ``r``. ``targets``
    ``(batch, k, classes)`` is the label distribution of the phrases read there (one-hot for a
    single phrase) and ``weights`` ``(batch, k)`` their number, 0 for fillers. With a
    categorical cross-entropy averaged over the weights (``reduction="mean_with_sample_weight"``)
    the loss is exactly the mean over the batch's phrases, as if each had been read alone.
    """
    import tensorflow as tf

    counts = label_counts(packs, labels, classes)
    totals = counts.sum(axis=1)
    distributions = counts / np.maximum(totals, 1.0)[:, None]
    tokens, starts, lengths = _flatten(packs.sequences)
    reads = _Reads(packs)
    rng = np.random.default_rng(seed) if shuffle else None

    def batches() -> Iterator[tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]]:
        for index in batch_plan(lengths, batch_size, rng, max_tokens=max_tokens):
            positions, read = reads.batch(index)
            real = read >= 0
            targets = np.zeros(read.shape + (classes,), dtype=np.float32)
            weights = np.zeros(read.shape, dtype=np.float32)
            targets[real] = distributions[read[real]]
            weights[real] = totals[read[real]]
            x = {
                "tokens": _fill(tokens, starts[index], lengths[index], int(lengths[index].max()), "post"),
                "positions": positions,
            }
            yield x, targets, weights

    spec = tf.TensorSpec((None, None), tf.int32)
    dataset = tf.data.Dataset.from_generator(
        batches,
        output_signature=(
            {"tokens": spec, "positions": spec},
            tf.TensorSpec((None, None, classes), tf.float32),
            tf.TensorSpec((None, None), tf.float32),
        ),
    )
    n_batches = len(batch_plan(lengths, batch_size, max_tokens=max_tokens))
    return _quiet(dataset.apply(tf.data.experimental.assert_cardinality(n_batches)))


def sequences_per_batch(packs: PrefixPacks, phrases: int = PHRASES_PER_BATCH) -> int:
    """Sequences a prefix batch needs to answer for about ``phrases`` phrases (a pack answers for several)."""
    return max(1, round(phrases * len(packs.sequences) / max(1, packs.n_phrases)))


def course_batches(sequences: Sequences, labels, *, shuffle: bool = True, seed: int = 0):
    """Notebook 05's training batches: :func:`sorted_batches` with the course's batch settings, padded in front."""
    return sorted_batches(sequences, labels, PHRASES_PER_BATCH, padding="pre", max_tokens=MAX_TOKENS, shuffle=shuffle,
                          seed=seed)


def course_prefix_batches(packs: PrefixPacks, labels, *, shuffle: bool = True, seed: int = 0):
    """Notebook 06's training batches: :func:`prefix_batches` with the course's batch settings."""
    return prefix_batches(packs, labels, sequences_per_batch(packs), max_tokens=MAX_TOKENS, shuffle=shuffle, seed=seed)


def _predictor(model, dict_keys: tuple[str, ...] = ()):
    """The model's forward pass as one ``tf.function`` for batches of any shape, built once per model.

    ``model.predict_on_batch`` traces a new graph for each new batch shape until TensorFlow gives
    up and relaxes it; sorted batches come in dozens of widths, and every graph is kept (in
    notebook 06, a few hundred MB over its five models). One signature with unknown sizes means
    one graph.
    """
    import tensorflow as tf

    cached = getattr(model, "_course_predictor", None)
    if cached is None:
        spec = tf.TensorSpec((None, None), tf.int32)
        signature = {name: spec for name in dict_keys} if dict_keys else spec
        cached = tf.function(lambda x: model(x, training=False), input_signature=[signature])
        model._course_predictor = cached
    return cached


def predict_packs(model, packs: PrefixPacks, batch_size: int = 1024) -> np.ndarray:
    """``(n_phrases, classes)`` probabilities from a prefix-reader model, in the phrases' order."""
    tokens, starts, lengths = _flatten(packs.sequences)
    reads = _Reads(packs)
    predict = _predictor(model, ("tokens", "positions"))
    out: np.ndarray | None = None
    for index in batch_plan(lengths, batch_size, max_tokens=MAX_TOKENS):  # see predict_sorted
        positions, read = reads.batch(index)
        x = {
            "tokens": _fill(tokens, starts[index], lengths[index], int(lengths[index].max()), "post"),
            "positions": positions,
        }
        probabilities = np.asarray(predict(x))
        if out is None:
            out = np.zeros((packs.n_reads, probabilities.shape[-1]), dtype=np.float32)
        real = read >= 0
        out[read[real]] = probabilities[real]
    assert out is not None
    return out[packs.read_of]


def predict_sorted(
    model, sequences: Sequences, batch_size: int = 1024, padding: str = "pre", *, same_length: bool = False
) -> np.ndarray:
    """``(n, classes)`` probabilities for a one-output-per-phrase model, in the phrases' order, with sorted batches.

    Batches are capped at :data:`MAX_TOKENS` padded tokens, as in training: 1,024 phrases of 53 tokens would need
    several times the tensors of any training step, and TensorFlow's CPU allocator keeps what it grew to for the
    rest of the process (in notebook 05 on one CPU, predicting the validation rows uncapped added 65 MiB to the
    kernel for good).
    """
    tokens, starts, lengths = _flatten([s if len(s) else [0] for s in sequences])
    predict = _predictor(model)
    out: np.ndarray | None = None
    for index in batch_plan(lengths, batch_size, same_length=same_length, max_tokens=MAX_TOKENS):
        x = _fill(tokens, starts[index], lengths[index], int(lengths[index].max()), padding)
        probabilities = np.asarray(predict(x))
        if out is None:
            out = np.zeros((len(sequences), probabilities.shape[-1]), dtype=np.float32)
        out[index] = probabilities
    assert out is not None
    return out
