"""The sentiment playground, driven from Python: typing changes the answer, word by word."""
from __future__ import annotations

import numpy as np
import pytest

from course_utils.text import Vectoriser
from course_utils.widgets import playground as pg


@pytest.fixture(scope="module")
def parts():
    import keras

    from course_utils import sentiment_models as models

    keras.utils.set_random_seed(0)
    vectoriser = Vectoriser(cleaner="clean").fit(
        ["a good film", "not a good film", "a dull plot", "the acting is fine"])
    model = models.prefix_reader(vectoriser.input_dim, embed_dim=8, units=4)
    return model, vectoriser


def test_one_row_per_word_and_the_same_answer_as_reading_it_whole(parts):
    model, vectoriser = parts
    widget = pg.playground(model, vectoriser, text="not a good film")
    assert widget.last.shape == (4, 5)
    np.testing.assert_allclose(widget.last.sum(axis=1), 1, rtol=1e-5)
    whole = model.predict_on_batch({"tokens": np.array([vectoriser.texts_to_sequences(["not a good film"])[0]]),
                                    "positions": np.array([[3]])})[0, 0]
    np.testing.assert_allclose(widget.last[-1], whole, rtol=1e-5, atol=1e-6)
    best = int(whole.argmax())
    assert f"course-playground-prediction'>{best} " in widget.output.value
    assert widget.output.value.count("<tr><td style='padding-right:8px'>") == 5 + 4  # 5 class bars, 4 words


def test_typing_updates_the_output(parts):
    widget = pg.playground(*parts, text="a good film")
    before, rows_before = widget.output.value, widget.last.shape[0]
    widget.text.value = "a dull plot and the acting is fine"
    assert widget.output.value != before
    assert widget.last.shape[0] == 7 > rows_before  # "and" was never seen: dropped


def test_unknown_words_are_shown_dropped(parts):
    widget = pg.playground(*parts, text="a marvellous film")
    assert "course-playground-dropped" in widget.output.value and "marvellous" in widget.output.value
    assert widget.last.shape[0] == 2
    widget.text.value = "zzz qqq"
    assert widget.last.shape[0] == 0 and "Prediction:" in widget.output.value


def test_examples_fill_the_text_box_and_markup_is_escaped(parts):
    widget = pg.playground(*parts)
    widget.examples.value = pg.EXAMPLES[2]
    assert widget.text.value == pg.EXAMPLES[2]
    widget.text.value = "<b>film</b>"
    assert "<b>film</b>" not in widget.output.value.split("Prediction")[0]


def test_css_classes(parts):
    widget = pg.playground(*parts)
    assert "course-playground" in widget._dom_classes
    assert "course-playground-text" in widget.text._dom_classes
    assert "course-playground-examples" in widget.examples._dom_classes
    assert "course-playground-output" in widget.output._dom_classes
