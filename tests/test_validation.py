"""The sentence-level split holds out whole sentences; the row split leaks, and `overlap` shows it."""
from __future__ import annotations

import pandas as pd
import pytest

from course_utils import validation
from course_utils.data import load_sample


@pytest.fixture(scope="module")
def train() -> pd.DataFrame:
    return load_sample().train


def test_sentence_split_keeps_sentences_whole(train):
    fit, held = validation.split_by_sentence(train, 0.2, seed=3)
    assert len(fit) + len(held) == len(train)
    assert not set(fit["SentenceId"]) & set(held["SentenceId"])
    n_sentences = train["SentenceId"].nunique()
    assert held["SentenceId"].nunique() == round(0.2 * n_sentences)
    # every phrase of a held-out sentence is held out
    assert (train[train["SentenceId"].isin(held["SentenceId"])].index == held.index).all()


def test_sentence_split_is_seeded(train):
    a = validation.split_by_sentence(train, 0.1, seed=1)[1]
    b = validation.split_by_sentence(train, 0.1, seed=1)[1]
    c = validation.split_by_sentence(train, 0.1, seed=2)[1]
    assert a.index.equals(b.index) and not a.index.equals(c.index)


def test_row_split_leaks_and_sentence_split_does_not(train):
    honest = validation.overlap(*validation.split_by_sentence(train, 0.1))
    leaky = validation.overlap(*validation.split_by_row(train, 0.1))
    assert honest.same_sentence == honest.inside_train == 0
    assert leaky.same_sentence > 0.9 * leaky.held_out
    assert leaky.inside_train > 0.5 * leaky.held_out
    assert "held-out phrases" in str(leaky) and "%" in str(leaky)


def test_overlap_counts_whole_words_within_a_sentence():
    fit = pd.DataFrame({"SentenceId": [1, 1, 2], "Phrase": ["a good film", "good film", "bad"]})
    held = pd.DataFrame({"SentenceId": [1, 1, 2, 3], "Phrase": ["good", "goo", "bad", "good"]})
    result = validation.overlap(fit, held)
    assert (result.held_out, result.same_sentence, result.inside_train) == (4, 3, 2)


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5])
def test_bad_fraction_says_what_to_pass(train, fraction):
    with pytest.raises(ValueError, match="between 0 and 1"):
        validation.split_by_sentence(train, fraction)


def test_missing_column_names_the_table():
    with pytest.raises(ValueError, match="phrases.train"):
        validation.split_by_sentence(pd.DataFrame({"Phrase": ["x"]}))
