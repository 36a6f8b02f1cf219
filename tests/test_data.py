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
        binary = b"PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\t\xff\xfe\t2\n"
        read_phrase_table(write(tmp_path, "train.tsv", binary), "train")


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


# ------------------------------------------------------------------ faults a hostile reader found


def temporaries(folder):
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


MORE_BAD_FILES = [
    # A first row with one field too many: pandas took the first column for the index (TypeError).
    (GOOD_TRAIN.replace("1\t1\tA series", "1\t1\t1\tA series"), "train",
     r"train.tsv, line 2 has 5 tab-separated fields, expected 4"),
    (GOOD_TRAIN + "5\t2\tword\n", "train", r"line 6 has 3 tab-separated fields, expected 4"),
    (GOOD_TRAIN + "99999999999999999999\t2\tword\t2\n", "train",
     r"line 6: PhraseId 99999999999999999999 is far too large"),
    (GOOD_TRAIN + "5\t2\tword\t2.0\n", "train", r"line 6: Sentiment '2.0' is not a whole number"),
    # An Arabic-Indic 5: a digit to str.isdigit, not to the course.
    (GOOD_TRAIN + "\u0665\t2\tword\t2\n", "train", r"line 6: PhraseId '\u0665' is not a whole number"),
    # Blank lines are skipped, but the line named is the editor's (pandas gave one less per blank line).
    (GOOD_TRAIN + "\n\n5\t2\tword\t9\n", "train", r"line 8: Sentiment 9 is not a label from 0 to 4"),
    ("\n" + GOOD_TRAIN.replace("4\t2\tNa\t2", "4\t2\t\t2"), "train", r"line 6: the phrase is missing"),
    (GOOD_TRAIN + "3\t2\tagain\t2\n", "train", r"line 6: PhraseId 3 appears twice \(first on line 4\)"),
    ("PhraseId,SentenceId,Phrase,Sentiment\n1,1,a,2\n", "train",
     r"line 1: the columns are .* \(separated by commas: is it a CSV"),
    ("PhraseId\tSentenceId\tPhrase\tSentiment\n\n\n", "train", "has a header but no rows"),
    ("\n\n", "train", "is empty"),
]


@pytest.mark.parametrize("text, kind, message", MORE_BAD_FILES)
def test_more_bad_files_name_the_file_the_editor_line_and_what_to_do(tmp_path, text, kind, message):
    path = write(tmp_path, f"{kind}.tsv", text)
    with pytest.raises(DataFileError, match=message) as caught:
        read_phrase_table(path, kind)
    assert str(caught.value).startswith(str(path)) and "Kaggle's train.tsv" in str(caught.value)


@pytest.mark.parametrize("data, message", [
    (GOOD_TRAIN.replace("escapades", "escapad\u00e9s").encode("latin-1"),
     r"train.tsv, line 2, column 24: the byte 0xE9 is not UTF-8"),
    ("\n".join(["PhraseId\tSentenceId\tPhrase\tSentiment", *(f"{i}\t1\tw{i}\t2" for i in range(1, 50)),
               "50\t1\tna\u00efve\t2\n"]).encode("cp1252"),
     r"line 51, column 8: the byte 0xEF"),
    (b"PK\x03\x04" + b"\x00" * 40, r"is a zip archive, not a text file. Unzip it"),
    (GOOD_TRAIN.encode("utf-16"), r"is UTF-16 text"),
    (GOOD_TRAIN.replace("none", "no\x00ne").encode(), r"line 3, column 7: a NUL byte"),
], ids=["latin-1", "cp1252-far-down", "zip", "utf-16", "nul"])
def test_a_file_that_is_not_utf8_text_is_named_with_its_line(tmp_path, data, message):
    path = write(tmp_path, "train.tsv", data)
    with pytest.raises(DataFileError, match=message):
        read_phrase_table(path, "train")


def test_windows_line_ends_a_byte_order_mark_and_a_folder(tmp_path):
    path = write(tmp_path, "train.tsv", b"\xef\xbb\xbf" + GOOD_TRAIN.replace("\n", "\r\n").encode())
    assert read_phrase_table(path, "train")["Phrase"].tolist() == ["A series of escapades", "none", " ", "Na"]
    (tmp_path / "test.tsv").mkdir()
    with pytest.raises(DataFileError, match="test.tsv is a folder, not a file"):
        read_phrase_table(tmp_path / "test.tsv", "test")


def test_reading_the_way_pandas_did(tmp_path):
    """The course's own reader gives exactly the frame pandas gave on a good file."""
    import csv

    import pandas as pd

    path = write(tmp_path, "train.tsv", GOOD_TRAIN)
    expected = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=csv.QUOTE_NONE)
    expected = expected.astype({"PhraseId": "int64", "SentenceId": "int64", "Sentiment": "int64"})
    pd.testing.assert_frame_equal(read_phrase_table(path, "train"), expected)


def test_write_phrase_table_round_trips_and_refuses_what_it_cannot_write(tmp_path):
    path = write(tmp_path, "train.tsv", GOOD_TRAIN)
    frame = read_phrase_table(path, "train")
    data.write_phrase_table(frame, tmp_path / "again.tsv")
    assert (tmp_path / "again.tsv").read_text() == GOOD_TRAIN
    bad = frame.copy()
    bad.loc[1, "Phrase"] = "a\tb"
    with pytest.raises(ValueError, match="cannot be written in Kaggle's format"):
        data.write_phrase_table(bad, path)
    assert path.read_text() == GOOD_TRAIN and temporaries(tmp_path) == []


