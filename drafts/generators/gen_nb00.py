import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from nbgen import md, code, write
BINDER = "https://mybinder.org/v2/gh/lstm-course/lstm-course/main?urlpath=lab/tree/notebooks/00_start_here.ipynb"
cells = [
md(f"""
# 00 · Start here

After this page you will know what the course covers, how to run it in quick or full mode, and that your machine is ready for it.

[![Open in Binder](https://mybinder.org/badge_logo.svg)]({BINDER})
"""),
md("""
**Questions**
- What will I build in this course, and in what order?
- How do I run the notebooks: in Binder, on my own machine, quickly or in full?
- Which data am I using right now, and is my environment ready?

**Objectives**
- *Explain* the two modes of the course and switch between them.
- *Check* that the environment has the versions the course needs.
- *Identify* which data source the course found (Kaggle files, the treebank, or the synthetic sample).

**Time**: teaching 10 min, exercises 5 min.
"""),
md("""
## What the course is

Recurrent networks read a sequence one step at a time and carry a memory from step to step. The course builds that idea up from a story small enough to check by hand to a model that reads movie reviews:

| notebook | what you do |
| --- | --- |
| `01_workout_routine` | predict today's workout from yesterday's (weights → swimming → yoga), then let a weekly hockey game change the plan: a first RNN |
| `02_rest_days_need_memory` | a rest day after two days of exercise: one day of memory is not enough; where a plain RNN forgets and an LSTM does not |
| `03_inside_the_lstm` | the LSTM's gates built from scratch in NumPy, proven equal to Keras; the GRU beside it |
| `04_text_to_sequences` | the Rotten Tomatoes phrases of Kaggle's *Sentiment Analysis on Movie Reviews* (labels 0 negative … 4 positive) turned into padded integer sequences |
| `05_sentiment_lstm` | the 2019 Keras sentiment LSTM made to run on today's Keras 3, evaluated, and a Kaggle submission written |
| `06_beyond_the_baseline` | honest validation, much faster training and better models |

Each notebook opens with its questions and objectives and closes with key points. Exercises sit where an idea is fresh; each one answers `check()`, `hint()` and `solution()`.
"""),
md("""
## Opening the course

- **Binder**: click the badge above. The first start builds the environment and fetches the real data, which can take several minutes; later starts are faster. A Binder session has about 2 CPU cores and 2 GB of memory, which every notebook fits. Binder sessions are temporary: download what you want to keep.
- **Your machine** (Python 3.11): in the course folder run `make lab`. It creates `.venv`, installs everything, prepares the data and opens JupyterLab on this page. `make test` runs every test.

### Quick mode and full mode

Every notebook runs in one of two modes, chosen by the environment variable `COURSE_QUICK`:

- **Full mode** (unset): the real data and the real training settings. Some training cells take minutes; they say how long before they run.
- **Quick mode** (`COURSE_QUICK=1`): the *same code* on a small synthetic sample with few epochs. Use it for a first pass, a live demo, or a machine with little memory. Start JupyterLab with `COURSE_QUICK=1 make lab`.

Results in quick mode are about the sample, not the real data: do not quote them.
"""),
md("""
## Set-up

Every notebook starts with one set-up cell like the next one. It seeds the random number generators, so the numbers you see repeat from run to run, and prints the mode.
"""),
code("""
from course_utils import config

settings = config.setup()
"""),
md("""
## Is the environment ready?

The check below looks at the versions that matter and at the machine's size. Every line should start with `ok`. A `FIX` line says what to do.
"""),
code("""
from course_utils import environment

print(environment.report())
"""),
md("""
## Which data is in use?

The course reads the phrase tables of the Kaggle competition through one call, `load_phrases()`. It looks for them in this order:

1. Kaggle's own `train.tsv` and `test.tsv` in `data/kaggle/` (or the folder named by `COURSE_DATA_DIR`), if you downloaded them from the competition page;
2. the same tables built from the Stanford Sentiment Treebank, which Kaggle's data came from: downloaded once (about 0.8 MB), checked and cached in `data/sst/`;
3. the course's own synthetic sample in `data/sample/`, with a notice that its numbers are not the real ones.

Quick mode always uses the sample. Without a network, the first two give way to the third.
"""),
code("""
from course_utils.data import load_phrases

phrases = load_phrases()
phrases.train.head()
"""),
md("""
The labels are the same in every source: five classes from negative to positive.
"""),
code("""
from course_utils.data import LABELS

for label, name in LABELS.items():
    print(label, name)
""", "nbval-check-output"),
md("""
## Exercise 1: pick the mode

You want a first look at notebook 05 on a laptop, with 10 minutes to spare. What do you do?

- **a** Run it in full mode and wait: the numbers are the real ones.
- **b** Start JupyterLab with `COURSE_QUICK=1` and run the notebook on the sample.
- **c** Skip the set-up cell so nothing heavy is imported.

Every exercise in the course works like this one: fill in the placeholder `...`, run the cell, and `check()` answers at once. Uncomment `hint()` for a nudge or `solution()` for the answer. A blank exercise never breaks the cells below it.
"""),
code("""
from course_utils.lessons.l00 import ex1, ex2

# Exercise 1: set answer_1 to "a", "b" or "c"
answer_1 = ...
ex1.check()
# ex1.hint()
# ex1.solution()
"""),
md("""
## Exercise 2: count the positive phrases

`phrases.train` is a pandas DataFrame with one row per phrase. Set `n_positive` to the number of training phrases labelled 4 (positive).
"""),
code("""
# Exercise 2: how many training phrases have the label 4?
n_positive = ...
ex2.check()
# ex2.hint()
# ex2.solution()
"""),
code("""
print(f"{n_positive:,} of {len(phrases.train):,} training phrases are positive ({n_positive / len(phrases.train):.1%}).")
"""),
md("""
## Key points

- The course runs in **full mode** (real data, real settings) or **quick mode** (`COURSE_QUICK=1`: the same code on a synthetic sample, few epochs).
- `make lab` opens the course; `make test` checks it; Binder needs neither.
- `load_phrases()` finds Kaggle's files, else builds the same tables from the Stanford Sentiment Treebank, else falls back to the sample and says so.
- Numbers from the sample are not the real data's.

## Review questions

1. You have 30 minutes and a laptop with 4 GB of memory. Which mode do you use for a first pass, and why?
2. A notebook prints a notice that it uses the synthetic sample, but you are in full mode. What are two ways to get the real data?
3. Why does the course seed its random number generators in the set-up cell?
"""),
]
write(cells, "notebooks/00_start_here.ipynb")
