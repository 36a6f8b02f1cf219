"""The five sentiment classes of Kaggle's "Sentiment Analysis on Movie Reviews", defined once.

Kept apart from the data loaders so that code that only needs the names (the evaluation tables,
the playground widget, a submission's check) does not import the loading chain.
"""
from __future__ import annotations

#: Kaggle's labels, from 0 (negative) to 4 (positive); a phrase's ``Sentiment`` is one of the keys.
LABELS: dict[int, str] = {0: "negative", 1: "somewhat negative", 2: "neutral", 3: "somewhat positive", 4: "positive"}
#: How many classes a model predicts: the width of its softmax and of a one-hot label.
N_CLASSES = len(LABELS)
