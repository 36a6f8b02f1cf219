"""LSTMs on parse trees: the binary Tree-LSTM of Tai, Socher and Manning (2015), from one node to a batch.

Every node of a treebank tree is a labelled phrase, and a phrase's children are the two phrases it is
made of. A Tree-LSTM computes each node's state from its two children's, as a chain LSTM computes a
step from the previous one, with one forget gate *per child*, so a node can keep what its left part
said and drop its right part. For a node with children ``l`` and ``r`` (a leaf has none: zeros) and
input ``x`` (a leaf's word vector; zeros for an inner node, which has no word of its own)::

    z = x W + h_l U_l + h_r U_r + b          five blocks of `units`: i, f_l, f_r, o, u
    c = sigmoid(i) * tanh(u) + sigmoid(f_l) * c_l + sigmoid(f_r) * c_r
    h = sigmoid(o) * tanh(c)

:func:`node_step` is that, in NumPy, for one node; :func:`tree_states` applies it recursively to a
tree. :class:`TreeLSTM` is the same computation for many trees at once in TensorFlow: the nodes of a
batch of trees are sorted by *level* (a leaf is level 0, a node one more than its higher child), so all
nodes of a level depend only on lower levels and are computed in one step, however many trees they come
from. :func:`encode` lays trees out that way.

Kaggle's files have no trees, only each sentence's phrases; :func:`rebuild_tree` puts a sentence's
tree back together from the phrases known to exist (every inner node is a phrase made of two others).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from course_utils.data.treebank import Node

GATES = ("i", "f_l", "f_r", "o", "u")  # the order of the five blocks in W, U_l, U_r and b
NO_WORD, UNKNOWN = 0, 1  # word indices: an inner node's "word", and a word outside the vocabulary


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass
class Weights:
    """A Tree-LSTM's parameters: ``W`` (inputs, 5 units), ``U_l`` and ``U_r`` (units, 5 units), ``b`` (5 units)."""

    W: np.ndarray
    U_l: np.ndarray
    U_r: np.ndarray
    b: np.ndarray

    @property
    def units(self) -> int:
        return self.U_l.shape[0]


def node_step(x: np.ndarray, left: tuple[np.ndarray, np.ndarray], right: tuple[np.ndarray, np.ndarray],
              weights: Weights) -> tuple[np.ndarray, np.ndarray]:
    """``(h, c)`` of one node from its input ``x`` and its children's ``(h, c)``; each may be a batch of rows."""
    (h_l, c_l), (h_r, c_r) = left, right
    z = x @ weights.W + h_l @ weights.U_l + h_r @ weights.U_r + weights.b
    i, f_l, f_r, o, u = np.split(z, 5, axis=-1)
    c = _sigmoid(i) * np.tanh(u) + _sigmoid(f_l) * c_l + _sigmoid(f_r) * c_r
    return _sigmoid(o) * np.tanh(c), c


def _two_children(node: Node) -> list[Node]:
    """An inner node's children, or a clear error where the tree is not binary (this Tree-LSTM needs two)."""
    if len(node.children) != 2:
        raise ValueError(f"a binary Tree-LSTM needs two children per inner node, not {len(node.children)}")
    return node.children


def tree_states(tree: Node, vectors: Mapping[str, np.ndarray] | np.ndarray, weights: Weights,
                index: Mapping[str, int] | None = None, key=None) -> list[tuple[Node, np.ndarray, np.ndarray]]:
    """Every node's ``(node, h, c)``, children before parents, computed one node at a time.

    ``vectors`` is the word embedding: a matrix whose rows ``index`` names (row 0 for inner nodes is
    never read), or a mapping from word to vector. ``key`` turns a word into what ``index`` is keyed by.
    """
    units = weights.units
    zero = np.zeros(units)
    width = weights.W.shape[0]
    out: list[tuple[Node, np.ndarray, np.ndarray]] = []

    def visit(node: Node) -> tuple[np.ndarray, np.ndarray]:
        if node.word is not None:
            if index is None:
                x = np.asarray(vectors[node.word])
            else:
                x = np.asarray(vectors[index.get(key(node.word) if key else node.word, UNKNOWN)])
            state = node_step(x, (zero, zero), (zero, zero), weights)
        else:
            left, right = (visit(child) for child in _two_children(node))
            state = node_step(np.zeros(width), left, right, weights)
        out.append((node, *state))
        return state

    visit(tree)
    return out


