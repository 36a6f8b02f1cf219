"""course_utils.text: the 2019 cleaning as it behaved, the corrected one, and a faithful Keras 2 Tokenizer.

The phrases below are made up in the treebank's style; no real data is quoted.
"""
from __future__ import annotations

import numpy as np
import pytest
from shared_data import KAGGLE_REAL

from course_utils import config
from course_utils.data import load_kaggle, load_phrases
from course_utils.text import (
    CONTRACTIONS_2019,
    FILTERS_2019,
    NUM_WORDS_2019,
    Vectoriser,
    clean,
    clean_2019,
    pad,
    words_2019,
)


def real_kaggle_dir():
    """Kaggle's files beside the repo (developers, CI) or in COURSE_DATA_DIR; skip, saying why, without them."""
    for directory in (KAGGLE_REAL, config.kaggle_dir()):
        if (directory / "train.tsv").is_file():
            return directory
    pytest.skip(f"Kaggle's train.tsv is in neither {KAGGLE_REAL} nor {config.kaggle_dir()} (COURSE_DATA_DIR)")

# ------------------------------------------------------------------------------------ clean_2019


@pytest.mark.parametrize("text, expected", [
    ("It 's a film", "it is a film"),                      # the contraction it was written for
    ("the director 's cut", "the director is cut"),        # a possessive turned into "is"
    ("I ca n't believe it", "i ca not believe it"),        # treebank "ca n't": the "can't" key never matches
    ("it wo n't work", "it wo not work"),
    ("it is n't bad", "it is not bad"),
    ("I can't and I cannot", "i can not and i can not"),   # raw English: the keys it was written for
    ("you 're right", "you are right"),
    ("I 'm here", "i 'm here"),                            # "i'm" is a key, the treebank's "i 'm" is not
    ("we 'll see , we 'd go", "we will see , we would go"),
    ("they 've gone", "they have gone"),
    ("let\u2019s go", "let us go"),                        # the curly key works on curly text...
    ("let 's go", "let is go"),                            # ...but the data is ASCII and tokenised
    ("good,bad.ugly!why?", "good ,bad .ugly !why ?"),         # a space before, none after
    ("a 2.5 rating , 1,000 times", "a 2 .5 rating , 1 ,000 times"),
    ("wait ...", "wait . . ."),
    ("  spaced\tout \n text ", "spaced out text"),
    ("a \\s+ b", "a b"),                                   # the '\s+' key is matched literally
    (" ", ""),
    ("None", "none"),
    ("-LRB- aside -RRB-", "-lrb- aside -rrb-"),
])
def test_clean_2019_behaviour(text, expected):
    assert clean_2019(text) == expected


def test_clean_2019_table_order_matters():
    keys = list(CONTRACTIONS_2019)
    assert keys.index("can't") < keys.index("n't"), "can't must come before n't, or it gives 'ca not'"
    assert keys[-1] == r"\s+"


def test_clean_2019_scuse_key_never_fires():
    """The 2019 table's "'scuse" entry comes after "'s", which has already rewritten every "'scuse"."""
    keys = list(CONTRACTIONS_2019)
    assert keys.index("'s") < keys.index("'scuse")
    assert "'scuse me".replace("'scuse", CONTRACTIONS_2019["'scuse"]) == "excuse me"  # alone it would work
    assert clean_2019("'scuse me") == "iscuse me"                                       # in the table it never does
    without = {key: value for key, value in CONTRACTIONS_2019.items() if key != "'scuse"}

    def clean_without(text):
        text = text.lower()
        for key, replacement in without.items():
            text = text.replace(key, replacement)
        return " ".join(text.split())

    rng = np.random.default_rng(14)
    pieces = ["'scuse", "'s", "'", "s", "cuse", "shan\u2019t", "can't", "n't", " ", "me", ".", "'ll", "'d", "x"]
    texts = ["".join(rng.choice(pieces, size=rng.integers(1, 9))) for _ in range(3000)]
    assert all(clean_2019(text) == clean_without(text) for text in texts)


# ------------------------------------------------------------------------------------ clean


