"""The environment check of the start page: is this machine ready for the course?

Learners arrive from Binder, a laptop or a class JupyterHub. Checking the versions that
matter (Python 3.11, Keras 3, ipywidgets 8) and the machine's size up front turns a
confusing failure in notebook 05 into a clear message on the first page. The size is what the
kernel may really use (:mod:`course_utils.resources`): on Binder the machine shows all of a
host's cores and memory, while a cgroup gives the kernel one CPU and about 2 GB.
"""
from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from importlib import metadata
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


@dataclass
class Check:
    """One line of the report: what was checked, what was found, and whether it is fine."""

    name: str
    found: str
    ok: bool
    advice: str = ""
    note: str = ""  # printed under the line even when it is ok: information, nothing to fix


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _major(version: str | None) -> int | None:
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
    avx512 = resources.has_avx512()
    avx_text = "unknown" if avx512 is None else ("yes" if avx512 else "no")
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


def run_checks(*, proc_cgroup: Path = resources.PROC_CGROUP, cgroup_root: Path = resources.CGROUP_ROOT) -> list[Check]:
    """Check what the course needs; each failed check says how to fix it.

    The cgroup paths are parameters so tests can check the machine lines against fake limits.
    """
    reinstall = "run `make lab` (or `pip install -r requirements.txt`) in the course folder"
    python = platform.python_version()
    checks = [Check("Python", python, sys.version_info[:2] == (3, 11), "the course is tested on Python 3.11")]
    tf = _version("tensorflow-cpu") or _version("tensorflow")
    checks.append(Check("TensorFlow", tf or "missing", tf is not None and tf.startswith("2."), reinstall))
    keras = _version("keras")
    checks.append(Check("Keras", keras or "missing", _major(keras) == 3,
                        "the course is written for Keras 3: " + reinstall))
    widgets = _version("ipywidgets")
    checks.append(Check("ipywidgets", widgets or "missing", _major(widgets) == 8,
                        "the widgets need ipywidgets 8: " + reinstall))
    for package in ("pandas", "matplotlib", "course-utils"):
        found = _version(package)
        checks.append(Check(package, found or "missing", found is not None, reinstall))
    checks += machine_checks(proc_cgroup=proc_cgroup, cgroup_root=cgroup_root)
    return checks


def report(checks: list[Check] | None = None) -> str:
    """The checks as an aligned text table, with advice under each problem."""
    checks = run_checks() if checks is None else checks
    lines = []
    for check in checks:
        lines.append(f"{'ok ' if check.ok else 'FIX'}  {check.name:<13} {check.found}")
        if not check.ok and check.advice:
            lines.append(f"     -> {check.advice}")
        if check.note:
            lines.append(f"     note: {check.note}")
    problems = sum(not c.ok for c in checks)
    lines.append("All set." if not problems else f"{problems} problem(s) above: fix them before notebook 01.")
    return "\n".join(lines)
