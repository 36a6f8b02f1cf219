"""Running the course on Google Colab: what each notebook's first code cell calls there, and nowhere else.

A notebook opened from GitHub in Colab arrives alone: no ``course_utils``, no data, and a runtime
whose packages are Colab's, not the course's pins. Each notebook therefore starts with
:data:`COLAB_CELL`, which does nothing outside Colab; in Colab it clones the course next to the
notebook (``/content/lstm-course``, once per session), puts the clone first on ``sys.path`` (a
``pip install -e`` would only be seen by the *next* kernel) and calls :func:`prepare`.

:func:`prepare` keeps Colab's own TensorFlow, NumPy and pandas: replacing them would break
Colab's other packages and need a restart, and the course runs on nearby versions (it says which
differ, so a learner knows why a number may differ a little from the text). It installs only the
pinned packages Colab lacks, turns on Colab's manager for ipywidgets 8 widgets, and prepares the
real data in a child process, so that nothing in this kernel fixes the mode before the set-up cell
chooses it.

The repository and branch below are the badges' (``tests/test_project.py`` checks they agree);
``python -m course_utils.tools.badges OWNER/REPO REF`` points them, and every badge, elsewhere.
"""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from course_utils import environment
from course_utils.config import REPO_ROOT

REPOSITORY = "https://github.com/lstm-course/lstm-course"
BRANCH = "main"
CLONE = "lstm-course"  # the clone's folder, beside the notebook (Colab starts in /content)

# The markdown cell before it, and the cell itself: tests/test_notebook_hygiene.py checks every notebook has both,
# word for word, just before its "## Set-up" section.
COLAB_NOTE = ("**On Google Colab only**: run the next cell first. It fetches the course's code and its data (once a "
              "session) and says which of Colab's versions differ from the course's. Anywhere else it does nothing.")


def colab_cell(repository: str, branch: str) -> str:
    """The Colab cell for a clone of ``repository`` at ``branch`` (tools.badges rewrites it with another pair)."""
    return f'''# Colab only (elsewhere this cell does nothing): fetch the course's code and data, once a session.
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    if not os.path.isdir("{CLONE}"):
        subprocess.run(["git", "clone", "--quiet", "--depth", "1", "--branch", "{branch}",
                        "{repository}", "{CLONE}"], check=True)
    sys.path.insert(0, os.path.abspath("{CLONE}"))
    from course_utils import colab

    colab.prepare()'''


COLAB_CELL = colab_cell(REPOSITORY, BRANCH)

# A pin's name and the distributions that provide it: Colab installs TensorFlow as `tensorflow`, the course
# pins the CPU-only `tensorflow-cpu` on Linux; both give the same `tensorflow` module.
_PROVIDERS = {"tensorflow-cpu": ("tensorflow-cpu", "tensorflow")}
_COLAB_HAS_ITS_OWN = {"jupyterlab"}  # Colab's page replaces JupyterLab; the kernel-side packages are kept


@dataclass(frozen=True)
class Pin:
    """One line of requirements.txt that applies here: ``name==version``."""

    name: str
    version: str


def in_colab() -> bool:
    """True inside a Colab runtime (it imports ``google.colab`` before any cell runs)."""
    return "google.colab" in sys.modules


def pins(requirements: Path = REPO_ROOT / "requirements.txt") -> list[Pin]:
    """The learner's pins that apply on this platform (environment markers evaluated as pip does)."""
    from packaging.requirements import Requirement

    found = []
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        (spec,) = requirement.specifier  # every pin is one `==`
        found.append(Pin(requirement.name, spec.version))
    return found


def installed_version(name: str) -> str | None:
    """The installed version of the distribution ``name`` (or of one that provides the same module)."""
    return next(filter(None, map(environment.installed_version, _PROVIDERS.get(name, (name,)))), None)


def compare(wanted: list[Pin], version_of: Callable[[str], str | None] | None = None
            ) -> tuple[list[Pin], list[tuple[Pin, str]]]:
    """``(missing, different)``: the pins not installed at all, and those installed at another version.

    ``version_of`` gives a distribution's installed version (default :func:`installed_version`).
    """
    missing, different = [], []
    for pin in wanted:
        have = (version_of or installed_version)(pin.name)
        if have is None:
            missing.append(pin)
        elif have != pin.version:
            different.append((pin, have))
    return missing, different


def prepare(*, run: Callable[..., subprocess.CompletedProcess] = subprocess.run) -> None:
    """In Colab: install what is missing, say which versions differ, enable the widgets, prepare the data.

    ``run`` starts the child processes (pip, the data step); the tests pass a recorder.
    """
    if not in_colab():
        return
    wanted = [pin for pin in pins() if pin.name not in _COLAB_HAS_ITS_OWN]
    missing, different = compare(wanted)
    if missing:
        names = [f"{pin.name}=={pin.version}" for pin in missing]
        print(f"Installing what this runtime lacks: {', '.join(names)}", flush=True)
        run([sys.executable, "-m", "pip", "install", "--quiet", *names], check=True)
    if different:
        shown = ", ".join(f"{pin.name} {have} (tested with {pin.version})" for pin, have in different)
        print(f"Colab's own versions are kept: {shown}. The notebooks run on them; a printed number may differ a "
              "little from the one in the text.")
    widgets = installed_version("ipywidgets")
    if widgets is not None and environment.major(widgets) != environment.WIDGETS_MAJOR:
        pinned = next(pin.version for pin in wanted if pin.name == "ipywidgets")
        print(f"The interactive widgets need ipywidgets {environment.WIDGETS_MAJOR}, this runtime has {widgets}: run "
              f"`%pip install ipywidgets=={pinned}`, then Runtime > Restart session, to see them; "
              "everything else runs without them.")
    from google.colab import output  # only reached inside Colab

    output.enable_custom_widget_manager()  # Colab shows ipywidgets 8 widgets only with its custom manager
    print("Preparing the data (the first time in a session this downloads the treebank)...", flush=True)
    done = run([sys.executable, "-m", "course_utils.data", "prepare"], cwd=REPO_ROOT, check=False)
    if done.returncode != 0:
        print("The real data could not be prepared (the message is above); full mode will use the synthetic "
              "sample and say so.")
