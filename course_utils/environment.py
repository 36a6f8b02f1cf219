"""The environment check of the start page: is this machine ready for the course?

Learners arrive from Binder, a laptop or a class JupyterHub. Checking the versions that
matter (Python 3.11, Keras 3, ipywidgets 8) and the machine's size up front turns a
confusing failure in notebook 05 into a clear message on the first page. The size is what the
kernel may really use (:mod:`course_utils.resources`): on Binder the machine shows all of a
host's cores and memory, while a cgroup gives the kernel one CPU and about 2 GB.

Each line is ``ok``, ``warn`` (it should work, but it is not what the course is tested on: worth
knowing, nothing to fix) or ``FIX`` (it will fail: the line says what to do).
"""
from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from importlib.machinery import ModuleSpec
from pathlib import Path

from course_utils import resources

# One notebook's kernel in full mode peaks at about 1.2 GB (notebook 06 at about 1.6 GB); the Jupyter
# server and the browser's connection take a few hundred MB more. Under this much memory (a cgroup
# limit, or the machine's memory when there is none) full mode will not fit: the kernel would die
# mid-notebook. Binder's 2 GB (2,000,000,000 bytes) passes.
FULL_MODE_MEMORY_BYTES = 1_800_000_000
MEMORY_ADVICE = (
    "full mode needs about 1.2 GB for one notebook's kernel (notebook 06 about 1.6 GB), plus the Jupyter "
    "server: close the other "
    "notebooks' kernels (Kernel > Shut Down Kernel), or choose quick mode in the notebook's set-up cell "
    '(MODE = "quick")'
)
SLOW_CPU_NOTE = "less than one CPU is enough: the notebooks run, only more slowly than the times they quote"

# The Python the course is tested on (binder/runtime.txt and environment.yml say the same; a test checks),
# and the range its pins install on: TensorFlow 2.21 has wheels for 3.10 to 3.13, but NumPy 2.4, pandas 3.1
# and Keras 3.15 need 3.11 or later (checked on 2026-12-02 with `pip install --dry-run --python-version`).
TESTED_PYTHON = (3, 11)
PINNED_PYTHONS = ((3, 11), (3, 12), (3, 13))
WIDGETS_MAJOR = 8  # the course's widgets are ipywidgets 8 widgets (course_utils.colab checks it too)
REINSTALL = "run `make lab` (or `pip install -r requirements.txt`) in the course folder"


@dataclass
class Check:
    """One line of the report: what was checked, what was found, and whether it is fine.

    ``ok`` is False for a problem (``FIX``, with ``advice`` under it). A ``warning`` marks a line that is
    not a problem but not what the course is tested on either (``warn``): a learner should know it when
    something fails later, and should not be told to fix it now.
    """

    name: str
    found: str
    ok: bool
    advice: str = ""
    note: str = ""  # printed under the line even when it is ok: information, nothing to fix
    warning: str = ""  # printed under an ok line, which it marks `warn`: it should work, but is not tested

    @property
    def label(self) -> str:
        """``FIX`` for a problem, ``warn`` for an ok line with a warning, else ``ok``."""
        return "FIX" if not self.ok else ("warn" if self.warning else "ok")


# What run_checks asks about packages, as parameters so tests can fake them: a distribution's version, and
# where a module would be imported from.
VersionLookup = Callable[[str], str | None]
SpecLookup = Callable[[str], ModuleSpec | None]


def installed_version(package: str) -> str | None:
    """The installed distribution's version, or None when pip has not installed it."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def major(version: str | None) -> int | None:
    """A version's major number (``'8.1.5'`` -> 8), None when there is no version."""
    return int(version.split(".")[0]) if version else None


