"""The phrase-table loader: validation of what is read, and the order in which sources are tried."""
from __future__ import annotations

import pytest

from course_utils import data
from course_utils.data import DataFileError, load_phrases, read_phrase_table

GOOD_TRAIN = (
    "PhraseId\tSentenceId\tPhrase\tSentiment\n"
    "1\t1\tA series of escapades\t1\n"
    "2\t1\tnone\t2\n"
    "3\t1\t \t1\n"
    "4\t2\tNa\t2\n"
)
GOOD_TEST = "PhraseId\tSentenceId\tPhrase\n5\t3\tNone\n6\t3\tAn intermittently pleasing film\n"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_quirky_phrases_stay_strings(tmp_path):
    train = read_phrase_table(write(tmp_path, "train.tsv", GOOD_TRAIN), "train")
    test = read_phrase_table(write(tmp_path, "test.tsv", GOOD_TEST), "test")
    assert train["Phrase"].tolist() == ["A series of escapades", "none", " ", "Na"]
    assert test["Phrase"].tolist()[0] == "None"
    assert str(train["Sentiment"].dtype) == "int64" and str(test["PhraseId"].dtype) == "int64"


BAD_FILES = [
    ("", "train", "is empty"),
    ("PhraseId\tSentenceId\tPhrase\n1\t1\ta\n", "train", r"line 1: the columns are"),
    ("PhraseId\tSentenceId\tPhrase\tSentiment\n", "train", "no rows"),
    (GOOD_TRAIN + "5\t2\ttoo\tmany\tfields\n", "train", r"line 6 has 5 tab-separated fields, expected 4"),
    (GOOD_TRAIN + "x5\t2\tword\t2\n", "train", r"line 6: PhraseId 'x5' is not a whole number"),
    (GOOD_TRAIN + "5\t2\tword\t7\n", "train", r"line 6: Sentiment 7 is not a label from 0 to 4"),
    (GOOD_TRAIN + "5\t2\tword\t-1\n", "train", r"line 6: Sentiment '-1' is not a whole number"),
    (GOOD_TRAIN + "4\t2\tagain\t2\n", "train", r"line 6: PhraseId 4 appears twice"),
    (GOOD_TRAIN + "5\t2\t\t2\n", "train", r"line 6: the phrase is missing"),
    (GOOD_TEST + "7\t\tword\n", "test", r"line 4: SentenceId '' is not a whole number"),
    (GOOD_TRAIN, "test", r"expected \['PhraseId', 'SentenceId', 'Phrase'\] for a test file"),
]


@pytest.mark.parametrize("text, kind, message", BAD_FILES)
def test_bad_files_name_the_file_line_and_fault(tmp_path, text, kind, message):
    path = write(tmp_path, f"{kind}.tsv", text)
    with pytest.raises(DataFileError, match=message) as caught:
        read_phrase_table(path, kind)
    assert str(path) in str(caught.value)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(DataFileError, match="does not exist.*data/kaggle"):
        read_phrase_table(tmp_path / "train.tsv", "train")
    with pytest.raises(DataFileError, match="not UTF-8"):
        read_phrase_table(write(tmp_path, "train.tsv", b"PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\t\xff\xfe\t2\n"), "train")


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """Point every data location at empty temporary folders."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "kaggle"))
    monkeypatch.setenv("COURSE_SST_DIR", str(tmp_path / "sst"))
    monkeypatch.delenv("COURSE_QUICK", raising=False)
    return tmp_path


def test_kaggle_files_come_first(isolated):
    (isolated / "kaggle").mkdir()
    write(isolated / "kaggle", "train.tsv", GOOD_TRAIN)
    write(isolated / "kaggle", "test.tsv", GOOD_TEST)
    phrases = load_phrases(allow_download=False, verbose=False)
    assert phrases.source == "kaggle" and phrases.is_real
    assert len(phrases.train) == 4 and len(phrases.test) == 2


def test_a_broken_kaggle_file_is_reported_not_silently_skipped(isolated):
    (isolated / "kaggle").mkdir()
    write(isolated / "kaggle", "train.tsv", GOOD_TRAIN)
    with pytest.raises(DataFileError, match="test.tsv does not exist"):
        load_phrases(allow_download=False, verbose=False)


def test_train_and_test_ids_must_not_overlap(isolated):
    (isolated / "kaggle").mkdir()
    write(isolated / "kaggle", "train.tsv", GOOD_TRAIN)
    write(isolated / "kaggle", "test.tsv", GOOD_TEST.replace("5\t3", "4\t3"))
    with pytest.raises(DataFileError, match="PhraseId 4 is in both"):
        load_phrases(allow_download=False, verbose=False)


def test_built_treebank_tables_come_second(isolated):
    (isolated / "sst").mkdir()
    write(isolated / "sst", "train.tsv", GOOD_TRAIN)
    write(isolated / "sst", "test.tsv", GOOD_TEST)
    assert load_phrases(allow_download=False, verbose=False).source == "sst"


def test_offline_with_nothing_falls_back_to_the_sample_with_a_notice(isolated, capsys):
    phrases = load_phrases(allow_download=False)
    assert phrases.source == "sample" and not phrases.is_real
    out = capsys.readouterr().out
    assert "NOTICE" in out and "not the real data" in out and "data/kaggle" in out


def test_failed_download_falls_back_to_the_sample(isolated, monkeypatch, http_server):
    base, routes = http_server  # no routes: the download gets HTTP 404
    monkeypatch.setattr(data, "SST_URL", f"{base}/missing.zip")
    source, reason = data.find_source(allow_download=True, progress=False)
    assert source == "sample" and "could not be fetched" in reason


def test_quick_mode_always_uses_the_sample(isolated, monkeypatch):
    (isolated / "kaggle").mkdir()
    write(isolated / "kaggle", "train.tsv", GOOD_TRAIN)
    write(isolated / "kaggle", "test.tsv", GOOD_TEST)
    monkeypatch.setenv("COURSE_QUICK", "1")
    assert load_phrases(verbose=False).source == "sample"


def test_sample_tables_look_like_kaggle(isolated):
    phrases = load_phrases(allow_download=False, verbose=False)
    train, test = phrases.train, phrases.test
    assert list(train.columns) == ["PhraseId", "SentenceId", "Phrase", "Sentiment"]
    assert list(test.columns) == ["PhraseId", "SentenceId", "Phrase"]
    assert set(train["Sentiment"]) == {0, 1, 2, 3, 4}
    assert train["Phrase"].is_unique and train["PhraseId"].is_monotonic_increasing
    assert test["PhraseId"].min() == train["PhraseId"].max() + 1
    assert train["Phrase"].str.isascii().all()  # accents folded, as Kaggle's are


def test_cli_reports_the_source(isolated, capsys):
    assert data.main(["prepare", "--offline"]) == 0
    out = capsys.readouterr().out
    assert "synthetic sample" in out and "Why:" in out
