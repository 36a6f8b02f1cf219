"""The tree parser and the Kaggle-format table builder, on small trees written here."""
from __future__ import annotations

import re

import pytest

from course_utils.treebank import (
    TEST_COLUMNS,
    TRAIN_COLUMNS,
    TreeFormatError,
    build_tables,
    fold_accents,
    parse_tree,
    phrase_rows,
    read_trees,
)

TREE_A = "(3 (2 The) (3 (3 (2 film) (3 (2 is) (3 (2 quite) (3 good)))) (2 .)))"
TREE_B = "(1 (2 The) (1 (1 (2 film) (1 (2 is) (1 (2 n't) (3 good)))) (2 .)))"


def test_parse_leaves_and_labels():
    tree = parse_tree(TREE_A)
    assert tree.label == 3
    assert tree.leaves() == ["The", "film", "is", "quite", "good", "."]
    assert [n.label for n in tree.preorder()][:3] == [3, 2, 3]


def test_preorder_is_node_then_left_then_right():
    tree = parse_tree("(2 (1 (0 a) (3 b)) (4 c))")
    assert [" ".join(n.leaves()) for n in tree.preorder()] == ["a b c", "a b", "a", "b", "c"]


def test_no_break_space_stays_inside_a_leaf():
    tree = parse_tree("(2 (2 8\xa01\\/2) (2 weeks))")
    assert tree.leaves() == ["8\xa01\\/2", "weeks"]


@pytest.mark.parametrize(
    "line, fault",
    [
        ("", "empty"),
        ("(2 a", "expected ')'"),
        ("(7 word)", "label '7'"),
        ("(x word)", "label 'x'"),
        ("(2 (1 a) (1 b)) extra", "after the end"),
        ("2 a)", "expected '('"),
        ("(2)", "word or children"),
    ],
)
def test_malformed_trees_say_what_is_wrong(line, fault):
    with pytest.raises(TreeFormatError, match=re.escape(fault)):
        parse_tree(line)


def test_read_trees_names_file_and_line(tmp_path):
    path = tmp_path / "train.txt"
    path.write_text(TREE_A + "\n(2 (2 broken)\n", encoding="utf-8")
    with pytest.raises(TreeFormatError, match=r"train.txt, line 2"):
        read_trees(path)


def test_fold_accents_like_kaggle():
    assert fold_accents("clichés naïve Jiří") == "cliches naive Jiri"
    assert fold_accents("8\xa01\\/2") == "8 1\\/2"


def test_phrases_are_distinct_and_in_preorder():
    frame = phrase_rows([parse_tree(TREE_A), parse_tree(TREE_B)])
    assert list(frame.columns) == TRAIN_COLUMNS
    assert frame["Phrase"].is_unique
    assert frame["PhraseId"].tolist() == list(range(1, len(frame) + 1))
    first = frame[frame["SentenceId"] == 1]
    assert first["Phrase"].iloc[0] == "The film is quite good ."
    assert first["Phrase"].iloc[1] == "The"
    second = frame[frame["SentenceId"] == 2]
    # "The", "film", "is", "." were seen in sentence 1 and are not listed again.
    assert "The" not in set(second["Phrase"]) and "n't good" in set(second["Phrase"])
    labels = dict(zip(frame["Phrase"], frame["Sentiment"]))
    assert labels["n't good"] == 1 and labels["quite good"] == 3


def test_build_tables_continues_ids_and_drops_test_labels():
    train, test = build_tables([parse_tree(TREE_A)], [parse_tree(TREE_B)])
    assert list(test.columns) == TEST_COLUMNS
    assert test["PhraseId"].iloc[0] == train["PhraseId"].max() + 1
    assert test["SentenceId"].iloc[0] == train["SentenceId"].max() + 1
    # Test keeps its own distinct phrases: "The" appears in test too, as Kaggle's test repeats train phrases.
    assert "The" in set(test["Phrase"])