def _size(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB" if n < 10 * 2**30 else f"{n / 2**30:.1f} GiB"


def _cpus(n: float) -> str:
    return f"{n:g} CPU" + ("s" if n > 1 else "")


def machine_checks(
    *, proc_cgroup: Path = resources.PROC_CGROUP, cgroup_root: Path = resources.CGROUP_ROOT
) -> list[Check]:
    """What the kernel may really use, beside what the machine shows.

    On Binder the machine shows every core of the host and all its memory, while the kernel gets
    one CPU (a CFS quota) and about 2 GB (a cgroup limit): the report says both, so a learner
    knows why training is slower than the quoted times and whether full mode fits.
    """
    affinity = resources.affinity_cpus()
    quota = resources.cpu_quota(proc_cgroup=proc_cgroup, cgroup_root=cgroup_root)
    usable = min(float(affinity), quota) if quota is not None else float(affinity)
    cores = os.cpu_count() or 0
    quota_text = f"CPU quota {_cpus(quota)}" if quota is not None else "no CPU quota"
    checks = [Check(
        "CPUs",
        f"{usable:g} usable (affinity {_cpus(affinity)}, {quota_text}); "
        f"the machine shows {cores} core{'' if cores == 1 else 's'}",
        True,
        note=SLOW_CPU_NOTE if usable < 1 else "",
    )]
    avx_text = resources.yes_no(resources.has_avx512())
    checks.append(Check("CPU model", f"{resources.cpu_model()}, AVX-512 {avx_text}", True))

    limit = resources.memory_limit_bytes(proc_cgroup=proc_cgroup, cgroup_root=cgroup_root)
    machine = resources.machine_memory_bytes()
    if limit is not None and (machine is None or limit < machine):
        found, usable_bytes = f"{_size(limit)} cgroup limit", limit
        if machine is not None:
            found += f" (the machine has {_size(machine)})"
    elif machine is not None:
        found, usable_bytes = f"{_size(machine)} on the machine, no cgroup limit below it", machine
    else:
        found, usable_bytes = "unknown", None
    fits = usable_bytes is None or usable_bytes >= FULL_MODE_MEMORY_BYTES
    checks.append(Check("Memory", found, fits, MEMORY_ADVICE))
    return checks


def python_check(version: Sequence[int] | None = None) -> Check:
    """Python 3.11 is ok; 3.12 and 3.13 warn (the pins install there, the course is not tested there); others fail.

    ``version`` (major, minor, micro) defaults to this interpreter's, and is a parameter so tests can ask
    about other Pythons.
    """
    version = tuple(sys.version_info[:3]) if version is None else tuple(version)

    def dotted(parts: Sequence[int]) -> str:
        return ".".join(map(str, parts))

    found, tested = dotted(version), dotted(TESTED_PYTHON)
    pinned = f"{dotted(PINNED_PYTHONS[0])} to {dotted(PINNED_PYTHONS[-1])}"
    if version[:2] == TESTED_PYTHON:
        return Check("Python", found, True)
    if version[:2] in PINNED_PYTHONS:
        return Check("Python", found, True, warning=(
            f"the course is tested on Python {tested}; its pinned packages install on {pinned}, so it should work"
            f" here, but if something fails, try Python {tested} first"))
    return Check("Python", found, False, (
        f"the course's pinned packages (requirements.txt) install on Python {pinned} only: install Python"
        f" {tested} and run `make lab PYTHON=/path/to/python{tested}` (or the README's commands without make)"))


def course_utils_check(*, version: VersionLookup = installed_version,
                       find_spec: SpecLookup = importlib.util.find_spec) -> Check:
    """The notebooks' helpers: installed by pip (``make lab``, Binder), or importable from a path (a hub's PYTHONPATH).

    A class hub often sets ``PYTHONPATH`` to the course folder instead of installing it, so there is no
    distribution for ``importlib.metadata`` to find; what matters is that ``import course_utils`` works. The
    line says which of the two it found and the folder it imports from, so a stale install elsewhere shows.
    ``version`` and ``find_spec`` are parameters so tests can fake either route.
    """
    installed = version("course-utils")
    spec = find_spec("course_utils")
    folder = None
    if spec is not None:
        locations = list(spec.submodule_search_locations or [])
        folder = Path(locations[0]) if locations else (Path(spec.origin).parent if spec.origin else None)
    where = str(folder) if folder is not None else "an unknown folder"
    if installed is not None and spec is not None:
        return Check("course-utils", f"{installed}, installed by pip; imports from {where}", True)
    if spec is not None:
        return Check("course-utils", f"not installed by pip; importable from {where} (PYTHONPATH or the current"
                     " folder)", True, note="fine: that is how a hub that sets PYTHONPATH to the course folder runs it")
    return Check("course-utils", "missing", False, (
        "the notebooks cannot import course_utils: run `make lab`, or `pip install --no-deps -e .` in the course"
        " folder, or set PYTHONPATH to the course folder"))


def run_checks(
    *,
    proc_cgroup: Path = resources.PROC_CGROUP,
    cgroup_root: Path = resources.CGROUP_ROOT,
    python: Sequence[int] | None = None,
    version: VersionLookup = installed_version,
    find_spec: SpecLookup = importlib.util.find_spec,
) -> list[Check]:
    """Check what the course needs; each failed check says how to fix it.

    Every input is a parameter so tests can check each line against a fake Python, fake packages and fake
    cgroup limits; the defaults look at this kernel.
    """
    checks = [python_check(python)]
    tf = version("tensorflow-cpu") or version("tensorflow")
    checks.append(Check("TensorFlow", tf or "missing", tf is not None and tf.startswith("2."), REINSTALL))
    keras = version("keras")
    checks.append(Check("Keras", keras or "missing", major(keras) == 3,
                        "the course is written for Keras 3: " + REINSTALL))
    widgets = version("ipywidgets")
    checks.append(Check("ipywidgets", widgets or "missing", major(widgets) == WIDGETS_MAJOR,
                        f"the widgets need ipywidgets {WIDGETS_MAJOR}: " + REINSTALL))
    for package in ("pandas", "matplotlib"):
        found = version(package)
        checks.append(Check(package, found or "missing", found is not None, REINSTALL))
    checks.append(course_utils_check(version=version, find_spec=find_spec))
    checks += machine_checks(proc_cgroup=proc_cgroup, cgroup_root=cgroup_root)
    return checks


def report(checks: list[Check] | None = None) -> str:
    """The checks as an aligned text table, with advice under each problem and each warning.

    A warning is not a problem: with only warnings the report still ends ``All set.``, and says how many.
    """
    checks = run_checks() if checks is None else checks
    lines = []
    for check in checks:
        lines.append(f"{check.label:<4} {check.name:<13} {check.found}")
        if not check.ok and check.advice:
            lines.append(f"     -> {check.advice}")
        if check.ok and check.warning:
            lines.append(f"     -> {check.warning}")
        if check.note:
            lines.append(f"     note: {check.note}")
    problems = sum(not c.ok for c in checks)
    warnings = sum(c.label == "warn" for c in checks)
    if problems:
        lines.append(f"{problems} problem(s) above: fix them before notebook 01.")
    elif warnings:
        lines.append(f"All set, with {warnings} warning(s) above: nothing to fix, worth knowing if something fails.")
    else:
        lines.append("All set.")
    return "\n".join(lines)
