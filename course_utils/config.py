"""Where things live and which mode the course runs in.

Every notebook starts with :func:`setup`, so one place decides the paths, the seed and the
mode. **Full** mode (the default) runs on the real data with the real settings; **quick**
mode runs the *same* code on the small synthetic sample with few epochs: it is what CI and a
first look use.

The mode is chosen in the notebook's set-up cell (``MODE = "quick"``), which is the only way
on Binder, or, when the cell says ``MODE = None``, by the environment variable
``COURSE_QUICK`` (``COURSE_QUICK=1``: quick), which is how CI and nbval pick it. One process
runs in one mode: once a mode is in force, asking for the other raises :class:`ModeError`.
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


MODES = ("full", "quick")
#: Where the mode in force came from, as :class:`Settings` reports it.
CHOSEN, FROM_ENV, DEFAULT = "chosen in this notebook", "from COURSE_QUICK", "the default"
_TRUE = {"1", "true", "yes", "on"}

_in_force: tuple[str, str] | None = None  # (mode, where from), fixed by setup() for the rest of the process
_used: str | None = None  # the mode is_quick() answered before any setup() call


class ModeError(RuntimeError):
    """The kernel already runs in one mode and was asked for the other: restart it to switch."""


def _env_mode() -> tuple[str, str]:
    """The mode ``COURSE_QUICK`` asks for, and where that came from."""
    value = os.environ.get("COURSE_QUICK")
    if value is None or not value.strip():
        return "full", DEFAULT
    return ("quick" if value.strip().lower() in _TRUE else "full"), FROM_ENV


def current_mode() -> str:
    """``"full"`` or ``"quick"``: the mode set by :func:`setup`, else the one ``COURSE_QUICK`` asks for.

    Before any :func:`setup` call the answer follows the environment, and the process remembers
    it: a later :func:`setup` asking for the other mode then refuses (:class:`ModeError`).
    """
    global _used
    if _in_force is not None:
        return _in_force[0]
    _used = _env_mode()[0]
    return _used


def is_quick() -> bool:
    """True in quick mode: chosen by :func:`setup`, or ``COURSE_QUICK`` set to ``1``, ``true``, ``yes`` or ``on``."""
    return current_mode() == "quick"


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

    mode: str  # "full" or "quick"
    mode_source: str  # CHOSEN, FROM_ENV or DEFAULT
    seed: int
    build_dir: Path
    threads: str = ""  # what setup(keras=True) said about TensorFlow's thread pools, if anything

    @property
    def quick(self) -> bool:
        return self.mode == "quick"

    def __str__(self) -> str:
        what = "the synthetic sample, few epochs" if self.quick else "real data, real settings"
        return f"Mode: {self.mode} ({what}; {self.mode_source}) | seed {self.seed} | outputs go to {self.build_dir}"


def _restart_advice(current: str, current_source: str, wanted: str, explicit: bool) -> str:
    how = {CHOSEN: "chosen by an earlier set-up call", FROM_ENV: "from COURSE_QUICK", DEFAULT: "the default",
           "used": "already used by the cells that ran"}[current_source]
    ask = (f"with MODE = {wanted!r} in the set-up cell" if explicit
           else f"(MODE = None: COURSE_QUICK now asks for {wanted})")
    return (
        f"This kernel already runs in {current} mode ({how}), so it cannot switch to {wanted} mode: what has run "
        f"so far (data, settings, models) belongs to {current} mode, and one run never mixes the two. Restart the "
        f"kernel (Kernel > Restart Kernel) and run the notebook from the top {ask}."
    )


def _resolve_mode(mode: str | None) -> tuple[str, str]:
    """The mode a setup call asks for and where it comes from; refuses a switch of mode in a running process."""
    if mode is not None:
        if not isinstance(mode, str) or mode.strip().lower() not in MODES:
            raise ValueError(f"MODE must be \"full\", \"quick\" or None (None: full, unless COURSE_QUICK=1 is set),"
                             f" not {mode!r}")
        wanted, source = mode.strip().lower(), CHOSEN
    else:
        wanted, source = _env_mode()
    if _in_force is not None:
        current, current_source = _in_force
    elif _used is not None:
        current, current_source = _used, "used"
    else:
        return wanted, source
    if current != wanted:
        raise ModeError(_restart_advice(current, current_source, wanted, explicit=mode is not None))
    if source != CHOSEN and current_source != "used":
        source = current_source  # the same mode again: it still comes from where it first came from
    return wanted, source


def _size_threads() -> str:
    """Size TensorFlow's thread pools (:func:`course_utils.threads.match_threads`) and say so; '' if already sized.

    On a re-run of the set-up cell the pools usually have that size already: then nothing more
    is said. If TensorFlow started with other sizes, its pools are fixed, and one line says a
    kernel restart is needed to change them.
    """
    import sys

    from course_utils import threads

    def pools() -> tuple[int, int]:
        import tensorflow as tf

        return (tf.config.threading.get_intra_op_parallelism_threads(),
                tf.config.threading.get_inter_op_parallelism_threads())

    usable = max(1, int(threads.available_cpus()))  # what match_threads() sets
    if "tensorflow" in sys.modules and pools() == (usable, usable):
        return ""
    try:
        return threads.match_threads()
    except RuntimeError:  # TensorFlow has started with other sizes
        intra, inter = pools()
        size = f"{intra or 'its default'} inside each operation, {inter or 'its default'} at a time"
        return (f"TensorFlow threads: TensorFlow has already started, so its pools keep their size ({size}, not"
                f" {usable}); restart the kernel (Kernel > Restart Kernel) and run the notebook from the top"
                " to size them")


def setup(seed: int = DEFAULT_SEED, *, mode: str | None = None, keras: bool = False, verbose: bool = True) -> Settings:
    """The one set-up call at the top of every notebook, before anything imports TensorFlow or Keras.

    ``mode`` is ``"full"``, ``"quick"`` or ``None``; ``None`` lets ``COURSE_QUICK`` decide (quick
    when it is ``1``, else full), which is how CI and nbval run the notebooks. The mode then holds
    for the whole process: :func:`is_quick` and :func:`pick` follow it, and
    ``os.environ["COURSE_QUICK"]`` is set to match an explicit mode, so processes the notebook
    starts agree. Asking for the other mode later raises :class:`ModeError` (restart the kernel);
    re-running the cell with the same mode is fine.

    It also quietens TensorFlow's start-up chatter and seeds everything. With ``keras=True``
    (importing it costs about 7 s, so notebooks that need no Keras skip it) it first sizes
    TensorFlow's thread pools to the CPUs the process may use
    (:func:`course_utils.threads.match_threads`), has glibc keep freed memory for the next
    training step (:func:`course_utils.resources.tune_malloc`: about twice as fast where page faults
    are dear, as in a virtual machine), then imports and seeds Keras.
    """
    global _in_force
    chosen, source = _resolve_mode(mode)
    _in_force = (chosen, source)
    if source == CHOSEN:
        os.environ["COURSE_QUICK"] = "1" if chosen == "quick" else "0"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    thread_line = ""
    if keras:
        from course_utils import resources

        resources.tune_malloc()
        thread_line = _size_threads()
        import keras as _keras  # noqa: F401  (imported so seed_everything seeds it)
    seed_everything(seed)
    settings = Settings(mode=chosen, mode_source=source, seed=seed, build_dir=build_dir(), threads=thread_line)
    if verbose:
        print(settings)
        if thread_line:
            print(thread_line)
    return settings


def _reset_mode() -> None:
    """Forget the mode in force (for tests only: a kernel never switches mode)."""
    global _in_force, _used
    _in_force = _used = None
