"""course_utils.evaluation: agrees with scikit-learn, and the plots show what they say."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn import metrics  # noqa: E402

from course_utils.evaluation import (accuracy, confident_mistakes, confusion_matrix, per_class_report,  # noqa: E402
                                     plot_confusion, plot_history, plot_probabilities)


@pytest.fixture
def labels():
    rng = np.random.default_rng(1)
    true = rng.integers(0, 5, 400)
    pred = np.where(rng.random(400) < 0.6, true, rng.integers(0, 5, 400))
    return true, pred


def test_confusion_matrix_matches_sklearn(labels):
    true, pred = labels
    cm = confusion_matrix(true, pred)
    assert np.array_equal(cm, metrics.confusion_matrix(true, pred, labels=range(5)))
    assert accuracy(cm) == pytest.approx(metrics.accuracy_score(true, pred))
    assert confusion_matrix([0, 0, 1], [0, 1, 1], n_classes=2).tolist() == [[1, 1], [0, 1]]  # rows: true


def test_confusion_matrix_refuses_probabilities_and_mismatches():
    with pytest.raises(ValueError, match="argmax"):
        confusion_matrix([0, 1], np.array([0.2, 0.9]))
    with pytest.raises(ValueError, match="pair up"):
        confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError, match="0..4"):
        confusion_matrix([0, 5], [0, 1])


def test_per_class_report_matches_sklearn(labels):
    true, pred = labels
    report = per_class_report(confusion_matrix(true, pred))
    precision, recall, f1, support = metrics.precision_recall_fscore_support(true, pred, labels=range(5))
    assert list(report.index) == ["negative", "somewhat negative", "neutral", "somewhat positive", "positive"]
    np.testing.assert_allclose(report["precision"], precision)
    np.testing.assert_allclose(report["recall"], recall)
    np.testing.assert_allclose(report["f1"], f1)
    assert report["support"].tolist() == support.tolist()


def test_a_class_never_predicted_has_no_precision():
    report = per_class_report(confusion_matrix([0, 1, 1], [1, 1, 1], n_classes=2), labels=["a", "b"])
    assert np.isnan(report.loc["a", "precision"]) and report.loc["a", "recall"] == 0


def test_confident_mistakes_orders_wrong_predictions_by_confidence():
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.3, 0.7]])
    table = confident_mistakes(["w", "x", "y", "z"], [0, 0, 0, 1], probabilities, n=5, labels={0: "no", 1: "yes"})
    assert table["phrase"].tolist() == ["x", "y"]
    assert table["true"].tolist() == ["no", "no"] and table["predicted"].tolist() == ["yes", "yes"]
    assert table["confidence"].tolist() == [0.8, 0.6]
    assert table.index.tolist() == [1, 2]
    assert confident_mistakes(pd.Series(["w", "x", "y", "z"]), [0, 0, 0, 1], probabilities, n=1).shape[0] == 1


def test_plot_history_draws_training_and_validation():
    history = {"loss": [1.0, 0.8, 0.7], "val_loss": [1.1, 0.9, 1.0], "accuracy": [0.5, 0.6, 0.7],
               "val_accuracy": [0.45, 0.55, 0.5]}
    fig = plot_history(history)
    assert len(fig.axes) == 2
    lines = fig.axes[0].get_lines()
    assert [list(line.get_ydata()) for line in lines] == [history["loss"], history["val_loss"]]
    assert list(lines[0].get_xdata()) == [1, 2, 3]
    plt.close(fig)
    with pytest.raises(ValueError, match="'acc'"):
        plot_history({"loss": [1.0]}, metrics=("acc",))


def test_plot_confusion_and_probabilities():
    cm = np.array([[3, 1], [0, 4]])
    fig = plot_confusion(cm, labels=["a", "b"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["3\n75%", "1\n25%", "0\n0%", "4\n100%"]
    assert fig.axes[0].get_title() == "Confusion matrix (accuracy 87.5%)"
    plt.close(fig)
    fig = plot_probabilities([0.1, 0.2, 0.4, 0.2, 0.1])
    bars = fig.axes[0].patches
    assert len(bars) == 5 and bars[2].get_width() == pytest.approx(0.4)
    plt.close(fig)
