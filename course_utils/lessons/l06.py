"""Exercises of notebook 06, beyond the 2019 model."""

import numpy as np

from course_utils.exercises import FunctionExercise, ModelExercise, QuestionExercise

ex1 = QuestionExercise(
    number=1,
    title="Why does `recurrent_dropout` cost so much?",
    choices={
        "a": "It drops 30% of the LSTM's weights at every step, so each epoch learns less and training needs more"
             " epochs.",
        "b": "It masks h(t-1) where it enters each gate, one mask per gate, so Keras runs the cell as"
             " `implementation=1`: eight smaller products a step instead of two.",
        "c": "It makes the model larger: Keras stores the dropped units as extra weights, which every step must read"
             " too.",
    },
    answer="b",
    feedback={
        "a": "Dropout removes activations, not weights, and the cost we measured is time per *batch*, not more epochs.",
        "c": "Dropout adds no weights at all: compare `count_params()` with and without it.",
    },
    explanation=(
        "`recurrent_dropout` multiplies the previous output h(t-1) by a random mask where it enters the gates, at "
        "every step of the loop over the words (Keras draws the masks once per batch and reuses them at each step; the "
        "cell state c(t) is not masked). Each gate gets its own mask, so Keras switches the cell to "
        "`implementation=1`: four input products and four recurrent products a step, each a quarter of the size, "
        "instead of one of each. On a CPU that is the whole cost (notebook 05's optional timing cell measures it on "
        "your machine); on a GPU it also rules out the fused cuDNN kernel, which Keras uses only when "
        "`recurrent_dropout=0`."
    ),
    hints=["Where in the computation does the mask act: once on the inputs, or at every step of the loop?"],
)


ex2 = FunctionExercise(
    number=2,
    name="padding_share",
    title="How much of a padded batch is padding?",
    solution='''
def padding_share(lengths, width):
    lengths = np.asarray(lengths)
    return 1 - lengths.sum() / (len(lengths) * width)
''',
    probes=[([3, 5, 2], 5), (np.array([1, 1, 1, 1]), 53), ([53], 53), (np.array([7, 12, 2, 9, 30]), 53)],
    hints=[
        "A padded batch holds `len(lengths) * width` tokens; `sum(lengths)` of them are real words.",
        "Padding is what is left: `1 - real / total`.",
    ],
    diagnosers=[
        (lambda got, expected: np.isclose(float(got), 1 - float(expected)) and not np.isclose(float(expected), 0.5),
         "That is the share of *real* tokens. Padding is the rest: one minus your answer."),
        (lambda got, expected: np.isclose(float(got), 100 * float(expected)) and float(expected) > 0,
         "That is a percentage: return a share between 0 and 1."),
    ],
)


ex3 = FunctionExercise(
    number=3,
    name="read_position",
    title="Where do you read a phrase inside a longer sequence?",
    solution='''
def read_position(phrase, sequence):
    n = len(phrase)
    if 0 < n <= len(sequence) and list(sequence[:n]) == list(phrase):
        return n - 1
    return -1
''',
    probes=[([4, 7], [4, 7, 9, 2]), ([4, 7, 9, 2], [4, 7, 9, 2]), ([7, 9], [4, 7, 9, 2]), ([4], [4, 7]),
            ([4, 7, 9], [4, 7]), ([5], [4, 7])],
    hints=[
        "A left-to-right LSTM has read the phrase exactly when the sequence *starts* with it.",
        "Compare `sequence[:len(phrase)]` with `phrase`; positions count from 0, so the last word of the phrase is at"
        " `len(phrase) - 1`.",
    ],
    diagnosers=[
        (lambda got, expected: expected == -1 and isinstance(got, (int, np.integer)) and got >= 0,
         "The phrase must sit at the *start* of the sequence. Found further in, the LSTM's state there also holds the"
         " words before it."),
        (lambda got, expected: expected >= 0 and got == expected + 1,
         "One too far: positions count from 0, so a phrase of n words ends at position n - 1."),
    ],
)


ex4 = QuestionExercise(
    number=4,
    title="Which data should early stopping watch?",
    choices={
        "a": "The held-out sentences: they are what we report, so stop when they are best.",
        "b": "The training phrases: stop when the training loss stops falling.",
        "c": "A separate slice of the training sentences (a development set), never the held-out ones.",
    },
    answer="c",
    feedback={
        "a": "Then the held-out sentences choose the epoch, and the accuracy reported on them is picked as the best of"
             " several tries: it flatters the model.",
        "b": "The training loss keeps falling long after the model starts to overfit; it cannot tell you when to stop.",
    },
    explanation=(
        "Early stopping is a choice made by looking at data, like choosing a learning rate. Make it on a development "
        "set cut from the training sentences, and keep the held-out sentences untouched for the final number."
    ),
    hints=["If a set helps you choose something, can it still give an unbiased score afterwards?"],
)

_CORRECT = np.array([True, True, True, False, False, False, True, True])
_SELECTED = np.array([True, False, False, True, True, False, False, False])  # 1 of the 3 selected is correct


def _on_first_probe(expected) -> bool:
    return bool(np.isclose(float(expected), 1 / 3))


ex5 = ModelExercise(
    number=5,
    name="pooled",
    title="Use the layers the 2019 example imported and never used",
    solution='''
pooled = keras.Sequential([
    keras.Input((None,), dtype="int32"),
    keras.layers.Embedding(VOCAB, 256),
    keras.layers.SpatialDropout1D(0.3),
    keras.layers.Bidirectional(keras.layers.LSTM(128, return_sequences=True)),
    keras.layers.GlobalMaxPooling1D(),
    keras.layers.Dense(5, activation="softmax"),
])
''',
    hints=[
        "Six entries: the input, `Embedding(VOCAB, 256)`, `SpatialDropout1D(0.3)`, a `Bidirectional` LSTM of 128 "
        "units, `GlobalMaxPooling1D()` and the softmax layer.",
        "The pooling needs the LSTM's output at every step: `LSTM(128, return_sequences=True)` inside"
        " `Bidirectional(...)`.",
    ],
)


ex6 = FunctionExercise(
    number=6,
    name="accuracy_where",
    title="Accuracy on the phrases a selection picks",
    solution='''
def accuracy_where(correct, selected):
    return float(np.mean(correct[selected]))
''',
    probes=[(_CORRECT, _SELECTED), (np.array([True, False, True]), np.array([True, True, True])),
            (np.array([False, True]), np.array([False, True]))],
    hints=[
        "`correct[selected]` keeps only the selected phrases' True/False values.",
        "The mean of True/False values is the share of True: `np.mean(correct[selected])`.",
    ],
    diagnosers=[
        (lambda got, expected: _on_first_probe(expected) and np.isclose(float(got), 3 / 8),
         "That is the share of phrases the selection picks, not how many of them the model got right."),
        (lambda got, expected: _on_first_probe(expected) and np.isclose(float(got), 5 / 8),
         "That is the accuracy on *all* phrases: keep the selected ones first (`correct[selected]`)."),
        (lambda got, expected: _on_first_probe(expected) and np.isclose(float(got), 1 / 8),
         "You divided by the number of all phrases: average over the selected ones only."),
    ],
)

EXERCISES = [ex1, ex2, ex3, ex4, ex5, ex6]
