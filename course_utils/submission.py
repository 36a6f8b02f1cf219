"""A Kaggle submission for "Sentiment Analysis on Movie Reviews", checked before it is written.

Kaggle wants a CSV file with the header ``PhraseId,Sentiment`` and one row per test phrase:
the test file's PhraseIds, in its order, each with a whole-number label from 0 to 4 (the
format of ``sampleSubmission.csv``). A file that breaks any of that is rejected after the
upload, or, worse, scored wrongly (ids shifted by one row). So :func:`write_submission`
validates the table first, says exactly what is wrong and how to fix it, and writes through
a temporary file, so a failed write never leaves a half-written ``submission.csv``.

Typical use (notebook 05)::

    submission = make_submission(phrases.test, predicted_classes)
    write_submission(submission, config.build_dir() / "submission.csv", phrases.test)
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["COLUMNS", "N_CLASSES", "SubmissionError", "make_submission", "read_submission", "validate_submission",
           "write_submission"]

COLUMNS = ["PhraseId", "Sentiment"]
N_CLASSES = 5


class SubmissionError(ValueError):
    """The submission does not follow Kaggle's format; the message says what is wrong and what to do."""


def make_submission(test: pd.DataFrame, predictions: np.ndarray | pd.Series | list[int]) -> pd.DataFrame:
    """The submission table: ``test``'s PhraseIds in order, beside one predicted class (0-4) per phrase.

    ``predictions`` must be class indices; for a model's probabilities pass ``probabilities.argmax(axis=1)``.
    The result is validated before it is returned.
    """
    classes = np.asarray(predictions)
    if classes.ndim == 2:
        raise SubmissionError(
            f"predictions has shape {classes.shape}: one row of {classes.shape[1]} probabilities per phrase. "
            "Kaggle wants one class per phrase: pass predictions.argmax(axis=1).")
    if classes.ndim != 1:
        raise SubmissionError(f"predictions should be a 1-D array of classes, but it has shape {classes.shape}.")
    if len(classes) != len(test):
        raise SubmissionError(
            f"there are {len(classes):,} predictions for {len(test):,} test phrases: predict every row of the "
            "test table, in its order.")
    if classes.dtype.kind == "f" and np.array_equal(classes, np.round(classes)):
        classes = classes.astype(np.int64)
    submission = pd.DataFrame({"PhraseId": test["PhraseId"].to_numpy(), "Sentiment": classes})
    validate_submission(submission, test)
    return submission


def validate_submission(submission: pd.DataFrame, test: pd.DataFrame) -> None:
    """Raise :class:`SubmissionError` unless ``submission`` is exactly what Kaggle expects for ``test``."""
    if not isinstance(submission, pd.DataFrame):
        raise SubmissionError(f"the submission should be a pandas DataFrame, not {type(submission).__name__}.")
    if list(submission.columns) != COLUMNS:
        raise SubmissionError(
            f"the columns are {list(submission.columns)}, but Kaggle wants exactly {COLUMNS}, in that order"
            " (did the index become a column? write with index=False).")
    if len(submission) != len(test):
        raise SubmissionError(f"the submission has {len(submission):,} rows, but the test file has {len(test):,} phrases:"
                              " there must be one row per test phrase.")
    for column in COLUMNS:
        missing = submission[column].isna()
        if missing.any():
            row = int(np.flatnonzero(missing.to_numpy())[0])
            raise SubmissionError(f"{column} is missing (NaN) in {int(missing.sum()):,} rows, the first at row {row}.")
        if not pd.api.types.is_integer_dtype(submission[column]):
            raise SubmissionError(
                f"{column} has dtype {submission[column].dtype}, but it must hold whole numbers"
                f" (a float column is written as '2.0'): use .astype(int).")
    ids, expected = submission["PhraseId"].to_numpy(), test["PhraseId"].to_numpy()
    if not np.array_equal(ids, expected):
        duplicated = submission["PhraseId"][submission["PhraseId"].duplicated()]
        if len(duplicated):
            raise SubmissionError(f"PhraseId {duplicated.iloc[0]} appears more than once.")
        unknown = np.setdiff1d(ids, expected)
        if len(unknown):
            raise SubmissionError(f"PhraseId {unknown[0]} is not a test phrase ({len(unknown):,} such ids):"
                                  " predict the test table, not the training table.")
        row = int(np.flatnonzero(ids != expected)[0])
        raise SubmissionError(
            f"the PhraseIds are not in the test file's order: row {row} has {ids[row]}, the test file {expected[row]}."
            " Keep the test table's row order (do not sort or shuffle it).")
    labels = submission["Sentiment"].to_numpy()
    outside = (labels < 0) | (labels >= N_CLASSES)
    if outside.any():
        row = int(np.flatnonzero(outside)[0])
        raise SubmissionError(f"Sentiment must be a class from 0 to {N_CLASSES - 1}, but row {row} has {labels[row]}.")


def write_submission(submission: pd.DataFrame, path: str | Path, test: pd.DataFrame) -> Path:
    """Validate ``submission`` against ``test`` and write it as Kaggle's CSV, atomically; returns the path."""
    validate_submission(submission, test)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    try:
        submission.to_csv(temp, index=False, lineterminator="\n")
        os.replace(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)
    return path


def read_submission(path: str | Path, test: pd.DataFrame) -> pd.DataFrame:
    """Read a submission file back and validate it, as a last check before uploading it."""
    try:
        submission = pd.read_csv(path)
    except (FileNotFoundError, pd.errors.EmptyDataError) as error:
        raise SubmissionError(f"{path} could not be read: {error}") from None
    validate_submission(submission, test)
    return submission