@pytest.mark.parametrize("text, expected", [
    ("I ca n't believe it", "i can not believe it"),
    ("it wo n't work", "it will not work"),
    ("it sha n't", "it shall not"),
    ("it is n't bad", "it is not bad"),
    ("the director 's cut", "the director 's cut"),        # possessive kept
    ("it 's good", "it 's good"),                          # ambiguous 's kept as the data writes it
    ("I 'm , you 're , we 'll , they 've , she 'd", "i am , you are , we will , they have , she 'd"),
    ("I cannot", "i can not"),
    # typed English reaches the same tokens as the treebank's phrases
    ("I can't believe it's not good!", "i can not believe it 's not good !"),
    ("Won't you? Don't.", "will not you ? do not ."),
    ("It\u2019s the director\u2019s best", "it 's the director 's best"),
    ("a 2.5 rating, 1,000 times...", "a 2.5 rating , 1,000 times ..."),
    ("  spaced\tout \n text ", "spaced out text"),
    (" ", ""),
    ("-LRB- aside -RRB-", "-lrb- aside -rrb-"),
])
def test_clean(text, expected):
    assert clean(text) == expected


@pytest.mark.parametrize("text", ["I can't believe it's not good!", "it wo n't , ca n't", "a 2.5 rating...", "Don't"])
def test_clean_is_idempotent(text):
    assert clean(clean(text)) == clean(text)


def test_clean_on_the_sample_only_touches_contractions():
    """On treebank text, clean changes a phrase only through the tokens it expands."""
    phrases = load_phrases(allow_download=False, verbose=False).train["Phrase"]
    expanded = {"n't", "'re", "'m", "'ll", "'ve", "ca", "wo", "sha", "cannot"}
    for phrase in phrases:
        before, after = phrase.lower().split(), clean(phrase).split()
        if not expanded & set(before):
            assert after == before


# ------------------------------------------------------------------------------------ words_2019


def test_filters_are_keras_default_minus_kept_punctuation():
    keras_default = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
    assert set(FILTERS_2019) == set(keras_default) - set(",.!?")
    assert NUM_WORDS_2019 == 8192


def test_words_2019():
    assert words_2019("-LRB- a well-made ``film'' , really ! -RRB-") == [
        "lrb", "a", "well", "made", "film''", ",", "really", "!", "rrb"]
    assert words_2019("it 's n't") == ["it", "'s", "n't"]
    assert words_2019(" ") == []


# ------------------------------------------------------------------------------------ Vectoriser


def test_vectoriser_numbers_words_by_count_ties_by_first_appearance():
    v = Vectoriser(cleaner="none").fit(["b a c", "c a", "d c"])
    assert v.word_index == {"c": 1, "a": 2, "b": 3, "d": 4}
    assert v.maxlen == 3


def test_vectoriser_keeps_indices_below_num_words_and_drops_the_rest():
    v = Vectoriser(num_words=3, cleaner="none").fit(["b a c", "c a", "d c"])
    assert v.vocabulary == ["c", "a"] and v.input_dim == 3
    assert v.texts_to_sequences(["a b c d zebra"]) == [[2, 1]]   # b, d (rare) and zebra (unseen) vanish
    assert v.texts_to_sequences([" "]) == [[]]
    assert v.maxlen == 2  # measured after dropping: "b a c" keeps 2 words


def test_vectoriser_transform_pads_and_cuts_at_the_front():
    v = Vectoriser(cleaner="none").fit(["a b", "a c d"])
    assert v.word_index == {"a": 1, "b": 2, "c": 3, "d": 4}
    assert v.transform(["b"]).tolist() == [[0, 0, 2]]
    assert v.transform(["a b c d a"]).tolist() == [[3, 4, 1]]  # the start is cut off
    assert v.transform(["a b"], maxlen=4).dtype == np.int32


def test_vectoriser_applies_its_cleaner_everywhere():
    v = Vectoriser(cleaner="clean").fit(["it is n't good", "it is good"])
    assert v.texts_to_sequences(["It isn't good"]) == v.texts_to_sequences(["it is n't good"])
    v2019 = Vectoriser(cleaner="clean_2019").fit(["the film 's end"])
    assert v2019.decode(v2019.transform(["the film 's end"])[0]) == "the film is end"


