"""Score a Kaggle submission offline, as the competition's leaderboard did, and look up what train already knows.

Kaggle built its test set from the phrases of the Stanford Sentiment Treebank's dev and test
sentences, and the treebank labels every one of them. So when the course has those trees it knows
the label of every Kaggle test phrase, and :func:`score_submission` gives the share of test phrases
a submission gets right: the leaderboard's number, without an upload. The rule that goes with it:
**nothing is ever chosen by this score**. Epochs, settings and models are chosen on held-out
sentences of the training set (:mod:`course_utils.validation`); the test score is reported once,
at the end, never tuned on. A score tuned on the test labels says nothing about new reviews.

The SST labels a phrase *string*: the same text has one label wherever it occurs. Kaggle folded
accents to ASCII, which makes a few different strings one (``naïve`` and ``naive``); for those
Kaggle kept the label of the string that was already ASCII (all 8 such phrases of ``train.tsv``
that have one), and :func:`course_utils.data.treebank.phrase_labels`, which both the table builder
and :func:`test_labels` use, does the same.

:func:`exact_matches` is the "know your data" lookup: which test phrases appear word for word in
train, and what predicting their train label would give. Kaggle kept each distinct phrase once
*per file*, so about one test phrase in seven is also a train phrase; but no phrase of a held-out
training sentence appears in the rest of ``train.tsv``, so the lookup adds nothing to held-out
accuracy. Typical use (notebook 05)::

    score = score_submission(submission, phrases)   # says "not available" and how to get the trees
    print(score.describe())

``python -m course_utils.scoring fetch`` downloads the treebank; ``python -m course_utils.scoring
score build/submission_full.csv`` scores a file written earlier.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils import config
from course_utils.data import SST_MEMBERS, SST_URL, SST_ZIP_NAME, PhraseData
from course_utils.data.treebank import Node, TreeFormatError, phrase_labels, read_trees
from course_utils.files import sha256_of
from course_utils.submission import read_submission, validate_submission

__all__ = ["MIN_COVERAGE", "ExactMatches", "NoTreebankError", "Score", "ScoringError", "TestLabels",
           "exact_matches", "score_submission", "test_labels"]

#: Below this share of test phrases found in the trees, the trees are not the ones the test table came from.
MIN_COVERAGE = 0.99
#: The treebank files that hold Kaggle's test sentences (dev.txt and test.txt), and their sha256.
TEST_TREES = {name: digest for member, (name, digest) in SST_MEMBERS.items() if member != "trees/train.txt"}
RULE = ("The rule: nothing is chosen by this score. Epochs and models are chosen on held-out training "
        "sentences; the test score is reported at the end, never tuned on.")
HOW_TO_GET = (
    f"With network access, run `python -m course_utils.scoring fetch` (it downloads {SST_ZIP_NAME}, 789,539 "
    f"bytes, from {SST_URL}, checks it and puts dev.txt and test.txt in {{folder}}), or download that zip "
    "yourself and unzip trees/dev.txt and trees/test.txt into that folder."
)


class ScoringError(ValueError):
    """The labels or the submission cannot be scored; the message says what is wrong and what to do."""


class NoTreebankError(ScoringError):
    """The treebank's dev and test trees, which hold the test labels, are not on this machine."""


@dataclass(frozen=True)
class TestLabels:
    """The label of each test phrase, found in the treebank's trees by its text."""

    labels: np.ndarray  # one per row of the test table, in its order; -1 where the trees do not have the phrase
    origin: str  # where the labels come from, in words
    files: tuple[Path, ...]

    @property
    def labelled(self) -> int:
        return int((self.labels >= 0).sum())

    def __str__(self) -> str:
        return f"{self.labelled:,} of {len(self.labels):,} test phrases labelled by {self.origin}"


