"""The phrase tables of Kaggle's "Sentiment Analysis on Movie Reviews", wherever they come from.

:func:`load_phrases` is the one call a notebook makes. It looks, in this order, for

1. Kaggle's own ``train.tsv``/``test.tsv`` in :func:`course_utils.config.kaggle_dir`;
2. the same tables built from the Stanford Sentiment Treebank's labelled trees, downloaded
   once (``trainDevTestTrees_PTB.zip``) and cached in :func:`course_utils.config.sst_dir`;
3. the synthetic sample committed in ``data/sample/``, with a notice that its numbers are
   not the real ones.

Quick mode (``COURSE_QUICK=1``) always uses the sample. Run ``python -m course_utils.data
prepare`` to fetch the real data ahead of time (``make lab`` and Binder do).
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import config, sample
from .download import DownloadError, download, extract_members, sha256_of
from .treebank import TEST_COLUMNS, TRAIN_COLUMNS, TreeFormatError, build_tables_from_files

SST_URL = "https://nlp.stanford.edu/sentiment/trainDevTestTrees_PTB.zip"
SST_ZIP_SHA256 = "5c613a4f673fc74097d523a2c83f38e0cc462984d847b82c7aaf36b01cbbbfcc"
SST_ZIP_NAME = "trainDevTestTrees_PTB.zip"
#: The zip's members we use, where they go and their sha256 (checked after extraction).
SST_MEMBERS = {
    "trees/train.txt": ("train.txt", "e2f3f41b0b1e6d4dddc0effe3bfc2d27ed8928079aa9a03d652311614fc5feb7"),
    "trees/dev.txt": ("dev.txt", "0e9336aed6e4730e19f58d00a77b3f0297efdb755f7b5e598c98a05e3f97ea40"),
    "trees/test.txt": ("test.txt", "6e54806dee95cf80cd918e7dfb3f6770f6df24bf826f289a4d1f709e1c8f6761"),
}
LABELS = {0: "negative", 1: "somewhat negative", 2: "neutral", 3: "somewhat positive", 4: "positive"}
REAL_DATA_HELP = (
    "To use the real data, either put Kaggle's train.tsv and test.tsv in data/kaggle/ (or set COURSE_DATA_DIR), "
    "or run `python -m course_utils.data prepare` with network access to build them from the Stanford "
    "Sentiment Treebank."
)


class DataFileError(ValueError):
    """A data file is missing, malformed or inconsistent; the message names the file, the line and the fault."""


@dataclass
class PhraseData:
    """The train and test phrase tables and where they came from."""

    train: pd.DataFrame
    test: pd.DataFrame
    source: str  # "kaggle", "sst" or "sample"
    location: Path

    @property
    def is_real(self) -> bool:
        """False for the synthetic sample, whose numbers say nothing about the real data."""
        return self.source != "sample"

    def describe(self) -> str:
        """One paragraph for the notebook: which data is in use, its size, and a warning for the sample."""
        names = {
            "kaggle": "Kaggle's own files",
            "sst": "tables built from the Stanford Sentiment Treebank (the same phrases and labels as Kaggle's)",
            "sample": "the course's synthetic sample",
        }
        text = (
            f"Data: {names[self.source]} in {self.location}\n"
            f"      {len(self.train):,} train phrases in {self.train['SentenceId'].nunique():,} sentences, "
            f"{len(self.test):,} test phrases in {self.test['SentenceId'].nunique():,} sentences."
        )
        if not self.is_real:
            text += "\nNOTICE: this is a small synthetic sample; its numbers are not the real data's."
            if not config.is_quick():
                text += "\n" + REAL_DATA_HELP
        return text


# ---------------------------------------------------------------------------------------- reading

_INT = re.compile(r"^[0-9]+$")


def read_phrase_table(path: Path, kind: str) -> pd.DataFrame:
    """Read and validate a Kaggle-format TSV (``kind`` is ``"train"`` or ``"test"``).

    Phrases stay strings exactly as written: the test phrase ``None`` would otherwise become
    NaN, and the one-space phrase must survive. Any fault raises :class:`DataFileError` naming
    the file, the line and what is wrong.
    """
    if kind not in ("train", "test"):
        raise ValueError(f"kind must be 'train' or 'test', not {kind!r}")
    path = Path(path)
    columns = TRAIN_COLUMNS if kind == "train" else TEST_COLUMNS
    if not path.is_file():
        raise DataFileError(f"{path} does not exist. {REAL_DATA_HELP}")
    try:
        frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=csv.QUOTE_NONE, encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise DataFileError(f"{path} is empty: expected a header line with {', '.join(columns)}.") from None
    except pd.errors.ParserError as error:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        detail = f"line {match[2]} has {match[3]} tab-separated fields, expected {match[1]}" if match else str(error).strip()
        raise DataFileError(f"{path}: {detail}. Is this a tab-separated Kaggle {kind} file?") from None
    except UnicodeDecodeError as error:
        raise DataFileError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start}). Is it the Kaggle {kind}.tsv file?") from None
    if list(frame.columns) != columns:
        raise DataFileError(
            f"{path}, line 1: the columns are {list(frame.columns)}, expected {columns} for a {kind} file. "
            f"Check you put Kaggle's {kind}.tsv there (unzipped)."
        )
    if frame.empty:
        raise DataFileError(f"{path} has a header but no rows.")
    for column in columns:
        if column == "Phrase":
            bad = frame.index[frame[column] == ""]
            fault = "the phrase is missing"
        else:
            bad = frame.index[~frame[column].str.match(_INT)]
            fault = f"{column} {{value!r}} is not a whole number"
        if len(bad):
            row = bad[0]
            raise DataFileError(f"{path}, line {row + 2}: {fault.format(value=frame.at[row, column])}.")
    frame = frame.astype({c: "int64" for c in columns if c != "Phrase"})
    if kind == "train":
        bad = frame.index[~frame["Sentiment"].between(0, 4)]
        if len(bad):
            row = bad[0]
            raise DataFileError(f"{path}, line {row + 2}: Sentiment {frame.at[row, 'Sentiment']} is not a label from 0 to 4.")
    duplicated = frame.index[frame["PhraseId"].duplicated()]
    if len(duplicated):
        row = duplicated[0]
        raise DataFileError(f"{path}, line {row + 2}: PhraseId {frame.at[row, 'PhraseId']} appears twice.")
    return frame


def write_phrase_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a table in Kaggle's TSV format through a temporary file, so no half-written file is left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    try:
        frame.to_csv(temp, sep="\t", index=False, quoting=csv.QUOTE_NONE, lineterminator="\n")
        os.replace(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)


def _check_pair(train: pd.DataFrame, test: pd.DataFrame, where: Path) -> None:
    overlap = set(train["PhraseId"]) & set(test["PhraseId"])
    if overlap:
        raise DataFileError(f"{where}: PhraseId {min(overlap)} is in both train.tsv and test.tsv; the files do not belong together.")


# ---------------------------------------------------------------------------------------- sources

def load_kaggle(directory: Path | None = None) -> PhraseData:
    """Kaggle's own files from ``directory`` (default: :func:`config.kaggle_dir`)."""
    directory = Path(directory or config.kaggle_dir())
    train = read_phrase_table(directory / "train.tsv", "train")
    test = read_phrase_table(directory / "test.tsv", "test")
    _check_pair(train, test, directory)
    return PhraseData(train, test, "kaggle", directory)


