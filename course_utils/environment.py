"""The environment check of the start page: is this machine ready for the course?

Learners arrive from Binder, a laptop or a class JupyterHub. Checking the versions that
matter (Python 3.11, Keras 3, ipywidgets 8) and the machine's size up front turns a
confusing failure in notebook 05 into a clear message on the first page.
"""
from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from importlib import metadata


@dataclass
class Check:
    """One line of the report: what was checked, what was found, and whether it is fine."""

    name: str
    found: str
    ok: bool
    advice: str = ""


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _memory_gb() -> float | None:
    try:
        import psutil

        return psutil.virtual_memory().total / 2**30
    except ImportError:
        return None


def _major(version: str | None) -> int | None:
    return int(version.split(".")[0]) if version else None


def run_checks() -> list[Check]:
    """Check what the course needs; each failed check says how to fix it."""
    reinstall = "run `make lab` (or `pip install -r requirements.txt`) in the course folder"
    python = platform.python_version()
    checks = [Check("Python", python, sys.version_info[:2] == (3, 11), "the course is tested on Python 3.11")]
    tf = _version("tensorflow-cpu") or _version("tensorflow")
    checks.append(Check("TensorFlow", tf or "missing", tf is not None and tf.startswith("2."), reinstall))
    keras = _version("keras")
    checks.append(Check("Keras", keras or "missing", _major(keras) == 3, "the course is written for Keras 3: " + reinstall))
    widgets = _version("ipywidgets")
    checks.append(Check("ipywidgets", widgets or "missing", _major(widgets) == 8, "the widgets need ipywidgets 8: " + reinstall))
    for package in ("pandas", "matplotlib", "course-utils"):
        found = _version(package)
        checks.append(Check(package, found or "missing", found is not None, reinstall))
    cores = os.cpu_count() or 0
    checks.append(Check("CPU cores", str(cores), cores >= 1))
    memory = _memory_gb()
    checks.append(
        Check(
            "Memory",
            f"{memory:.1f} GB" if memory else "unknown",
            memory is None or memory >= 1.9,
            "the full-data notebooks need about 2 GB; use quick mode (COURSE_QUICK=1) on a smaller machine",
        )
    )
    return checks


def report(checks: list[Check] | None = None) -> str:
    """The checks as an aligned text table, with advice under each problem."""
    checks = run_checks() if checks is None else checks
    lines = []
    for check in checks:
        lines.append(f"{'ok ' if check.ok else 'FIX'}  {check.name:<13} {check.found}")
        if not check.ok and check.advice:
            lines.append(f"     -> {check.advice}")
    problems = sum(not c.ok for c in checks)
    lines.append("All set." if not problems else f"{problems} problem(s) above: fix them before notebook 01.")
    return "\n".join(lines)
