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

Sequences = Sequence[Sequence[int]]


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


def batch_plan(lengths: np.ndarray, batch_size: int, rng: np.random.Generator | None = None) -> list[np.ndarray]:
    """Indices of each batch: sorted by length, cut into ``batch_size`` pieces.

    With ``rng`` the ties between equal lengths are broken at random and the batches come in a
    random order, so every epoch sees different batches in a different order; without it the
    plan is deterministic (for prediction).
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    lengths = np.asarray(lengths)
    tiebreak = rng.random(len(lengths)) if rng is not None else np.arange(len(lengths))
    order = np.lexsort((tiebreak, lengths))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


def padded_tokens(sequences: Sequences, padding: str = "post") -> np.ndarray:
    """Pad a list of sequences to the longest one (``"pre"``: zeros in front; ``"post"``: after)."""
    if padding not in ("pre", "post"):
        raise ValueError(f"padding must be 'pre' or 'post', not {padding!r}")
    tokens, starts, lengths = _flatten(sequences)
    return _fill(tokens, starts, lengths, int(lengths.max(initial=0)), padding)


def sorted_batches(
    sequences: Sequences,
    labels: Sequence[int] | np.ndarray,
    batch_size: int = 512,
    *,
    padding: str = "pre",
    shuffle: bool = True,
    seed: int = 0,
):
    """A ``tf.data.Dataset`` of ``(tokens, labels)`` batches of phrases of similar length, padded per batch.

    ``sequences`` are lists of word indices (the vectoriser's ``texts_to_sequences``), unpadded.
    An empty sequence (every word unknown) is kept as one padding token, as a padded matrix
    would show it to the model.
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
        for index in batch_plan(lengths, batch_size, rng):
            width = int(lengths[index].max())
            yield _fill(tokens, starts[index], lengths[index], width, padding), labels[index]

    n_batches = -(-len(labels) // batch_size)
    dataset = tf.data.Dataset.from_generator(
        batches,
        output_signature=(tf.TensorSpec((None, None), tf.int32), tf.TensorSpec((None,), tf.int32)),
    )
    return dataset.apply(tf.data.experimental.assert_cardinality(n_batches)).prefetch(2)


# ----------------------------------------------------------------------------------- prefixes


@dataclass
class PrefixPacks:
    """The sequences to read, and where in them each original phrase can be read.

    ``sequences[pack_of[i]][: position_of[i] + 1]`` is phrase ``i``'s sequence. An empty
    phrase (every word unknown) is read from a sequence made of one padding token.
    """

    sequences: list[np.ndarray]
    pack_of: np.ndarray  # int64, one entry per phrase
    position_of: np.ndarray  # int64, one entry per phrase: the index of its last token

    @property
    def n_phrases(self) -> int:
        return len(self.pack_of)

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
    """Keep only the sequences that are not a prefix of another; map every phrase to where it is read.

    The trick: sort the distinct sequences. A sequence that is a prefix of another one is then
    a prefix of the very next one in sorted order, and walking the sorted list backwards carries
    each longest sequence down to all its prefixes. Identical sequences (two phrases that
    differ only by dropped words) share one place; both labels are kept.
    """
    keys = [tuple(int(t) for t in s) if len(s) else (0,) for s in sequences]
    distinct = sorted(set(keys))
    leaf_of: dict[tuple[int, ...], int] = {}
    packs: list[np.ndarray] = []
    following: tuple[int, ...] | None = None
    for key in reversed(distinct):
        if following is not None and following[: len(key)] == key:
            leaf_of[key] = leaf_of[following]
        else:
            leaf_of[key] = len(packs)
            packs.append(np.asarray(key, dtype=np.int32))
        following = key
    pack_of = np.fromiter((leaf_of[k] for k in keys), dtype=np.int64, count=len(keys))
    position_of = np.fromiter((len(k) - 1 for k in keys), dtype=np.int64, count=len(keys))
    return PrefixPacks(packs, pack_of, position_of)


class _Targets:
    """For each pack, the positions to read and the phrases read there (flat arrays, grouped by pack)."""

    def __init__(self, packs: PrefixPacks) -> None:
        order = np.argsort(packs.pack_of, kind="stable")
        self.phrase = order  # phrase indices grouped by pack
        self.position = packs.position_of[order].astype(np.int32)
        self.count = np.bincount(packs.pack_of, minlength=len(packs.sequences))
        self.start = np.zeros(len(self.count), dtype=np.int64)
        np.cumsum(self.count[:-1], out=self.start[1:])

    def batch(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(positions, phrases, weights)``, each ``(len(index), most targets)``; weights are 0 where padded."""
        counts = self.count[index]
        width = int(counts.max())
        rows = np.repeat(np.arange(len(index)), counts)
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        source = np.repeat(self.start[index], counts) + within
        positions = np.zeros((len(index), width), dtype=np.int32)
        phrases = np.full((len(index), width), -1, dtype=np.int64)
        weights = np.zeros((len(index), width), dtype=np.float32)
        positions[rows, within] = self.position[source]
        phrases[rows, within] = self.phrase[source]
        weights[rows, within] = 1.0
        return positions, phrases, weights


def prefix_batches(
    packs: PrefixPacks,
    labels: Sequence[int] | np.ndarray,
    batch_size: int = 512,
    *,
    shuffle: bool = True,
    seed: int = 0,
):
    """A ``tf.data.Dataset`` of ``({"tokens", "positions"}, labels, weights)`` for :func:`prefix_reader` models.

    ``tokens`` is ``(batch, longest)``, padded at the end; ``positions``, ``labels`` and
    ``weights`` are ``(batch, most phrases in one sequence)``: row ``r`` asks for the model's
    prediction at each listed position of sequence ``r``, with weight 0 for filler entries.
    Compile the model with a loss whose ``reduction="mean_with_sample_weight"``, so each batch's
    loss is the mean over its real phrases.
    """
    import tensorflow as tf

    labels = np.asarray(labels, dtype=np.int32)
    if len(labels) != packs.n_phrases:
        raise ValueError(f"{packs.n_phrases} phrases in the packs but {len(labels)} labels")
    tokens, starts, lengths = _flatten(packs.sequences)
    targets = _Targets(packs)
    rng = np.random.default_rng(seed) if shuffle else None

    def batches() -> Iterator[tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]]:
        for index in batch_plan(lengths, batch_size, rng):
            positions, phrases, weights = targets.batch(index)
            x = {"tokens": _fill(tokens, starts[index], lengths[index], int(lengths[index].max()), "post"), "positions": positions}
            yield x, np.where(phrases >= 0, labels[np.maximum(phrases, 0)], 0).astype(np.int32), weights

    spec = tf.TensorSpec((None, None), tf.int32)
    dataset = tf.data.Dataset.from_generator(
        batches,
        output_signature=({"tokens": spec, "positions": spec}, spec, tf.TensorSpec((None, None), tf.float32)),
    )
    n_batches = -(-len(packs.sequences) // batch_size)
    return dataset.apply(tf.data.experimental.assert_cardinality(n_batches)).prefetch(2)


def predict_packs(model, packs: PrefixPacks, batch_size: int = 1024) -> np.ndarray:
    """``(n_phrases, classes)`` probabilities from a prefix-reader model, in the phrases' order."""
    tokens, starts, lengths = _flatten(packs.sequences)
    targets = _Targets(packs)
    out: np.ndarray | None = None
    for index in batch_plan(lengths, batch_size):
        positions, phrases, _ = targets.batch(index)
        x = {"tokens": _fill(tokens, starts[index], lengths[index], int(lengths[index].max()), "post"), "positions": positions}
        probabilities = np.asarray(model.predict_on_batch(x))
        if out is None:
            out = np.zeros((packs.n_phrases, probabilities.shape[-1]), dtype=np.float32)
        real = phrases >= 0
        out[phrases[real]] = probabilities[real]
    assert out is not None
    return out


def predict_sorted(model, sequences: Sequences, batch_size: int = 1024, padding: str = "pre") -> np.ndarray:
    """``(n, classes)`` probabilities for a one-output-per-phrase model, in the phrases' order, with sorted batches."""
    tokens, starts, lengths = _flatten([s if len(s) else [0] for s in sequences])
    out: np.ndarray | None = None
    for index in batch_plan(lengths, batch_size):
        x = _fill(tokens, starts[index], lengths[index], int(lengths[index].max()), padding)
        probabilities = np.asarray(model.predict_on_batch(x))
        if out is None:
            out = np.zeros((len(sequences), probabilities.shape[-1]), dtype=np.float32)
        out[index] = probabilities
    assert out is not None
    return out
