"""The sentiment playground: type a sentence, see the five class probabilities, and watch the
prediction move word by word as the LSTM reads.

It needs a *prefix reader* (:func:`course_utils.sentiment_models.prefix_reader`): a model that
answers at any step it is asked for. Asking at every step shows what the model would say about
"the", "the film", "the film is", ... up to the whole sentence, in one pass. The text goes
through the model's own vectoriser, so words it drops (unknown, or outside its 8,191 words)
are shown struck through: they never reach the model.

``playground(model, vectoriser)`` returns a :class:`Playground` (a ``VBox``); show it as the
last expression of a cell. CSS classes, for styling and for the browser test:

- ``course-playground``: the whole widget
- ``course-playground-text``: the text box (the prediction updates as you type)
- ``course-playground-examples``: a drop-down of example sentences that fills the text box
- ``course-playground-output``: the HTML answer: a bar per class for the whole text, then a
  table with one row per word read (the probabilities after that word); inside it
  ``course-playground-prediction`` marks the predicted label of the whole text and
  ``course-playground-dropped`` each word the vectoriser dropped
"""
from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import numpy as np

from course_utils.labels import LABELS
from course_utils.palettes import CLASS_COLOURS, WIRE_COLOUR, mix, text_colour_on
from course_utils.sentiment_models import step_probabilities

EXAMPLES = (
    "a good film",
    "not a good film",
    "the plot is thin but the acting is wonderful",
    "the acting is wonderful but the plot is thin",
    "an utterly brilliant , moving film",
    "it is not bad at all",
)


def _bar(probability: float, colour: str, width: int = 160) -> str:
    """A bar in an outlined white track: the outline keeps the light neutral bar visible on any page."""
    return (
        f"<div style='display:inline-block;width:{width}px;background:#FFFFFF;border:1px solid {WIRE_COLOUR};"
        f"vertical-align:middle'><div style='width:{probability * 100:.1f}%;background:{colour};height:12px;"
        f"box-shadow:inset 0 0 0 1px {WIRE_COLOUR}'></div></div>"
    )


def _cell(probability: float, colour: str) -> str:
    """A table cell tinted by its probability, its text in black or white, whichever reads on the tint.

    The tint is mixed here rather than with CSS opacity, which would fade the number too.
    """
    background = mix(colour, 0.15 + 0.85 * probability)
    return (
        f"<td style='background:{background};color:{text_colour_on(background)};"
        f"text-align:right;padding:1px 6px'>{probability:.2f}</td>"
    )


def render(words: Sequence[str], kept: Sequence[bool], steps: np.ndarray, labels: Mapping[int, str] = LABELS) -> str:
    """The HTML of the answer: class bars for the whole text, then the word-by-word table.

    ``words`` are the text's tokens, ``kept`` says which ones the vectoriser kept, ``steps``
    holds one row of probabilities per kept word (or one row for an empty text).
    """
    final = steps[-1]
    best = int(final.argmax())
    shown = " ".join(
        html.escape(w) if k
        else f"<s class='course-playground-dropped' title='not in the vocabulary: dropped'>{html.escape(w)}</s>"
        for w, k in zip(words, kept)
    )
    parts = [
        f"<div>Read: {shown or '<i>(nothing)</i>'}</div>",
        f"<div style='margin:6px 0'>Prediction: "
        f"<b class='course-playground-prediction'>{best} {html.escape(labels[best])}</b></div>",
        "<table style='border-collapse:collapse'>",
    ]
    for label, probability in enumerate(final):
        parts.append(
            f"<tr><td style='padding-right:8px'>{label} {html.escape(labels[label])}</td>"
            f"<td>{_bar(float(probability), CLASS_COLOURS[label % len(CLASS_COLOURS)])}</td>"
            f"<td>&nbsp;{probability:.2f}</td></tr>"
        )
    parts.append("</table>")
    read = [w for w, k in zip(words, kept) if k]
    if read:
        header = "".join(f"<th style='padding:1px 6px'>{label}</th>" for label in range(steps.shape[1]))
        parts.append(
            "<div style='margin-top:8px'>Word by word (probabilities after reading up to that word):</div>"
            f"<table style='border-collapse:collapse'><tr><th></th>{header}<th>says</th></tr>"
        )
        for word, row in zip(read, steps):
            cells = "".join(_cell(float(p), CLASS_COLOURS[c % len(CLASS_COLOURS)]) for c, p in enumerate(row))
            guess = int(row.argmax())
            parts.append(
                f"<tr><td style='padding-right:8px'>{html.escape(word)}</td>{cells}"
                f"<td style='padding-left:8px'>{html.escape(labels[guess])}</td></tr>"
            )
        parts.append("</table>")
    return "\n".join(parts)


class Playground(widgets.VBox):
    """A text box, example sentences and the model's answer, updated as the text changes.

    ``text``, ``examples`` and ``output`` are the three parts; ``last`` holds the probabilities
    after each word of the current text (``(words read, classes)``), for tests and curious learners.
    """

    def __init__(self, model, vectoriser, text: str = EXAMPLES[0], examples: Sequence[str] = EXAMPLES,
                 labels: Mapping[int, str] = LABELS) -> None:
        self.model = model
        self.vectoriser = vectoriser
        self.labels = dict(labels)
        self.text = widgets.Text(value=text, description="Text:", placeholder="type a sentence",
                                 continuous_update=True, layout=widgets.Layout(width="560px"))
        self.examples = widgets.Dropdown(options=["(examples)", *examples], value="(examples)", description="Try:",
                                         layout=widgets.Layout(width="560px"))
        self.output = widgets.HTML()
        self.last = np.zeros((0, len(self.labels)), dtype=np.float32)
        self.text.add_class("course-playground-text")
        self.examples.add_class("course-playground-examples")
        self.output.add_class("course-playground-output")
        self.text.observe(lambda change: self.update(), names="value")
        self.examples.observe(self._pick, names="value")
        super().__init__([self.text, self.examples, self.output])
        self.add_class("course-playground")
        self.update()

    def _pick(self, change) -> None:
        if change["new"] != "(examples)":
            self.text.value = change["new"]

    def update(self) -> None:
        """Vectorise the text, read it in one pass, and redraw the answer."""
        words = self.vectoriser.tokens(self.text.value)
        sequence = self.vectoriser.texts_to_sequences([self.text.value])[0]
        kept_words = set(self.vectoriser.vocabulary[i - 1] for i in sequence)
        kept = [w in kept_words for w in words]
        steps = step_probabilities(self.model, sequence)
        self.last = steps if sequence else steps[:0]
        self.output.value = render(words, kept, steps, self.labels)


def playground(model, vectoriser, text: str = EXAMPLES[0], examples: Sequence[str] = EXAMPLES) -> Playground:
    """Build the playground for a prefix-reader ``model`` and the vectoriser it was trained with."""
    return Playground(model, vectoriser, text, examples)
