"""The tree parser and the Kaggle-format table builder, on small trees written here."""
from __future__ import annotations

import re

import pytest

from course_utils.data.treebank import (
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


# ------------------------------------------------------------------ faults a hostile reader found


@pytest.mark.parametrize("line, fault, column", [
    # This one used to say "at token 10 of 9".
    ("(3 (2 The) (3 (2 film) (3 good))", "expected ')', but the line ends (after column 32)", 33),
    ("(2 a", "expected ')', but the line ends (after column 4)", 5),
    ("(2 (2 a) (2 b)) (2 c)", "unexpected text after the end of the tree (at column 17", 17),
    ("(2 (2 a b))", "expected ')' (at column 9, 'b')", 9),
    ("(2 (2 a\tb) (2 c))", "the word 'a\\tb' holds a tab", 7),
    ("(2 (2 a\x0bb) (2 c))", "holds the control character '\\x0b'", 7),
    ("(", "expected a label after '(', but the line ends", 2),
])
def test_faults_say_where_they_are_in_columns(line, fault, column):
    with pytest.raises(TreeFormatError) as caught:
        parse_tree(line)
    assert fault in str(caught.value) and "token" not in str(caught.value)
    assert caught.value.column == column


@pytest.mark.parametrize("data, message", [
    (b"(2 (2 a) (2 b))\n(2 (2 caf\xe9) (2 b))\n", r"train.txt, line 2, column 10: the byte 0xE9 is not UTF-8"),
    (b"", r"train.txt holds no trees \(it is empty\)"),
    (b"\n\n  \n", r"holds no trees"),
    (b"(2 (2 a) (2 b))\n\n\n(2 (2 a) (2 b)\n", r"train.txt, line 4, column 15: expected '\)', but the line ends"),
    (b"PK\x03\x04...", r"is a zip archive"),
    (b"(2 (2 a) (2 b))\n(2 (2 a\tb) (2 c))\n", r"line 2, column 7: the word 'a\\tb' holds a tab"),
], ids=["latin-1", "empty", "blank", "line-after-blank-lines", "zip", "tab"])
def test_read_trees_names_file_line_and_column(tmp_path, data, message):
    path = tmp_path / "train.txt"
    path.write_bytes(data)
    with pytest.raises(TreeFormatError, match=message) as caught:
        read_trees(path)
    assert str(caught.value).startswith(str(path)) and "fetch it again" in str(caught.value)


def test_read_trees_missing_file_and_windows_line_ends(tmp_path):
    with pytest.raises(TreeFormatError, match="dev.txt does not exist"):
        read_trees(tmp_path / "dev.txt")
    path = tmp_path / "train.txt"
    path.write_bytes((TREE_A + "\r\n" + TREE_B + "\r\n").encode())
    assert [tree.label for tree in read_trees(path)] == [3, 1]


def test_a_phrase_that_folds_to_nothing_is_left_out():
    # Kaggle's tables hold no empty phrase; a word of only non-ASCII letters folds to "" (NFKD, then ASCII).
    frame = phrase_rows([parse_tree("(3 (2 \u6f22\u5b57) (3 good))")])
    assert "" not in set(frame["Phrase"]) and "good" in set(frame["Phrase"]) and len(frame) == 2
