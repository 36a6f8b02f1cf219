"""The binary Tree-LSTM (course_utils.trees): one node by hand, NumPy equal to the batched layer, and trees
rebuilt from Kaggle-style phrase tables (the committed sample's, and the real train.tsv when it is there)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from course_utils import trees
from course_utils.config import SAMPLE_DIR
from course_utils.data.treebank import Node, fold_accents, parse_tree, phrase_rows, read_trees

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
UNITS = 6


def sample_trees() -> list[Node]:
    return read_trees(SAMPLE_DIR / "train.txt")


def random_weights(features: int, units: int = UNITS, seed: int = 0) -> trees.Weights:
    rng = np.random.default_rng(seed)
    return trees.Weights(rng.normal(0, 0.5, (features, 5 * units)), rng.normal(0, 0.5, (units, 5 * units)),
                         rng.normal(0, 0.5, (units, 5 * units)), rng.normal(0, 0.5, 5 * units))


def test_a_node_with_zero_weights_averages_its_childrens_memory():
    """All weights 0: every gate is sigmoid(0) = 0.5 and the candidate tanh(0) = 0, so c = (c_l + c_r) / 2."""
    zero = trees.Weights(np.zeros((3, 5 * 2)), np.zeros((2, 10)), np.zeros((2, 10)), np.zeros(10))
    c_l, c_r = np.array([1.0, -2.0]), np.array([3.0, 0.0])
    h, c = trees.node_step(np.zeros(3), (np.ones(2), c_l), (np.ones(2), c_r), zero)
    np.testing.assert_allclose(c, [2.0, -1.0])
    np.testing.assert_allclose(h, 0.5 * np.tanh([2.0, -1.0]))


def test_each_child_has_its_own_forget_gate():
    """A large f_l bias and a very negative f_r bias keep the left child's memory and drop the right one's."""
    units = 2
    b = np.zeros(5 * units)
    b[units:2 * units], b[2 * units:3 * units] = 20.0, -20.0  # blocks i, f_l, f_r, o, u
    b[4 * units:] = 0.0  # u = 0: nothing new is written
    weights = trees.Weights(np.zeros((1, 10)), np.zeros((2, 10)), np.zeros((2, 10)), b)
    _, c = trees.node_step(np.zeros(1), (np.zeros(2), np.array([0.7, -0.3])), (np.zeros(2), np.array([5.0, 5.0])),
                           weights)
    np.testing.assert_allclose(c, [0.7, -0.3], atol=1e-6)


def test_encode_orders_nodes_by_level_and_points_at_children_below():
    tree = parse_tree("(3 (2 (2 a) (2 good)) (3 film))")
    encoded = trees.encode([tree, parse_tree("(1 dull)")], {"a": 2, "good": 3, "film": 4})
    levels = [0, 0, 0, 0, 1, 2]  # four leaves (a, good, film, dull), then (a good), then the root
    assert encoded.starts.tolist() == [0, 4, 5, 6] and encoded.n_nodes == len(levels)
    words = [node.word for node in encoded.nodes[:4]]
    assert words == ["a", "good", "film", "dull"] and encoded.words.tolist()[:4] == [2, 3, 4, trees.UNKNOWN]
    assert encoded.left.tolist() == [0, 0, 0, 0, 1, 5] and encoded.right.tolist() == [0, 0, 0, 0, 2, 3]
    assert encoded.roots.tolist() == [5, 3] and encoded.labels.tolist() == [2, 2, 3, 1, 2, 3]
    with pytest.raises(ValueError, match="two children"):
        trees.encode([parse_tree("(2 (2 a) (2 b) (2 c))")], {})
    with pytest.raises(ValueError, match="two children"):  # the NumPy nodes say the same
        trees.tree_states(parse_tree("(2 (2 a) (2 b) (2 c))"), np.zeros((3, 4)), random_weights(4), {})


def test_the_batched_layer_equals_the_numpy_tree_lstm_on_many_trees_at_once():
    """The d2l-style proof: the same weights, one node at a time in NumPy and all levels of 60 trees in TensorFlow."""
    batch = sample_trees()[:60]
    vocabulary = sorted({word for tree in batch for word in tree.leaves()})
    index = {word: k + 2 for k, word in enumerate(vocabulary[: len(vocabulary) // 2])}  # half unknown on purpose
    rng = np.random.default_rng(1)
    embedding = rng.normal(size=(len(index) + 2, 8)).astype("float32")
    embedding[trees.NO_WORD] = 0.0
    encoded = trees.encode(batch, index)
    layer = trees.tree_lstm_layer(UNITS)
    h, c = layer((embedding[encoded.words], encoded.left, encoded.right, encoded.starts))
    weights = trees.Weights(*[w.numpy().astype("float64") for w in layer.weights])
    row = {id(node): k for k, node in enumerate(encoded.nodes)}
    compared = 0
    for tree in batch:
        for node, h_node, c_node in trees.tree_states(tree, embedding.astype("float64"), weights, index):
            np.testing.assert_allclose(h.numpy()[row[id(node)]], h_node, atol=1e-5)
            np.testing.assert_allclose(c.numpy()[row[id(node)]], c_node, atol=1e-5)
            compared += 1
    assert compared == encoded.n_nodes
    assert len(encoded.starts) - 1 < compared / len(batch)  # fewer level steps than nodes per tree: the point


def _rebuilt_share(train: pd.DataFrame, originals: dict[str, Node]) -> tuple[int, int]:
    """(sentences matched to a tree, rebuilt with exactly its shape), reading the table as Kaggle lists it."""
    matched = exact = 0
    for listed, rebuilt in trees.rebuild_table(train):
        if listed[0] in originals:
            matched += 1
            exact += trees.same_shape(rebuilt.tree, originals[listed[0]])
    return matched, exact


def test_trees_rebuilt_from_the_samples_phrase_table():
    """The sample's table is built from its trees as Kaggle built train.tsv (each phrase once): the sentences
    whose first row is the whole sentence (not those the table had already listed inside an earlier one) come back."""
    originals = sample_trees()
    train = phrase_rows(originals)
    sentences = {" ".join(t.leaves()) for t in originals}
    firsts = train.sort_values("PhraseId").groupby("SentenceId")["Phrase"].first()
    matched, exact = _rebuilt_share(train, {" ".join(t.leaves()): t for t in originals})
    assert matched == sum(phrase in sentences for phrase in firsts) >= 0.95 * len(originals)
    # Measured on 2026-12-02: 681 of 700. The other 19 are trees that list the same phrases in the same order as the
    # real one (another split the table cannot tell apart): rebuild_tree found one such tree for every sentence.
    assert exact >= 0.95 * matched, f"only {exact} of {matched} sample sentences rebuilt exactly"
    for listed, rebuilt in trees.rebuild_table(train):
        assert rebuilt.exact_order, f"no tree lists {listed[0]!r}'s phrases in order"


def test_split_trees_holds_out_the_trees_of_held_out_sentences():
    from course_utils import validation

    originals = sample_trees()
    train_rows, held_out = validation.split_by_sentence(phrase_rows(originals))
    train, held = trees.split_trees(originals, held_out)
    assert len(train) + len(held) == len(originals) and held and train
    held_sentences = set(held_out.sort_values("PhraseId").groupby("SentenceId")["Phrase"].first())
    assert {trees.phrase_text(t) for t in held} <= held_sentences
    # No training tree is a held-out sentence, and no training sentence's tree is held out.
    assert not {trees.phrase_text(t) for t in train} & held_sentences
    assert not {trees.phrase_text(t) for t in held} & set(train_rows["Phrase"])


def test_a_span_no_known_phrase_explains_is_still_split():
    rebuilt = trees.rebuild_tree(["a b c d"], set())
    assert rebuilt.tree.leaves() == ["a", "b", "c", "d"] and rebuilt.exact_order


def test_rebuild_follows_the_listing_order():
    """Two trees fit the words; the listing's pre-order ((a b) before c) picks one."""
    left_first = trees.rebuild_tree(["a b c", "a b"]).tree
    assert [child.leaves() for child in left_first.children] == [["a", "b"], ["c"]]
    right_first = trees.rebuild_tree(["a b c", "b c"]).tree
    assert [child.leaves() for child in right_first.children] == [["a"], ["b", "c"]]


