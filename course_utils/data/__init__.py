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
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils import config
from course_utils.data.download import DownloadError, download, extract_members
from course_utils.data.treebank import TEST_COLUMNS, TRAIN_COLUMNS, TreeFormatError, build_tables_from_files
from course_utils.files import (
    FileFormatError,
    FileSet,
    read_text_lines,
    remove_stale_temporaries,
    sha256_of,
    write_atomically,
)

SST_URL = "https://nlp.stanford.edu/sentiment/trainDevTestTrees_PTB.zip"
SST_ZIP_SHA256 = "5c613a4f673fc74097d523a2c83f38e0cc462984d847b82c7aaf36b01cbbbfcc"
SST_ZIP_NAME = "trainDevTestTrees_PTB.zip"
#: The zip's members we use, where they go and their sha256 (checked after extraction).
SST_MEMBERS = {
    "trees/train.txt": ("train.txt", "e2f3f41b0b1e6d4dddc0effe3bfc2d27ed8928079aa9a03d652311614fc5feb7"),
    "trees/dev.txt": ("dev.txt", "0e9336aed6e4730e19f58d00a77b3f0297efdb755f7b5e598c98a05e3f97ea40"),
    "trees/test.txt": ("test.txt", "6e54806dee95cf80cd918e7dfb3f6770f6df24bf826f289a4d1f709e1c8f6761"),
}
REAL_DATA_HELP = (
    "To use the real data, either put Kaggle's train.tsv and test.tsv in data/kaggle/ (or set COURSE_DATA_DIR), "
    "or run `python -m course_utils.data prepare` with network access to build them from the Stanford "
    "Sentiment Treebank."
)


class DataFileError(FileFormatError):
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

INT64_MAX = 2**63 - 1


def kaggle_fix(kind: str) -> str:
    """What to do about a damaged Kaggle table."""
    return (f"Put Kaggle's {kind}.tsv there as it comes (unzipped from {kind}.tsv.zip, not edited in a spreadsheet), "
            "or remove it to let the course fall back to the treebank or the sample.")


def sst_fix(directory: Path) -> str:
    """What to do about a damaged table that :func:`prepare_sst` built."""
    return (f"Delete {directory / 'train.tsv'} and {directory / 'test.tsv'} and run "
            "`python -m course_utils.data prepare` to build them again.")


def read_phrase_table(path: Path, kind: str, *, fix: str | None = None, shown: Path | None = None) -> pd.DataFrame:
    """Read and validate a Kaggle-format TSV (``kind`` is ``"train"`` or ``"test"``).

    Phrases stay strings exactly as written: the test phrase ``None`` would otherwise become
    NaN, and the one-space phrase must survive. Lines end at ``\\n`` (a ``\\r`` before it is
    dropped) and blank lines are skipped. Any fault raises :class:`DataFileError` naming the file
    (``shown``, when reading a temporary copy), the line counted from 1 as an editor shows it,
    what is wrong, and ``fix`` (what to do; by default, how to put Kaggle's file back).
    """
    if kind not in ("train", "test"):
        raise ValueError(f"kind must be 'train' or 'test', not {kind!r}")
    path = Path(path)
    name = Path(shown) if shown is not None else path
    fix = kaggle_fix(kind) if fix is None else fix
    columns = TRAIN_COLUMNS if kind == "train" else TEST_COLUMNS
    lines = read_text_lines(path, DataFileError, fix=fix, missing=REAL_DATA_HELP, shown=name)
    if not lines or not any(lines):
        raise DataFileError(f"{name} is empty: expected a header line with {', '.join(columns)}. {fix}")
    first = next(number for number, line in enumerate(lines, start=1) if line)
    header = lines[first - 1].split("\t")
    if header != columns:
        hint = " (separated by commas: is it a CSV file?)" if "," in lines[first - 1] and len(header) == 1 else ""
        raise DataFileError(
            f"{name}, line {first}: the columns are {header}{hint}, expected {columns} for a {kind} file. {fix}")
    width = len(columns)
    body = lines[first:]
    if "" in body:  # blank lines are skipped, but every message gives the line as an editor counts it
        numbers = [number for number, line in enumerate(body, start=first + 1) if line]
        body = [line for line in body if line]
    else:
        numbers = range(first + 1, first + 1 + len(body))
    if not body:
        raise DataFileError(f"{name} has a header but no rows. {fix}")
    if set(map(str.count, body, itertools.repeat("\t", len(body)))) != {width - 1}:
        row = next(row for row, line in enumerate(body) if line.count("\t") != width - 1)
        count = body[row].count("\t") + 1
        raise DataFileError(
            f"{name}, line {numbers[row]} has {count} tab-separated field{'s' if count != 1 else ''}, "
            f"expected {width} ({', '.join(columns)}): a tab inside the phrase, or a damaged line? "
            f"Is this a tab-separated Kaggle {kind} file? {fix}")
    table: dict[str, object] = {}
    flat = "\t".join(body).split("\t")  # every line has width fields: column k is every width-th field from k
    for column, cells in zip(columns, (flat[k::width] for k in range(width))):
        if column == "Phrase":
            if "" in cells:
                raise DataFileError(f"{name}, line {numbers[cells.index('')]}: the phrase is missing. {fix}")
            table[column] = pd.Series(cells, dtype="str")
            continue
        joined = "".join(cells)  # all digits, and no cell empty: every cell is a whole number
        if "" in cells or not (joined.isascii() and joined.isdigit()):
            row = next(row for row, cell in enumerate(cells) if not (cell.isascii() and cell.isdigit()))
            raise DataFileError(f"{name}, line {numbers[row]}: {column} {cells[row]!r} is not a whole number. {fix}")
        if max(map(len, cells)) > 18:
            for row, cell in enumerate(cells):
                if int(cell) > INT64_MAX:
                    raise DataFileError(f"{name}, line {numbers[row]}: {column} {cell} is far too large to be an id "
                                        f"(more than {INT64_MAX:,}). {fix}")
        table[column] = np.array(cells, dtype=np.int64)
    frame = pd.DataFrame(table, columns=columns)
    if kind == "train":
        bad = np.flatnonzero(~frame["Sentiment"].between(0, 4).to_numpy())
        if len(bad):
            row = int(bad[0])
            raise DataFileError(f"{name}, line {numbers[row]}: Sentiment {frame.at[row, 'Sentiment']} is not a label "
                                f"from 0 to 4. {fix}")
    duplicated = np.flatnonzero(frame["PhraseId"].duplicated().to_numpy())
    if len(duplicated):
        row = int(duplicated[0])
        phrase_id = frame.at[row, "PhraseId"]
        earlier = int(np.flatnonzero(frame["PhraseId"].to_numpy() == phrase_id)[0])
        raise DataFileError(f"{name}, line {numbers[row]}: PhraseId {phrase_id} appears twice "
                            f"(first on line {numbers[earlier]}). {fix}")
    return frame


