"""course_utils.submission: the Kaggle format is enforced, with messages that say what to do."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.submission import (
    SubmissionError,
    make_submission,
    read_submission,
    validate_submission,
    write_submission,
)


@pytest.fixture
def test_table():
    return pd.DataFrame({"PhraseId": [156061, 156062, 156063, 156064], "SentenceId": [8545, 8545, 8545, 8546],
                         "Phrase": ["a", "b", "c", "d"]})


def good(test_table):
    return pd.DataFrame({"PhraseId": test_table["PhraseId"], "Sentiment": [2, 3, 0, 4]})


def test_make_and_write_round_trip(tmp_path, test_table):
    submission = make_submission(test_table, np.array([2, 3, 0, 4]))
    path = write_submission(submission, tmp_path / "out" / "submission.csv", test_table)
    assert path.read_text() == "PhraseId,Sentiment\n156061,2\n156062,3\n156063,0\n156064,4\n"
    assert read_submission(path, test_table).equals(submission)
    assert not list((tmp_path / "out").glob("*.part"))


def test_make_accepts_whole_floats_and_refuses_probabilities(test_table):
    assert make_submission(test_table, np.array([2.0, 3.0, 0.0, 4.0]))["Sentiment"].dtype.kind == "i"
    with pytest.raises(SubmissionError, match=r"argmax\(axis=1\)"):
        make_submission(test_table, np.full((4, 5), 0.2))
    with pytest.raises(SubmissionError, match="3 predictions for 4 test phrases"):
        make_submission(test_table, [1, 2, 3])


@pytest.mark.parametrize("change, message", [
    (lambda s: s.rename(columns={"Sentiment": "sentiment"}), "exactly"),
    (lambda s: s.reset_index(), "index=False"),
    (lambda s: s.iloc[:3], "3 rows, but the test file has 4"),
    (lambda s: s.assign(Sentiment=[2.5, 3, 0, 4]), "whole numbers"),
    (lambda s: s.assign(Sentiment=[2, np.nan, 0, 4]), "missing"),
    (lambda s: s.assign(PhraseId=[156061, 156061, 156063, 156064]), "appears more than once"),
    (lambda s: s.assign(PhraseId=[1, 156062, 156063, 156064]), "not a test phrase"),
    (lambda s: s.iloc[[1, 0, 2, 3]].reset_index(drop=True), "not in the test file's order"),
    (lambda s: s.assign(Sentiment=[2, 5, 0, 4]), "row 1 has 5"),
    (lambda s: s.assign(Sentiment=[2, -1, 0, 4]), "from 0 to 4"),
])
def test_validate_explains_each_fault(test_table, change, message):
    with pytest.raises(SubmissionError, match=message):
        validate_submission(change(good(test_table)), test_table)


def test_a_rejected_submission_leaves_no_file(tmp_path, test_table):
    bad = good(test_table).iloc[:2]
    with pytest.raises(SubmissionError):
        write_submission(bad, tmp_path / "submission.csv", test_table)
    assert list(tmp_path.iterdir()) == []


def test_read_submission_reports_a_missing_file(tmp_path, test_table):
    with pytest.raises(SubmissionError, match="nope.csv does not exist"):
        read_submission(tmp_path / "nope.csv", test_table)


def test_matches_the_sample_submission_format_on_the_real_data(tmp_path):
    """Our file for the real test set has the same header, ids and order as Kaggle's sampleSubmission.csv."""
    from shared_data import KAGGLE_REAL

    from course_utils import config
    from course_utils.data import load_kaggle

    directory = next((d for d in (KAGGLE_REAL, config.kaggle_dir()) if (d / "sampleSubmission.csv").is_file()), None)
    if directory is None:
        pytest.skip("Kaggle's files (with sampleSubmission.csv) are not here (set COURSE_DATA_DIR)")
    test = load_kaggle(directory).test
    path = write_submission(make_submission(test, np.full(len(test), 2)), tmp_path / "submission.csv", test)
    assert path.read_bytes() == (directory / "sampleSubmission.csv").read_bytes().replace(b"\r\n", b"\n")


# ------------------------------------------------------------------ faults a hostile reader found

GOOD_FILE = "PhraseId,Sentiment\n156061,2\n156062,3\n156063,0\n156064,4\n"