@dataclass(frozen=True)
class Score:
    """The offline score of a submission, or why there is none (``accuracy`` is None then)."""

    accuracy: float | None  # share of the scored test phrases predicted right
    scored: int  # test phrases with a label, the ones the accuracy counts
    phrases: int  # rows of the test table
    origin: str  # where the labels come from, or why there are none

    @property
    def available(self) -> bool:
        return self.accuracy is not None

    def describe(self) -> str:
        """The score with where its labels come from and the rule that goes with it."""
        if self.accuracy is None:
            return f"Offline test score: not available. {self.origin}"
        unscored = self.phrases - self.scored
        left = f" ({unscored:,} phrase{'s' if unscored != 1 else ''} the trees do not label not counted)" \
            if unscored else ""
        return (f"Offline test score: {self.accuracy:.4f}, the share of {self.scored:,} test phrases predicted "
                f"right{left}, as Kaggle's leaderboard computed it.\nLabels: {self.origin}.\n{RULE}")

    def __str__(self) -> str:
        return self.describe()


def _tree_files(phrases: PhraseData) -> tuple[list[Path], bool]:
    """The trees Kaggle's test sentences came from, for this data source; and whether to check their sha256."""
    if phrases.source == "sample":  # load_sample builds the test table from these, already checked
        return [phrases.location / "dev.txt", phrases.location / "test.txt"], False
    folder = phrases.location if phrases.source == "sst" else config.sst_dir()
    files = [folder / name for name in TEST_TREES]
    missing = [path.name for path in files if not path.is_file()]
    if missing:
        raise NoTreebankError(
            "The test labels come from the Stanford Sentiment Treebank's dev and test trees, and "
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not in {folder}: Kaggle's own files "
            "have no test labels. "
            + HOW_TO_GET.format(folder=folder))
    return files, True


def test_labels(phrases: PhraseData, trees: Sequence[Path] | None = None) -> TestLabels:
    """The label of every test phrase of ``phrases``, from the trees its test sentences came from.

    ``trees`` defaults to the treebank's ``dev.txt`` and ``test.txt`` (the sample's own for the
    sample; ``data/sst/`` otherwise, checked against their sha256). A test phrase is matched to the
    trees' phrases by its text, after the normalisation the course's table builder applies (the
    leaves joined by spaces, accents folded). Raises :class:`NoTreebankError` when the trees are
    not there, :class:`ScoringError` when they are damaged or do not label at least
    :data:`MIN_COVERAGE` of the test phrases (then they are not the trees this test table came from).
    """
    if trees is None:
        files, check = _tree_files(phrases)
    else:
        files, check = [Path(path) for path in trees], False
    fetch = HOW_TO_GET.format(folder=files[0].parent if files else config.sst_dir())
    parsed: list[Node] = []
    for path in files:
        if check and sha256_of(path) != TEST_TREES[path.name]:
            raise ScoringError(f"{path} is not the treebank's {path.name} (its sha256 differs), so its labels cannot "
                               f"be trusted. Delete it and fetch it again. {fetch}")
        try:
            parsed += read_trees(path)
        except TreeFormatError as error:
            raise ScoringError(f"{error} {fetch}") from None
    found = phrase_labels(parsed)
    texts = phrases.test["Phrase"].tolist()
    labels = np.array([found.get(text, -1) for text in texts], dtype=np.int64)
    names = ", ".join(str(path) for path in files)
    if trees is not None:
        whose = "the trees"
    elif phrases.source == "sample":
        whose = "the synthetic sample's dev and test trees (labelled by its generator)"
    else:
        whose = "the Stanford Sentiment Treebank's dev and test trees"
    result = TestLabels(labels, f"{whose} in {names}, matched to the test phrases by their text", tuple(files))
    if len(texts) and result.labelled < MIN_COVERAGE * len(texts):
        table = phrases.location / "test.tsv" if phrases.source != "sample" else "the sample's test table"
        raise ScoringError(
            f"only {result.labelled:,} of the {len(texts):,} test phrases of {table} are phrases of {names}: these "
            f"are not the trees that test table was built from (the treebank's dev.txt and test.txt are). {fetch}")
    return result