def test_vectoriser_save_and_load(tmp_path):
    v = Vectoriser(num_words=5, cleaner="clean").fit(["b a c", "c a", "d c", "e e e e"])
    path = v.save(tmp_path / "sub" / "vectoriser.json")
    again = Vectoriser.load(path)
    assert (again.word_index, again.word_counts, again.maxlen, again.cleaner, again.num_words) == (
        v.word_index, v.word_counts, v.maxlen, v.cleaner, v.num_words)
    texts = ["a b c d e zebra", "e"]
    assert np.array_equal(again.transform(texts), v.transform(texts))
    assert not list(tmp_path.glob("sub/*.part"))


def test_vectoriser_errors_say_what_to_do(tmp_path):
    with pytest.raises(RuntimeError, match=r"call \.fit"):
        Vectoriser().transform(["a"])
    with pytest.raises(TypeError, match="wrap it as"):
        Vectoriser().fit("a single string")
    with pytest.raises(ValueError, match="cleaner must be one of"):
        Vectoriser(cleaner="lowercase")
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(ValueError, match="not a vectoriser"):
        Vectoriser.load(tmp_path / "x.json")


def _saved(tmp_path):
    v = Vectoriser(num_words=5, cleaner="clean").fit(["b a c", "c a", "d c"])
    return v, v.save(tmp_path / "vectoriser.json")


def _edit(text, **changes):
    import json

    data = json.loads(text)
    data.update(changes)
    return json.dumps(data)


