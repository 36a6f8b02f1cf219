"""Tests for the synthetic treebank generator (``course_utils.data.sample``).

The trees are checked with a small parser of their own, not ``course_utils.data.treebank``, so a
fault in one cannot hide a fault in the other.
"""
from __future__ import annotations

import hashlib
import random
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from course_utils.data import sample

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "data" / "sample"

NEGATORS = {"not", "n't", "never", "hardly", "barely", "no", "without", "lacks", "lack", "wastes", "waste"}
INTENSIFIERS = {"very", "really", "extremely", "quite", "so", "utterly", "truly", "incredibly",
                "genuinely", "deeply", "thoroughly", "surprisingly", "simply", "too", "most",
                "real", "utter", "well", "genuine", "total"}
DOWNTONERS = {"somewhat", "slightly", "fairly", "mildly", "rather", "occasionally", "mostly", "minor"}


# ---- a tiny tree parser, for the tests only ---------------------------------------------------

@dataclass
class T:
    label: int
    word: str | None
    kids: list[T]

    def leaves(self) -> list[str]:
        return [self.word] if self.word is not None else [w for k in self.kids for w in k.leaves()]

    def nodes(self) -> Iterator[T]:
        yield self
        for kid in self.kids:
            yield from kid.nodes()

    @property
    def lower(self) -> str | None:
        return self.word.lower() if self.word is not None else None


def parse(line: str) -> T:
    """Parse one labelled tree; raise AssertionError unless it is strictly binary with 0-4 labels."""
    tokens = line.replace("(", " ( ").replace(")", " ) ").split()
    pos = 0

    def node() -> T:
        nonlocal pos
        assert tokens[pos] == "(", f"expected '(' at token {pos}"
        label = tokens[pos + 1]
        assert label in {"0", "1", "2", "3", "4"}, f"bad label {label!r}"
        pos += 2
        if tokens[pos] not in ("(", ")"):
            result = T(int(label), tokens[pos], [])
            pos += 1
        else:
            kids = []
            while tokens[pos] == "(":
                kids.append(node())
            assert len(kids) == 2, f"a node with {len(kids)} children (trees must be strictly binary)"
            result = T(int(label), None, kids)
        assert tokens[pos] == ")", f"expected ')' at token {pos}"
        pos += 1
        return result

    tree = node()
    assert pos == len(tokens), "text after the end of the tree"
    return tree


def side(label: int) -> int:
    """-1, 0 or +1: which side of neutral a label is on."""
    return (label > 2) - (label < 2)


def distance(label: int) -> int:
    return abs(label - 2)


# ---- fixtures -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lines() -> list[str]:
    return sample.generate_treebank(sum(sample.SPLITS.values()), sample.DEFAULT_SEED)


@pytest.fixture(scope="module")
def trees(lines: list[str]) -> list[T]:
    return [parse(line) for line in lines]


@pytest.fixture(scope="module")
def inner_nodes(trees: list[T]) -> list[T]:
    return [node for tree in trees for node in tree.nodes() if node.word is None]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    directory = tmp_path_factory.mktemp("sample")
    return directory, sample.write_sample(directory)


# ---- format -----------------------------------------------------------------------------------

def test_every_line_is_a_strictly_binary_tree_labelled_at_every_node(lines: list[str]) -> None:
    for line in lines:
        assert "\n" not in line and line == line.strip()
        parse(line)  # asserts binary, labels 0-4, balanced brackets


def test_generate_sentence_tree_returns_one_tree_line() -> None:
    line = sample.generate_sentence_tree(random.Random(0))
    assert line.startswith("(") and line.endswith(")") and "\n" not in line
    parse(line)


def test_tokens_show_the_ptb_quirks_of_the_real_data(trees: list[T]) -> None:
    words = Counter(word for tree in trees for word in tree.leaves())
    for quirk in ("n't", "'s", ",", ".", "!", "?", "-LRB-", "-RRB-", "``", "''", "ca"):
        assert words[quirk] > 0, f"no {quirk!r} token in the sample"
    assert not any(w in words for w in ("isn't", "doesn't", "it's", "(", ")", '"'))
    accented = [tree for tree in trees if any(ord(c) > 127 for w in tree.leaves() for c in w)]
    assert 0 < len(accented) < 0.05 * len(trees), "accented words should appear, but rarely"
    assert 300 <= len({w.lower() for w in words}) <= 1500, "vocabulary should be a few hundred words"


def test_sentences_start_with_a_capital_letter(trees: list[T]) -> None:
    for tree in trees:
        first = tree.leaves()[0]
        if first[0].isalpha():
            assert first[0].isupper(), " ".join(tree.leaves())


