"""Turn Stanford Sentiment Treebank trees into Kaggle-format phrase tables.

Kaggle's "Sentiment Analysis on Movie Reviews" files were made from the SST's labelled
trees: every subtree of a sentence is a phrase, listed in pre-order (the node, then its
left subtree, then its right), each distinct phrase kept once, ``-LRB-``/``-RRB-`` kept as the
trees write them and accents folded to ASCII. Building the same tables from the trees lets a
learner get the real data without a Kaggle account, and lets the course build its own
synthetic sample the same way.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from course_utils.files import location, read_text_lines

TRAIN_COLUMNS = ["PhraseId", "SentenceId", "Phrase", "Sentiment"]
TEST_COLUMNS = ["PhraseId", "SentenceId", "Phrase"]


class TreeFormatError(ValueError):
    """A line of a treebank file is not a well-formed labelled tree (or the file cannot be read as one).

    Raised by :func:`parse_tree`, it also has ``reason`` (the message without the column) and
    ``column`` (counted from 1) for :func:`read_trees` to say where the fault is.
    """

    reason: str
    column: int | None = None


@dataclass
class Node:
    """One node of a labelled tree: a leaf holds a word, an inner node holds children."""

    label: int
    word: str | None = None
    children: list[Node] = field(default_factory=list)

    def leaves(self) -> list[str]:
        """The words under this node, left to right."""
        if self.word is not None:
            return [self.word]
        words: list[str] = []
        for child in self.children:
            words.extend(child.leaves())
        return words

    def preorder(self) -> Iterator[Node]:
        """This node, then each child's subtree in turn: the order Kaggle lists phrases in."""
        yield self
        for child in self.children:
            yield from child.preorder()


def _tokens(line: str) -> tuple[list[str], list[int]]:
    # Split on brackets and plain spaces only: one SST leaf holds a no-break space ("8\xa01\/2").
    # Also returns where each token starts in the line (a column counted from 1, as an editor shows it).
    tokens: list[str] = []
    columns: list[int] = []
    word = ""
    for index, char in enumerate(line):
        if char in "() ":
            if word:
                tokens.append(word)
                columns.append(index - len(word) + 1)
                word = ""
            if char != " ":
                tokens.append(char)
                columns.append(index + 1)
        else:
            word += char
    if word:
        tokens.append(word)
        columns.append(len(line) - len(word) + 1)
    return tokens, columns


def _control_character(word: str) -> str | None:
    for char in word:
        if unicodedata.category(char) == "Cc":
            return "a tab" if char == "\t" else f"the control character {char!r}"
    return None


def parse_tree(line: str) -> Node:
    """Parse one bracketed tree such as ``(3 (2 The) (3 film))``.

    Raises :class:`TreeFormatError` saying what is wrong and where (``error.column``, counted
    from 1 in ``line``), so a damaged file is reported as such rather than as an obscure index error.
    """
    body = line.rstrip()
    indent = len(body) - len(body.lstrip())
    tokens, columns = _tokens(body[indent:])
    columns = [indent + column for column in columns]
    if not tokens:
        raise TreeFormatError("the line is empty")
    pos = 0

    def fail(reason: str) -> TreeFormatError:
        if pos < len(tokens):
            error = TreeFormatError(f"{reason} (at column {columns[pos]}, {tokens[pos][:20]!r})")
            error.column = columns[pos]
        else:
            error = TreeFormatError(f"{reason}, but the line ends (after column {len(body)})")
            error.column = len(body) + 1
        error.reason = error.args[0]
        return error

    def node() -> Node:
        nonlocal pos
        if pos >= len(tokens) or tokens[pos] != "(":
            raise fail("expected '('")
        pos += 1
        if pos >= len(tokens) or tokens[pos] in "()":
            raise fail("expected a label after '('")
        label_text = tokens[pos]
        if label_text not in {"0", "1", "2", "3", "4"}:
            raise fail(f"label {label_text!r} is not one of 0-4")
        pos += 1
        result = Node(int(label_text))
        if pos < len(tokens) and tokens[pos] not in "()":
            control = _control_character(tokens[pos])
            if control:
                raise fail(f"the word {tokens[pos]!r} holds {control}; the words of a tree are separated by spaces "
                           "and hold no tabs or other control characters")
            result.word = tokens[pos]
            pos += 1
        else:
            while pos < len(tokens) and tokens[pos] == "(":
                result.children.append(node())
            if not result.children:
                raise fail("a node needs a word or children")
        if pos >= len(tokens) or tokens[pos] != ")":
            raise fail("expected ')'")
        pos += 1
        return result

    tree = node()
    if pos != len(tokens):
        raise fail("unexpected text after the end of the tree")
    return tree


