"""How good is a classifier, class by class: the confusion matrix, precision and recall, and plots.

Accuracy alone hides what a five-class sentiment model gets wrong: half the phrases are
neutral, so a model can score well by saying "neutral" a lot. The confusion matrix shows
where each true class goes; precision and recall per class say how far each prediction can
be trusted and how much of each class is found. Everything here is plain NumPy, pandas and
matplotlib, so notebooks 05 and 06 can evaluate any model the same way.

A model's embedding can be inspected the same way: :func:`nearest_words` lists the words whose
vectors point most nearly the same way as a word's (cosine similarity), :func:`pca_2d` projects a
few dozen vectors onto the plane that shows most of their spread (notebook 05, section 8).

Conventions: rows of a confusion matrix are the **true** classes, columns the **predicted**
ones (as in scikit-learn), so ``cm[i, j]`` counts phrases of class ``i`` predicted as ``j``.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from course_utils.labels import LABELS
from course_utils.palettes import CLASS_COLOURS, WIRE_COLOUR

__all__ = ["accuracy", "confident_mistakes", "confusion_matrix", "nearest_words", "pca_2d", "per_class_report",
           "plot_confusion", "plot_history", "plot_probabilities"]


def confusion_matrix(y_true: Sequence[int] | np.ndarray, y_pred: Sequence[int] | np.ndarray,
                     n_classes: int = len(LABELS)) -> np.ndarray:
    """``cm[i, j]``: how many examples of true class ``i`` were predicted as class ``j``."""
    true, pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if true.shape != pred.shape:
        raise ValueError(f"y_true has {true.size} labels but y_pred has {pred.size}: they must pair up one to one")
    for name, values in (("y_true", true), ("y_pred", pred)):
        if values.size and (values.min() < 0 or values.max() >= n_classes or values.dtype.kind not in "iu"):
            raise ValueError(f"{name} must hold class indices 0..{n_classes - 1} (for one-hot rows or probabilities,"
                             " take .argmax(axis=1) first)")
    return np.bincount(true * n_classes + pred, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def accuracy(cm: np.ndarray) -> float:
    """The share of examples on the diagonal."""
    return float(np.trace(cm) / cm.sum()) if cm.sum() else float("nan")


def per_class_report(cm: np.ndarray, labels: Mapping[int, str] | Sequence[str] = LABELS) -> pd.DataFrame:
    """Precision, recall, F1 and support per class, from a confusion matrix.

    precision = of the phrases predicted as the class, the share that belong to it (a column);
    recall = of the phrases of the class, the share predicted as it (a row). A class that is
    never predicted has no precision: it is NaN, not 0, so it is not mistaken for a measured zero.
    """
    cm = np.asarray(cm, dtype=np.int64)
    names = list(labels.values()) if isinstance(labels, Mapping) else list(labels)
    if len(names) != cm.shape[0]:
        raise ValueError(f"{len(names)} labels for a {cm.shape[0]}-class confusion matrix")
    hits = np.diag(cm).astype(float)
    predicted, actual = cm.sum(axis=0).astype(float), cm.sum(axis=1).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, hits / predicted, np.nan)
        recall = np.where(actual > 0, hits / actual, np.nan)
        f1 = 2 * precision * recall / (precision + recall)
    return pd.DataFrame({"precision": precision, "recall": recall, "f1": f1, "support": actual.astype(np.int64)},
                        index=pd.Index(names, name="class"))


def confident_mistakes(texts: Sequence[str] | pd.Series, y_true: Sequence[int] | np.ndarray,
                       probabilities: np.ndarray, n: int = 10,
                       labels: Mapping[int, str] = LABELS) -> pd.DataFrame:
    """The ``n`` wrong predictions the model was surest of, most confident first.

    They are where to look for what the model misreads (negation, sarcasm) and for labels
    that are themselves debatable.
    """
    probabilities = np.asarray(probabilities)
    true = np.asarray(y_true).ravel()
    if probabilities.ndim != 2 or len(probabilities) != len(true) or len(texts) != len(true):
        raise ValueError("texts, y_true and probabilities (one row per text) must have the same length")
    predicted = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    wrong = np.flatnonzero(predicted != true)
    order = wrong[np.argsort(-confidence[wrong], kind="stable")][:n]
    texts = list(texts) if not isinstance(texts, pd.Series) else texts.to_numpy()
    return pd.DataFrame({
        "phrase": [texts[i] for i in order],
        "true": [labels.get(int(true[i]), int(true[i])) for i in order],
        "predicted": [labels.get(int(predicted[i]), int(predicted[i])) for i in order],
        "confidence": confidence[order].round(3),
    }, index=pd.Index(order, name="row"))


# ------------------------------------------------------------------------------------- embeddings


def nearest_words(weights: np.ndarray, vocabulary: Sequence[str], word: str, k: int = 8) -> list[tuple[str, float]]:
    """The ``k`` words whose embedding rows have the highest cosine similarity with ``word``'s, closest first.

    ``weights`` is an ``Embedding`` layer's matrix (``layer.get_weights()[0]``) and ``vocabulary`` a
    :class:`~course_utils.text.Vectoriser`'s (``vocabulary[i - 1]`` is the word of row ``i``). Row 0,
    the padding, and rows beyond the vocabulary (never used) are left out, and so is ``word`` itself.
    Cosine similarity compares directions only: 1 for the same direction, 0 for perpendicular, -1
    for opposite, whatever the rows' lengths. A row of zeros has similarity 0 with everything.
    """
    weights = np.asarray(weights)
    if weights.dtype.kind != "f":
        weights = weights.astype(np.float64)  # float32 weights stay float32: no 16 MB copy of the 2019 table
    vocabulary = list(vocabulary)
    if weights.ndim != 2 or len(weights) < len(vocabulary) + 1:
        raise ValueError(f"weights must be an embedding matrix with a row for the padding and for each of the "
                         f"{len(vocabulary):,} words (at least {len(vocabulary) + 1:,} rows), "
                         f"not shape {weights.shape}")
    try:
        row = vocabulary.index(word)
    except ValueError:
        raise ValueError(f"{word!r} is not among the {len(vocabulary):,} words of the vocabulary (the vectoriser"
                         " keeps only the most frequent ones, lowercased): pick a word from"
                         " `vectoriser.vocabulary`") from None
    rows = weights[1 : len(vocabulary) + 1]
    norms = np.linalg.norm(rows, axis=1)
    unit = rows / np.where(norms > 0, norms, 1)[:, None]
    similarity = unit @ unit[row]
    similarity[row] = -np.inf  # not the word itself
    order = np.argsort(-similarity, kind="stable")[: max(0, min(k, len(vocabulary) - 1))]
    return [(vocabulary[i], float(similarity[i])) for i in order]


def pca_2d(vectors: np.ndarray, return_share: bool = False):
    """Project ``vectors`` (one per row) onto their two principal directions: a ``(n, 2)`` array.

    Principal component analysis by NumPy's singular value decomposition: centre the rows, and the
    first two right singular vectors are the directions along which the rows spread most. Each
    direction's sign is fixed (its largest coordinate in the projection is positive), so the same
    input always gives the same picture. With ``return_share=True`` it also returns the share of
    the total spread (variance) that each of the two axes keeps: what the picture leaves out is the rest.
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2 or len(vectors) < 2:
        raise ValueError(f"pca_2d needs at least two vectors as the rows of a 2-D array, not shape {vectors.shape}")
    centred = vectors - vectors.mean(axis=0)
    _, singular, directions = np.linalg.svd(centred, full_matrices=False)
    points = centred @ directions[:2].T
    if points.shape[1] < 2:  # a single feature: the second axis is flat
        points = np.hstack([points, np.zeros((len(points), 2 - points.shape[1]))])
    flip = np.sign(points[np.abs(points).argmax(axis=0), range(2)])
    points = points * np.where(flip == 0, 1.0, flip)
    if not return_share:
        return points
    total = float(np.sum(singular**2))
    share = np.zeros(2)
    kept = singular[:2] ** 2 / total if total > 0 else np.zeros(min(2, len(singular)))
    share[: len(kept)] = kept
    return points, share


