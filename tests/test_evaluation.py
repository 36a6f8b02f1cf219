"""course_utils.evaluation: agrees with scikit-learn, and the plots show what they say."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn import metrics  # noqa: E402

from course_utils.evaluation import (  # noqa: E402
    accuracy,
    confident_mistakes,
    confusion_matrix,
    nearest_words,
    pca_2d,
    per_class_report,
    plot_confusion,
    plot_history,
    plot_probabilities,
)


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


# ------------------------------------------------------------------------------------- embeddings


def test_nearest_words_ranks_by_cosine_and_skips_padding_and_the_word():
    vocabulary = ["good", "great", "bad", "film"]
    weights = np.array([
        [9.0, 9.0],    # row 0, the padding: never a neighbour
        [1.0, 0.0],    # good
        [5.0, 0.5],    # great: almost the direction of good, much longer
        [-1.0, 0.1],   # bad: the opposite direction
        [0.0, 1.0],    # film: perpendicular
        [1.0, 0.0],    # beyond the vocabulary (an unused row): never a neighbour
    ])
    found = nearest_words(weights, vocabulary, "good", k=3)
    assert [word for word, _ in found] == ["great", "film", "bad"]
    similarities = [similarity for _, similarity in found]
    assert similarities == pytest.approx([5 / np.hypot(5, 0.5), 0.0, -1 / np.hypot(1, 0.1)])
    assert [word for word, _ in nearest_words(weights, vocabulary, "good", k=10)] == ["great", "film", "bad"]


def test_nearest_words_agrees_with_brute_force():
    rng = np.random.default_rng(3)
    vocabulary = [f"w{i}" for i in range(1, 41)]
    weights = rng.normal(size=(50, 6))
    for word in ("w1", "w17", "w40"):
        row = vocabulary.index(word) + 1
        cosine = {other: float(weights[row] @ weights[j] / np.linalg.norm(weights[row]) / np.linalg.norm(weights[j]))
                  for j, other in enumerate(vocabulary, start=1) if other != word}
        expected = sorted(cosine, key=cosine.get, reverse=True)[:5]
        found = nearest_words(weights, vocabulary, word, k=5)
        assert [w for w, _ in found] == expected
        assert [s for _, s in found] == pytest.approx([cosine[w] for w in expected])


def test_nearest_words_says_what_to_do_with_an_unknown_word_or_a_wrong_matrix():
    weights = np.eye(3)
    with pytest.raises(ValueError, match="vectoriser.vocabulary"):
        nearest_words(weights, ["a", "b"], "zebra")
    with pytest.raises(ValueError, match="at least 3 rows"):
        nearest_words(np.eye(2), ["a", "b"], "a")
    assert nearest_words(np.zeros((3, 2)), ["a", "b"], "a") == [("b", 0.0)]  # untrained zero rows: no NaN


def test_pca_2d_matches_scikit_learn_up_to_sign_and_is_deterministic():
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(30, 8)) * np.array([5, 3, 1, 1, 0.5, 0.5, 0.2, 0.1])
    points, share = pca_2d(vectors, return_share=True)
    reference = PCA(n_components=2).fit(vectors)
    expected = reference.transform(vectors)
    for axis in range(2):
        assert np.allclose(points[:, axis], expected[:, axis]) or np.allclose(points[:, axis], -expected[:, axis])
        assert points[np.abs(points[:, axis]).argmax(), axis] > 0  # the sign rule
    assert share == pytest.approx(reference.explained_variance_ratio_)
    assert np.array_equal(pca_2d(vectors), pca_2d(vectors.copy()))
    assert np.allclose(pca_2d(vectors + 100.0), points)  # centred first: a shift changes nothing


def test_pca_2d_refuses_what_it_cannot_project():
    with pytest.raises(ValueError, match="at least two vectors"):
        pca_2d(np.ones((1, 4)))
    assert pca_2d(np.array([[0.0], [1.0], [3.0]])).shape == (3, 2)  # one feature: a flat second axis


def test_notebook_05s_inline_cosine_lines_agree_with_nearest_words():
    """Teach inline, then reuse: notebook 05's few lines of cosine similarity give nearest_words' answer."""
    import json
    from pathlib import Path

    from course_utils.text import Vectoriser

    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "05_sentiment_lstm.ipynb"
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    source = next("".join(c["source"]) for c in cells
                  if c["cell_type"] == "code" and "unit = embedding /" in "".join(c["source"]))
    texts = ["a good film", "a good , funny film", "a bad , dull film", "not good", "a great cast", "the worst plot",
             "good and great", "dull and bad", "funny , good , great"]
    vectoriser = Vectoriser(num_words=16, cleaner="clean_2019").fit(texts)
    weights = np.random.default_rng(7).normal(size=(20, 5)).astype("float32")  # more rows than words, as in quick mode

    class Layer:
        def get_weights(self):
            return [weights]

    class Model:
        def get_layer(self, name):
            assert name == "embedding"
            return Layer()

    namespace = {"np": np, "fast_model": Model(), "vectoriser": vectoriser, "print": lambda *args, **kwargs: None}
    exec(source, namespace)
    vocabulary = vectoriser.vocabulary
    expected = [word for word, _ in nearest_words(weights, vocabulary, "good", 8)]
    assert [vocabulary[i - 1] for i in namespace["closest"]] == expected
    assert len(expected) == min(8, len(vocabulary) - 1)