def phrase_table_text(frame: pd.DataFrame) -> str:
    """A table in Kaggle's TSV format: a header, then one tab-separated line per row, ``\\n`` line ends."""
    columns = list(frame.columns)
    if columns not in (TRAIN_COLUMNS, TEST_COLUMNS):
        raise ValueError(f"the columns are {columns}, expected {TRAIN_COLUMNS} or {TEST_COLUMNS}")
    phrases = frame["Phrase"].tolist()
    joined = "".join(text for text in phrases if isinstance(text, str))
    if "" in phrases or not all(isinstance(text, str) for text in phrases) or any(c in joined for c in "\t\n\r"):
        text = next(t for t in phrases if not isinstance(t, str) or not t or any(c in t for c in "\t\n\r"))
        raise ValueError(f"the phrase {text!r} cannot be written in Kaggle's format (empty, or with a tab or a line "
                         "end)")
    cells = [phrases if column == "Phrase" else list(map(str, frame[column].astype("int64").tolist()))
             for column in columns]
    return "\n".join(["\t".join(columns), *map("\t".join, zip(*cells))]) + "\n"


def write_phrase_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a table in Kaggle's TSV format through a temporary file, checked to read back: never half-written."""
    path = Path(path)
    kind = "train" if "Sentiment" in frame.columns else "test"
    write_atomically(path, phrase_table_text(frame), verify=lambda temp: read_phrase_table(temp, kind, shown=path))


