"""Generate notebooks/04_text_to_sequences.ipynb (branch nb0405)."""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbgen import code, md, write  # noqa: E402

CHECK = "nbval-check-output"
BADGE = ("[![Open in Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/lstm-course/lstm-course/main"
         "?urlpath=lab/tree/notebooks/04_text_to_sequences.ipynb)")

cells = [
    md(f"""
# 04 · Text to sequences

After this notebook you can turn the movie-review phrases of Kaggle's *Sentiment Analysis on Movie Reviews* into the padded integer matrix and one-hot labels that the 2019 Keras sentiment LSTM was trained on, and say what each step really does to the text.

{BADGE}
"""),
    md("""
**Questions**
- What do the phrases look like: how many, how long, how labelled, and what is odd about them?
- What did the 2019 example's cleaning function do to this text, and does cleaning matter?
- How did Keras 2's `Tokenizer`, `pad_sequences` and `to_categorical` turn text into numbers, and what replaces them in Keras 3?

**Objectives**
- *Explore* the phrase tables: sentences against phrases, the label distribution, the lengths, the quirks.
- *Explain* what the 2019 cleaning function does to treebank text, fix one of its bugs, and *measure* whether cleaning changes accuracy.
- *Build* the 2019 inputs with Keras 3: an 8,191-word vocabulary, sequences padded to the longest phrase, one-hot labels.

**Time**: teaching 35 min, exercises 20 min.
"""),
    md("""
## Set-up

The set-up cell imports what the notebook uses, seeds the random number generators, and loads the phrases (in quick mode, the synthetic sample).
"""),
    code("""
import io
import re

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from course_utils import config
from course_utils.data import LABELS, load_phrases
from course_utils.lessons.l04 import ex1, ex2, ex3
from course_utils.text import CONTRACTIONS_2019, Vectoriser, clean, clean_2019, pad

settings = config.setup(keras=True)
phrases = load_phrases()
train, test = phrases.train, phrases.test
"""),
    # ------------------------------------------------------------------------------------------ 1
    md("""
## 1. The phrases

Kaggle's `train.tsv` has one row per phrase: its `PhraseId`, the `SentenceId` of the review sentence it comes from, the `Phrase` itself and its `Sentiment` label (0 negative … 4 positive). `test.tsv` has the same columns without the label.
"""),
    code("""
train.head(8)
"""),
    code("""
n_sentences = train["SentenceId"].nunique()
print(f"train: {len(train):,} phrases from {n_sentences:,} sentences ({len(train) / n_sentences:.1f} phrases a sentence)")
print(f"test:  {len(test):,} phrases from {test['SentenceId'].nunique():,} sentences")
"""),
    md("""
### Sentences and their phrases

The rows are not independent texts. Each sentence was parsed into a tree, and every piece of the tree that is a distinct phrase got its own row and its own label: usually the whole sentence first, then ever smaller pieces, down to single words. (Kaggle kept each distinct phrase only once, so a word already listed under an earlier sentence is not repeated.)
"""),
    code("""
first_sentence = train[train["SentenceId"] == train["SentenceId"].iloc[0]]
first_sentence[["PhraseId", "Phrase", "Sentiment"]].head(12)
"""),
    code("""
whole = train.groupby("SentenceId")["Phrase"].agg(lambda rows: max(rows, key=len))  # the longest row of each sentence
nested = [phrase in whole[sentence] for phrase, sentence in zip(train["Phrase"], train["SentenceId"])]
print(f"{np.mean(nested):.2%} of the training phrases are a piece of the longest phrase of their sentence")
"""),
    md("""
Almost every phrase is a piece of its sentence's longest row. (The rare exceptions are sentences whose whole-sentence row is missing from Kaggle's table, so no single row contains all their pieces.) So one sentence contributes many overlapping rows. Keep this in mind for validation: if the pieces of one sentence land on both sides of a train/validation split, the model is tested on words it has already seen labelled in almost the same context. Notebook 05 shows how the 2019 code's split behaves, and notebook 06 splits by sentence on purpose.

### The labels
"""),
    code("""
counts = train["Sentiment"].value_counts().sort_index()
fig, ax = plt.subplots(figsize=(7, 3))
ax.bar([f"{label}\\n{LABELS[label]}" for label in counts.index], counts.to_numpy(), color="tab:blue")
for x, n in enumerate(counts):
    ax.text(x, n, f"{n / len(train):.0%}", ha="center", va="bottom")
ax.set_ylabel("training phrases")
ax.set_title("Label distribution")
plt.show()
print(f"A model that always answers 'neutral' is right on {(train['Sentiment'] == 2).mean():.1%} of the training phrases.")
"""),
    md("""
The classes are unbalanced: neutral dominates, and the two extreme classes are rare. That share of neutral phrases is the accuracy to beat, and the reason notebook 05 looks at each class, not only at the overall accuracy.

### The lengths
"""),
    code("""
lengths = train["Phrase"].str.split().str.len()
sentence_lengths = whole.str.split().str.len()
bins = np.arange(0, lengths.max() + 2)
fig, ax = plt.subplots(figsize=(7, 3))
ax.hist(lengths, bins=bins, alpha=0.6, label="all phrases")
ax.hist(sentence_lengths, bins=bins, alpha=0.6, label="whole sentences")
ax.set_xlabel("length in words (split on spaces)")
ax.set_ylabel("rows")
ax.legend()
plt.show()
print(f"phrases: mean {lengths.mean():.1f} words, median {lengths.median():.0f}, longest {lengths.max()}")
print(f"whole sentences: mean {sentence_lengths.mean():.1f} words")
"""),
    md("""
Most phrases are a few words long, because every sentence is broken down to single words; whole sentences are much longer. When every row is padded to the longest phrase (section 4), most of the matrix will be padding.

### The quirks

The text is not ordinary English. It was tokenised the Penn Treebank way: punctuation and contractions are split off (`is n't`, `ca n't`, `it 's`), brackets are written `-LRB-` and `-RRB-`, quotes ``` `` ``` and `''`. A few rows are odd in other ways.
"""),
    code("""
quirks = {
    "test phrase that is the word 'None'": (test["Phrase"] == "None").sum(),
    "blank phrases (train)": (train["Phrase"].str.strip() == "").sum(),
    "blank phrases (test)": (test["Phrase"].str.strip() == "").sum(),
    "phrases with -LRB- or -RRB- (brackets)": train["Phrase"].str.contains("-LRB-|-RRB-").sum(),
    "phrases with `` or '' (quotes)": train["Phrase"].str.contains("``|''").sum(),
    "phrases with n't split off": train["Phrase"].str.contains(" n't", regex=False).sum(),
    "phrases with 's split off": train["Phrase"].str.contains(" 's", regex=False).sum(),
}
pd.Series(quirks, name="rows").to_frame()
"""),
    md("""
Two of these bite before any model runs. The phrase `None` is a real test phrase, but pandas reads the word as a missing value unless told not to, and the blank phrase (a single space) becomes an empty sequence after tokenising: a row of pure padding. `load_phrases()` reads the files with `keep_default_na=False`; here is the difference on a two-line table.
"""),
    code("""
toy_tsv = "PhraseId\\tPhrase\\n1\\tNone\\n2\\tnone\\n"
print(pd.read_csv(io.StringIO(toy_tsv), sep="\\t")["Phrase"].tolist())
print(pd.read_csv(io.StringIO(toy_tsv), sep="\\t", keep_default_na=False)["Phrase"].tolist())
""", CHECK),
    md("""
The default turns `None` into `nan` (a float), which would crash the cleaning function below or silently become the word `nan`.
"""),
    # ------------------------------------------------------------------------------------------ 2
    md("""
## 2. The 2019 cleaning function

The 2019 example cleaned every phrase before tokenising it: lowercase, expand contractions from a replacement table, put a space before `, . ! ?`, collapse whitespace. Here it is, behaving exactly as it did (the table is ours, written from its description; the order of the keys matters).
"""),
    code(r'''
replacements_2019 = {
    "i'm": "i am",
    "'re": " are",
    "let’s": "let us",       # a curly apostrophe
    "'s": " is",
    "'ve": " have",
    "can't": "can not",      # must come before "n't"
    "cannot": "can not",
    "shan’t": "shall not",   # a curly apostrophe
    "n't": " not",
    "'d": " would",
    "'ll": " will",
    ",": " ,",
    ".": " .",
    "!": " !",
    "?": " ?",
    r"\s+": " ",             # meant as "any run of whitespace"
}


def clean_text(text):
    text = text.lower()
    for key, replacement in replacements_2019.items():
        text = text.replace(key, replacement)
    return " ".join(text.split())
'''),
    md("""
The same function lives in `course_utils.text` as `clean_2019`, for notebooks 05 and 06. This check keeps the two in step: same table, same result on every training phrase.
"""),
    code("""
print("same table:", replacements_2019 == CONTRACTIONS_2019)
print("same result on every training phrase:", all(clean_text(p) == clean_2019(p) for p in train["Phrase"]))
""", CHECK),
    md("""
### What it really does

The function was written for ordinary English (`can't`, `it's`). Here it is on made-up phrases written the way the data is.
"""),
    code("""
examples = [
    "it 's a charming film",
    "the director 's best work",
    "i ca n't recommend it",
    "it wo n't last",
    "is n't it romantic ?",
    "you 'll laugh , you 'd cry",
    "i 'm not sure",
    "a well-made film ...",
    "-LRB- and funny -RRB-",
]
for example in examples:
    print(f"{example:28} -> {clean_text(example)}")
""", CHECK),
    md("""
Line by line:

- `it 's` → `it is` works, but `the director 's` → `the director is` too: **every possessive becomes "is"**.
- `ca n't` → `ca not` and `wo n't` → `wo not`: the `can't` key never matches treebank text, so the generic `n't` key fires and leaves the stems `ca` and `wo`, two words that mean nothing on their own.
- `i 'm` stays: the key is `i'm`, without the space the treebank puts in.
- `...` becomes `. . .`, three tokens, because every `.` gets a space in front. That is why padded rows get a little longer after cleaning.

Which keys ever match? Count the training phrases that contain each key (searched literally, as `str.replace` does):
"""),
    code("""
lowered = train["Phrase"].str.lower()
matches = {key: int(lowered.str.contains(key, regex=False).sum()) for key in replacements_2019}
pd.Series(matches, name="phrases containing the key").to_frame()
"""),
    md("""
On the real data the keys `can't`, `cannot`, `i'm`, the two curly-apostrophe keys and `\\s+` match nothing: the text is ASCII and already split. (The synthetic sample of quick mode has fewer contractions, so more zeros.) Some real phrases it changes:
"""),
    code("""
for key in [" ca n't ", " wo n't ", " 's "]:
    for phrase in train.loc[lowered.str.contains(key, regex=False), "Phrase"].head(2):
        print(f"{phrase}\\n    -> {clean_text(phrase)}")
"""),
    md(r"""
The last key deserves a look. `r"\s+"` is a regular expression meaning "a run of whitespace", but `str.replace` does not know regular expressions: it searches for the three characters backslash, `s`, `+`, which never occur. Only the final `" ".join(text.split())` collapses the spaces the other replacements leave behind.
"""),
    code(r'''
print(repr("two  spaces".replace(r"\s+", " ")))      # str.replace: the key is taken literally
print(repr(re.sub(r"\s+", " ", "two  spaces")))      # a regular expression does what was meant
print(repr(" ".join("two  spaces".split())))        # what actually saves the 2019 function
''', CHECK),
    md("""
### Exercise 1: fix the `n't` bug

Write `expand_nt(text)`: it takes lowercased treebank text and turns `ca n't` into `can not`, `wo n't` into `will not`, and every other `n't` into `not`, leaving everything else as it is (no double spaces).
"""),
    code("""
# Exercise 1: write expand_nt
def expand_nt(text):
    ...


ex1.check()
# ex1.hint()
# ex1.solution()
"""),
    code("""
print(expand_nt("i ca n't say it wo n't work , but it is n't good"))
"""),
    md("""
### A corrected cleaning function

`course_utils.text.clean` is the corrected version, tested in `tests/test_text.py`. Rather than patch the table, it follows one rule: *bring the text to the treebank's conventions, then expand only what is unambiguous*.

1. Lowercase, straighten curly apostrophes.
2. Split contractions the way the treebank does (`can't` → `ca n't`, `it's` → `it 's`), so a sentence you type later looks like the training phrases.
3. Put `, . ! ?` (and runs like `...`) on their own, but not inside numbers like `2.5`.
4. Expand token by token: `ca n't` → `can not`, `wo n't` → `will not`, `n't` → `not`, `'re`, `'m`, `'ll`, `'ve` → `are`, `am`, `will`, `have`. Leave `'s` (is, has or possessive) and `'d` (had or would) alone.
"""),
    code("""
for example in examples + ["I can't believe it's not good!", "Won't you? It's 2.5 stars."]:
    print(f"{example:32} -> {clean(example)}")
""", CHECK),
    code("""
by_2019 = train["Phrase"].map(clean_2019)
by_clean = train["Phrase"].map(clean)
print(f"beyond lowercasing, clean_2019 changes {(by_2019 != lowered).mean():.1%} of the training phrases,"
      f" clean {(by_clean != lowered).mean():.1%}; the two disagree on {(by_2019 != by_clean).mean():.1%}")
"""),
    md("""
### Does cleaning change the accuracy at all?

A fix is only worth keeping if it changes something that matters. To find out, train the same small model three times, on phrases cleaned three ways (not at all, `clean_2019`, `clean`), with two seeds each, and compare the validation accuracy. Training the 2019 LSTM six times would take hours, so the model here is a small, fast stand-in: an embedding, one layer of 32 filters that read three words at a time (so it sees pairs like `not good`), the strongest signal of each filter, and the five-class output; 2 epochs each. Validation uses the last 10% of the rows, as notebook 05 does.

*This cell takes about 3 to 4 minutes on a 2-core machine in full mode (7 minutes when the machine is busy with other work), 20 to 60 s in quick mode.*
"""),
    code("""
labels = train["Sentiment"].to_numpy()
scores = {}
for cleaner in ["none", "clean_2019", "clean"]:
    X = Vectoriser(num_words=8192, cleaner=cleaner).fit_transform(train["Phrase"])
    for seed in (1, 2):
        keras.utils.set_random_seed(seed)
        probe = keras.Sequential([
            keras.Input(shape=(X.shape[1],)),
            keras.layers.Embedding(8192, 32),
            keras.layers.Conv1D(32, 3, activation="relu"),
            keras.layers.GlobalMaxPooling1D(),
            keras.layers.Dense(5, activation="softmax"),
        ])
        probe.compile(optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        history = probe.fit(X, labels, batch_size=1024, epochs=2, validation_split=0.1, verbose=0)
        scores[cleaner, f"seed {seed}"] = history.history["val_accuracy"][-1]
del X, probe
results = pd.Series(scores).unstack()
results["mean"] = results.mean(axis=1)
results.round(4)
"""),
    code("""
between_cleanings = results["mean"].max() - results["mean"].min()
between_seeds = (results["seed 1"] - results["seed 2"]).abs().max()
print(f"best minus worst cleaning (mean of two seeds): {between_cleanings:.4f}")
print(f"largest gap between the two seeds of one cleaning: {between_seeds:.4f}")
if between_cleanings > 2 * between_seeds:
    print("-> the cleanings differ by more than twice the seed-to-seed gap: cleaning changes this model's accuracy")
else:
    print("-> the cleanings differ by less than twice the seed-to-seed gap: no measurable effect on this model")
"""),
    md("""
Read the two numbers together: a gap between cleanings means something only if it is clearly larger than the gap a different seed alone produces (with two seeds per cleaning, "twice as large" is a rough rule, not a statistical test). Why cleaning can matter little here: the tokenizer lowercases anyway, the punctuation is already split off, and a consistent mistake such as `ca not` is still a consistent token that the model can learn. Cleaning matters more for text that does *not* look like the training data, such as a sentence you type yourself (notebook 05). The course keeps `clean_2019` for the 2019 model, to reproduce it faithfully.
"""),
    # ------------------------------------------------------------------------------------------ 3
    md("""
## 3. Tokenising the 2019 way

The 2019 code used Keras 2's `Tokenizer(num_words=8192, filters=...)`. What it did, precisely:

- **Split**: lowercase, replace every character of `filters` by a space, split on spaces. The 2019 filter was Keras's default minus `, . ! ?`, so those four stay as tokens. The apostrophe was never in the filter, so `'s` and `n't` stay tokens too; `-` is, so `-lrb-` becomes `lrb` and `well-made` two words.
- **Number**: `fit_on_texts` counts every word and numbers them 1, 2, 3 … by falling count, ties in the order they first appear. Index 0 is never a word: it is reserved for padding.
- **Keep**: `num_words=8192` keeps the indices *below* 8192, that is **8,191 words**.
- **Drop**: `texts_to_sequences` silently **drops** every word it does not keep, rare or never seen. There is no "unknown word" token.

Keras 3 removed `keras.preprocessing.text`. (A deprecated copy of the old `Tokenizer` still ships with TensorFlow as `tf.keras.preprocessing.text.Tokenizer`; deprecated code can disappear in any release, so the course does not build on it.) `course_utils.text.Vectoriser` does the same job, and `tests/test_text.py` checks that it gives exactly the deprecated `Tokenizer`'s word index and sequences, on the real data too. A tiny example, with room for only 4 words (it counts `not`: the cleaning turned `n't` into it):
"""),
    code("""
toy_texts = ["the film is good", "the film is n't good !", "a good , good film"]
toy = Vectoriser(num_words=5, cleaner="clean_2019").fit(toy_texts)
print("word index:", toy.word_index)
print("kept words:", toy.vocabulary)
print(toy.texts_to_sequences(["the film is n't bad", "A GOOD film"]))
""", CHECK),
    md("""
`good` is the most frequent word, so it is 1. `not`, `!`, `a` and `,` are numbered but not kept (index 5 and above), and `bad` was never seen: all of them vanish from the sequence. `the film is n't bad` reaches the model as `the film is`.

### The same with `TextVectorization`

Keras 3's own tool is the `TextVectorization` layer. It counts differently: index 0 is padding, index 1 is `[UNK]`, the unknown word, which **stays in the sequence** instead of vanishing, and `max_tokens` counts both, so `max_tokens=5` leaves room for only 3 words. It also breaks ties in another order. Here it is on the same toy texts, tokenised the same way first:
"""),
    code("""
layer = keras.layers.TextVectorization(max_tokens=5, standardize=None, split="whitespace")
layer.adapt([" ".join(toy.tokens(text)) for text in toy_texts])
print("vocabulary:", [str(word) for word in layer.get_vocabulary()])
print(keras.ops.convert_to_numpy(layer([" ".join(toy.tokens("the film is n't bad"))])))
""", CHECK),
    md("""
To reproduce the 2019 sequences with this layer you would set `max_tokens=8193`, pass the vocabulary in the 2019 order, then remove the 1s and subtract one from every index (`tests/test_text.py` does exactly this). `Vectoriser` gives the 2019 numbers directly. Now on the phrases.

*In full mode each of the next two cells takes 10 to 20 s on a 2-core machine (a second or two in quick mode): they clean and split every phrase in pure Python.*
"""),
    code("""
vectoriser = Vectoriser(num_words=8192, cleaner="clean_2019").fit(train["Phrase"])
print(vectoriser)
print(f"{len(vectoriser.word_index):,} distinct words; the {len(vectoriser.vocabulary):,} most frequent are kept")
print("the most frequent:", vectoriser.vocabulary[:15])
"""),
    code("""
sequences = vectoriser.texts_to_sequences(train["Phrase"])
test_sequences = vectoriser.texts_to_sequences(test["Phrase"])


def dropped_share(texts, seqs):
    n_words = sum(len(vectoriser.tokens(text)) for text in texts)
    return 1 - sum(len(s) for s in seqs) / n_words


print(f"words dropped: {dropped_share(train['Phrase'], sequences):.2%} of the training words,"
      f" {dropped_share(test['Phrase'], test_sequences):.2%} of the test words")
"""),
    md("""
Few words are dropped from the training phrases, more from the test phrases: some test words never occur in training at all. One phrase, step by step:
"""),
    code("""
has_nt = train["Phrase"].str.contains(" n't ", regex=False) & lengths.between(8, 20)
row = int(np.flatnonzero(has_nt.to_numpy())[0])  # the first phrase of 8-20 words with an n't
phrase = train["Phrase"].iloc[row]
print("phrase :", phrase)
print("cleaned:", clean_2019(phrase))
print("tokens :", vectoriser.tokens(phrase))
print("indices:", sequences[row])
print("decoded:", vectoriser.decode(sequences[row]))
"""),
    # ------------------------------------------------------------------------------------------ 4
    md("""
## 4. Padding

An LSTM reads a batch of sequences in step, so every row of the input matrix must have the same length. The 2019 code padded every sequence to the longest one with `pad_sequences`, which Keras 3 still has as `keras.utils.pad_sequences`: zeros go **in front** (`padding="pre"`), so the real words sit at the end, right before the LSTM's output.

### Exercise 2: how long must the rows be?

Set `padded_length` to the length of the longest sequence in `sequences` (the training phrases as word indices).
"""),
    code("""
# Exercise 2: the length of the longest sequence
padded_length = ...
ex2.check()
# ex2.hint()
# ex2.solution()
"""),
    code("""
X_train = keras.utils.pad_sequences(sequences, maxlen=padded_length)
print(X_train.shape, X_train.dtype, f"{X_train.nbytes / 2**20:.1f} MB")
print(f"{(X_train == 0).mean():.0%} of the matrix is padding")
print("same as course_utils.text.pad and the vectoriser's own maxlen:",
      np.array_equal(X_train, pad(sequences, padded_length)), vectoriser.maxlen == padded_length)
X_train[:3]
"""),
    md("""
Three quarters or more of the matrix is zeros, because most phrases are short; notebook 06 pads each batch only as far as its own longest phrase, which makes training several times faster. Test phrases are padded to the same width, and one longer than that loses its *first* words (`truncating="pre"`):
"""),
    code("""
X_test = keras.utils.pad_sequences(test_sequences, maxlen=padded_length)
n_cut = sum(len(s) > padded_length for s in test_sequences)
print(X_test.shape, f"- {n_cut} test phrases are longer than {padded_length} tokens and lose their first words")
"""),
    # ------------------------------------------------------------------------------------------ 5
    md("""
## 5. Labels as one-hot rows

The model ends in five softmax outputs, one per class, trained with categorical cross-entropy, which compares them with a row that is 1 for the true class and 0 elsewhere. The 2019 code made those rows with `to_categorical`, which Keras 3 keeps as `keras.utils.to_categorical`. (It returns 64-bit floats; 32-bit halve the memory and are what Keras computes in.)

### Exercise 3: one-hot encode the labels

Set `y_train` to the one-hot rows of `train["Sentiment"]`: shape `(number of phrases, 5)`, as `float32`.
"""),
    code("""
# Exercise 3: one-hot labels
y_train = ...
ex3.check()
# ex3.hint()
# ex3.solution()
"""),
    code("""
rows = [int(np.flatnonzero(train["Sentiment"].to_numpy() == label)[0]) for label in range(5)]  # one row per class
print(y_train.shape, y_train.dtype)
print("labels", train["Sentiment"].to_numpy()[rows], "become")
print(y_train[rows])
"""),
    # ------------------------------------------------------------------------------------------ 6
    md("""
## 6. From Keras 2 to Keras 3

The 2019 example ran on Keras 2. Every call it made, and what replaces it today (notebook 05 uses the right-hand column):

| 2019, Keras 2 | today, Keras 3 | what changed |
| --- | --- | --- |
| `from keras.preprocessing.text import Tokenizer` | `from course_utils.text import Vectoriser` | the module is gone; Keras 3's own layer is `keras.layers.TextVectorization` (0 = padding, 1 = `[UNK]`, `max_tokens` counts both, unknown words kept as 1) |
| `Tokenizer(num_words=8192, filters=...)` | `Vectoriser(num_words=8192, cleaner="clean_2019")` | same 8,191 words, same numbering, unknown words dropped; the cleaning travels with it |
| `tokenizer.fit_on_texts(texts)` | `vectoriser.fit(texts)` | also remembers the longest sequence (`vectoriser.maxlen`) |
| `tokenizer.texts_to_sequences(texts)` | `vectoriser.texts_to_sequences(texts)` | identical lists of indices |
| `pad_sequences(seqs, maxlen=...)` | `keras.utils.pad_sequences(seqs, maxlen=...)`, or `vectoriser.transform(texts)` | moved from `keras.preprocessing.sequence` to `keras.utils`; same defaults (pad and cut in front, int32) |
| `to_categorical(y)` | `keras.utils.to_categorical(y, 5)` | moved to `keras.utils`; returns float64, so add `.astype("float32")` |
| `Embedding(8192, 256, input_length=maxlen)` | `keras.Input(shape=(maxlen,))`, then `Embedding(8192, 256)` | `input_length` was removed: the input's shape comes from `keras.Input` |
| `history.history['acc']` | `history.history['accuracy']` | metrics are logged under the name given in `compile(metrics=["accuracy"])` |
| `model.fit(..., verbose=1)` | `model.fit(..., verbose=0, callbacks=[EpochLog()])` | the course prints one line an epoch instead of a progress bar per batch |
"""),
    # ------------------------------------------------------------------------------------------ end
    md("""
## Key points

- The data holds **phrases**, not reviews: nested pieces of parsed sentences, each labelled, half of them neutral, most a few words long, already split the Penn Treebank way (`ca n't`, `it 's`, `-LRB-`).
- The 2019 cleaning was written for ordinary English: on this text some keys never match, `'s` turns possessives into "is", `n't` leaves `ca not`, and its `\\s+` key is taken literally. Whether a fix matters is measured, not assumed: compare the gap between cleanings with the gap between seeds.
- Keras 2's `Tokenizer(num_words=8192)` kept 8,191 words, reserved index 0 for padding and **dropped** unknown words; `Vectoriser` reproduces it exactly, while Keras 3's `TextVectorization` keeps unknown words as index 1.
- `keras.utils.pad_sequences` pads in front to the longest phrase (cutting the start of longer test phrases); `keras.utils.to_categorical` makes the one-hot labels.

## Review questions

1. Why does `ca n't` become `ca not` with the 2019 function, although its table has a key for `can't`?
2. With `num_words=8192`, how many distinct words can appear in a sequence, and what happens to the 8,192nd most frequent word?
3. A test phrase contains a word never seen in training. What does the 2019 tokenizer do with it, and what does `TextVectorization` do?
4. Why are the zeros put *in front* of each sequence rather than after it, for a model that reads the sequence with an LSTM and uses only its last output?
5. The phrases of one sentence overlap heavily. What goes wrong if you split them into training and validation rows at random?
"""),
]

write(cells, sys.argv[1] if len(sys.argv) > 1 else "/work/wt/nb0405/notebooks/04_text_to_sequences.ipynb")
