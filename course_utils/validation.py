"""Hold out whole sentences, not rows: honest validation for the phrase tables.

Kaggle's ``train.tsv`` lists every labelled phrase of a sentence's parse tree: the sentence,
its halves, their halves, down to single words. The phrases of one sentence are nested copies
of each other. Split the rows at random and most validation phrases have a longer or shorter
sibling in the training rows, often with the same label: the model is asked about text it was
trained on and its validation accuracy flatters it. Kaggle's test set, and any review a model
meets later, is made of *new sentences*; holding out whole sentences measures exactly that.

:func:`split_by_sentence` is the split the course uses for every comparison;
:func:`split_by_row` is the flattering one, kept to show the difference; :func:`overlap` counts
how much of a validation set a model has in effect already seen.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from course_utils.config import DEFAULT_SEED  # the course's one seed: the split every notebook and the bench use

DEFAULT_FRACTION = 0.1


def _check(frame: pd.DataFrame, fraction: float) -> None:
    if not 0 < fraction < 1:
        raise ValueError(f"fraction is the share held out, between 0 and 1 (for example 0.1), not {fraction!r}")
    missing = {"SentenceId", "Phrase"} - set(frame.columns)
    if missing:
        raise ValueError(f"the table has no column {sorted(missing)}: pass a Kaggle-format train table (phrases.train)")


def split_by_sentence(
    frame: pd.DataFrame, fraction: float = DEFAULT_FRACTION, seed: int = DEFAULT_SEED
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(train, held_out)``: every phrase of a held-out sentence goes to ``held_out``, none to ``train``.

    ``fraction`` is the share of *sentences* held out (chosen at random with ``seed``), so the
    share of rows is close to it but not equal. Row order and the index are kept.
    """
    _check(frame, fraction)
    sentences = np.sort(frame["SentenceId"].unique())
    rng = np.random.default_rng(seed)
    n_held = max(1, round(fraction * len(sentences)))
    held = rng.choice(sentences, size=n_held, replace=False)
    is_held = frame["SentenceId"].isin(held).to_numpy()
    return frame[~is_held], frame[is_held]


def split_by_row(
    frame: pd.DataFrame, fraction: float = DEFAULT_FRACTION, seed: int = DEFAULT_SEED
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(train, held_out)`` with rows drawn at random: the split that leaks (see the module docstring)."""
    _check(frame, fraction)
    rng = np.random.default_rng(seed)
    is_held = np.zeros(len(frame), dtype=bool)
    is_held[rng.choice(len(frame), size=max(1, round(fraction * len(frame))), replace=False)] = True
    return frame[~is_held], frame[is_held]


@dataclass(frozen=True)
class Overlap:
    """How much of a held-out set the training rows already cover."""

    held_out: int  # phrases held out
    same_sentence: int  # held-out phrases whose sentence also has phrases in train
    inside_train: int  # held-out phrases that occur word for word inside a training phrase of their sentence

    def __str__(self) -> str:
        def share(n: int) -> str:
            return f"{n:,} ({n / self.held_out:.0%})" if self.held_out else "0"

        return (
            f"{self.held_out:,} held-out phrases; from a sentence that also has training phrases: "
            f"{share(self.same_sentence)}; found word for word inside such a training phrase: "
            f"{share(self.inside_train)}"
        )


def overlap(train: pd.DataFrame, held_out: pd.DataFrame) -> Overlap:
    """Count held-out phrases that share a sentence with training rows, and those contained in one of its phrases.

    Containment is tested on whole tokens (``" good "`` inside ``" a good film "``), within the
    same sentence only, which is what a random row split hands to the model.
    """
    train_by_sentence: dict[int, list[str]] = {}
    for sentence, phrase in zip(train["SentenceId"].to_numpy(), train["Phrase"].to_numpy()):
        train_by_sentence.setdefault(int(sentence), []).append(f" {phrase.strip()} ")
    same = inside = 0
    for sentence, phrase in zip(held_out["SentenceId"].to_numpy(), held_out["Phrase"].to_numpy()):
        others = train_by_sentence.get(int(sentence))
        if not others:
            continue
        same += 1
        needle = f" {phrase.strip()} "
        inside += any(needle in text for text in others)
    return Overlap(len(held_out), same, inside)
