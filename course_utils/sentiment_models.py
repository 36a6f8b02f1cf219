"""The sentiment models of notebook 06 and the benchmark, built one way so both measure the same thing.

* :func:`seed_model`: the 2019 architecture (notebook 05), ``Embedding(8192, 256) -> LSTM(256)
  -> Dense(256, relu) -> Dense(5, softmax)``, with the 2019 dropout settings by default. It reads a padded batch
  and answers once per phrase.
* :func:`prefix_reader`: the same layers (or a GRU, a wider embedding, spatial dropout), but the
  recurrent layer returns its output at *every* step and the model picks the steps the batch asks
  for (``positions``), one prediction each. Fed by :func:`course_utils.batching.prefix_batches`,
  one pass over "the film is dull" trains on "the", "the film", "the film is" and the whole
  phrase, wherever those are labelled phrases. For a single text it shows how the prediction
  moves word by word (the playground widget uses that).
* :func:`pooled_model`: a bidirectional recurrent layer whose outputs are max-pooled over time
  (``GlobalMaxPooling1D``) after ``SpatialDropout1D``: it sees each word in both directions,
  so it cannot use the prefix trick and reads every phrase in full, in batches of one length.

Each takes ``precision``: the Keras dtype policy of its recurrent layer. ``"float32"`` (the default, as in 2019)
or ``"mixed_bfloat16"``: the layer keeps its weights in float32 but multiplies in bfloat16 (7 bits of fraction
instead of 23), which CPUs with bfloat16 instructions do faster; :func:`fast_precision` picks it
only on those CPUs. The embedding, the dense layers and the loss stay in float32.

All three compile with :func:`compile_model`: Adam and sparse categorical cross-entropy (the
same loss as the 2019 one-hot ``categorical_crossentropy``, without building one-hot labels).
"""
from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import layers, ops

from course_utils import resources
from course_utils.labels import N_CLASSES

VOCAB_2019 = 8192
EMBED_2019 = 256
UNITS_2019 = 256
HIDDEN_2019 = 256
PRECISIONS = ("float32", "mixed_bfloat16")


def fast_precision() -> str:
    """``"mixed_bfloat16"`` on a CPU with bfloat16 instructions (:func:`course_utils.resources.has_bf16`), else
    ``"float32"``: the faster of the two for the recurrent layer here.

    Measured with ``make bench``'s ``fast`` configuration (notebook 05's recipe, full data, 8 epochs, the two
    precisions at once, each pinned to one core): on an AMD EPYC family 25 model 17, 250 s in bfloat16 against
    397 s in float32, best held-out accuracy 0.6216 against 0.6193; on an Intel Xeon family 6 model 167, 323 s
    against 475 s, 0.6212 against 0.6209. Without the instructions oneDNN emulates bfloat16, slower than float32.
    """
    return "mixed_bfloat16" if resources.has_bf16() else "float32"


def _recurrent(cell: str, units: int, *, dropout: float, recurrent_dropout: float, return_sequences: bool, name: str,
               precision: str):
    kinds = {"lstm": layers.LSTM, "gru": layers.GRU}
    if cell not in kinds:
        raise ValueError(f"cell must be 'lstm' or 'gru', not {cell!r}")
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(map(repr, PRECISIONS))}, not {precision!r}")
    return kinds[cell](units, dropout=dropout, recurrent_dropout=recurrent_dropout, return_sequences=return_sequences,
                       name=name, dtype=precision)


def seed_model(
    input_dim: int = VOCAB_2019,
    *,
    embed_dim: int = EMBED_2019,
    units: int = UNITS_2019,
    hidden: int = HIDDEN_2019,
    dropout: float = 0.3,
    recurrent_dropout: float = 0.3,
    cell: str = "lstm",
    classes: int = N_CLASSES,
    mask_zero: bool = False,
    precision: str = "float32",
) -> keras.Model:
    """The 2019 architecture: embedding, one recurrent layer read to its last step, a hidden layer, softmax.

    ``recurrent_dropout=0.3`` is the 2019 setting; 0 saves a share of every step on a CPU (notebook 06
    measures it) and lets Keras use cuDNN's fused kernel on a GPU, without changing the layers.
    ``mask_zero=True`` (not in 2019) makes the recurrent layer skip the padding (index 0): at a padded
    step it carries its state through unchanged, so with padding in front the answer does not depend
    on how much padding there is. The padded steps are still computed (notebook 06, section 3.2).
    """
    return keras.Sequential(
        [
            keras.Input((None,), dtype="int32", name="tokens"),
            layers.Embedding(input_dim, embed_dim, mask_zero=mask_zero, name="embedding"),
            _recurrent(cell, units, dropout=dropout, recurrent_dropout=recurrent_dropout, return_sequences=False,
                       name=cell, precision=precision),
            layers.Dense(hidden, activation="relu", name="hidden"),
            layers.Dense(classes, activation="softmax", name="classes"),
        ],
        name=f"seed_{cell}",
    )