TREES = {
    "train.txt": "(3 (2 A) (3 (2 fine) (3 film)))\n(1 (2 A) (1 (2 dull) (1 film)))\n",
    "dev.txt": "(4 (2 A) (4 (3 great) (3 film)))\n",
    "test.txt": "(0 (2 An) (0 (0 awful) (2 film)))\n",
}


def sst_folder(folder, trees=None, encoding="utf-8"):
    """Tree files in place, with the members table that matches them: prepare_sst needs no download."""
    import hashlib

    folder.mkdir(parents=True, exist_ok=True)
    members = {}
    for name, text in (trees or TREES).items():
        (folder / name).write_bytes(text.encode(encoding))
        members[f"trees/{name}"] = (name, hashlib.sha256((folder / name).read_bytes()).hexdigest())
    return members


def prepare(folder, members):
    return data.prepare_sst(folder, url="http://127.0.0.1:9/never-fetched.zip", members=members, progress=False)


@pytest.mark.parametrize("trees, message", [
    ({**TREES, "train.txt": TREES["train.txt"] + "(2 (2 a\ttab) (2 b))\n"},
     r"train.txt, line 3, column 7: the word 'a\\ttab' holds a tab"),
    ({**TREES, "train.txt": ""}, r"train.txt holds no trees"),
    ({**TREES, "test.txt": "(2 (2 fa\u00e7ade) (2 b))\n"}, r"test.txt, line 1, column 9: the byte 0xE7 is not UTF-8"),
    ({**TREES, "dev.txt": "(4 (2 A) (4 (3 great) (3 film))\n"},
     r"dev.txt, line 1, column 32: expected '\)', but the line ends \(after column 31\)"),
], ids=["tab-in-a-leaf", "empty-train", "latin-1", "cut-tree"])
def test_a_bad_tree_file_writes_no_table_and_keeps_the_old_ones(tmp_path, trees, message):
    folder = tmp_path / "sst"
    members = sst_folder(folder, {name: text for name, text in trees.items()}, encoding="latin-1")
    old = {"train.tsv": b"PhraseId\tSentenceId\tPhrase\tSentiment\n", "test.tsv": GOOD_TEST.encode()}
    for name, content in old.items():  # a header-only train.tsv: damaged, so prepare_sst tries to rebuild
        (folder / name).write_bytes(content)
    with pytest.raises(DataFileError, match=message) as caught:
        prepare(folder, members)
    assert "fetch it again" in str(caught.value)
    assert {name: (folder / name).read_bytes() for name in old} == old
    assert temporaries(folder) == []
    (folder / "train.tsv").unlink()
    (folder / "test.tsv").unlink()
    with pytest.raises(DataFileError, match=message):
        prepare(folder, members)
    assert not (folder / "train.tsv").exists() and not (folder / "test.tsv").exists() and temporaries(folder) == []


def test_damaged_tables_are_built_again(tmp_path):
    folder = tmp_path / "sst"
    members = sst_folder(folder)
    prepare(folder, members)
    good = {name: (folder / name).read_bytes() for name in ("train.tsv", "test.tsv")}
    (folder / "train.tsv").write_text("PhraseId\tSentenceId\tPhrase\tSentiment\n")  # from an empty train.txt, before
    (folder / "test.tsv").write_bytes(good["test.tsv"][:-7])  # cut off
    prepare(folder, members)
    assert {name: (folder / name).read_bytes() for name in good} == good
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    prepare(folder, members)  # good tables: nothing is rewritten
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_the_two_tables_are_replaced_together_or_not_at_all(tmp_path, monkeypatch, full_disk_at_rename):
    folder = tmp_path / "sst"
    members = sst_folder(folder)
    old = {"train.tsv": GOOD_TRAIN.encode()[:-3], "test.tsv": GOOD_TEST.encode()}  # train.tsv damaged: rebuild
    for name, content in old.items():
        (folder / name).write_bytes(content)
    full_disk_at_rename(2)
    with pytest.raises(DataFileError, match=r"could not write the tables in .*No space left on device.*Nothing was"):
        prepare(folder, members)
    monkeypatch.undo()
    assert {name: (folder / name).read_bytes() for name in old} == old and temporaries(folder) == []


def test_temporaries_of_a_killed_build_are_removed(tmp_path):
    folder = tmp_path / "sst"
    members = sst_folder(folder)
    for name in (".train.tsv.k2j4h5g6.part", ".test.tsv.k2j4h5g6.part", ".trainDevTestTrees_PTB.zip.abcdefgh.part"):
        (folder / name).write_text("half")
    prepare(folder, members)
    assert temporaries(folder) == []


def test_a_latin1_tree_file_falls_back_to_the_sample(isolated, monkeypatch, http_server):
    base, routes = http_server  # no routes: a download would fail, but none is needed
    trees = {**TREES, "train.txt": "(2 (2 caf\u00e9) (2 au lait))\n"}
    members = sst_folder(isolated / "sst", trees, encoding="latin-1")
    monkeypatch.setattr(data, "SST_MEMBERS", members)
    monkeypatch.setattr(data, "SST_URL", f"{base}/missing.zip")
    source, reason = data.find_source(allow_download=True, progress=False)
    assert source == "sample" and "train.txt, line 1, column 10: the byte 0xE9 is not UTF-8" in reason
    assert load_phrases(verbose=False).source == "sample"


def test_a_damaged_built_table_says_how_to_rebuild_it(isolated):
    (isolated / "sst").mkdir()
    write(isolated / "sst", "train.tsv", GOOD_TRAIN + "5\t2\tword\n")
    write(isolated / "sst", "test.tsv", GOOD_TEST)
    with pytest.raises(DataFileError, match=r"train.tsv, line 6 has 3 .*run `python -m course_utils.data prepare`"):
        load_phrases(allow_download=False, verbose=False)