def prepare_sst(
    directory: Path | None = None,
    *,
    url: str | None = None,
    zip_sha256: str = SST_ZIP_SHA256,
    members: dict[str, tuple[str, str]] | None = None,
    progress: bool = True,
    timeout: float = 30.0,
) -> Path:
    """Download the SST trees (once), check them and build Kaggle-format tables in ``directory``.

    Each step is skipped when its result is already there and verified, so calling it again
    is cheap. Returns the directory holding ``train.tsv`` and ``test.tsv``.
    """
    directory = Path(directory or config.sst_dir())
    url = url or SST_URL
    members = SST_MEMBERS if members is None else members
    if (directory / "train.tsv").is_file() and (directory / "test.tsv").is_file():
        return directory
    trees_ok = all((directory / name).is_file() and sha256_of(directory / name) == digest for name, digest in members.values())
    if not trees_ok:
        archive = download(url, directory / SST_ZIP_NAME, zip_sha256, progress=progress, timeout=timeout)
        extract_members(archive, {member: name for member, (name, _) in members.items()}, directory)
        for name, digest in members.values():
            if sha256_of(directory / name) != digest:
                (directory / name).unlink()
                raise DownloadError(f"{name} from {archive} has the wrong checksum. Delete {archive} and run again.")
    names = [name for name, _ in members.values()]
    try:
        train, test = build_tables_from_files(directory / names[0], [directory / n for n in names[1:]])
    except TreeFormatError as error:
        raise DataFileError(str(error)) from None
    write_phrase_table(test, directory / "test.tsv")
    write_phrase_table(train, directory / "train.tsv")
    return directory