@pytest.mark.parametrize("data, message", [
    (b"", r"is empty: expected the header PhraseId,Sentiment"),
    (GOOD_FILE[:-11].encode(), r"line 4: Sentiment is missing"),  # cut off in the middle of a line
    (GOOD_FILE[:-12].encode(), r"line 4 has 1 comma-separated field, expected 2 .*was the file cut off"),
    (GOOD_FILE[:-9].encode(), r"has 3 rows, but the test file has 4 phrases.*cut off"),
    (GOOD_FILE.encode("utf-16"), r"is UTF-16 text"),
    (GOOD_FILE.replace("156062,3", "156062,3\xe9").encode("latin-1"), r"line 3, column 9: the byte 0xE9 is not UTF-8"),
    (b"Id,Label\n1,2\n", r"line 1: the header is 'Id,Label', but Kaggle wants exactly PhraseId,Sentiment"),
    (b"PhraseId;Sentiment\n156061;2\n", r"not semicolons or tabs"),
    (GOOD_FILE.replace("156063,0", "156063,0,0").encode(), r"line 4 has 3 comma-separated fields, expected 2"),
    (GOOD_FILE.replace("156063,0", "156063,0.0").encode(),
     r"line 4: Sentiment '0.0' is not a whole number \(Kaggle wants a class"),
    (GOOD_FILE.replace("156063,0", "156063,five").encode(), r"line 4: Sentiment 'five' is not a whole number"),
    (GOOD_FILE.replace("156063,0", "156063,99999999999999999999").encode(),
     r"line 4: Sentiment 99999999999999999999 is far too large"),
    (GOOD_FILE.replace("156063,0", "156063,5").encode(), r"line 4 has 5"),
    (GOOD_FILE.replace("156063,0", "156063,-1").encode(), r"line 4 has -1"),
    (GOOD_FILE.replace("156063", "1").encode(), r"PhraseId 1 \(line 4\) is not a test phrase"),
    (GOOD_FILE.replace("156063", "156062").encode(), r"PhraseId 156062 appears more than once \(line 3 and line 4\)"),
    (GOOD_FILE.replace("156062,3\n156063,0", "156063,0\n156062,3").encode(),
     r"not in the test file's order: line 3 has 156063"),
    (b"PK\x03\x04 a zipped submission", r"is a zip archive"),
], ids=["empty", "cut-after-the-comma", "cut-mid-line", "cut-at-a-line", "utf-16", "latin-1", "header", "semicolons",
        "fields", "float", "word", "huge", "label-5", "label-negative", "unknown-id", "duplicate", "order", "zip"])
def test_read_submission_names_the_file_and_the_editor_line(tmp_path, test_table, data, message):
    path = tmp_path / "submission.csv"
    path.write_bytes(data)
    with pytest.raises(SubmissionError, match=message) as caught:
        read_submission(path, test_table)
    assert str(caught.value).startswith(str(path)) and "write_submission" in str(caught.value)


def test_read_submission_accepts_windows_line_ends_a_bom_and_a_last_blank_line(tmp_path, test_table):
    path = tmp_path / "submission.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_FILE.replace("\n", "\r\n").encode() + b"\r\n")
    assert read_submission(path, test_table).equals(good(test_table))
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(SubmissionError, match="folder.csv is a folder"):
        read_submission(tmp_path / "folder.csv", test_table)


def test_a_submission_that_does_not_read_back_never_replaces_the_old_one(tmp_path, test_table, monkeypatch):
    from course_utils import submission as module

    path = write_submission(good(test_table), tmp_path / "submission.csv", test_table)
    before = path.read_bytes()
    monkeypatch.setattr(module, "submission_text", lambda frame: GOOD_FILE.replace("156063,0", "156063,0,"))
    with pytest.raises(SubmissionError, match=r"submission.csv, line 4 has 3 comma-separated fields"):
        write_submission(good(test_table).assign(Sentiment=[1, 1, 1, 1]), path, test_table)
    assert path.read_bytes() == before and list(tmp_path.iterdir()) == [path]
    monkeypatch.undo()
    write_submission(good(test_table).assign(Sentiment=[1, 1, 1, 1]), path, test_table)
    assert path.read_text() == "PhraseId,Sentiment\n156061,1\n156062,1\n156063,1\n156064,1\n"
    (tmp_path / "taken.csv").mkdir()
    with pytest.raises(SubmissionError, match=r"could not write .*taken.csv .*is a folder"):
        write_submission(good(test_table), tmp_path / "taken.csv", test_table)