@dataclass
class Encoded:
    """Many trees as flat arrays, their nodes sorted by level: what :class:`TreeLSTM` reads.

    Node ``k`` (0-based) of the batch is row ``k + 1`` of the state the layer builds; row 0 is the
    zero state of a missing child. ``left`` and ``right`` hold those row numbers (0 for a leaf).
    Level ``j``'s nodes are ``starts[j]`` to ``starts[j + 1] - 1``. ``roots[t]`` is tree ``t``'s root.
    """

    words: np.ndarray  # (n,) word index of each leaf; NO_WORD for inner nodes
    left: np.ndarray  # (n,) the left child's row, 0 for none
    right: np.ndarray  # (n,)
    labels: np.ndarray  # (n,) each node's sentiment label
    starts: np.ndarray  # (levels + 1,)
    roots: np.ndarray  # (trees,) the root's node number
    nodes: list[Node]  # the nodes, in the same order

    @property
    def n_nodes(self) -> int:
        return len(self.words)


def encode(trees: Iterable[Node], index: Mapping[str, int], key=None) -> Encoded:
    """Lay ``trees`` out level by level (see :class:`Encoded`); words missing from ``index`` become UNKNOWN.

    ``key``, when given, turns each word into what ``index`` is keyed by (:func:`normalise`, say).
    """
    level_of: dict[int, int] = {}
    every: list[Node] = []
    roots: list[Node] = []

    def visit(node: Node) -> int:
        if node.word is not None:
            level = 0
        else:
            level = 1 + max(visit(child) for child in _two_children(node))
        level_of[id(node)] = level
        every.append(node)
        return level

    for tree in trees:
        visit(tree)
        roots.append(tree)
    order = sorted(range(len(every)), key=lambda k: level_of[id(every[k])])  # stable: ties keep tree order
    nodes = [every[k] for k in order]
    row = {id(node): position + 1 for position, node in enumerate(nodes)}
    words = np.array([NO_WORD if node.word is None else index.get(key(node.word) if key else node.word, UNKNOWN)
                      for node in nodes], "int32")
    left = np.array([row[id(node.children[0])] if node.children else 0 for node in nodes], "int32")
    right = np.array([row[id(node.children[1])] if node.children else 0 for node in nodes], "int32")
    levels = np.array([level_of[id(node)] for node in nodes])
    starts = np.searchsorted(levels, np.arange(levels.max() + 2 if len(levels) else 1)).astype("int32")
    return Encoded(words, left, right, np.array([node.label for node in nodes], "int32"), starts,
                   np.array([row[id(tree)] - 1 for tree in roots], "int32"), nodes)