def load_sst(directory: Path | None = None) -> PhraseData:
    """The tables :func:`prepare_sst` built (it must have run)."""
    directory = Path(directory or config.sst_dir())
    train = read_phrase_table(directory / "train.tsv", "train")
    test = read_phrase_table(directory / "test.tsv", "test")
    return PhraseData(train, test, "sst", directory)


def load_sample(directory: Path | None = None) -> PhraseData:
    """The committed synthetic sample, checked against its checksums, built like the real trees."""
    directory = Path(directory or config.SAMPLE_DIR)
    try:
        sample.verify_sample(directory)
    except ValueError as error:
        raise DataFileError(str(error)) from None
    train, test = build_tables_from_files(directory / "train.txt", [directory / "dev.txt", directory / "test.txt"])
    return PhraseData(train, test, "sample", directory)


def find_source(*, allow_download: bool = True, progress: bool = True) -> tuple[str, str]:
    """Decide which source :func:`load_phrases` will use: ``(source, reason)``."""
    kaggle = config.kaggle_dir()
    if config.is_quick():
        return "sample", "quick mode (COURSE_QUICK=1) always uses the sample"
    if (kaggle / "train.tsv").is_file() or (kaggle / "test.tsv").is_file():
        return "kaggle", f"found Kaggle's files in {kaggle}"
    if allow_download:
        try:
            prepare_sst(progress=progress)
            return "sst", f"built from the Stanford Sentiment Treebank in {config.sst_dir()}"
        except (DownloadError, DataFileError) as error:
            return "sample", f"no Kaggle files in {kaggle}, and the treebank could not be fetched: {str(error).rstrip('.')}"
    sst = config.sst_dir()
    if (sst / "train.tsv").is_file() and (sst / "test.tsv").is_file():
        return "sst", f"built from the Stanford Sentiment Treebank in {sst}"
    return "sample", f"no Kaggle files in {kaggle} and no treebank tables in {sst} (offline)"


def load_phrases(*, allow_download: bool = True, verbose: bool = True) -> PhraseData:
    """The train and test phrase tables from the best source available (see the module docstring)."""
    source, reason = find_source(allow_download=allow_download, progress=verbose)
    loaders = {"kaggle": load_kaggle, "sst": load_sst, "sample": load_sample}
    data = loaders[source]()
    if verbose:
        print(data.describe())
        if source == "sample" and not config.is_quick():
            print(f"(Why the sample: {reason}.)")
    return data


def main(argv: list[str] | None = None) -> int:
    """``python -m course_utils.data prepare [--offline]``: get the data ready and say which source is in use."""
    parser = argparse.ArgumentParser(prog="python -m course_utils.data", description="Prepare the course data.")
    parser.add_argument("command", choices=["prepare", "status"], help="prepare: fetch/build the real data if possible; status: only report")
    parser.add_argument("--offline", action="store_true", help="never touch the network (what `make test` uses)")
    args = parser.parse_args(argv)
    allow = args.command == "prepare" and not args.offline
    try:
        source, reason = find_source(allow_download=allow)
        data = {"kaggle": load_kaggle, "sst": load_sst, "sample": load_sample}[source]()
    except (DataFileError, DownloadError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(data.describe())
    print(f"Why: {reason}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