def test_sentence_lengths_suit_padding_lessons(trees: list[T]) -> None:
    lengths = [len(tree.leaves()) for tree in trees]
    assert min(lengths) >= sample.MIN_TOKENS == 3
    assert max(lengths) <= sample.MAX_TOKENS == 30
    assert 12 <= statistics.mean(lengths) <= 18
    assert statistics.pstdev(lengths) > 4, "lengths should spread, not cluster"


# ---- determinism and distinctness ---------------------------------------------------------------

def test_same_seed_same_treebank_and_other_seed_another() -> None:
    first = sample.generate_treebank(60, seed=7)
    assert first == sample.generate_treebank(60, seed=7)
    assert first != sample.generate_treebank(60, seed=8)


def test_treebank_sentences_are_distinct(trees: list[T], lines: list[str]) -> None:
    texts = [" ".join(tree.leaves()) for tree in trees]
    assert len(texts) == len(set(texts)) == sum(sample.SPLITS.values())


# ---- files --------------------------------------------------------------------------------------

def test_write_sample_writes_splits_and_sorted_checksums(written: tuple[Path, dict[str, str]]) -> None:
    directory, sums = written
    assert sorted(sums) == ["dev.txt", "test.txt", "train.txt"]
    for name, digest in sums.items():
        data = (directory / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
        assert data.endswith(b"\n") and b"\r" not in data
        text = data.decode("utf-8")
        assert len(text.splitlines()) == sample.SPLITS[name.removesuffix(".txt")]
    listing = (directory / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert listing == [f"{sums[name]}  {name}" for name in sorted(sums)]


def test_splits_share_no_sentence(written: tuple[Path, dict[str, str]]) -> None:
    directory, _ = written
    seen: dict[str, str] = {}
    for name in ("train.txt", "dev.txt", "test.txt"):
        for line in (directory / name).read_text(encoding="utf-8").splitlines():
            text = " ".join(parse(line).leaves())
            assert text not in seen, f"{text!r} is in both {seen.get(text)} and {name}"
            seen[text] = name


def test_write_sample_is_byte_identical_for_a_seed(written: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    _, sums = written
    assert sample.write_sample(tmp_path / "again") == sums
    assert sample.write_sample(tmp_path / "other", seed=sample.DEFAULT_SEED + 1) != sums


def test_verify_passes_then_names_a_corrupted_file(written: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    directory = tmp_path / "copy"
    directory.mkdir()
    for path in written[0].iterdir():
        (directory / path.name).write_bytes(path.read_bytes())
    sample.verify_sample(directory)

    data = bytearray((directory / "dev.txt").read_bytes())
    data[10] = ord("0") if data[10] != ord("0") else ord("1")
    (directory / "dev.txt").write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"dev\.txt") as error:
        sample.verify_sample(directory)
    assert "python -m course_utils.data.sample" in str(error.value)


@pytest.mark.parametrize("missing", ["train.txt", "SHA256SUMS"])
def test_verify_names_a_missing_file(written: tuple[Path, dict[str, str]], tmp_path: Path, missing: str) -> None:
    for path in written[0].iterdir():
        if path.name != missing:
            (tmp_path / path.name).write_bytes(path.read_bytes())
    with pytest.raises(ValueError, match=missing) as error:
        sample.verify_sample(tmp_path)
    assert "python -m course_utils.data.sample" in str(error.value)


def test_committed_sample_is_what_the_generator_writes(written: tuple[Path, dict[str, str]]) -> None:
    if not (COMMITTED / "SHA256SUMS").is_file():
        pytest.skip("data/sample has not been generated yet")
    sample.verify_sample(COMMITTED)
    assert (COMMITTED / "SHA256SUMS").read_bytes() == (written[0] / "SHA256SUMS").read_bytes(), (
        "data/sample is stale: run `python -m course_utils.data.sample`")
    size = sum((COMMITTED / name).stat().st_size for name in ("train.txt", "dev.txt", "test.txt"))
    assert size < 300_000


# ---- composition: the labels follow the documented rules ---------------------------------------

def test_negation_flips_and_dampens(inner_nodes: list[T]) -> None:
    moved = Counter()
    for node in inner_nodes:
        left, right = node.kids
        if left.lower in NEGATORS and right.label != 2:
            if right.label > 2:
                assert node.label in (1, 2), f"{' '.join(node.leaves())!r}: {right.label} -> {node.label}"
            else:
                assert node.label in (2, 3), f"{' '.join(node.leaves())!r}: {right.label} -> {node.label}"
            moved[(right.label > 2, node.label)] += 1
    assert moved[(True, 1)] >= 10, "'not good' (positive -> 1) should be common"
    assert moved[(False, 3)] >= 10, "'not bad' (negative -> 3) should be common"
    assert moved[(False, 2)] >= 1, "'not terrible' (strong negative -> 2) should occur"


def test_intensifiers_push_away_from_neutral(inner_nodes: list[T]) -> None:
    stronger = 0
    seen = 0
    for node in inner_nodes:
        left, right = node.kids
        if left.lower in INTENSIFIERS and right.label != 2:
            seen += 1
            assert side(node.label) == side(right.label)
            assert distance(node.label) >= distance(right.label), " ".join(node.leaves())
            stronger += distance(node.label) > distance(right.label)
    assert seen >= 50 and stronger >= 20


def test_downtoners_pull_toward_neutral(inner_nodes: list[T]) -> None:
    seen = 0
    for node in inner_nodes:
        left, right = node.kids
        is_downtoner = left.lower in DOWNTONERS or [w.lower() for w in left.leaves()] == ["a", "bit"]
        if is_downtoner and right.label != 2:
            seen += 1
            assert side(node.label) in (0, side(right.label))
            assert distance(node.label) <= distance(right.label), " ".join(node.leaves())
    assert seen >= 20


def test_x_but_y_takes_the_side_of_y(inner_nodes: list[T]) -> None:
    seen = 0
    for node in inner_nodes:
        left, right = node.kids
        if right.word is None and right.kids[0].lower in ("but", "yet"):
            y = right.kids[1]
            assert right.label == y.label, "'but Y' carries Y's label"
            if y.label != 2:
                seen += 1
                assert side(node.label) == side(y.label), " ".join(node.leaves())
                assert abs(node.label - y.label) <= 1
    assert seen >= 50


def test_punctuation_keeps_the_label_and_exclamation_intensifies(inner_nodes: list[T]) -> None:
    for node in inner_nodes:
        left, right = node.kids
        if right.word in {".", ",", "?", "''", "-RRB-"}:
            assert node.label == left.label
        if left.word in {"``", "-LRB-"}:
            assert node.label == right.label
        if right.word == "!":
            assert side(node.label) in (0, side(left.label)) and distance(node.label) >= distance(left.label)


def test_neutral_words_are_neutral_leaves(trees: list[T]) -> None:
    neutral = {"the", "a", "film", "movie", "plot", "director", "script", "acting", "is", "'s",
               "of", "and", "but", "not", "n't", "very", ".", ","}
    for tree in trees:
        for node in tree.nodes():
            if node.lower in neutral:
                assert node.label == 2, node.word


def test_documented_examples() -> None:
    # _seq builds a right-branching phrase with the generator's own scoring (internal helper).
    examples = {
        "not good": 1, "not bad": 3, "not terrible": 2, "good": 3, "very good": 4,
        "somewhat good": 3, "somewhat predictable": 2, "very long": 1, "long": 2,
    }
    for phrase, label in examples.items():
        assert sample._seq(*phrase.split()).label == label, phrase
    contrast = sample._join(sample._seq("the acting is wooden"), sample._seq("but the score is lovely"))
    assert contrast.label == 3
    assert sample._join(sample._seq("the film is good"), ".").label == 3


# ---- distributions ------------------------------------------------------------------------------

def test_sentence_labels_are_spread(trees: list[T]) -> None:
    counts = Counter(tree.label for tree in trees)
    for label in range(5):
        share = counts[label] / len(trees)
        assert 0.05 <= share <= 0.4, f"label {label}: {share:.0%} of sentences"


def test_phrase_labels_look_like_the_real_ones(trees: list[T]) -> None:
    # Distinct phrases of the train split, as the Kaggle tables list them.
    train = trees[: sample.SPLITS["train"]]
    phrases: dict[str, int] = {}
    for tree in train:
        for node in tree.nodes():
            phrases.setdefault(" ".join(node.leaves()), node.label)
    assert 5_000 <= len(phrases) <= 12_000
    counts = Counter(phrases.values())
    ranked = [label for label, _ in counts.most_common()]
    assert ranked[0] == 2, counts
    assert set(ranked[-2:]) == {0, 4}, counts
    assert 0.38 <= counts[2] / len(phrases) <= 0.6, counts


def test_a_checksum_list_that_is_not_utf8_is_named_with_its_line(written: tuple[Path, dict[str, str]],
                                                                  tmp_path: Path) -> None:
    for path in written[0].iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    listing = (tmp_path / "SHA256SUMS").read_bytes()
    (tmp_path / "SHA256SUMS").write_bytes(listing + "caf\xe9  extra.txt\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"SHA256SUMS.*line 4") as error:
        sample.verify_sample(tmp_path)
    assert "python -m course_utils.data.sample" in str(error.value)


def test_a_failed_write_keeps_the_old_sample_and_leaves_no_temporary(written: tuple[Path, dict[str, str]],
                                                                      tmp_path: Path, monkeypatch) -> None:
    for path in written[0].iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    monkeypatch.setattr(sample, "sha256_of", lambda path: "0" * 64)  # the staged set fails its check
    with pytest.raises(ValueError, match="does not match its checksum"):
        sample.write_sample(tmp_path, seed=sample.DEFAULT_SEED + 1)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before
