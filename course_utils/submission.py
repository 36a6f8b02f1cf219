"""A Kaggle submission for "Sentiment Analysis on Movie Reviews", checked before it is written.

Kaggle wants a CSV file with the header ``PhraseId,Sentiment`` and one row per test phrase, each
with a whole-number label from 0 to 4 (the format of ``sampleSubmission.csv``); it matches rows
by PhraseId. A file that breaks any of that is rejected after the upload, or scored wrongly. The
course also asks for the test file's order, which Kaggle does not: a table in another order is
the sign of a prediction that was sorted or shuffled away from its ids. So :func:`write_submission`
validates the table first, says exactly what is wrong and how to fix it, and writes through
a temporary file that is read back and checked before it replaces anything, so a failed write
never leaves a half-written ``submission.csv``. :func:`read_submission` names the file and the
line of any fault it finds in a file.

Typical use (notebook 05)::

    submission = make_submission(phrases.test, predicted_classes)
    write_submission(submission, config.build_dir() / "submission.csv", phrases.test)
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils.files import location, read_text_lines, write_atomically
from course_utils.labels import N_CLASSES

__all__ = ["COLUMNS", "N_CLASSES", "SubmissionError", "make_submission", "read_submission", "submission_text",
           "validate_submission", "write_submission"]

COLUMNS = ["PhraseId", "Sentiment"]


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
    """Raise :class:`SubmissionError` unless ``submission`` is exactly what Kaggle expects for ``test``.

    Rows are named by their position in the table, counted from 0 (``submission.iloc[row]``).
    """
    _validate(submission, test, lambda row: f"row {row}")


def _validate(submission: pd.DataFrame, test: pd.DataFrame, where: Callable[[int], str]) -> None:
    if not isinstance(submission, pd.DataFrame):
        raise SubmissionError(f"the submission should be a pandas DataFrame, not {type(submission).__name__}.")
    if list(submission.columns) != COLUMNS:
        raise SubmissionError(
            f"the columns are {list(submission.columns)}, but Kaggle wants exactly {COLUMNS}, in that order"
            " (did the index become a column? write with index=False).")
    if len(submission) != len(test):
        raise SubmissionError(f"the submission has {len(submission):,} rows, but the test file has {len(test):,} "
                              "phrases: there must be one row per test phrase.")
    for column in COLUMNS:
        missing = submission[column].isna()
        if missing.any():
            row = int(np.flatnonzero(missing.to_numpy())[0])
            raise SubmissionError(f"{column} is missing (NaN) in {int(missing.sum()):,} rows, the first at "
                                  f"{where(row)}.")
        if not pd.api.types.is_integer_dtype(submission[column]):
            raise SubmissionError(
                f"{column} has dtype {submission[column].dtype}, but it must hold whole numbers"
                f" (a float column is written as '2.0'): use .astype(int).")
    ids, expected = submission["PhraseId"].to_numpy(), test["PhraseId"].to_numpy()
    if not np.array_equal(ids, expected):
        duplicated = np.flatnonzero(submission["PhraseId"].duplicated().to_numpy())
        if len(duplicated):
            row = int(duplicated[0])
            first = int(np.flatnonzero(ids == ids[row])[0])
            raise SubmissionError(f"PhraseId {ids[row]} appears more than once ({where(first)} and {where(row)}).")
        unknown = np.flatnonzero(~np.isin(ids, expected))
        if len(unknown):
            row = int(unknown[0])
            raise SubmissionError(f"PhraseId {ids[row]} ({where(row)}) is not a test phrase ({len(unknown):,} such "
                                  "ids):"
                                  " predict the test table, not the training table.")
        row = int(np.flatnonzero(ids != expected)[0])
        raise SubmissionError(
            f"this course's check: the PhraseIds are not in the test file's order: {where(row)} has {ids[row]}, "
            "the test file "
            f"{expected[row]}."
            " Keep the test table's row order (do not sort or shuffle it).")
    labels = submission["Sentiment"].to_numpy()
    outside = (labels < 0) | (labels >= N_CLASSES)
    if outside.any():
        row = int(np.flatnonzero(outside)[0])
        raise SubmissionError(f"Sentiment must be a class from 0 to {N_CLASSES - 1}, but {where(row)} has "
                              f"{labels[row]}.")


def submission_text(submission: pd.DataFrame) -> str:
    """The CSV Kaggle wants: the header ``PhraseId,Sentiment``, then one line per row, ``\\n`` line ends."""
    cells = [list(map(str, submission[column].astype("int64").tolist())) for column in COLUMNS]
    return "\n".join([",".join(COLUMNS), *map(",".join, zip(*cells))]) + "\n"


def write_submission(submission: pd.DataFrame, path: str | Path, test: pd.DataFrame) -> Path:
    """Validate ``submission`` against ``test`` and write it as Kaggle's CSV; returns the path.

    The file is written to a temporary file beside ``path``, read back and checked with
    :func:`read_submission`, and only then renamed over ``path``: a failure leaves an earlier
    ``submission.csv`` exactly as it was.
    """
    validate_submission(submission, test)
    path = Path(path)
    try:
        write_atomically(path, submission_text(submission), verify=lambda temp: _read(temp, test, path))
    except OSError as error:
        raise SubmissionError(f"could not write {path} ({error.strerror or error}); nothing was replaced. Free some "
                              "disk space (or pick another folder) and run this again.") from None
    return path


def read_submission(path: str | Path, test: pd.DataFrame) -> pd.DataFrame:
    """Read a submission file back and validate it, as a last check before uploading it.

    Every fault raises :class:`SubmissionError` naming the file and the line (counted from 1, as
    an editor shows it; line 1 is the header), what is wrong and what to do.
    """
    return _read(Path(path), test, Path(path))


def _read(path: Path, test: pd.DataFrame, shown: Path) -> pd.DataFrame:
    fix = "Write it again with write_submission(submission, path, phrases.test) (notebook 05 shows how)."
    lines = read_text_lines(path, SubmissionError, fix=fix, shown=shown)
    header_line = next((number for number, line in enumerate(lines, start=1) if line.strip()), None)
    if header_line is None:
        raise SubmissionError(f"{shown} is empty: expected the header {','.join(COLUMNS)} and one line per test "
                              f"phrase. {fix}")
    header = [cell.strip() for cell in lines[header_line - 1].split(",")]
    if header != COLUMNS:
        hint = ""
        if ";" in lines[header_line - 1] or "\t" in lines[header_line - 1]:
            hint = " (the columns must be separated by commas, not semicolons or tabs)"
        raise SubmissionError(f"{location(shown, header_line)}: the header is {lines[header_line - 1]!r}, but Kaggle "
                              f"wants exactly {','.join(COLUMNS)}{hint}. {fix}")
    numbers, ids, labels = [], [], []
    for number in range(header_line + 1, len(lines) + 1):
        line = lines[number - 1]
        if not line.strip():
            continue
        fields = line.split(",")
        if len(fields) != 2:
            cut = " (the last line: was the file cut off?)" if number == len(lines) and len(fields) < 2 else ""
            raise SubmissionError(f"{location(shown, number)} has {len(fields)} comma-separated field"
                                  f"{'s' if len(fields) != 1 else ''}, expected 2 (PhraseId,Sentiment): "
                                  f"{line[:60]!r}{cut}. {fix}")
        for column, cell, values in zip(COLUMNS, fields, (ids, labels)):
            text = cell.strip()
            digits = text[1:] if text.startswith("-") else text
            if not (digits.isascii() and digits.isdigit()):
                what = "is missing" if not text else f"{text!r} is not a whole number"
                if "." in text:
                    what += " (Kaggle wants a class, 0 to 4, not a probability or '2.0')"
                raise SubmissionError(f"{location(shown, number)}: {column} {what}. {fix}")
            if len(digits) > 18:
                raise SubmissionError(f"{location(shown, number)}: {column} {text} is far too large to be "
                                      f"{'an id' if column == 'PhraseId' else 'a class'}. {fix}")
            values.append(int(text))
        numbers.append(number)
    submission = pd.DataFrame({"PhraseId": np.array(ids, dtype=np.int64),
                               "Sentiment": np.array(labels, dtype=np.int64)})
    if len(submission) != len(test):
        cut = " The file may have been cut off (an interrupted save?)." if len(submission) < len(test) else ""
        raise SubmissionError(f"{shown} has {len(submission):,} rows, but the test file has {len(test):,} phrases: "
                              f"there must be one line per test phrase.{cut} {fix}")
    try:
        _validate(submission, test, lambda row: f"line {numbers[row]}")
    except SubmissionError as error:
        raise SubmissionError(f"{shown}: {error} {fix}") from None
    return submission
