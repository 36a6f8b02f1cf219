"""Length-sorted batches and prefix packing: same data, less padding, the same predictions."""
from __future__ import annotations

import numpy as np
import pytest

from course_utils import batching

PHRASES = [[5, 6, 7, 8], [5, 6], [5], [9, 3], [9], [4, 4, 4], [], [5, 6, 7], [2, 5], [5, 6]]


def test_batch_plan_covers_everything_once_in_length_order():
    lengths = np.array([5, 1, 3, 1, 2, 5, 4, 2])
    plan = batching.batch_plan(lengths, 3)
    assert [lengths[b].tolist() for b in plan] == [[1, 1, 2], [2, 3, 4], [5, 5]]
    rng = np.random.default_rng(0)
    epochs = [batching.batch_plan(lengths, 3, rng) for _ in range(4)]
    for plan in epochs:
        assert sorted(np.concatenate(plan).tolist()) == list(range(len(lengths)))
        assert all(np.ptp(lengths[b]) <= 2 for b in plan)
    assert len({tuple(np.concatenate(p).tolist()) for p in epochs}) > 1  # a new order every epoch


def test_max_tokens_caps_rows_times_width():
    lengths = np.array([1] * 10 + [4] * 6 + [9] * 3 + [20])
    plan = batching.batch_plan(lengths, 8, max_tokens=12)
    assert [lengths[b].tolist() for b in plan] == [[1] * 8, [1, 1, 4], [4, 4, 4], [4, 4], [9], [9], [9], [20]]
    assert sorted(np.concatenate(plan).tolist()) == list(range(len(lengths)))
    assert all(len(b) * lengths[b].max() <= 12 or len(b) == 1 for b in plan)  # a phrase longer than the cap goes alone
    assert [len(b) for b in batching.batch_plan(lengths, 8)] == [8, 8, 4]  # no cap: rows only
    same = batching.batch_plan(lengths, 8, max_tokens=12, same_length=True)
    assert all(np.ptp(lengths[b]) == 0 for b in same)
    with pytest.raises(ValueError, match="max_tokens"):
        batching.batch_plan(lengths, 8, max_tokens=0)


def test_course_batches_use_the_course_settings():
    sequences = [[1] * n for n in [3] * 600 + [40] * 300]
    labels = np.zeros(len(sequences), dtype=int)
    shapes = [tuple(x.shape) for x, _ in batching.course_batches(sequences, labels, shuffle=False)]
    assert max(rows for rows, _ in shapes) == batching.PHRASES_PER_BATCH
    assert all(rows * width <= batching.MAX_TOKENS for rows, width in shapes)
    assert sum(rows for rows, _ in shapes) == len(sequences)
    x, _ = next(iter(batching.course_batches([[4, 5], [6]], [0, 1], shuffle=False)))
    assert x.numpy().tolist() == [[0, 6], [4, 5]]  # padded in front, as in 2019


def test_sorted_batches_pad_each_batch_to_its_longest():
    labels = np.arange(len(PHRASES))
    seen = {}
    widths = []
    for tokens, y in batching.sorted_batches(PHRASES, labels, batch_size=3, seed=1):
        tokens, y = tokens.numpy(), y.numpy()
        widths.append(tokens.shape[1])
        for row, label in zip(tokens, y):
            seen[int(label)] = row
    assert sorted(seen) == labels.tolist()
    for label, row in seen.items():
        expected = PHRASES[label] or [0]  # an empty phrase is one padding token
        assert row[len(row) - len(expected):].tolist() == expected and not row[: len(row) - len(expected)].any()
    assert max(widths) == 4 and min(widths) == 1


def test_pack_prefixes_reads_every_phrase_at_its_last_token():
    packs = batching.pack_prefixes(PHRASES)
    for phrase, read in zip(PHRASES, packs.read_of):
        sequence = packs.sequences[packs.read_pack[read]]
        assert sequence[: packs.read_position[read] + 1].tolist() == (phrase or [0])
    kept = [s.tolist() for s in packs.sequences]
    assert all(not (a != b and b[: len(a)] == a) for a in kept for b in kept)  # no kept sequence is a prefix of another
    assert sorted(map(tuple, kept)) == [(0,), (2, 5), (4, 4, 4), (5, 6, 7, 8), (9, 3)]
    assert packs.tokens_read == 12 < sum(len(p) for p in PHRASES)
    assert packs.n_reads == 9  # [5, 6] appears twice and shares a read
    assert "fewer" in packs.describe(sum(len(p) for p in PHRASES))


