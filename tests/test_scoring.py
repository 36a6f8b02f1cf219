"""course_utils.scoring: the offline test score and the exact-match lookup, on the sample and on real trees."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils import scoring
from course_utils.data import PhraseData, load_sample
from course_utils.submission import SubmissionError, make_submission


@pytest.fixture(scope="module")
def sample():
    return load_sample()


@pytest.fixture(scope="module")
def labels(sample):
    return scoring.test_labels(sample)


def test_every_sample_test_phrase_gets_its_trees_label(sample, labels):
    from course_utils.data.treebank import phrase_rows, read_trees

    trees = read_trees(sample.location / "dev.txt") + read_trees(sample.location / "test.txt")
    expected = phrase_rows(trees)  # the sample has no two strings that fold to one, so the first label is the label
    assert labels.labelled == len(sample.test) == len(expected)
    assert dict(zip(sample.test["Phrase"], labels.labels)) == dict(zip(expected["Phrase"], expected["Sentiment"]))
    assert "synthetic sample's dev and test trees" in labels.origin and "dev.txt" in labels.origin


def test_perfect_constant_and_shuffled_submissions(sample, labels):
    perfect = scoring.score_submission(make_submission(sample.test, labels.labels), sample, labels)
    assert perfect.accuracy == 1.0 and perfect.scored == len(sample.test) == perfect.phrases
    constant = scoring.score_submission(make_submission(sample.test, np.full(len(sample.test), 3)), sample, labels)
    assert constant.accuracy == pytest.approx(np.mean(labels.labels == 3))
    shuffled = np.random.default_rng(0).permutation(labels.labels)
    score = scoring.score_submission(make_submission(sample.test, shuffled), sample)  # labels found by itself
    assert score.accuracy < 0.6
    text = score.describe()
    assert f"{score.accuracy:.4f}" in text and "never tuned on" in text and "held-out" in text
    assert "sample's dev and test trees" in text


def test_the_submission_is_validated_first(sample, labels):
    wrong = make_submission(sample.test, labels.labels).iloc[::-1].reset_index(drop=True)
    with pytest.raises(SubmissionError, match="order"):
        scoring.score_submission(wrong, sample, labels)


def test_without_the_treebank_it_says_what_to_get(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_SST_DIR", str(tmp_path / "sst"))
    kaggle = PhraseData(sample.train, sample.test, "kaggle", tmp_path / "kaggle")
    with pytest.raises(scoring.NoTreebankError) as caught:
        scoring.test_labels(kaggle)
    message = str(caught.value)
    assert "dev.txt and test.txt are not in" in message and str(tmp_path / "sst") in message
    assert "python -m course_utils.scoring fetch" in message and "trainDevTestTrees_PTB.zip" in message
    score = scoring.score_submission(make_submission(sample.test, np.full(len(sample.test), 2)), kaggle)
    assert not score.available and score.describe().startswith("Offline test score: not available.")


def test_trees_that_are_not_the_test_trees_are_refused(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_SST_DIR", str(tmp_path))
    for name in ("dev.txt", "test.txt"):
        (tmp_path / name).write_text((sample.location / name).read_text())
    with pytest.raises(scoring.ScoringError, match=r"dev.txt is not the treebank's dev.txt \(its sha256 differs\)"):
        scoring.test_labels(PhraseData(sample.train, sample.test, "kaggle", tmp_path))
    with pytest.raises(scoring.ScoringError, match=r"only [\d,]+ of the 3,162 test phrases .* are not the trees"):
        scoring.test_labels(sample, trees=[sample.location / "train.txt"])


def test_accents_fold_and_the_ascii_string_keeps_its_label(tmp_path):
    trees = tmp_path / "dev.txt"
    trees.write_text("(1 (2 a) (1 na\u00efve))\n(3 (2 the) (3 naive))\n(0 (0 clich\u00e9) (2 .))\n")
    test = pd.DataFrame({"PhraseId": [1, 2, 3, 4, 5], "SentenceId": [1, 1, 1, 2, 3],
                         "Phrase": ["a naive", "naive", "a", "cliche .", "cliche"]})
    phrases = PhraseData(test.assign(Sentiment=0), test, "sst", tmp_path)
    found = scoring.test_labels(phrases, trees=[trees])
    assert found.labels.tolist() == [1, 3, 2, 0, 0]  # naive: the ASCII string's; a naive: the folded one


def test_exact_matches_on_the_sample(sample, labels):
    from course_utils import validation

    lookup = scoring.exact_matches(sample.train, sample.test, labels)
    known = dict(zip(sample.train["Phrase"], sample.train["Sentiment"]))
    assert lookup.count == sum(text in known for text in sample.test["Phrase"]) > 0
    assert lookup.agree == lookup.count  # the sample's generator labels a string the same everywhere
    assert "appear word for word in train" in str(lookup)
    predicted = lookup.override(np.full(len(sample.test), 2))
    assert (predicted[lookup.matched] == labels.labels[lookup.matched]).all()
    assert (predicted[~lookup.matched] == 2).all()
    train, held_out = validation.split_by_sentence(sample.train)
    assert scoring.exact_matches(train, held_out).count == 0  # each phrase once in train: held out means unseen


@pytest.mark.realdata
def test_kaggle_like_tables_from_a_split_of_the_real_train_trees(tmp_path):
    """80/20 by sentence: the fake test's labels come back from its trees, and the lookup's numbers on both sides."""
    from shared_data import KAGGLE_REAL, SST_REAL_TRAIN, need_real_data

    from course_utils import validation
    from course_utils.data import load_kaggle
    from course_utils.data.treebank import build_tables, phrase_rows, read_trees

    need_real_data()
    trees = read_trees(SST_REAL_TRAIN)
    order = np.random.default_rng(7).permutation(len(trees))
    cut = int(0.8 * len(trees))
    train_trees, test_trees = [trees[i] for i in order[:cut]], [trees[i] for i in order[cut:]]
    train, test = build_tables(train_trees, test_trees)
    phrases = PhraseData(train, test, "sst", SST_REAL_TRAIN.parent)
    lines = [line for line in SST_REAL_TRAIN.read_text(encoding="utf-8").splitlines() if line.strip()]
    path = tmp_path / "test.txt"  # the fake test's trees, as a file like the treebank's dev.txt and test.txt
    path.write_text("\n".join(lines[i] for i in order[cut:]) + "\n", encoding="utf-8")
    found = scoring.test_labels(phrases, trees=[path])
    assert found.labelled == len(test)
    truth = phrase_rows(test_trees)
    assert truth["Phrase"].tolist() == test["Phrase"].tolist()
    differ = truth["Sentiment"].to_numpy() != found.labels
    # Only where two strings fold to one with different labels (naive/naïve, cliche/cliché) may the first differ.
    assert all(any(c in text for c in ("naive", "cliche", "naivete")) for text in test["Phrase"][differ])
    assert differ.sum() <= 10
    perfect = scoring.score_submission(make_submission(test, found.labels), phrases, found)
    assert perfect.accuracy == 1.0 and perfect.scored == len(test)

    lookup = scoring.exact_matches(train, test, found)
    assert 0.10 < lookup.share < 0.30  # short words and n-grams shared by the two splits
    assert lookup.agree / lookup.count > 0.95

    kaggle = load_kaggle(KAGGLE_REAL)
    rest, held_out = validation.split_by_sentence(kaggle.train)
    assert scoring.exact_matches(rest, held_out).count == 0  # Kaggle kept each phrase once: nothing to look up
    kaggle_lookup = scoring.exact_matches(kaggle.train, kaggle.test)
    assert 0.14 < kaggle_lookup.share < 0.17 and kaggle_lookup.agree is None


def test_the_command_line_scores_a_written_file(sample, labels, tmp_path, monkeypatch, capsys):
    from course_utils.submission import write_submission

    monkeypatch.setenv("COURSE_QUICK", "1")
    path = write_submission(make_submission(sample.test, labels.labels), tmp_path / "submission.csv", sample.test)
    assert scoring.main(["score", str(path)]) == 0
    assert "Offline test score: 1.0000" in capsys.readouterr().out
    (tmp_path / "cut.csv").write_text("PhraseId,Sentiment\n1,2\n")
    assert scoring.main(["score", str(tmp_path / "cut.csv")]) == 1
    assert "cut.csv has 1 rows" in capsys.readouterr().err