class TakePositions(layers.Layer):
    """``(batch, steps, features)`` and ``(batch, k)`` step indices -> ``(batch, k, features)``: the outputs at those
    steps."""

    def call(self, sequence, positions):
        index = ops.expand_dims(ops.cast(positions, "int32"), -1)
        index = ops.broadcast_to(index, (ops.shape(positions)[0], ops.shape(positions)[1], ops.shape(sequence)[-1]))
        return ops.take_along_axis(sequence, index, axis=1)

    def compute_output_shape(self, sequence_shape, positions_shape):
        return (sequence_shape[0], positions_shape[1], sequence_shape[-1])


def prefix_reader(
    input_dim: int = VOCAB_2019,
    *,
    embed_dim: int = EMBED_2019,
    units: int = UNITS_2019,
    hidden: int = HIDDEN_2019,
    dropout: float = 0.3,
    spatial_dropout: float = 0.0,
    cell: str = "lstm",
    classes: int = N_CLASSES,
    precision: str = "float32",
) -> keras.Model:
    """The seed model's layers, answering at the requested steps: inputs ``tokens`` and ``positions``.

    No recurrent dropout (on a CPU it forces Keras's ``implementation=1``, more and smaller matrix
    products every step; on a GPU it rules out the fused cuDNN kernel); dropout on the inputs stays. Padding goes
    at the end of each sequence, after every step that is read, so a left-to-right layer never sees it before a
    position we use: no mask is needed.
    """
    tokens = keras.Input((None,), dtype="int32", name="tokens")
    positions = keras.Input((None,), dtype="int32", name="positions")
    x = layers.Embedding(input_dim, embed_dim, name="embedding")(tokens)
    if spatial_dropout:
        x = layers.SpatialDropout1D(spatial_dropout, name="spatial_dropout")(x)
    x = _recurrent(cell, units, dropout=dropout, recurrent_dropout=0.0, return_sequences=True, name=cell,
                   precision=precision)(x)
    x = TakePositions(name="take_positions")(x, positions)
    x = layers.Dense(hidden, activation="relu", name="hidden")(x)
    outputs = layers.Dense(classes, activation="softmax", name="classes")(x)
    return keras.Model({"tokens": tokens, "positions": positions}, outputs, name=f"prefix_{cell}")


def step_probabilities(model: keras.Model, sequence: Sequence[int]) -> np.ndarray:
    """``(len(sequence), classes)``: a prefix reader's probabilities after each token, in one pass.

    What the playground shows word by word, and what notebook 06 plots: the answer the model
    would give if the phrase stopped there. An empty sequence is read as one padding token.
    """
    tokens = np.asarray([list(sequence) or [0]], dtype=np.int32)
    positions = np.arange(tokens.shape[1], dtype=np.int32)[None, :]
    return np.asarray(model.predict_on_batch({"tokens": tokens, "positions": positions}))[0]


def pooled_model(
    input_dim: int = VOCAB_2019,
    *,
    embed_dim: int = EMBED_2019,
    units: int = 128,
    spatial_dropout: float = 0.3,
    cell: str = "gru",
    classes: int = N_CLASSES,
    precision: str = "float32",
) -> keras.Model:
    """Bidirectional recurrent layer, max-pooled over the steps: sees each word with its left and right context.

    Feed it batches of phrases of one length (``sorted_batches(..., same_length=True)``): with
    no padding at all, neither direction nor the pooling can read padding, and no mask is needed.
    """
    return keras.Sequential(
        [
            keras.Input((None,), dtype="int32", name="tokens"),
            layers.Embedding(input_dim, embed_dim, name="embedding"),
            layers.SpatialDropout1D(spatial_dropout, name="spatial_dropout"),
            layers.Bidirectional(
                _recurrent(cell, units, dropout=0.0, recurrent_dropout=0.0, return_sequences=True, name=cell,
                           precision=precision)
            ),
            layers.GlobalMaxPooling1D(name="max_over_time"),
            layers.Dense(classes, activation="softmax", name="classes"),
        ],
        name=f"pooled_bi{cell}",
    )


def compile_model(
    model: keras.Model, learning_rate: float = 1e-3, *, prefix: bool = False, **compile_args
) -> keras.Model:
    """Adam, cross-entropy and accuracy; ``prefix=True`` for models fed by ``prefix_batches``.

    A prefix batch gives, at each position read, the label distribution of the phrases read
    there and their number as a weight (0 for fillers): the loss is then the categorical
    cross-entropy averaged over the weights (``mean_with_sample_weight``), which is the mean
    over phrases, and accuracy counts only real positions. ``compile_args`` go to
    ``model.compile`` (for instance ``steps_per_execution``).
    """
    if prefix:
        loss = keras.losses.CategoricalCrossentropy(reduction="mean_with_sample_weight")
        metrics = {"weighted_metrics": [keras.metrics.CategoricalAccuracy(name="accuracy")]}
    else:
        loss = keras.losses.SparseCategoricalCrossentropy()
        metrics = {"metrics": ["accuracy"]}
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, **metrics, **compile_args)
    return model
