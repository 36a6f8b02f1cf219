"""The models' ``precision``: the recurrent layer alone computes in bfloat16, and nothing else changes."""
import keras
import numpy as np
import pytest

from course_utils import resources
from course_utils import sentiment_models as models

BUILDERS = {
    "seed": lambda **kw: models.seed_model(64, embed_dim=8, units=8, hidden=8, recurrent_dropout=0.0, **kw),
    "prefix": lambda **kw: models.prefix_reader(64, embed_dim=8, units=8, hidden=8, **kw),
    "pooled": lambda **kw: models.pooled_model(64, embed_dim=8, units=8, **kw),
}


def _recurrent_layer(model):
    for layer in model.layers:
        inner = getattr(layer, "forward_layer", layer)  # Bidirectional wraps two copies
        if isinstance(inner, (keras.layers.LSTM, keras.layers.GRU)):
            return layer, inner
    raise AssertionError(f"{model.name} has no recurrent layer")


@pytest.mark.parametrize("kind", BUILDERS)
def test_float32_by_default_as_in_2019(kind):
    model = BUILDERS[kind]()
    assert {layer.dtype_policy.name for layer in model.layers if layer.weights} == {"float32"}


@pytest.mark.parametrize("kind", BUILDERS)
def test_mixed_bfloat16_is_the_recurrent_layer_only(kind):
    model = BUILDERS[kind](precision="mixed_bfloat16")
    outer, inner = _recurrent_layer(model)
    assert inner.dtype_policy.name == "mixed_bfloat16" and inner.compute_dtype == "bfloat16"
    assert all(w.dtype == "float32" for w in outer.weights)  # the weights Adam updates stay float32
    others = [layer for layer in model.layers if layer is not outer and layer.weights]
    assert others and all(layer.dtype_policy.name == "float32" for layer in others)
    tokens = np.array([[3, 5, 7, 9]], dtype="int32")
    inputs = {"tokens": tokens, "positions": np.array([[1, 3]], dtype="int32")} if kind == "prefix" else tokens
    probabilities = np.asarray(model.predict_on_batch(inputs))
    assert probabilities.dtype == np.float32 and np.allclose(probabilities.sum(axis=-1), 1, atol=1e-5)


def test_bfloat16_trains_to_about_the_float32_answer():
    """Same seed, same batch: the two precisions start from the same weights and stay close after a few steps."""
    x = np.random.default_rng(0).integers(1, 64, (32, 6)).astype("int32")
    y = np.random.default_rng(1).integers(0, 5, 32)
    answers = {}
    for precision in models.PRECISIONS:
        keras.utils.set_random_seed(0)
        model = models.compile_model(BUILDERS["seed"](precision=precision))
        losses = [float(model.train_on_batch(x, y)[0]) for _ in range(5)]
        answers[precision] = losses, model.predict_on_batch(x)
    (loss32, p32), (loss16, p16) = answers["float32"], answers["mixed_bfloat16"]
    assert loss32[-1] < loss32[0] and loss16[-1] < loss16[0]  # both learn
    assert np.abs(p32 - p16).max() < 0.02  # bfloat16 keeps about 3 significant digits
    assert not np.array_equal(p32, p16)  # and it really computed in bfloat16


def test_unknown_precision_is_refused_by_name():
    with pytest.raises(ValueError, match="precision must be one of 'float32', 'mixed_bfloat16', not 'float16'"):
        models.seed_model(precision="float16")


def test_fast_precision_follows_the_cpu(monkeypatch):
    for hardware, expected in ((True, "mixed_bfloat16"), (False, "float32"), (None, "float32")):
        monkeypatch.setattr(resources, "has_bf16", lambda hardware=hardware: hardware)
        assert models.fast_precision() == expected