# ------------------------------------------------------------------------------------- plots


def _history_dict(history: Any) -> dict[str, list[float]]:
    """A Keras ``History`` (or its ``.history`` dict)."""
    return dict(getattr(history, "history", history))


def plot_history(history: Any, metrics: Sequence[str] = ("loss", "accuracy"), title: str | None = None):
    """One panel per metric: training against validation, by epoch (epochs counted from 1).

    Where the validation curve turns up (loss) or flattens (accuracy) while the training one
    keeps improving, the model has started to memorise its training phrases.
    """
    import matplotlib.pyplot as plt

    logs = _history_dict(history)
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise ValueError(f"the history has no {missing}; it has {sorted(logs)}. "
                         "(Keras 2.2 and earlier called accuracy 'acc'.)")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], "o-", label="training")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], "s--", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_xticks(epochs)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion(cm: np.ndarray, labels: Mapping[int, str] | Sequence[str] = LABELS, title: str | None = None):
    """The confusion matrix as a heat map coloured by row share (recall), each cell labelled with
    its count and its share of the true class, so rare classes are as readable as common ones."""
    import matplotlib.pyplot as plt

    cm = np.asarray(cm)
    names = list(labels.values()) if isinstance(labels, Mapping) else list(labels)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.nan_to_num(cm / cm.sum(axis=1, keepdims=True))
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            ax.text(j, i, f"{cm[i, j]:,}\n{shares[i, j]:.0%}", ha="center", va="center", fontsize=8,
                    color="white" if shares[i, j] > 0.5 else "black")
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    fig.colorbar(image, ax=ax, label="share of the true class")
    ax.set_title(title or f"Confusion matrix (accuracy {accuracy(cm):.1%})")
    fig.tight_layout()
    return fig


def plot_probabilities(probabilities: Sequence[float] | np.ndarray,
                       labels: Mapping[int, str] | Sequence[str] = LABELS, title: str | None = None):
    """A horizontal bar per class for one prediction, in the classes' colours, the chosen class outlined."""
    import matplotlib.pyplot as plt

    probabilities = np.asarray(probabilities, dtype=float).ravel()
    names = list(labels.values()) if isinstance(labels, Mapping) else list(labels)
    fig, ax = plt.subplots(figsize=(6, 2.6))
    # Each bar in its class's colour (the outline keeps the light neutral visible); the chosen one drawn thicker.
    widths = [2.5 if i == probabilities.argmax() else 0.8 for i in range(len(probabilities))]
    ax.barh(names, probabilities, color=[CLASS_COLOURS[i % len(CLASS_COLOURS)] for i in range(len(probabilities))],
            edgecolor=WIRE_COLOUR, linewidth=widths)
    for i, p in enumerate(probabilities):
        ax.text(min(p + 0.01, 0.9), i, f"{p:.1%}", va="center")
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("probability")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