def tree_lstm_layer(units: int):
    """A Keras layer: ``(vectors, left, right, starts) -> (h, c)`` for every node, one level at a time.

    ``vectors`` is ``(n, features)``: each node's input (zeros for inner nodes). The loop runs once per
    level, not once per node: a batch of trees costs as many steps as its tallest tree is high.
    """
    import keras
    import tensorflow as tf

    class TreeLSTM(keras.layers.Layer):
        def __init__(self, units: int, **kwargs) -> None:
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape) -> None:
            features = input_shape[0][-1]
            self.W = self.add_weight(shape=(features, 5 * units), initializer="glorot_uniform", name="W")
            self.U_l = self.add_weight(shape=(units, 5 * units), initializer="orthogonal", name="U_l")
            self.U_r = self.add_weight(shape=(units, 5 * units), initializer="orthogonal", name="U_r")
            self.b = self.add_weight(shape=(5 * units,), initializer="zeros", name="b")

        def call(self, inputs):
            vectors, left, right, starts = inputs
            projected = tf.matmul(vectors, self.W) + self.b  # every node's input term, in one product
            zero = tf.zeros((1, units), vectors.dtype)

            def level(j, h, c):
                start, end = starts[j], starts[j + 1]
                l_rows, r_rows = left[start:end], right[start:end]
                h_l, c_l = tf.gather(h, l_rows), tf.gather(c, l_rows)
                h_r, c_r = tf.gather(h, r_rows), tf.gather(c, r_rows)
                z = projected[start:end] + tf.matmul(h_l, self.U_l) + tf.matmul(h_r, self.U_r)
                i, f_l, f_r, o, u = tf.split(z, 5, axis=-1)
                c_new = tf.sigmoid(i) * tf.tanh(u) + tf.sigmoid(f_l) * c_l + tf.sigmoid(f_r) * c_r
                h_new = tf.sigmoid(o) * tf.tanh(c_new)
                return j + 1, tf.concat([h, h_new], 0), tf.concat([c, c_new], 0)

            shape = tf.TensorShape([None, units])
            _, h, c = tf.while_loop(lambda j, h, c: j < tf.shape(starts)[0] - 1, level, (0, zero, zero),
                                    shape_invariants=(tf.TensorShape([]), shape, shape))
            return h[1:], c[1:]

        def get_config(self) -> dict:
            return {**super().get_config(), "units": self.units}

    return TreeLSTM(units)


# ------------------------------------------------------------------------------ trees from Kaggle's phrases

@dataclass(frozen=True)
class Rebuilt:
    """A sentence's tree rebuilt from phrases (unlabelled: every label is -1) and how it was found.

    ``exact_order`` is True when the tree lists the sentence's new phrases in exactly Kaggle's order;
    False when no such tree exists (or the search gave up) and the greedy split below was used.
    """

    tree: Node
    exact_order: bool


def rebuild_tree(listed: list[str], earlier: set[str] | frozenset[str] = frozenset(), *,
                 budget: int = 20_000) -> Rebuilt:
    """The binary tree of a sentence from its phrases as Kaggle lists them, and the phrases listed before it.

    ``listed`` is the sentence's rows in PhraseId order: the sentence first, then each phrase the file
    had not listed yet, in pre-order (a node, its left subtree, its right subtree). ``earlier`` holds the
    phrases of the sentences listed before, which this one may contain without listing them again.
    Every inner node is a phrase of the two; a single word may be one too. The search splits each span in
    two and keeps the split whose pre-order of new phrases matches ``listed`` exactly, backtracking when a
    choice fails further on; after ``budget`` steps, or when nothing matches, each span is split greedily
    (the first known left part Kaggle lists, else the longest).
    """
    words = listed[0].split(" ")
    new = set(listed)
    rank = {phrase: k for k, phrase in reversed(list(enumerate(listed)))}
    steps = 0

    class GiveUp(Exception):
        pass

    def phrase(a: int, b: int) -> str:
        return " ".join(words[a:b])

    def allowed(a: int, b: int) -> bool:
        return b - a == 1 or phrase(a, b) in new or phrase(a, b) in earlier

    def splits(a: int, b: int, *, every: bool = False) -> list[int]:
        """Split points of words[a:b]: both parts known first (the first listed left part first, then the
        longest); with ``every``, then the others (a part the files never list: Kaggle left out a few)."""
        order = sorted(range(a + 1, b), key=lambda k: (not (allowed(a, k) and allowed(k, b)),
                                                       rank.get(phrase(a, k), len(rank)), -(k - a)))
        return order if every else [k for k in order if allowed(a, k) and allowed(k, b)]

    dead: set[tuple[int, int, int]] = set()  # (a, b, at): spans that have no parse from that point of the listing

    def parses(a: int, b: int, at: int) -> Iterator[tuple[Node, int]]:
        """Each subtree of words[a:b] whose new phrases continue the listing from ``at``, with where it ends."""
        nonlocal steps
        steps += 1
        if steps > budget:
            raise GiveUp
        if (a, b, at) in dead:
            return
        text, start, any_found = phrase(a, b), at, False
        if text in new and rank[text] >= at:  # not listed yet: it must be the next phrase listed
            if at >= len(listed) or listed[at] != text:
                dead.add((a, b, start))
                return
            at += 1
        if b - a == 1:
            yield Node(label=-1, word=words[a]), at
            return
        for k in splits(a, b, every=True):
            for left, middle in parses(a, k, at):
                for right, end in parses(k, b, middle):
                    any_found = True
                    yield Node(label=-1, children=[left, right]), end
        if not any_found:
            dead.add((a, b, start))

    def greedy(a: int, b: int) -> Node:
        if b - a == 1:
            return Node(label=-1, word=words[a])
        k = (splits(a, b) or [a + 1])[0]
        return Node(label=-1, children=[greedy(a, k), greedy(k, b)])

    try:
        for tree, end in parses(0, len(words), 0):
            if end == len(listed):
                return Rebuilt(tree, True)
    except GiveUp:
        pass
    return Rebuilt(greedy(0, len(words)), False)


