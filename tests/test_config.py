"""The mode of a run: chosen in the set-up cell or by COURSE_QUICK, and never mixed within one process."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils import config
from course_utils.data import load_phrases

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch, tmp_path):
    """Each test starts like a fresh kernel: no mode in force, COURSE_QUICK unset, outputs in a temporary folder.

    ``setenv`` before ``delenv`` makes monkeypatch restore COURSE_QUICK afterwards even when setup() sets it.
    """
    monkeypatch.setenv("COURSE_QUICK", "")
    monkeypatch.delenv("COURSE_QUICK")
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / "build"))
    config._reset_mode()
    yield
    config._reset_mode()


@pytest.mark.parametrize("mode, env, expected, source", [
    (None, None, "full", config.DEFAULT),
    (None, "1", "quick", config.FROM_ENV),
    (None, "yes", "quick", config.FROM_ENV),
    (None, "0", "full", config.FROM_ENV),
    ("quick", None, "quick", config.CHOSEN),
    ("quick", "0", "quick", config.CHOSEN),
    ("full", "1", "full", config.CHOSEN),
    ("full", None, "full", config.CHOSEN),
])
def test_setup_picks_the_mode(monkeypatch, capsys, mode, env, expected, source):
    if env is not None:
        monkeypatch.setenv("COURSE_QUICK", env)
    settings = config.setup(mode=mode)
    assert (settings.mode, settings.mode_source, settings.quick) == (expected, source, expected == "quick")
    assert config.is_quick() is (expected == "quick")
    assert config.current_mode() == expected
    assert config.pick(full="F", quick="Q") == ("Q" if expected == "quick" else "F")
    line = capsys.readouterr().out.strip()
    assert line == str(settings) and "\n" not in line
    assert line.startswith(f"Mode: {expected} (") and source in line and "seed 42" in line
    if mode is not None:  # an explicit mode is written where child processes read it
        assert os.environ["COURSE_QUICK"] == ("1" if expected == "quick" else "0")
    else:
        assert os.environ.get("COURSE_QUICK") == env


def test_an_explicit_mode_holds_even_if_the_variable_changes_later(monkeypatch):
    config.setup(mode="full", verbose=False)
    monkeypatch.setenv("COURSE_QUICK", "1")
    assert not config.is_quick() and config.pick(full=8, quick=2) == 8


def test_rerunning_the_setup_cell_with_the_same_mode_is_fine():
    first = config.setup(mode="quick", verbose=False)
    again = config.setup(mode="quick", verbose=False)
    assert first == again and again.mode_source == config.CHOSEN
    # MODE = None after an explicit choice: COURSE_QUICK now says the same, and the choice is still reported
    assert config.setup(mode=None, verbose=False).mode_source == config.CHOSEN
    assert config.setup(mode="Quick", verbose=False).quick


@pytest.mark.parametrize("first, second", [("quick", "full"), ("full", "quick"), (None, "quick")])
def test_switching_mode_in_a_running_kernel_is_refused(first, second):
    config.setup(mode=first, verbose=False)
    with pytest.raises(config.ModeError) as caught:
        config.setup(mode=second, verbose=False)
    message = str(caught.value)
    assert isinstance(caught.value, RuntimeError)
    assert "Restart Kernel" in message and "from the top" in message and f"MODE = {second!r}" in message
    assert config.current_mode() == (first or "full")  # the refused call changed nothing


def test_a_mode_already_used_counts_as_in_force(monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "1")
    assert config.pick(full=8, quick=2) == 2  # code ran in quick mode before any set-up call
    with pytest.raises(config.ModeError, match="already used"):
        config.setup(mode="full", verbose=False)
    assert config.setup(mode="quick", verbose=False).quick


def test_an_env_change_after_setup_none_is_refused_too(monkeypatch):
    config.setup(verbose=False)  # full, the default
    monkeypatch.setenv("COURSE_QUICK", "1")
    with pytest.raises(config.ModeError, match="COURSE_QUICK now asks for quick"):
        config.setup(verbose=False)


@pytest.mark.parametrize("bad", ["fast", "", "QUICK MODE", True, 1])
def test_an_unknown_mode_is_a_clear_error(bad):
    with pytest.raises(ValueError, match='MODE must be "full", "quick" or None'):
        config.setup(mode=bad, verbose=False)
    assert config.setup(mode="quick", verbose=False).quick  # the bad call fixed nothing


@pytest.mark.parametrize("mode, env, child", [("quick", None, "True 1"), ("full", "1", "False 0")])
def test_child_processes_run_in_the_same_mode(monkeypatch, mode, env, child):
    if env is not None:
        monkeypatch.setenv("COURSE_QUICK", env)
    config.setup(mode=mode, verbose=False)
    code = "import os\nfrom course_utils import config\nprint(config.is_quick(), os.environ['COURSE_QUICK'])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == child


def test_load_phrases_follows_an_explicit_quick_mode(monkeypatch, tmp_path):
    kaggle = tmp_path / "kaggle"
    kaggle.mkdir()
    (kaggle / "train.tsv").write_text("PhraseId\tSentenceId\tPhrase\tSentiment\n1\t1\tA fine film\t3\n2\t1\tfine\t3\n")
    (kaggle / "test.tsv").write_text("PhraseId\tSentenceId\tPhrase\n3\t2\tA dull one\n")
    monkeypatch.setenv("COURSE_DATA_DIR", str(kaggle))
    monkeypatch.setenv("COURSE_SST_DIR", str(tmp_path / "sst"))
    assert load_phrases(allow_download=False, verbose=False).source == "kaggle"  # full mode finds the files
    config._reset_mode()  # a fresh kernel
    config.setup(mode="quick", verbose=False)
    assert load_phrases(allow_download=False, verbose=False).source == "sample"


def test_seeding_leaves_pythonhashseed_alone():
    before = os.environ.get("PYTHONHASHSEED")
    config.seed_everything(7)
    assert os.environ.get("PYTHONHASHSEED") == before


def run_fresh(code: str) -> list[str]:
    """Run ``code`` in a fresh interpreter (TensorFlow's pools are fixed once it runs anything)."""
    env = {k: v for k, v in os.environ.items() if k != "COURSE_QUICK"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=REPO, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()


def test_keras_setup_sizes_the_threads_and_a_rerun_does_not_crash():
    lines = run_fresh(
        "from course_utils import config, threads\n"
        "config.setup(mode='quick', keras=True)\n"
        "import sys, tensorflow as tf\n"
        "n = max(1, int(threads.available_cpus()))\n"
        "print('pools', tf.config.threading.get_intra_op_parallelism_threads() == n,"
        " tf.config.threading.get_inter_op_parallelism_threads() == n, 'keras' in sys.modules)\n"
        "tf.constant(1.0) + 1.0  # TensorFlow has started: its pools are fixed now\n"
        "print('rerun')\n"
        "config.setup(mode='quick', keras=True)\n"
    )
    assert lines[0].startswith("Mode: quick (") and "chosen in this notebook" in lines[0]
    assert lines[1].startswith("TensorFlow threads: ") and "inside each operation" in lines[1]
    assert lines[2] == "pools True True True"
    assert lines[3:] == ["rerun", lines[0]]  # the pools already have the right size: nothing more is said


def test_keras_setup_says_when_the_threads_need_a_restart():
    lines = run_fresh(
        "from course_utils import config, threads\n"
        "import tensorflow as tf\n"
        "threads.match_threads(max(1, int(threads.available_cpus())) + 1)\n"
        "tf.constant(1.0) + 1.0\n"
        "settings = config.setup(keras=True)\n"
        "print('threads' if settings.threads else 'none')\n"
    )
    assert lines[-3].startswith("Mode: full (") and "the default" in lines[-3]
    assert (lines[-2].startswith("TensorFlow threads: TensorFlow has already started")
            and "restart the kernel" in lines[-2])
    assert lines[-1] == "threads"