def fold_accents(text: str) -> str:
    """Fold to ASCII the way Kaggle did: NFKD, then drop what is not ASCII (``clichés`` -> ``cliches``)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def read_trees(path: Path) -> list[Node]:
    """Parse every line of a treebank file (blank lines skipped), naming the file, line and column of any fault.

    Raises :class:`TreeFormatError` for a file that is missing, not UTF-8 text, holds a malformed
    tree, or holds no tree at all.
    """
    path = Path(path)
    fix = "The file is damaged: fetch it again."
    trees = []
    for number, line in enumerate(read_text_lines(path, TreeFormatError, fix=fix), start=1):
        if not line.strip():
            continue
        try:
            trees.append(parse_tree(line))
        except TreeFormatError as error:
            reason = getattr(error, "reason", str(error))
            where = location(path, number, getattr(error, "column", None))
            raise TreeFormatError(f"{where}: {reason}. {fix}") from None
    if not trees:
        raise TreeFormatError(f"{path} holds no trees (it is empty). {fix}")
    return trees


def phrase_labels(trees: Iterable[Node]) -> dict[str, int]:
    """Each distinct phrase of the trees (accents folded, as Kaggle's text) with its label.

    The treebank labels phrase strings, so a text has one label, except where folding makes two
    strings one (``naïve`` and ``naive``, ``cliché`` and ``cliche``: ten texts in the train trees, with
    different labels). There Kaggle kept the label of the string that was ASCII already (checked on
    every such phrase its train.tsv holds), so this does too; otherwise the first one read.
    """
    found: dict[str, tuple[int, bool]] = {}  # phrase -> (label, from a string that needed no folding)
    for tree in trees:
        for node in tree.preorder():
            raw = " ".join(node.leaves())
            phrase = fold_accents(raw)
            ascii_form = phrase == raw
            if phrase not in found or (ascii_form and not found[phrase][1]):
                found[phrase] = (node.label, ascii_form)
    return {phrase: label for phrase, (label, _) in found.items()}


def phrase_rows(trees: Iterable[Node], first_phrase_id: int = 1, first_sentence_id: int = 1) -> pd.DataFrame:
    """All distinct phrases of the trees, in Kaggle's layout and order, labelled by :func:`phrase_labels`.

    A phrase seen in an earlier sentence (or earlier in the same one) is not repeated,
    just as Kaggle kept each phrase once.
    """
    trees = list(trees)
    labels = phrase_labels(trees)
    seen: set[str] = set()
    rows = []
    phrase_id = first_phrase_id
    for sentence_id, tree in enumerate(trees, start=first_sentence_id):
        for node in tree.preorder():
            phrase = fold_accents(" ".join(node.leaves()))
            if phrase in seen or not phrase:  # a phrase of only non-ASCII letters folds to nothing: Kaggle has none
                continue
            seen.add(phrase)
            rows.append((phrase_id, sentence_id, phrase, labels[phrase]))
            phrase_id += 1
    frame = pd.DataFrame(rows, columns=TRAIN_COLUMNS)
    return frame.astype({"PhraseId": "int64", "SentenceId": "int64", "Phrase": "object", "Sentiment": "int64"})


def build_tables(train_trees: list[Node], test_trees: list[Node]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaggle-format ``train`` (with labels) and ``test`` (without) from two lists of trees.

    The SST's train split gives train, its dev and test splits together give test, which is
    how Kaggle split it. Ids continue from train into test, as Kaggle's do.
    """
    train = phrase_rows(train_trees)
    test = phrase_rows(
        test_trees,
        first_phrase_id=len(train) + 1,
        first_sentence_id=int(train["SentenceId"].max()) + 1 if len(train) else 1,
    )
    return train, test[TEST_COLUMNS].copy()


def build_tables_from_files(train_file: Path, test_files: Iterable[Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`build_tables` on treebank files (``train.txt``; ``dev.txt`` and ``test.txt``)."""
    test_trees: list[Node] = []
    for path in test_files:
        test_trees.extend(read_trees(path))
    return build_tables(read_trees(train_file), test_trees)
