"""Two baselines every sentiment model must beat, so a learner sees what the LSTM buys.

* :func:`majority_accuracy`: always answer the most frequent training label (on these phrases,
  "neutral"). Any model below it has learnt nothing useful.
* :func:`tfidf_logreg`: a bag of words and word pairs weighted by TF-IDF, then a multinomial
  logistic regression (scikit-learn). It sees which words occur, not their order, and trains in
  seconds. The gap between it and an LSTM is what reading in order is worth.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline


def majority_label(train_labels: Sequence[int] | np.ndarray) -> int:
    """The most frequent label (the smallest one on a tie)."""
    labels = np.asarray(train_labels, dtype=np.int64)
    if labels.size == 0:
        raise ValueError("no training labels: pass the Sentiment column of the training rows")
    return int(np.bincount(labels).argmax())


def majority_accuracy(train_labels: Sequence[int] | np.ndarray, held_out_labels: Sequence[int] | np.ndarray) -> float:
    """Accuracy on ``held_out_labels`` of always answering the training set's most frequent label."""
    held = np.asarray(held_out_labels, dtype=np.int64)
    return float(np.mean(held == majority_label(train_labels)))


def tfidf_logreg(
    texts: Sequence[str], labels: Sequence[int] | np.ndarray, *, ngrams: int = 2, min_df: int = 2, C: float = 1.0
) -> Pipeline:
    """Fit and return a TF-IDF + logistic-regression pipeline (``.predict(texts)``, ``.predict_proba(texts)``).

    Tokens are whatever whitespace separates, lower-cased: the phrases are already tokenised
    the Penn Treebank way, so ``n't``, ``,`` and ``!`` stay tokens (the default pattern of
    scikit-learn would drop them, and ``n't`` matters for sentiment). ``ngrams=2`` adds word
    pairs such as ``not good``; ``sublinear_tf`` dampens repeated words; ``C`` is the inverse
    regularisation strength. The ``saga`` solver with a loose tolerance reaches the accuracy of
    a fully converged fit (within a few tenths of a point here) in a fraction of its time:
    about 20 s for the full training table on 2 cores.
    """
    if len(texts) != len(labels):
        raise ValueError(
            f"{len(texts)} texts but {len(labels)} labels: pass the Phrase and Sentiment columns of the same rows"
        )
    vectoriser = TfidfVectorizer(
        token_pattern=r"\S+", lowercase=True, ngram_range=(1, ngrams), min_df=min_df, sublinear_tf=True,
        dtype=np.float32,
    )
    model = make_pipeline(vectoriser, LogisticRegression(C=C, solver="saga", tol=1e-3, max_iter=100))
    model.fit(list(texts), np.asarray(labels, dtype=np.int64))
    return model