def _check_pair(train: pd.DataFrame, test: pd.DataFrame, where: Path) -> None:
    overlap = set(train["PhraseId"]) & set(test["PhraseId"])
    if overlap:
        raise DataFileError(f"{where}: PhraseId {min(overlap)} is in both train.tsv and test.tsv; the files do not "
                            "belong together. Put back a train.tsv and a test.tsv from the same download.")


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

    Each step is skipped when its result is already there and verified (tables that do not read
    back are built again), so calling it again is cheap. Every file is written to a temporary file,
    checked, and renamed into place with the others of its step (the tree files together, the two
    tables together), so a failure leaves the folder exactly as it was. Returns the directory
    holding ``train.tsv`` and ``test.tsv``. Raises :class:`DownloadError` or :class:`DataFileError`.
    """
    directory = Path(directory or config.sst_dir())
    url = url or SST_URL
    members = SST_MEMBERS if members is None else members
    if directory.is_dir():
        remove_stale_temporaries(directory)
    tables = directory / "train.tsv", directory / "test.tsv"
    if all(table.is_file() for table in tables):
        try:
            _check_pair(read_phrase_table(tables[0], "train"), read_phrase_table(tables[1], "test"), directory)
            return directory
        except DataFileError:
            pass  # damaged: built again below, and replaced only once the new ones are checked
    if not all(_verified(directory / name, digest) for name, digest in members.values()):
        archive = download(url, directory / SST_ZIP_NAME, zip_sha256, progress=progress, timeout=timeout)
        extract_members(archive, {member: name for member, (name, _) in members.items()}, directory,
                        checksums={member: digest for member, (_, digest) in members.items()})
    names = [name for name, _ in members.values()]
    try:
        train, test = build_tables_from_files(directory / names[0], [directory / n for n in names[1:]])
        texts = phrase_table_text(train), phrase_table_text(test)
    except (TreeFormatError, ValueError) as error:
        raise DataFileError(f"{error} No table was written: delete the tree files ({', '.join(names)}) in {directory} "
                            "and run `python -m course_utils.data prepare` to fetch them again.") from None
    fix = (f"This is a fault of the table builder, not of your files: please report it. Nothing in {directory} "
           "was changed.")
    try:
        with FileSet() as files:
            staged = [files.stage(table, text) for table, text in zip(tables, texts)]
            built = [read_phrase_table(temp, kind, fix=fix, shown=table)
                     for temp, kind, table in zip(staged, ("train", "test"), tables)]
            _check_pair(*built, directory)
    except OSError as error:
        raise DataFileError(f"could not write the tables in {directory} ({error.strerror or error}). Nothing was "
                            "replaced; free some disk space (or fix the folder's permissions) and run this "
                            "again.") from None
    return directory


def _verified(path: Path, sha256: str) -> bool:
    try:
        return path.is_file() and sha256_of(path) == sha256
    except OSError:
        return False


def load_sst(directory: Path | None = None) -> PhraseData:
    """The tables :func:`prepare_sst` built (it must have run)."""
    directory = Path(directory or config.sst_dir())
    train = read_phrase_table(directory / "train.tsv", "train", fix=sst_fix(directory))
    test = read_phrase_table(directory / "test.tsv", "test", fix=sst_fix(directory))
    _check_pair(train, test, directory)
    return PhraseData(train, test, "sst", directory)


def load_sample(directory: Path | None = None) -> PhraseData:
    """The committed synthetic sample, checked against its checksums, built like the real trees."""
    from course_utils.data.sample import (
        verify_sample,  # the 1,100-line generator, imported only when the sample is used
    )

    directory = Path(directory or config.SAMPLE_DIR)
    try:
        verify_sample(directory)
    except ValueError as error:
        raise DataFileError(str(error)) from None
    train, test = build_tables_from_files(directory / "train.txt", [directory / "dev.txt", directory / "test.txt"])
    return PhraseData(train, test, "sample", directory)


def load_train_trees(*, allow_download: bool = True, verbose: bool = True) -> tuple[list, bool]:
    """The treebank's train trees (notebook 07) and whether they are the sample's.

    Quick mode reads the sample's; full mode the SST's ``train.txt`` from :func:`config.sst_dir`
    (``COURSE_SST_DIR``), fetched with the rest of the treebank by :func:`prepare_sst` when it is not there
    yet and ``allow_download``. Without it full mode falls back to the sample's trees and says why, as
    :func:`load_phrases` does; then the caller must use the sample's phrase table too (:func:`load_sample`),
    so that trees and phrases come from one source.
    """
    from course_utils.data.treebank import read_trees

    path, why = config.SAMPLE_DIR / "train.txt", "quick mode always uses the sample"
    if not config.is_quick():
        name, digest = SST_MEMBERS["trees/train.txt"]
        real = config.sst_dir() / name
        found = _verified(real, digest)
        why = f"no verified {name} in {config.sst_dir()} (offline)"
        if not found and allow_download:
            try:
                prepare_sst(progress=verbose)
                found = _verified(real, digest)  # prepare_sst may stop early at good tables, with no trees
            except (DownloadError, DataFileError) as error:
                why = f"the treebank could not be fetched: {str(error).rstrip('.')}"
        if found:
            path, why = real, ""
    try:
        found = read_trees(path)
    except TreeFormatError as error:
        raise DataFileError(str(error)) from None
    if verbose:
        print(f"Trees: {len(found):,} train trees from {path}" + (f" (the sample: {why})" if why else ""))
    return found, bool(why)


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
            why = str(error).rstrip(".")
            return "sample", f"no Kaggle files in {kaggle}, and the treebank could not be fetched: {why}"
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
    parser.add_argument("command", choices=["prepare", "status"],
                        help="prepare: fetch/build the real data if possible; status: only report")
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

