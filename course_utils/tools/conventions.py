"""The course's notebook conventions, stated once for the tools and the tests that enforce them.

``docs/authoring.md`` explains them; ``tests/test_notebook_hygiene.py`` checks them.
"""
from __future__ import annotations

import re
from pathlib import Path

from course_utils.files import write_atomically

#: Cells with this tag keep their committed output, and nbval compares it on every test run.
CHECKED_TAG = "nbval-check-output"
#: An exercise cell's check line, ``ex3.check()`` (a trailing comment allowed); group 1 is the number.
CHECK_LINE = re.compile(r"^\s*ex(\d+)\.check\(\)\s*(?:#.*)?$", re.M)
#: The commented-out hint and solution lines that follow it.
HINT_LINE = re.compile(r"^\s*#\s*ex(\d+)\.hint\(\)\s*$", re.M)
SOLUTION_LINE = re.compile(r"^\s*#\s*ex(\d+)\.solution\(\)\s*$", re.M)
#: How many typical mistakes each exercise's test must show failing with the right message.
MIN_MISTAKES = 2


def write_notebook(notebook, path: Path | str) -> Path:
    """Write a notebook as the repository stores them (a final newline), through a temporary file read back as a
    notebook: a failed or killed write never leaves half a notebook in place of the old one."""
    import nbformat

    text = nbformat.writes(notebook)
    return write_atomically(path, text if text.endswith("\n") else text + "\n",
                            verify=lambda temp: nbformat.read(temp, as_version=4))