def same_shape(a: Node, b: Node) -> bool:
    """True when two trees split the same words in the same places (labels ignored)."""
    if (a.word is None) != (b.word is None):
        return False
    if a.word is not None:
        return a.word == b.word
    return len(a.children) == len(b.children) and all(same_shape(x, y) for x, y in zip(a.children, b.children))


# ------------------------------------------------------------------------------ training on the treebank

def normalise(word: str) -> str:
    """A leaf's word as the vocabulary stores it: accents folded as Kaggle's text, lower case."""
    from course_utils.data.treebank import fold_accents

    return fold_accents(word).lower()


def word_index(trees: Iterable[Node]) -> dict[str, int]:
    """Every word of the trees, most frequent first, numbered from 2 (0: no word, 1: unknown)."""
    from collections import Counter

    counts = Counter(normalise(word) for tree in trees for word in tree.leaves())
    return {word: k + 2 for k, (word, _) in enumerate(counts.most_common())}


def encode_words(trees: Iterable[Node], index: Mapping[str, int]) -> Encoded:
    """:func:`encode` with each leaf's word normalised first (:func:`normalise`)."""
    return encode(trees, index, key=normalise)


def tree_classifier(vocabulary: int, *, embedding: int = 128, units: int = 128, dropout: float = 0.3):
    """Embedding -> Tree-LSTM -> a label for every node: a Keras model called on ``(words, left, right, starts)``.

    An inner node's input is zeros (its word index is 0), so its state comes from its children alone.
    """
    import keras

    class TreeClassifier(keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.embed = keras.layers.Embedding(vocabulary, embedding)
            self.tree = tree_lstm_layer(units)
            self.drop = keras.layers.Dropout(dropout)
            self.head = keras.layers.Dense(5)

        def call(self, inputs, training=False):
            words, left, right, starts = inputs
            x = self.embed(words) * keras.ops.expand_dims(keras.ops.cast(words > 0, "float32"), -1)
            h, _ = self.tree((self.drop(x, training=training), left, right, starts))
            return self.head(self.drop(h, training=training))  # logits

    return TreeClassifier()


def fit_trees(model, train: list[Node], index: Mapping[str, int], *, epochs: int, trees_per_batch: int = 25,
              learning_rate: float = 2e-3, seed: int = 0, after_epoch=None) -> list[float]:
    """Train ``model`` on every node's label of ``train``, ``trees_per_batch`` trees a step; seconds per epoch.

    One line an epoch. ``after_epoch(epoch)`` may return a dict of numbers to print on that line (held-out
    accuracy, say); its time is not counted. The step is one ``tf.function`` with unknown sizes, so batches of
    any shape reuse one graph.
    """
    import time

    import keras
    import tensorflow as tf

    optimizer = keras.optimizers.Adam(learning_rate)
    spec = [tf.TensorSpec([None], tf.int32)] * 5

    @tf.function(input_signature=spec)
    def step(words, left, right, starts, labels):
        with tf.GradientTape() as tape:
            logits = model((words, left, right, starts), training=True)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    rng = np.random.default_rng(seed)
    seconds = []
    for epoch in range(epochs):
        order = rng.permutation(len(train))
        start, losses = time.perf_counter(), []
        for first in range(0, len(order), trees_per_batch):
            batch = encode_words([train[k] for k in order[first:first + trees_per_batch]], index)
            losses.append(float(step(batch.words, batch.left, batch.right, batch.starts, batch.labels)))
        seconds.append(time.perf_counter() - start)
        extra = after_epoch(epoch) if after_epoch else {}
        shown = "".join(f"  {name} {value:.4f}" for name, value in (extra or {}).items())
        width = len(str(epochs))
        line = f"epoch {epoch + 1:>{width}}/{epochs}  {seconds[-1]:6.1f} s  loss {np.mean(losses):.4f}{shown}"
        print(line, flush=True)
    print(f"trained {epochs} epochs in {sum(seconds):.1f} s", flush=True)
    return seconds


def predict_nodes(model, trees: list[Node], index: Mapping[str, int], *, trees_per_batch: int = 200
                  ) -> list[tuple[Node, np.ndarray]]:
    """Every node of ``trees`` with the model's five probabilities for it, tree by tree in pre-order."""
    import tensorflow as tf

    forward = getattr(model, "_course_tree_forward", None)
    if forward is None:  # one graph per model, whatever the batch's shape (and not one per call)
        spec = [tf.TensorSpec([None], tf.int32)] * 4
        forward = tf.function(lambda *x: tf.nn.softmax(model(x, training=False)), input_signature=spec)
        model._course_tree_forward = forward
    found: dict[int, np.ndarray] = {}
    for first in range(0, len(trees), trees_per_batch):
        batch = encode_words(trees[first:first + trees_per_batch], index)
        probabilities = forward(batch.words, batch.left, batch.right, batch.starts).numpy()
        found.update({id(node): p for node, p in zip(batch.nodes, probabilities)})
    return [(node, found[id(node)]) for tree in trees for node in tree.preorder()]


def phrase_text(node: Node) -> str:
    """A node's phrase as Kaggle's files write it: its words joined by spaces, accents folded."""
    from course_utils.data.treebank import fold_accents

    return fold_accents(" ".join(node.leaves()))


def row_predictions(model, trees: list[Node], index: Mapping[str, int], frame):
    """The predicted class of each row of a Kaggle phrase table ``frame``, read off the node of ``trees`` whose text
    (:func:`phrase_text`) is the row's phrase (the first such node); NaN where no node of ``trees`` is that phrase."""
    predicted: dict[str, int] = {}
    for node, probabilities in predict_nodes(model, trees, index):
        predicted.setdefault(phrase_text(node), int(probabilities.argmax()))
    return frame["Phrase"].map(predicted)


def split_trees(trees: Iterable[Node], held_out) -> tuple[list[Node], list[Node]]:
    """``(train, held)``: the trees of a Kaggle table's held-out sentences go to ``held``, every other to ``train``.

    A tree belongs to a sentence when its text (:func:`phrase_text`) is the sentence's first row, which is how
    Kaggle lists a sentence before its phrases; so notebook 07 and ``make bench`` hold out notebook 06's sentences.
    """
    sentences = set(held_out.sort_values("PhraseId").groupby("SentenceId")["Phrase"].first())
    train: list[Node] = []
    held: list[Node] = []
    for tree in trees:
        (held if phrase_text(tree) in sentences else train).append(tree)
    return train, held


def rebuild_table(frame) -> Iterator[tuple[list[str], Rebuilt]]:
    """Each sentence of a Kaggle phrase table, in SentenceId order: its rows as listed, and its rebuilt tree.

    A sentence may hold phrases that an earlier sentence of the same table listed (Kaggle kept each phrase once
    per file), so each one is rebuilt knowing the phrases listed before it.
    """
    earlier: set[str] = set()
    for _, rows in frame.sort_values("PhraseId").groupby("SentenceId", sort=True):
        listed = list(rows["Phrase"])
        yield listed, rebuild_tree(listed, earlier)
        earlier.update(listed)