def score_submission(submission: pd.DataFrame, phrases: PhraseData, labels: TestLabels | None = None) -> Score:
    """The share of test phrases ``submission`` gets right, as Kaggle's leaderboard computed it.

    ``labels`` defaults to :func:`test_labels` (phrases); when the treebank is not on this machine the
    result says so and how to get it (``score.available`` is False) instead of raising, so a notebook
    on Kaggle's own files runs on. The submission is validated first (:class:`SubmissionError`).
    """
    validate_submission(submission, phrases.test)
    if labels is None:
        try:
            labels = test_labels(phrases)
        except NoTreebankError as error:
            return Score(None, 0, len(phrases.test), str(error))
    if len(labels.labels) != len(phrases.test):
        raise ScoringError(f"there are {len(labels.labels):,} labels for {len(phrases.test):,} test phrases: these "
                           "labels belong to another test table. Call test_labels(phrases) for this one.")
    known = labels.labels >= 0
    predicted = submission["Sentiment"].to_numpy()
    right = int((predicted[known] == labels.labels[known]).sum())
    accuracy = right / int(known.sum()) if known.any() else None
    return Score(accuracy, int(known.sum()), len(phrases.test), labels.origin)


@dataclass(frozen=True)
class ExactMatches:
    """Which phrases of one table (test or held out) appear word for word in a training table."""

    matched: np.ndarray  # bool, one per row of the looked-up table
    train_label: np.ndarray  # the training phrase's label where matched, -1 elsewhere
    agree: int | None  # matched phrases whose own label is the training label (None when their labels are unknown)

    @property
    def phrases(self) -> int:
        return len(self.matched)

    @property
    def count(self) -> int:
        return int(self.matched.sum())

    @property
    def share(self) -> float:
        return self.count / self.phrases if self.phrases else 0.0

    def override(self, predictions: np.ndarray | Sequence[int]) -> np.ndarray:
        """``predictions`` with every matched phrase given its training label instead: the lookup's predictions."""
        predictions = np.asarray(predictions)
        if predictions.shape != self.matched.shape:
            raise ValueError(f"predictions has shape {predictions.shape}, expected one class for each of the "
                             f"{self.phrases:,} phrases looked up")
        return np.where(self.matched, self.train_label, predictions)

    def __str__(self) -> str:
        text = f"{self.count:,} of {self.phrases:,} phrases ({self.share:.1%}) appear word for word in train"
        if self.agree is not None and self.count:
            text += f"; their training label is their own for {self.agree:,} ({self.agree / self.count:.1%})"
        return text


def exact_matches(train: pd.DataFrame, other: pd.DataFrame, labels: TestLabels | None = None) -> ExactMatches:
    """Look up each phrase of ``other`` in ``train`` by its exact text.

    ``other``'s own labels are its ``Sentiment`` column (a held-out part of train) or ``labels``
    (test phrases, from :func:`test_labels`); with neither, ``agree`` is None.
    """
    for name, table in (("train", train), ("other", other)):
        if "Phrase" not in table.columns:
            raise ValueError(f"{name} has no Phrase column: pass Kaggle-format tables (phrases.train, phrases.test)")
    if "Sentiment" not in train.columns:
        raise ValueError("train has no Sentiment column: pass the training table (phrases.train)")
    known = dict(zip(train["Phrase"].tolist(), train["Sentiment"].tolist()))
    train_label = np.array([known.get(text, -1) for text in other["Phrase"].tolist()], dtype=np.int64)
    matched = train_label >= 0
    if "Sentiment" in other.columns:
        own = other["Sentiment"].to_numpy()
    elif labels is not None:
        if len(labels.labels) != len(other):
            raise ValueError(f"there are {len(labels.labels):,} labels for {len(other):,} phrases: pass the labels "
                             "of this table")
        own = labels.labels
    else:
        return ExactMatches(matched, train_label, None)
    return ExactMatches(matched, train_label, int((own[matched] == train_label[matched]).sum()))


def main(argv: list[str] | None = None) -> int:
    """``python -m course_utils.scoring fetch``, or ``... score SUBMISSION.csv``: the offline score of a file."""
    parser = argparse.ArgumentParser(prog="python -m course_utils.scoring", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("fetch", help="download the treebank's trees (needs the network)")
    score = commands.add_parser("score", help="score a submission file on the test labels")
    score.add_argument("submission", type=Path)
    args = parser.parse_args(argv)
    from course_utils.data import DataFileError, DownloadError, load_phrases, prepare_sst

    try:
        if args.command == "fetch":
            print(f"The treebank's trees are in {prepare_sst()}.")
            return 0
        phrases = load_phrases(allow_download=False)
        print(score_submission(read_submission(args.submission, phrases.test), phrases).describe())
    except (ValueError, DataFileError, DownloadError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
