"""The loader and the treebank builder on the real data in ../shared/data (skipped, saying why, without it)."""
from __future__ import annotations

import pytest
from shared_data import KAGGLE_REAL, SST_REAL_TRAIN, need_real_data

from course_utils.data import load_phrases, read_phrase_table
from course_utils.data.treebank import phrase_rows, read_trees

pytestmark = pytest.mark.realdata

# The three phrases that two differently labelled subtrees share once accents are folded (naïve / naive):
# ../shared/data/README.md names them. Kaggle kept the label of the ASCII string, as phrase_labels does.
ACCENT_COLLISIONS = {"naive", "a cliche", "cliches ,"}


@pytest.fixture(scope="module")
def kaggle_train():
    need_real_data()
    return read_phrase_table(KAGGLE_REAL / "train.tsv", "train")


def test_loader_reads_kaggle_files_whole(monkeypatch):
    need_real_data()
    monkeypatch.setenv("COURSE_DATA_DIR", str(KAGGLE_REAL))
    monkeypatch.delenv("COURSE_QUICK", raising=False)
    phrases = load_phrases(allow_download=False, verbose=False)
    assert phrases.source == "kaggle"
    assert len(phrases.train) == 156_060 and len(phrases.test) == 66_292
    assert phrases.train["Phrase"].notna().all() and phrases.test["Phrase"].notna().all()
    test = phrases.test.set_index("PhraseId")["Phrase"]
    assert test[171580] == "None" and test[157451] == " "
    assert phrases.train["Sentiment"].value_counts().sort_index().tolist() == [7072, 27273, 79582, 32927, 9206]


def test_builder_finds_every_kaggle_phrase_with_its_label(kaggle_train):
    built = phrase_rows(read_trees(SST_REAL_TRAIN))
    assert len(built) == 159_244
    merged = kaggle_train.merge(built, on="Phrase", how="left", suffixes=("_kaggle", "_built"))
    missing = merged[merged["Sentiment_built"].isna()]["Phrase"].tolist()
    assert missing == [" "]  # the one-space phrase is no subtree
    found = merged.dropna(subset=["Sentiment_built"])
    differ = set(found[found["Sentiment_kaggle"] != found["Sentiment_built"]]["Phrase"])
    assert differ == set(), differ  # the accent collisions too: the ASCII string's label is Kaggle's
    assert ACCENT_COLLISIONS <= set(found["Phrase"])
