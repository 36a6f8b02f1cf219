"""From phrases to padded integer sequences, the way the 2019 Keras example did it, on Keras 3.

The 2019 example for Kaggle's "Sentiment Analysis on Movie Reviews" cleaned each phrase
(lowercase, expand contractions, space out ``, . ! ?``), then used Keras 2's
``Tokenizer(num_words=8192, filters=...)``, ``texts_to_sequences`` and ``pad_sequences``.
``Tokenizer`` is gone from Keras 3, so this module rebuilds exactly what it did, in plain
Python and NumPy (no TensorFlow import, so it is quick to load and to test):

* :func:`clean_2019` is the example's cleaning function, behaviour for behaviour, bugs included;
  :func:`clean` is the corrected one (notebook 04 shows the difference on the real data).
* :func:`words_2019` is Keras 2's ``text_to_word_sequence`` with the example's filter.
* :class:`Vectoriser` is Keras 2's ``Tokenizer`` as the example configured it: words numbered
  from 1 by falling frequency (ties in order of first appearance), index 0 reserved for padding,
  only indices below ``num_words`` kept (8,191 words), and words it does not keep, or never saw,
  **dropped** from the sequence (the 2019 tokenizer had no out-of-vocabulary token). It also
  remembers the padded length (the longest training phrase) and which cleaning function to
  apply, and saves itself to JSON, so a trained model and its vectoriser travel together.
* :func:`pad` is ``keras.utils.pad_sequences`` with its defaults (pad and cut at the front), as int32.

Typical use (notebooks 04-06)::

    vectoriser = Vectoriser(cleaner="clean_2019").fit(phrases.train["Phrase"])
    X = vectoriser.transform(phrases.train["Phrase"])        # int32, shape (n, vectoriser.maxlen)
    X_test = vectoriser.transform(phrases.test["Phrase"])    # same width; longer phrases lose their start
    vectoriser.save(build / "vectoriser.json"); Vectoriser.load(build / "vectoriser.json")

Why not ``keras.layers.TextVectorization``: its ``max_tokens`` counts the padding token and an
out-of-vocabulary token ``[UNK]`` (index 1), which it keeps in the sequence instead of dropping
the word, and it breaks frequency ties differently. Notebook 04 shows both side by side.
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from course_utils.files import FileFormatError, read_json, write_atomically

__all__ = [
    "CLEANERS",
    "CONTRACTIONS_2019",
    "FILTERS_2019",
    "NUM_WORDS_2019",
    "Vectoriser",
    "clean",
    "clean_2019",
    "pad",
    "words_2019",
]

#: Keras 2's default ``Tokenizer`` filter minus ``, . ! ?``, which the example kept as tokens.
#: Every character listed is replaced by a space before the text is split on spaces.
FILTERS_2019 = '"#$%&()*+-/:;<=>@[\\]^_`{|}~\t\n'
#: ``Tokenizer(num_words=8192)`` keeps word indices 1..8191: 8,191 words plus the padding index 0.
NUM_WORDS_2019 = 8192

# ------------------------------------------------------------------------------------- cleaning

#: The 2019 replacement table (as the copy of the post we quote gives it), applied in this order with
#: ``str.replace`` after lowercasing.
#: Written for ordinary English ("can't", "it's"); the phrases are Penn-Treebank tokenised
#: ("ca n't", "it 's"), so several keys never match and others misfire (see notebook 04).
#: The ``'scuse`` key can never fire, on any text: ``'s`` comes first (see its comment).
#: The last key is a regular expression, but ``str.replace`` looks for the three characters
#: backslash, ``s``, ``+``; only the final split-and-join collapses the whitespace.
CONTRACTIONS_2019: dict[str, str] = {
    "i'm": "i am",
    "'re": " are",
    "let\u2019s": "let us",  # a curly apostrophe: never in the ASCII data
    "'s": " is",  # also turns every possessive into "is"
    "'ve": " have",
    "can't": "can not",  # before "n't", or it would give "ca not"
    "cannot": "can not",
    "shan\u2019t": "shall not",  # a curly apostrophe again
    "n't": " not",
    "'d": " would",
    "'ll": " will",
    # Dead on any text: every "'scuse" starts with "'s", which the "'s" key above has already turned
    # into " is" ("'scuse me" -> " iscuse me"), and no key in between writes an apostrophe back.
    # Kept because the table we quote has it, in this place.
    "'scuse": "excuse",
    ",": " ,",
    ".": " .",
    "!": " !",
    "?": " ?",
    r"\s+": " ",
}


def clean_2019(text: str) -> str:
    """The 2019 example's cleaning, exactly as it behaves: lowercase, replace each key of
    :data:`CONTRACTIONS_2019` in order with ``str.replace``, then collapse whitespace.

    Kept unchanged, bugs and all, so the course can reproduce the 2019 model and show what
    the function really does to treebank text: ``"it 's"`` becomes ``"it is"`` but so does
    ``"the film 's"``; ``"ca n't"`` becomes ``"ca not"``; ``"can't"`` never occurs in the data.
    """
    text = text.lower()
    for key, replacement in CONTRACTIONS_2019.items():
        text = text.replace(key, replacement)
    return " ".join(text.split())


# Treebank tokens after which the contraction is unambiguous ('s and 'd are not: is/has/possessive, had/would).
_EXPANSIONS = {"n't": "not", "'re": "are", "'m": "am", "'ll": "will", "'ve": "have", "cannot": "can not"}
# The treebank splits "can't" as "ca n't", "won't" as "wo n't", "shan't" as "sha n't".
_NEGATED_STEMS = {"ca": "can", "wo": "will", "sha": "shall"}
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00b4": "'"})
_SPLIT_NT = re.compile(r"(\w)n't\b")  # "don't" -> "do n't", "can't" -> "ca n't"
_SPLIT_CLITIC = re.compile(r"(\w)'(s|re|m|ll|ve|d)\b")  # "it's" -> "it 's"
# A run of , . ! ? becomes its own token, unless it sits between two digits ("2.5", "1,000").
_PUNCTUATION = re.compile(r"(?<!\d)([,.!?]+)|([,.!?]+)(?!\d)")


def clean(text: str) -> str:
    """The corrected cleaning: bring any text to the treebank's conventions, then expand only
    the contractions whose meaning is certain.

    1. lowercase, and straighten curly apostrophes (so typed text matches the data);
    2. split contractions the way the treebank does (``"can't"`` -> ``"ca n't"``, ``"it's"`` -> ``"it 's"``),
       so a sentence a learner types looks like the training phrases;
    3. space out runs of ``, . ! ?`` (but not inside numbers such as ``2.5``);
    4. expand token by token: ``ca n't`` -> ``can not``, ``wo n't`` -> ``will not``, ``n't`` -> ``not``,
       ``'re``/``'m``/``'ll``/``'ve`` -> ``are``/``am``/``will``/``have``, ``cannot`` -> ``can not``.
       ``'s`` and ``'d`` stay as they are: ``'s`` is "is", "has" or a possessive, ``'d`` "had" or "would".

    Whitespace is collapsed, and ``clean(clean(text)) == clean(text)``.
    """
    text = text.lower().translate(_APOSTROPHES)
    # The cheap `in` tests skip the regular expressions for the many phrases that need none of them.
    if "n't" in text:
        text = _SPLIT_NT.sub(r"\1 n't", text)
    if "'" in text:
        text = _SPLIT_CLITIC.sub(r"\1 '\2", text)
    text = _PUNCTUATION.sub(r" \1\2 ", text)
    words = text.split()
    if "'" not in text and "cannot" not in text:
        return " ".join(words)
    out = []
    for position, word in enumerate(words):
        following = words[position + 1] if position + 1 < len(words) else ""
        if following == "n't" and word in _NEGATED_STEMS:
            word = _NEGATED_STEMS[word]
        out.append(_EXPANSIONS.get(word, word))
    return " ".join(out)


def _no_cleaning(text: str) -> str:
    return text


#: The cleaning functions a :class:`Vectoriser` can apply, by the name it saves.
CLEANERS: dict[str, Callable[[str], str]] = {"none": _no_cleaning, "clean_2019": clean_2019, "clean": clean}

# ------------------------------------------------------------------------------------- tokenising


def words_2019(text: str, filters: str = FILTERS_2019, lower: bool = True) -> list[str]:
    """Keras 2's ``text_to_word_sequence``: lowercase, turn every ``filters`` character into a
    space, split on spaces, drop empty strings.

    With the 2019 filter, ``"-lrb-"`` becomes ``"lrb"``, ``"well-made"`` two words, ``` `` ``` vanishes,
    while ``''``, ``'s`` and ``n't`` stay tokens (the apostrophe is not filtered) and so do ``, . ! ?``.
    """
    if lower:
        text = text.lower()
    return [word for word in text.translate(_filter_table(filters)).split(" ") if word]


@functools.lru_cache(maxsize=8)
def _filter_table(filters: str) -> dict[int, str]:
    return str.maketrans({character: " " for character in filters})


def pad(sequences: Sequence[Sequence[int]], maxlen: int | None = None) -> np.ndarray:
    """``keras.utils.pad_sequences`` with its defaults, as an int32 array.

    Every row is ``maxlen`` long (default: the longest sequence): shorter ones get zeros in
    front, longer ones **lose their first tokens** (Keras's ``truncating="pre"``), so the end of
    a phrase, nearest the prediction, is what an LSTM reads last.
    """
    if maxlen is None:
        maxlen = max((len(s) for s in sequences), default=0)
    if maxlen < 0:
        raise ValueError(f"maxlen must be 0 or more, not {maxlen}")
    out = np.zeros((len(sequences), maxlen), dtype=np.int32)
    if maxlen == 0:
        return out
    for row, sequence in enumerate(sequences):
        kept = sequence[-maxlen:]
        if len(kept):
            out[row, maxlen - len(kept):] = kept
    return out


class Vectoriser:
    """Keras 2's ``Tokenizer`` as the 2019 example used it, plus the padded length and the cleaning.

    ``fit`` counts the words of the (cleaned) training texts and numbers them 1, 2, 3 ... by
    falling count, ties in the order the words first appear (Python's sort is stable, as
    Keras 2's was). :attr:`word_index` holds every word seen, but sequences keep only indices
    below ``num_words``; any other word, and any word never seen, is dropped. ``fit`` also
    records :attr:`maxlen`, the longest training sequence, which :meth:`transform` pads to.

    ``cleaner`` names a function of :data:`CLEANERS` (``"clean_2019"``, ``"clean"`` or ``"none"``);
    it is applied to every text before tokenising, in ``fit`` and in ``transform`` alike, so a
    sentence typed later is treated like the training phrases.
    """

    def __init__(self, num_words: int | None = NUM_WORDS_2019, *, filters: str = FILTERS_2019,
                 lower: bool = True, cleaner: str = "clean_2019") -> None:
        if cleaner not in CLEANERS:
            raise ValueError(f"cleaner must be one of {sorted(CLEANERS)}, not {cleaner!r}")
        if num_words is not None and num_words < 1:
            raise ValueError(f"num_words must be at least 1 (index 0 is the padding), not {num_words}")
        self.num_words = num_words
        self.filters = filters
        self.lower = lower
        self.cleaner = cleaner
        self.word_counts: dict[str, int] = {}
        self.word_index: dict[str, int] = {}
        self.maxlen: int | None = None

    # -- fitting

    def tokens(self, text: str) -> list[str]:
        """The words of one text as the vectoriser sees them: cleaned, lowercased, filtered, split."""
        return words_2019(CLEANERS[self.cleaner](text), self.filters, self.lower)

    def fit(self, texts: Iterable[str]) -> Vectoriser:
        """Count the words of ``texts``, number them, and record the longest sequence; returns ``self``."""
        counts: dict[str, int] = {}
        token_lists = [self.tokens(text) for text in _as_texts(texts)]
        for words in token_lists:
            for word in words:
                counts[word] = counts.get(word, 0) + 1
        ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)  # stable: ties keep first appearance
        self.word_counts = counts
        self.word_index = {word: index for index, (word, _) in enumerate(ranked, start=1)}
        self.maxlen = max((len(self._indices(words)) for words in token_lists), default=0)
        return self

    @property
    def fitted(self) -> bool:
        return self.maxlen is not None

    @property
    def vocabulary(self) -> list[str]:
        """The words that can appear in a sequence, in index order: ``vocabulary[i - 1]`` has index ``i``."""
        self._require_fit()
        limit = len(self.word_index) if self.num_words is None else min(len(self.word_index), self.num_words - 1)
        return list(self.word_index)[:limit]

    @property
    def input_dim(self) -> int:
        """The size an ``Embedding`` needs: the largest index that can occur, plus one."""
        return len(self.vocabulary) + 1

    # -- transforming

    def _indices(self, words: list[str]) -> list[int]:
        limit = self.num_words
        get = self.word_index.get
        return [i for i in map(get, words) if i is not None and (limit is None or i < limit)]

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        """``fit(texts)`` then ``transform(texts)``."""
        return self.fit(texts).transform(texts)

    def texts_to_sequences(self, texts: Iterable[str]) -> list[list[int]]:
        """Each text as a list of word indices, unknown and rare words dropped (Keras 2's behaviour)."""
        self._require_fit()
        return [self._indices(self.tokens(text)) for text in _as_texts(texts)]

    def transform(self, texts: Iterable[str], maxlen: int | None = None) -> np.ndarray:
        """The padded int32 matrix, ``maxlen`` wide (default: :attr:`maxlen`, the longest training phrase)."""
        self._require_fit()
        return pad(self.texts_to_sequences(texts), self.maxlen if maxlen is None else maxlen)

    def decode(self, sequence: Iterable[int]) -> str:
        """The words behind a sequence of indices (padding skipped): what the model actually reads."""
        self._require_fit()
        words = self.vocabulary
        return " ".join(words[i - 1] for i in (int(i) for i in sequence) if 0 < i <= len(words))

    # -- saving

    def to_json(self) -> str:
        """Everything needed to rebuild the vectoriser; the word order in the file is the index order."""
        self._require_fit()
        return json.dumps({
            "format": "course_utils.text.Vectoriser/1",
            "num_words": self.num_words, "filters": self.filters, "lower": self.lower,
            "cleaner": self.cleaner, "maxlen": self.maxlen,
            "word_counts": [[word, self.word_counts[word]] for word in self.word_index],
        }, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Vectoriser:
        return cls._from_saved(json.loads(text), "the text")

    @classmethod
    def _from_saved(cls, data, where, fix: str = "") -> Vectoriser:
        """A vectoriser from what :meth:`to_json` wrote, each field checked; ``where`` names its source in messages."""

        def fault(what: str) -> FileFormatError:
            return FileFormatError(f"{where}: {what}. {fix}".rstrip())

        if not isinstance(data, dict) or data.get("format") != "course_utils.text.Vectoriser/1":
            raise fault("this is not a vectoriser saved by course_utils.text.Vectoriser.save")
        keys = ("num_words", "filters", "lower", "cleaner", "maxlen", "word_counts")
        missing = [key for key in keys if key not in data]
        if missing:
            raise fault(f"the saved vectoriser lacks {', '.join(missing)}: the file is damaged or was edited")
        num_words, maxlen, pairs = data["num_words"], data["maxlen"], data["word_counts"]
        if num_words is not None and (type(num_words) is not int or num_words < 1):
            raise fault(f"num_words is {num_words!r}, not a whole number of at least 1 (or null)")
        if type(maxlen) is not int or maxlen < 0:
            raise fault(f"maxlen is {maxlen!r}, not a whole number of at least 0")
        if not isinstance(data["filters"], str) or not isinstance(data["lower"], bool):
            raise fault("filters must be a string and lower true or false")
        if data["cleaner"] not in CLEANERS:
            raise fault(f"the cleaner {data['cleaner']!r} is not one of {sorted(CLEANERS)}")
        if not isinstance(pairs, list):
            raise fault("word_counts is not a list of [word, count] pairs")
        for number, pair in enumerate(pairs, start=1):
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) and type(pair[1]) is int
                    and pair[1] >= 1):
                raise fault(f"entry {number} of word_counts is {str(pair)[:60]}, not a [word, count] pair with a "
                            "count of 1 or more")
        vectoriser = cls(num_words, filters=data["filters"], lower=data["lower"], cleaner=data["cleaner"])
        vectoriser.word_counts = {word: count for word, count in pairs}
        if len(vectoriser.word_counts) != len(pairs):
            raise fault("a word appears twice in word_counts: the file is damaged or was edited")
        vectoriser.word_index = {word: index for index, (word, _) in enumerate(pairs, start=1)}
        vectoriser.maxlen = maxlen
        return vectoriser

    def save(self, path: str | Path) -> Path:
        """Write the vectoriser as JSON through a temporary file beside ``path``, checked to load back the same
        before it replaces ``path``: a failed save leaves an earlier file exactly as it was."""
        text = self.to_json()

        def check(temp: Path) -> None:
            if Vectoriser.load(temp).to_json() != text:
                raise OSError(f"the vectoriser saved for {path} does not load back the same; {path} was left as it was")

        return write_atomically(path, text, verify=check)

    @classmethod
    def load(cls, path: str | Path) -> Vectoriser:
        """The vectoriser :meth:`save` wrote to ``path``.

        Any fault (a missing, empty, cut-off, wrongly encoded or edited file) raises
        :class:`course_utils.files.FileFormatError` naming the file, the line where there is one, and what to do.
        """
        fix = ("Save the vectoriser again with vectoriser.save(path): a model needs the very vectoriser it was "
               "trained with.")
        return cls._from_saved(read_json(path, fix=fix), Path(path), fix)

    def _require_fit(self) -> None:
        if not self.fitted:
            raise RuntimeError("the vectoriser has not seen any text yet: call .fit(train_texts) first")

    def __repr__(self) -> str:
        state = f"{len(self.word_index):,} words seen, maxlen {self.maxlen}" if self.fitted else "not fitted"
        return f"Vectoriser(num_words={self.num_words}, cleaner={self.cleaner!r}; {state})"


def _as_texts(texts: Iterable[str]) -> Iterable[str]:
    """Refuse a lone string, which would otherwise be read one character at a time."""
    if isinstance(texts, str):
        raise TypeError("pass a list (or column) of texts, not a single string: wrap it as [text]")
    return texts
