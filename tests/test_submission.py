"""course_utils.submission: the Kaggle format is enforced, with messages that say what to do."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.submission import (SubmissionError, make_submission, read_submission, validate_submission,
                                     write_submission)


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
    with pytest.raises(SubmissionError, match="could not be read"):
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
