"""Generate notebooks/05_sentiment_lstm.ipynb (branch nb0405)."""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbgen import code, md, write  # noqa: E402

CHECK = "nbval-check-output"
BADGE = ("[![Open in Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/lstm-course/lstm-course/main"
         "?urlpath=lab/tree/notebooks/05_sentiment_lstm.ipynb)")

cells = [
    md(f"""
# 05 · The sentiment LSTM

After this notebook you can train the 2019 Keras sentiment LSTM on today's Keras, judge it class by class, write a valid Kaggle submission, and save the model so it answers for any sentence you type.

{BADGE}
"""),
    md("""
**Questions**
- What exactly was the 2019 model, and what did its published code leave out?
- How good is it: overall, class by class, and where is it confidently wrong?
- How do I turn its predictions into a file Kaggle accepts, and keep the model for later?

**Objectives**
- *Build* and *compile* the 2019 model in Keras 3, and count its parameters.
- *Train* it with the 2019 settings and *read* its learning curves, confusion matrix, precision and recall.
- *Write* a validated `submission.csv`, *save* and *reload* the model with its vectoriser, and *query* it with your own sentence.

**Time**: teaching 40 min, exercises 20 min, plus the training run (about 40 to 50 minutes in full mode on a 2-core machine; start it early).
"""),
    md("""
## Set-up
"""),
    code("""
import keras
import matplotlib.pyplot as plt
import numpy as np

from course_utils import config
from course_utils.data import LABELS, load_phrases
from course_utils.evaluation import (confident_mistakes, confusion_matrix, per_class_report, plot_confusion,
                                     plot_history, plot_probabilities)
from course_utils.lessons.l05 import ex1, ex2, ex3, ex4
from course_utils.submission import SubmissionError, make_submission, read_submission, write_submission
from course_utils.text import Vectoriser
from course_utils.training import EpochLog

settings = config.setup(keras=True)
phrases = load_phrases()
"""),
    # ------------------------------------------------------------------------------------------ 1
    md("""
## 1. The inputs: notebook 04 in four lines

The 2019 pipeline, as notebook 04 built it: clean each phrase with the 2019 function, keep the 8,191 most frequent words (unknown words dropped), pad every phrase in front to the longest one, one-hot the labels. `Vectoriser` does the first three and remembers the padded length.

*Full mode: about 20 s on a 2-core machine; quick mode: about 1 s.*
"""),
    code("""
vectoriser = Vectoriser(num_words=8192, cleaner="clean_2019")
X_train = vectoriser.fit_transform(phrases.train["Phrase"])
y_train = keras.utils.to_categorical(phrases.train["Sentiment"], num_classes=5).astype("float32")
MAX_LEN = vectoriser.maxlen
print(vectoriser)
print(f"X_train {X_train.shape} {X_train.dtype}, y_train {y_train.shape} {y_train.dtype},"
      f" {(X_train.nbytes + y_train.nbytes) / 2**20:.0f} MB together")
"""),
    # ------------------------------------------------------------------------------------------ 2
    md("""
## 2. The 2019 model

Four layers, read from the input up:

1. `Embedding(8192, 256)`: every word index becomes a vector of 256 numbers, learnt during training. Index 0, the padding, gets a vector too; nothing tells the model to skip it, so it learns that leading zeros mean nothing.
2. `LSTM(256, dropout=0.3, recurrent_dropout=0.3)`: reads the `MAX_LEN` vectors in order and keeps a 256-number memory (notebook 03 built one by hand). Only its final output goes on. During training, `dropout` zeroes 30% of its inputs and `recurrent_dropout` 30% of the memory it carries from step to step, so it cannot lean on any single number.
3. `Dense(256, activation="relu")`: a hidden layer that combines what the LSTM read.
4. `Dense(5, activation="softmax")`: five probabilities, one per class, that sum to 1.

In Keras 2 the input length was given to the embedding, `Embedding(8192, 256, input_length=MAX_LEN)`. Keras 3 removed that argument; the model starts with `keras.Input(shape=(MAX_LEN,))` instead.

### Exercise 1: build the model

Build the four layers above as `model`, a `keras.Sequential` that starts with `keras.Input(shape=(MAX_LEN,))`. The check compares the layer types, their settings, their output shapes and their parameter counts with the 2019 model.
"""),
    code("""
# Exercise 1: the 2019 model
model = ...
ex1.check()
# ex1.hint()
# ex1.solution()
"""),
    code("""
model.summary()
"""),
    md("""
Almost all the parameters sit in the embedding: 8,192 words × 256 numbers. The LSTM has far fewer, but each of them is used at every one of the `MAX_LEN` steps, which is where the training time goes.

### Exercise 2: count the LSTM's parameters

An LSTM layer has four gates. Each gate has a weight for every pair (input number, unit), a weight for every pair (memory number, unit) and one bias per unit. The inputs are the 256 embedding numbers, the layer has 256 units. Set `lstm_params` to the number of parameters, as an arithmetic expression.
"""),
    code("""
# Exercise 2: the LSTM's parameter count
lstm_params = ...
ex2.check()
# ex2.hint()
# ex2.solution()
"""),
    code("""
print(f"your count: {lstm_params:,}; Keras's: {model.layers[1].count_params():,}")
""", CHECK),
    # ------------------------------------------------------------------------------------------ 3
    md("""
## 3. Compile: the step the example left out

The published 2019 code built the layers and went straight to `fit`, which fails: a model must be *compiled* first, that is, given what to minimise and how. For five classes with one-hot labels the loss is categorical cross-entropy; the optimiser is Adam with its default learning rate; accuracy is reported along the way. (Keras 2 logged that metric as `acc`; Keras 3 logs it as `accuracy`, the name used here.)
"""),
    code("""
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
"""),
    # ------------------------------------------------------------------------------------------ 4
    md("""
## 4. Train

The 2019 settings: batches of 512 phrases, 8 epochs, `validation_split=0.1`. That split is not random: Keras keeps the **last 10% of the rows** for validation, before any shuffling. The rows come sorted by sentence, so the split almost follows sentence boundaries, which is what honest validation needs (notebook 04 showed why). Here is where Keras cuts, and how many sentences end up on both sides:
"""),
    code("""
VALIDATION_SPLIT = 0.1
split_at = int(np.floor(len(X_train) * (1.0 - VALIDATION_SPLIT)))  # the same formula Keras uses
sentence_ids = phrases.train["SentenceId"].to_numpy()
on_both_sides = set(sentence_ids[:split_at]) & set(sentence_ids[split_at:])
print(f"{split_at:,} rows to train on, {len(X_train) - split_at:,} to validate on;"
      f" sentences on both sides of the cut: {len(on_both_sides)}")
"""),
    md("""
**The next cell is the long one.** In full mode it trains for 8 epochs of about 5 to 6 minutes each on a 2-core machine (measured: 275 to 353 s an epoch), **about 40 to 50 minutes in all**, using up to about 1.5 GB of memory; the LSTM's recurrent dropout rules out Keras's fast fused LSTM kernel. In quick mode it runs 2 epochs on the synthetic sample in well under a minute. It prints one line after each epoch, so in full mode expect several silent minutes between lines. Notebook 06 trains the same kind of model about ten times faster.
"""),
    code("""
EPOCHS = config.pick(full=8, quick=2)
log = EpochLog()
history = model.fit(X_train, y_train, batch_size=512, epochs=EPOCHS, validation_split=VALIDATION_SPLIT,
                    verbose=0, callbacks=[log])
"""),
    code("""
val_accuracy = history.history["val_accuracy"]
best = int(np.argmax(val_accuracy))
print(f"Validation accuracy after {EPOCHS} epochs: {val_accuracy[-1]:.4f}"
      f" (best: {val_accuracy[best]:.4f}, after epoch {best + 1}).")
print(f"Training took {sum(log.seconds) / 60:.1f} minutes, {np.mean(log.seconds):.0f} s an epoch, on this machine.")
print(f"For comparison, always answering 'neutral' scores {(phrases.train['Sentiment'].iloc[split_at:] == 2).mean():.4f}"
      " on the same validation rows.")
"""),
    md("""
### Learning curves
"""),
    code("""
plot_history(history, title="The 2019 model")
plt.show()
"""),
    md("""
Training loss keeps falling epoch after epoch. Watch the validation curves: where validation loss turns back up while training loss still falls, the model has started to memorise its training phrases rather than learn what carries over. On the full data that happens within the first few epochs, so most of the 8 epochs buy nothing; notebook 06 stops training at the right time.
"""),
    # ------------------------------------------------------------------------------------------ 5
    md("""
## 5. Class by class

Accuracy is one number for five classes of very different sizes. The confusion matrix shows where each class goes. Predict the validation rows (in batches of 1,024, so the memory stays small), then count:
"""),
    code("""
X_val = X_train[split_at:]
y_val = phrases.train["Sentiment"].to_numpy()[split_at:]
val_probabilities = model.predict(X_val, batch_size=1024, verbose=0)
val_predicted = val_probabilities.argmax(axis=1)
cm = confusion_matrix(y_val, val_predicted)
print(f"accuracy from these predictions: {np.mean(val_predicted == y_val):.4f} (Keras reported {val_accuracy[-1]:.4f})")
plot_confusion(cm)
plt.show()
"""),
    md("""
Each row is a true class, each column a predicted class; the colour is the share of the row. Most mistakes sit next to the diagonal: *somewhat positive* taken for *neutral* or *positive*, rarely for *negative*. The model has learnt that the five classes are ordered, without being told.

### Exercise 3: read the confusion matrix

Which expression is the **recall** of the negative class (of all truly negative phrases, the share the model calls negative)? Set `answer_3` to `"a"`, `"b"`, `"c"` or `"d"`.

- **a** `cm[0, 0] / cm[0].sum()`
- **b** `cm[0, 0] / cm[:, 0].sum()`
- **c** `cm[0, 0] / cm.sum()`
- **d** `cm[0].sum() / cm.sum()`
"""),
    code("""
# Exercise 3: "a", "b", "c" or "d"
answer_3 = ...
ex3.check()
# ex3.hint()
# ex3.solution()
"""),
    md("""
### Exercise 4: the recall of the positive class

Set `recall_positive` to the recall of class 4, *positive*, computed from `cm`.
"""),
    code("""
# Exercise 4: recall of the positive class, from cm
recall_positive = ...
ex4.check()
# ex4.hint()
# ex4.solution()
"""),
    md("""
`per_class_report` computes precision, recall and their harmonic mean F1 for every class at once:
"""),
    code("""
per_class_report(cm).round(3)
"""),
    md("""
Compare the rows with the label chart of notebook 04. The model finds most neutral phrases (high recall) because neutral is the safe answer, and it misses many of the rare extreme classes: it calls them *somewhat* negative or positive instead.

### Confident mistakes

The wrong answers the model was surest of are the most instructive: look for negation (`not bad`), contrast (`but`), sarcasm, and labels you would argue with yourself.
"""),
    code("""
confident_mistakes(phrases.train["Phrase"].iloc[split_at:], y_val, val_probabilities, n=10)
"""),
    # ------------------------------------------------------------------------------------------ 6
    md("""
## 6. The Kaggle submission

Kaggle scores a CSV file with the header `PhraseId,Sentiment` and one row per test phrase, in the test file's order, each with a class from 0 to 4. `make_submission` pairs the predictions with the test ids and `write_submission` checks the format before it writes anything, so a faulty file is never left behind.

*Full mode: predicting the 66,292 test phrases takes about 1 to 2 minutes on a 2-core machine; quick mode: a few seconds.*
"""),
    code("""
X_test = vectoriser.transform(phrases.test["Phrase"])
test_predicted = model.predict(X_test, batch_size=1024, verbose=0).argmax(axis=1)
submission = make_submission(phrases.test, test_predicted)
submission_path = write_submission(submission, config.build_dir() / "submission.csv", phrases.test)
print(f"wrote {len(submission):,} rows for {len(phrases.test):,} test phrases to {submission_path}")
submission.head()
"""),
    code("""
read_submission(submission_path, phrases.test)  # read back and checked again, as a last step before uploading
shares = submission["Sentiment"].value_counts(normalize=True).reindex(range(5), fill_value=0)
for label, share in shares.items():
    print(f"{LABELS[label]:>18}: {share:6.1%} of the test predictions")
"""),
    md("""
The checks catch the usual slips with a message that says what to do. For example, passing the model's probabilities instead of classes:
"""),
    code("""
try:
    make_submission(phrases.test.head(3), np.full((3, 5), 0.2))
except SubmissionError as error:
    print("SubmissionError:", error)
""", CHECK),
    # ------------------------------------------------------------------------------------------ 7
    md("""
## 7. Save the model and its vectoriser

A model is useless without the exact preprocessing it was trained with: the same cleaning, the same word numbering, the same padded length. So save both, side by side: the model in Keras's `.keras` format, the vectoriser as JSON. Then reload them and check that the pair gives the same predictions.
"""),
    code("""
model_path = config.build_dir() / "sentiment_lstm_2019.keras"
vectoriser_path = config.build_dir() / "vectoriser_2019.json"
model.save(model_path)
vectoriser.save(vectoriser_path)
print(f"{model_path.name}: {model_path.stat().st_size / 2**20:.1f} MB; {vectoriser_path.name}: {vectoriser_path.stat().st_size / 2**10:.0f} kB")
"""),
    code("""
reloaded_model = keras.models.load_model(model_path)
reloaded_vectoriser = Vectoriser.load(vectoriser_path)
some_texts = phrases.test["Phrase"].iloc[:500]
before = model.predict(vectoriser.transform(some_texts), verbose=0)
after = reloaded_model.predict(reloaded_vectoriser.transform(some_texts), verbose=0)
print("same inputs:", np.array_equal(vectoriser.transform(some_texts), reloaded_vectoriser.transform(some_texts)))
print("same probabilities:", np.allclose(before, after, atol=1e-6))
print("same classes:", np.array_equal(before.argmax(axis=1), after.argmax(axis=1)))
""", CHECK),
    # ------------------------------------------------------------------------------------------ 8
    md("""
## 8. Try your own sentence

Edit `my_sentence` and run the cell. The reloaded vectoriser cleans and numbers it exactly like the training phrases; the line "the model reads" shows what is left of it (unknown words vanish). In quick mode the model was trained on the small synthetic sample for two epochs, so expect little.

One thing to notice: the 2019 cleaning was written for typed English, so *your* `can't` becomes `can not`, while the training phrases' `ca n't` became `ca not`. The model never saw `can` next to `not` the way you write it: the training data and the text it meets later disagree, a classic source of silent errors.
"""),
    code("""
my_sentence = "I can't say I enjoyed it, but the acting is superb."  # edit me

inputs = reloaded_vectoriser.transform([my_sentence])
probabilities = reloaded_model.predict(inputs, verbose=0)[0]
print("the model reads:", reloaded_vectoriser.decode(inputs[0]))
for label, probability in zip(LABELS.values(), probabilities):
    print(f"{label:>18}: {probability:6.1%}")
plot_probabilities(probabilities, title=my_sentence)
plt.show()
"""),
    # ------------------------------------------------------------------------------------------ end
    md("""
## Key points

- The 2019 model is `Embedding(8192, 256)` → `LSTM(256, dropout=0.3, recurrent_dropout=0.3)` → `Dense(256, relu)` → `Dense(5, softmax)`; in Keras 3 it starts with `keras.Input(shape=(MAX_LEN,))` and must be compiled (categorical cross-entropy, Adam) before `fit`.
- `validation_split=0.1` validates on the last 10% of the rows; because the rows are sorted by sentence, that split is almost sentence-clean.
- Overall accuracy hides the classes: the confusion matrix and per-class recall show the model favours neutral and blurs the extremes into their *somewhat* neighbours.
- A Kaggle submission is one row per test phrase, `PhraseId,Sentiment`, in the test order; validate before writing.
- Save the vectoriser with the model: the same cleaning, numbering and padding must be applied to any new text.

## Review questions

1. Why does the embedding hold most of the parameters but the LSTM most of the training time?
2. The validation accuracy peaks early and then drifts while the training accuracy keeps rising. What is happening, and what would you change?
3. Precision or recall: which one tells you how far to trust a *positive* prediction? Which one tells you how many positive phrases the model misses?
4. What goes wrong if you reload the model but rebuild the vectoriser from the test phrases?
5. Why is `can't` in a sentence you type not read the way `ca n't` in the training data was, and how would you fix that?
"""),
]

write(cells, sys.argv[1] if len(sys.argv) > 1 else "/work/wt/nb0405/notebooks/05_sentiment_lstm.ipynb")