@pytest.mark.parametrize("damage, message", [
    (lambda text: "", r"is empty: it should hold JSON"),
    (lambda text: text[: len(text) // 2], r"line 1, column \d+: the file ends in the middle of its JSON: it was cut"),
    (lambda text: text.replace('"a"', '"\u00e9"').encode("latin-1"),
     r"line 1, column \d+: the byte 0xE9 is not UTF-8"),
    (lambda text: "[1, 2]", r"this is not a vectoriser saved by"),
    (lambda text: _edit(text, maxlen="long"), r"maxlen is 'long', not a whole number"),
    (lambda text: _edit(text, num_words=0), r"num_words is 0"),
    (lambda text: _edit(text, cleaner="shout"), r"the cleaner 'shout' is not one of"),
    (lambda text: _edit(text, word_counts=[["a", 2], ["b"]]),
     r"entry 2 of word_counts is \['b'\], not a \[word, count\] pair"),
    (lambda text: _edit(text, word_counts={"a": 2}), r"word_counts is not a list"),
    (lambda text: _edit(text, word_counts=[["a", 2], ["a", 1]]), r"a word appears twice"),
    (lambda text: _edit(text, lower="yes"), r"lower true or false"),
    (lambda text: text.replace('"maxlen"', '"max_len"'), r"lacks maxlen"),
], ids=["empty", "cut-off", "latin-1", "a-list", "maxlen", "num-words", "cleaner", "pair", "dict", "twice", "lower",
        "renamed-key"])
def test_vectoriser_load_names_the_file_and_says_what_to_do(tmp_path, damage, message):
    from course_utils.files import FileFormatError

    _, path = _saved(tmp_path)
    damaged = damage(path.read_text(encoding="utf-8"))
    path.write_bytes(damaged if isinstance(damaged, bytes) else damaged.encode("utf-8"))
    with pytest.raises(FileFormatError, match=message) as caught:
        Vectoriser.load(path)
    assert str(caught.value).startswith(str(path)) and "vectoriser.save(path)" in str(caught.value)


def test_vectoriser_load_of_a_missing_file_or_a_folder(tmp_path):
    from course_utils.files import FileFormatError

    with pytest.raises(FileFormatError, match=r"nope.json does not exist"):
        Vectoriser.load(tmp_path / "nope.json")
    with pytest.raises(FileFormatError, match=r"is a folder"):
        Vectoriser.load(tmp_path)


def test_a_vectoriser_save_that_does_not_load_back_keeps_the_old_file(tmp_path, monkeypatch):
    v, path = _saved(tmp_path)
    before = path.read_bytes()
    other = Vectoriser(cleaner="none").fit(["x y z"])
    monkeypatch.setattr(Vectoriser, "to_json", lambda self: before.decode("utf-8")[:-9])  # a save cut short
    with pytest.raises(Exception, match="cut off"):
        other.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["vectoriser.json"]
    other.save(path)
    assert Vectoriser.load(path).word_index == other.word_index


# ------------------------------------------------------------------------------------ against Keras


@pytest.fixture(scope="module")
def legacy_keras():
    """Keras 3 still ships Keras 2's Tokenizer, deprecated, as ``tf.keras.preprocessing.text.Tokenizer``
    (``keras.src.legacy``): the reference to match."""
    keras = pytest.importorskip("keras")
    pytest.importorskip("keras.src.legacy.preprocessing.text", reason="this Keras no longer ships the legacy Tokenizer")
    return keras


def _assert_same_as_keras_2(keras, texts, num_words=NUM_WORDS_2019):
    from keras.src.legacy.preprocessing.text import Tokenizer

    tokenizer = Tokenizer(num_words=num_words, filters=FILTERS_2019)
    cleaned = [clean_2019(t) for t in texts]
    tokenizer.fit_on_texts(cleaned)
    ours = Vectoriser(num_words).fit(texts)
    assert ours.word_index == tokenizer.word_index
    theirs = tokenizer.texts_to_sequences(cleaned)
    assert ours.texts_to_sequences(texts) == theirs
    expected = keras.utils.pad_sequences(theirs)
    assert ours.maxlen == expected.shape[1]
    assert np.array_equal(ours.transform(texts), expected)


def test_vectoriser_matches_keras_2_tokenizer_on_the_sample(legacy_keras):
    phrases = load_phrases(allow_download=False, verbose=False)
    _assert_same_as_keras_2(legacy_keras, list(phrases.train["Phrase"]), num_words=300)  # small, so words are dropped


def test_vectoriser_matches_keras_2_tokenizer_on_the_real_data(legacy_keras):
    directory = real_kaggle_dir()
    _assert_same_as_keras_2(legacy_keras, list(load_kaggle(directory).train["Phrase"]))


def test_pad_matches_keras(legacy_keras):
    rng = np.random.default_rng(0)
    sequences = [list(rng.integers(1, 50, size=n)) for n in (0, 3, 7, 1, 12)]
    for maxlen in (None, 5, 20):  # (Keras fails on maxlen=0)
        assert np.array_equal(pad(sequences, maxlen), legacy_keras.utils.pad_sequences(sequences, maxlen=maxlen))
    assert pad([], None).shape == (0, 0)


def test_text_vectorization_with_our_vocabulary_differs_only_by_its_unknown_token(legacy_keras):
    """Notebook 04's recipe: TextVectorization numbers words from 2 (0 padding, 1 [UNK]) and keeps unknown
    words as 1; given our vocabulary (no `max_tokens` needed), drop the 0s (a batch is padded to its longest
    row) and the 1s, subtract one from the rest, and it gives our sequences."""
    keras = legacy_keras
    v = Vectoriser(num_words=4, cleaner="none").fit(["b a c", "c a", "d c"])
    layer = keras.layers.TextVectorization(standardize=None, split="whitespace", vocabulary=v.vocabulary)
    assert layer.get_vocabulary() == ["", "[UNK]", *v.vocabulary]
    texts = ["a b c d zebra", "c"]
    rows = keras.ops.convert_to_numpy(layer([" ".join(words_2019(t)) for t in texts]))
    ours = v.texts_to_sequences(texts)
    assert 0 in rows[1].tolist()  # the short row is padded with 0s, which the recipe drops with the 1s
    assert [[i - 1 for i in row if i > 1] for row in rows.tolist()] == ours
    sized = keras.layers.TextVectorization(max_tokens=4, standardize=None)
    sized.adapt(["b a c", "c a", "d c"])
    assert len(sized.get_vocabulary()) == 4  # max_tokens counts "" and "[UNK]": only 2 words kept