@pytest.mark.skipif(not (SHARED / "kaggle-movie-reviews" / "train.tsv").is_file(),
                    reason="needs ../shared/data (Kaggle's train.tsv and the treebank's train trees)")
def test_trees_rebuilt_from_kaggles_train_tsv():
    """Measured on 2026-12-02: 8,442 of train.tsv's sentences match a train tree; 7,026 (83.2%) come back exactly."""

    def folded(node: Node) -> Node:
        if node.word is not None:
            return Node(label=node.label, word=fold_accents(node.word))
        return Node(label=node.label, children=[folded(child) for child in node.children])

    originals = {}
    for tree in read_trees(SHARED / "sst-ptb-trees" / "train.txt"):
        tree = folded(tree)
        originals[" ".join(tree.leaves())] = tree
    train = pd.read_csv(SHARED / "kaggle-movie-reviews" / "train.tsv", sep="\t", keep_default_na=False)
    matched, exact = _rebuilt_share(train, originals)
    assert matched >= 8_400
    assert exact / matched >= 0.82, f"{exact} of {matched} rebuilt exactly"


# --------------------------------------------------------------------- where notebook 07's trees come from

def test_load_train_trees_reads_the_sample_in_quick_mode(monkeypatch, capsys):
    from course_utils import config
    from course_utils.data import load_train_trees

    monkeypatch.setattr(config, "is_quick", lambda: True)
    found, from_sample = load_train_trees(allow_download=False)
    assert from_sample and len(found) == len(sample_trees())
    assert "quick mode always uses the sample" in capsys.readouterr().out


def test_load_train_trees_falls_back_to_the_sample_and_says_why(monkeypatch, tmp_path, capsys):
    from course_utils import config
    from course_utils.data import load_train_trees

    monkeypatch.setattr(config, "is_quick", lambda: False)
    monkeypatch.setenv("COURSE_SST_DIR", str(tmp_path))
    (tmp_path / "train.txt").write_text("(2 (2 not) (2 the))\n")  # a tree file, but not the treebank's (checksum)
    found, from_sample = load_train_trees(allow_download=False)
    assert from_sample and len(found) == len(sample_trees())
    assert f"no verified train.txt in {tmp_path} (offline)" in capsys.readouterr().out


@pytest.mark.skipif(not (SHARED / "sst-ptb-trees" / "train.txt").is_file(),
                    reason="needs ../shared/data/sst-ptb-trees/train.txt (the treebank's train trees)")
def test_load_train_trees_reads_the_treebank_in_full_mode(monkeypatch, capsys):
    from course_utils import config
    from course_utils.data import load_train_trees

    monkeypatch.setattr(config, "is_quick", lambda: False)
    monkeypatch.setenv("COURSE_SST_DIR", str(SHARED / "sst-ptb-trees"))
    found, from_sample = load_train_trees(allow_download=False)
    assert len(found) == 8_544 and not from_sample
    assert "(the sample" not in capsys.readouterr().out
