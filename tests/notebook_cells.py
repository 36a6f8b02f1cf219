"""Run chosen notebook cells in a fresh kernel, for tests that check what a notebook's text claims."""
from __future__ import annotations

from pathlib import Path

import nbformat


def run_cells(monkeypatch, tmp_path: Path, mode: str, sources: list[str], folder: Path) -> list[str]:
    """Run ``sources`` as one notebook in ``mode`` ("quick" or "full"), from ``folder``; what each cell printed.

    Figures the cells save go to ``tmp_path``, not to ``build/``.
    """
    from nbclient import NotebookClient

    monkeypatch.setenv("COURSE_QUICK", "1" if mode == "quick" else "0")
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(text) for text in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    return ["".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout") for cell in notebook.cells]
