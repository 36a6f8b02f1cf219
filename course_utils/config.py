"""Where things live and which mode the course runs in.

Every notebook starts with :func:`setup`, so one place decides the paths, the seed and
quick mode. Quick mode (``COURSE_QUICK=1``) runs the *same* code on the small synthetic
sample with few epochs: it is what CI and a first look use.
"""
from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
DEFAULT_SEED = 42


def is_quick() -> bool:
    """True when ``COURSE_QUICK`` is set to a true value (``1``, ``true``, ``yes``)."""
    return os.environ.get("COURSE_QUICK", "").strip().lower() in {"1", "true", "yes", "on"}


def kaggle_dir() -> Path:
    """The folder where a learner puts Kaggle's ``train.tsv`` and ``test.tsv``.

    ``COURSE_DATA_DIR`` overrides the default ``data/kaggle/`` (git-ignored), so an instructor
    can point a whole class at one shared copy.
    """
    return Path(os.environ.get("COURSE_DATA_DIR") or DATA_DIR / "kaggle").expanduser()


def sst_dir() -> Path:
    """Cache for the Stanford Sentiment Treebank zip and the tables built from it."""
    return Path(os.environ.get("COURSE_SST_DIR") or DATA_DIR / "sst").expanduser()


def build_dir() -> Path:
    """Where notebooks write what they produce (plots, models, ``submission.csv``).

    ``make course`` points ``COURSE_BUILD_DIR`` at ``build/``; in JupyterLab it defaults there too.
    """
    path = Path(os.environ.get("COURSE_BUILD_DIR") or REPO_ROOT / "build").expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def pick(full: T, quick: T) -> T:
    """Choose a setting by mode, e.g. ``epochs = pick(full=8, quick=2)``."""
    return quick if is_quick() else full


def seed_everything(seed: int = DEFAULT_SEED) -> None:
    """Seed Python, NumPy and Keras so printed numbers repeat from run to run."""
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    try:
        import numpy as np

        np.random.seed(seed)
    except ImportError:  # pragma: no cover - numpy is always installed in the course env
        pass
    if "keras" in _loaded_modules():
        import keras

        keras.utils.set_random_seed(seed)


def _loaded_modules() -> set[str]:
    import sys

    return set(sys.modules)


@dataclass(frozen=True)
class Settings:
    """What a notebook needs to know about the run it is part of."""

    quick: bool
    seed: int
    build_dir: Path

    def __str__(self) -> str:
        mode = "quick (COURSE_QUICK=1: the synthetic sample, few epochs)" if self.quick else "full (real data, real settings)"
        return f"Mode: {mode} | seed {self.seed} | outputs go to {self.build_dir}"


def setup(seed: int = DEFAULT_SEED, *, keras: bool = False, verbose: bool = True) -> Settings:
    """The one set-up call at the top of every notebook.

    It quietens TensorFlow's start-up chatter, seeds everything (Keras too when
    ``keras=True``; importing it costs about 7 s, so notebooks that need no Keras skip it)
    and says which mode is on.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if keras:
        import keras as _keras  # noqa: F401  (imported so seed_everything seeds it)
    seed_everything(seed)
    settings = Settings(quick=is_quick(), seed=seed, build_dir=build_dir())
    if verbose:
        print(settings)
    return settings
