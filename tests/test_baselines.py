"""The majority class and TF-IDF + logistic regression baselines."""
from __future__ import annotations

import numpy as np
import pytest

from course_utils import baselines, validation
from course_utils.data import load_sample


def test_majority_label_and_accuracy():
    assert baselines.majority_label([2, 2, 3, 1, 2]) == 2
    assert baselines.majority_label([1, 3, 3, 1]) == 1  # a tie goes to the smaller label
    assert baselines.majority_accuracy([2, 2, 3], [2, 3, 2, 2]) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="no training labels"):
        baselines.majority_label([])


def test_tfidf_keeps_treebank_tokens_and_beats_the_majority():
    train = load_sample().train
    fit, held = validation.split_by_sentence(train, 0.2)
    model = baselines.tfidf_logreg(fit["Phrase"], fit["Sentiment"])
    vocabulary = model[0].vocabulary_
    assert {"n't", ",", "n't drag"} <= set(vocabulary)  # words and word pairs, negation kept
    predictions = model.predict(held["Phrase"])
    accuracy = float(np.mean(predictions == held["Sentiment"].to_numpy()))
    assert accuracy > baselines.majority_accuracy(fit["Sentiment"], held["Sentiment"]) + 0.1
    assert model.predict_proba(["not good"]).shape == (1, 5)


def test_tfidf_refuses_mismatched_columns():
    with pytest.raises(ValueError, match="same rows"):
        baselines.tfidf_logreg(["a", "b"], [1])