def test_prefix_batches_carry_every_label_once():
    labels = np.array([0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
    packs = batching.pack_prefixes(PHRASES)
    total = np.zeros(5)
    for x, targets, weights in batching.prefix_batches(packs, labels, batch_size=2, seed=0):
        tokens, positions = x["tokens"].numpy(), x["positions"].numpy()
        targets, weights = targets.numpy(), weights.numpy()
        assert tokens.shape[0] == positions.shape[0] == targets.shape[0] == weights.shape[0]
        assert (positions < tokens.shape[1]).all()
        total += (targets * weights[..., None]).sum(axis=(0, 1))
        assert np.allclose(targets[weights > 0].sum(-1), 1) and not targets[weights == 0].any()
    assert total.tolist() == np.bincount(labels, minlength=5).tolist()
    with pytest.raises(ValueError, match="labels"):
        batching.label_counts(packs, labels[:3])


def test_prefix_reader_predicts_exactly_what_reading_each_phrase_alone_gives():
    import keras

    from course_utils import sentiment_models as models

    keras.utils.set_random_seed(0)
    model = models.prefix_reader(10, embed_dim=8, units=6)
    packs = batching.pack_prefixes(PHRASES)
    together = batching.predict_packs(model, packs, batch_size=2)
    for phrase, probabilities in zip(PHRASES, together):
        phrase = phrase or [0]
        alone = model.predict_on_batch({"tokens": np.array([phrase]), "positions": np.array([[len(phrase) - 1]])})
        np.testing.assert_allclose(probabilities, alone[0, 0], rtol=1e-5, atol=1e-6)


def test_step_probabilities_answer_after_each_token_as_if_the_phrase_stopped_there():
    import keras

    from course_utils import sentiment_models as models

    keras.utils.set_random_seed(1)
    model = models.prefix_reader(10, embed_dim=8, units=6)
    phrase = [5, 6, 7, 8]
    steps = models.step_probabilities(model, phrase)
    assert steps.shape == (4, 5)
    for t in range(len(phrase)):
        alone = model.predict_on_batch({"tokens": np.array([phrase[: t + 1]]), "positions": np.array([[t]])})
        np.testing.assert_allclose(steps[t], alone[0, 0], rtol=1e-5, atol=1e-6)
    assert models.step_probabilities(model, []).shape == (1, 5)  # an empty phrase: one padding token


def test_prefix_loss_is_the_mean_over_phrases():
    import keras

    from course_utils import sentiment_models as models

    keras.utils.set_random_seed(1)
    labels = np.array([0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
    model = models.compile_model(models.prefix_reader(10, embed_dim=8, units=6), prefix=True)
    packs = batching.pack_prefixes(PHRASES)
    (x, targets, weights), = batching.prefix_batches(packs, labels, batch_size=100, shuffle=False).take(1)
    loss = model.evaluate(x, targets, sample_weight=weights, verbose=0, return_dict=True)["loss"]
    probabilities = batching.predict_packs(model, packs)
    expected = -np.mean(np.log(probabilities[np.arange(len(labels)), labels]))
    assert loss == pytest.approx(expected, rel=1e-5)


def test_predict_sorted_keeps_the_phrase_order():
    import keras

    from course_utils import sentiment_models as models

    keras.utils.set_random_seed(2)
    model = models.seed_model(10, embed_dim=4, units=3, recurrent_dropout=0.0)
    sequences = [[1, 2], [3], [4, 5], [6]]
    predicted = batching.predict_sorted(model, sequences, batch_size=2)
    for sequence, row in zip(sequences, predicted):
        np.testing.assert_allclose(row, model.predict_on_batch(np.array([sequence]))[0], rtol=1e-5, atol=1e-6)


def test_prediction_batches_are_capped_at_the_training_tokens(monkeypatch):
    """Long phrases are predicted in smaller batches, as they train, so prediction never grows TensorFlow's
    allocator past what training needed; the probabilities and their order do not change."""
    import keras

    from course_utils import sentiment_models as models

    keras.utils.set_random_seed(2)
    model = models.seed_model(10, embed_dim=4, units=3, recurrent_dropout=0.0)
    rng = np.random.default_rng(0)
    sequences = [list(rng.integers(1, 10, size=n)) for n in rng.integers(1, 30, size=60)]
    # same_length: no padding, so no batch's make-up can change an answer (the unmasked model reads padding)
    uncapped = batching.predict_sorted(model, sequences, batch_size=64, same_length=True)
    monkeypatch.setattr(batching, "MAX_TOKENS", 100)
    shapes = []
    forward = batching._predictor(model)
    monkeypatch.setattr(batching, "_predictor", lambda *a: lambda x: shapes.append(x.shape) or forward(x))
    capped = batching.predict_sorted(model, sequences, batch_size=64, same_length=True)
    assert max(rows * width for rows, width in shapes) <= 100 and len(shapes) > 1
    np.testing.assert_allclose(capped, uncapped, rtol=1e-5, atol=1e-6)
    shapes.clear()
    batching.predict_sorted(model, sequences, batch_size=64)  # padded batches: capped too
    assert max(rows * width for rows, width in shapes) <= 100
    packs = batching.pack_prefixes(sequences)
    shapes.clear()
    monkeypatch.setattr(batching, "_predictor", lambda *a: lambda x: shapes.append(x["tokens"].shape) or {})
    with pytest.raises(Exception):  # the stand-in answers nothing: only the batch shapes matter here
        batching.predict_packs(model, packs, batch_size=64)
    assert shapes and shapes[0][0] * shapes[0][1] <= 100


def test_a_masked_seed_model_ignores_padding_in_front():
    """``seed_model(mask_zero=True)``: the answer for a phrase padded to 53 in front is the unpadded answer
    (notebook 06, section 3.2); without the mask the padding changes it."""
    import keras

    from course_utils import sentiment_models as models
    from course_utils.text import pad

    phrase = [[4, 2, 7]]
    for mask_zero in (True, False):
        keras.utils.set_random_seed(3)
        model = models.seed_model(10, embed_dim=4, units=3, hidden=4, recurrent_dropout=0.0, mask_zero=mask_zero)
        alone = model.predict_on_batch(np.array(phrase, dtype="int32"))
        padded = model.predict_on_batch(pad(phrase, 53))
        assert np.allclose(alone, padded, atol=1e-6) == mask_zero
