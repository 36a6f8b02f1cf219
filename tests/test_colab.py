"""The Colab path, offline: the cell every notebook starts with, run with a stand-in ``google.colab``.

Nothing here reaches Colab or GitHub: the cell's ``git clone`` of the course's repository is redirected
(git's ``url.<base>.insteadOf``) to a local repository holding this working tree, and the data step runs in
quick mode, which needs no download. ``prepare`` itself is also driven with a recorder in place of pip.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils import colab
from course_utils.tools import badges

REPO = Path(__file__).resolve().parents[1]
STAND_IN = '''
from pathlib import Path

def enable_custom_widget_manager():
    Path("widget-manager-enabled").write_text("yes")
'''


def _working_tree_repository(target: Path) -> Path:
    """A git repository at ``target`` with this working tree (tracked and untracked files git does not ignore)."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    subprocess.run([*git, "init", "-q", "-b", colab.BRANCH], cwd=target, check=True)
    subprocess.run([*git, "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "course"], cwd=target, check=True)
    return target


@pytest.fixture
def colab_runtime(tmp_path):
    """(run, content): run Python code as a Colab kernel would, in ``content``, with git redirected offline."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the Colab cell clones with git")
    stand_in = tmp_path / "stand-in"
    (stand_in / "google" / "colab").mkdir(parents=True)
    (stand_in / "google" / "__init__.py").write_text("")
    (stand_in / "google" / "colab" / "__init__.py").write_text("")
    (stand_in / "google" / "colab" / "output.py").write_text(STAND_IN)
    origin = _working_tree_repository(tmp_path / "origin")
    content = tmp_path / "content"
    content.mkdir()
    env = {**os.environ, "PYTHONPATH": str(stand_in), "COURSE_QUICK": "1", "GIT_CONFIG_COUNT": "1",
           "GIT_CONFIG_KEY_0": f"url.file://{origin}.insteadOf", "GIT_CONFIG_VALUE_0": colab.REPOSITORY,
           "GIT_TERMINAL_PROMPT": "0"}
    env.pop("COURSE_DATA_DIR", None)

    def run(code: str, *, with_colab: bool = True) -> subprocess.CompletedProcess:
        prelude = "import google.colab\n" if with_colab else ""  # Colab imports it before the first cell
        return subprocess.run([sys.executable, "-c", prelude + code], cwd=content, env=env, capture_output=True,
                              text=True, timeout=300)

    return run, content


def test_the_colab_cell_does_nothing_elsewhere(colab_runtime):
    run, content = colab_runtime
    done = run(colab.COLAB_CELL, with_colab=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and list(content.iterdir()) == []


def test_the_colab_cell_fetches_the_course_once_and_imports_it_from_the_clone(colab_runtime):
    run, content = colab_runtime
    check = ("\nimport course_utils\nprint('course_utils from', course_utils.__file__)"
             "\nfrom course_utils import config\nprint('setup', config.setup(mode=None).mode)")
    done = run(colab.COLAB_CELL + check)
    assert done.returncode == 0, done.stdout + done.stderr
    clone = content / colab.CLONE
    assert (clone / "course_utils" / "colab.py").is_file() and (clone / ".git").is_dir()
    assert f"course_utils from {clone / 'course_utils' / '__init__.py'}" in done.stdout
    assert (content / "widget-manager-enabled").read_text() == "yes"
    assert "Preparing the data" in done.stdout and "sample" in done.stdout.lower()
    assert "setup quick" in done.stdout  # the data step ran apart: the kernel's mode was still free to choose
    (clone / "marker").write_text("kept")
    again = run(colab.COLAB_CELL)
    assert again.returncode == 0, again.stderr
    assert (clone / "marker").read_text() == "kept", "a second run cloned again instead of reusing the clone"


class Recorder:
    def __init__(self) -> None:
        self.commands: list[list[str]] = []

    def __call__(self, command, **kwargs):
        self.commands.append(list(command))
        return subprocess.CompletedProcess(command, 0)


def test_prepare_installs_only_what_is_missing_and_names_what_differs(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    enabled = []
    output = type(sys)("google.colab.output")
    output.enable_custom_widget_manager = lambda: enabled.append(True)
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    sys.modules["google.colab"].output = output
    versions = {pin.name: pin.version for pin in colab.pins()}
    versions.update({"psutil": None, "numpy": "2.0.2", "ipywidgets": "7.7.1", "jupyterlab": None})
    monkeypatch.setattr(colab, "installed_version", lambda name: versions[name])
    run = Recorder()
    colab.prepare(run=run)
    said = capsys.readouterr().out
    pip, data = run.commands
    assert pip[-1:] == [f"psutil=={colab.pins()[-1].version}"] and pip[1:4] == ["-m", "pip", "install"]
    assert "jupyterlab" not in " ".join(pip), "Colab has its own page: JupyterLab must not be installed there"
    assert data[1:] == ["-m", "course_utils.data", "prepare"]
    assert "numpy 2.0.2 (tested with" in said and "ipywidgets 8, this runtime has 7.7.1" in said
    assert enabled == [True]


def test_prepare_does_nothing_outside_colab(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    run = Recorder()
    colab.prepare(run=run)
    assert run.commands == []


def test_pins_follow_the_platform_markers():
    names = [pin.name for pin in colab.pins()]
    assert sum(name in ("tensorflow", "tensorflow-cpu") for name in names) == 1
    assert colab.installed_version("tensorflow-cpu") is not None  # whichever distribution provides the module


# --------------------------------------------------------------------- pointing every link elsewhere

def test_badges_tool_points_every_link_and_the_colab_cell_at_a_tag(tmp_path):
    for name in ("README.md", "CITATION.cff", "course_utils/colab.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns(".*"))
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    written = badges.rewrite("someone/fork", "v1.0", root=tmp_path)
    assert tmp_path / "README.md" in written and tmp_path / "course_utils" / "colab.py" in written
    for path in [tmp_path / "README.md", *sorted((tmp_path / "notebooks").glob("*.ipynb"))]:
        text = path.read_text()
        assert "mybinder.org/v2/gh/lstm-course" not in text and "github/lstm-course/" not in text, path.name
        assert "mybinder.org/v2/gh/someone/fork/v1.0?" in text and "github/someone/fork/blob/v1.0/" in text, path.name
    cell = colab.colab_cell("https://github.com/someone/fork", "v1.0")
    for path in sorted((tmp_path / "notebooks").glob("*.ipynb")):
        sources = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]
        assert cell in sources, f"{path.name}: the Colab cell still clones the old repository or branch"
    module = (tmp_path / "course_utils" / "colab.py").read_text()
    assert 'REPOSITORY = "https://github.com/someone/fork"' in module and 'BRANCH = "v1.0"' in module
    assert 'repository-code: "https://github.com/someone/fork"' in (tmp_path / "CITATION.cff").read_text()
    assert (REPO / "README.md").read_text().count("lstm-course/lstm-course/main?") >= 1  # the real files untouched


@pytest.mark.parametrize("repository, ref, words", [
    ("no-slash", "v1", "OWNER/REPO"), ("a/b/c", "v1", "OWNER/REPO"), ("a/b", "../x", "branch or tag"),
    ("a/b", "v 1", "branch or tag"),
])
def test_badges_tool_refuses_bad_names(tmp_path, repository, ref, words):
    with pytest.raises(ValueError, match=words.replace("/", "/")):
        badges.rewrite(repository, ref, root=tmp_path)
