"""Re-run notebooks in quick mode and keep only the outputs that nbval checks.

Notebooks are committed without outputs, except cells tagged ``nbval-check-output``, whose
stored output nbval compares on every test run. After editing a notebook, run
``.venv/bin/python -m course_utils.tools.refresh_notebook notebooks/NN_name.ipynb`` to store those
outputs fresh and clear everything else (execution counts, widget state, other outputs).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_utils.tools.conventions import CHECKED_TAG, write_notebook


def refresh(path: Path, execute: bool = True) -> None:
    notebook = nbformat.read(path, as_version=4)
    if execute:
        os.environ["COURSE_QUICK"] = "1"
        NotebookClient(
            notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        ).execute()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        # nbval refuses a stored output without an execution count, so checked cells keep theirs.
        if CHECKED_TAG not in cell.metadata.get("tags", []):
            cell.execution_count = None
            cell.outputs = []
        cell.metadata.pop("execution", None)
    notebook.metadata.pop("widgets", None)
    write_notebook(notebook, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--no-execute", action="store_true",
                        help="only strip outputs (tagged cells keep what they have)")
    args = parser.parse_args()
    for path in args.notebooks:
        refresh(path, execute=not args.no_execute)
        print(f"refreshed {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
