"""``make course``: run every notebook headless, in order, the way a learner would.

Each notebook runs top to bottom in a fresh kernel; its executed copy goes to
``build/notebooks/`` and everything it writes (plots, model, ``submission.csv``) to ``build/``.
One line per notebook reports the wall time and the kernel's peak memory, which is how we
know a notebook fits Binder's 2 GB.

``--solved`` (``make solutions``) runs each notebook with every exercise answered by its
reference solution instead (:mod:`course_utils.solutions`), writes those copies to
``build/solutions/`` (an answer key for instructors) and fails a notebook whose solved exercise
does not check as Correct.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import config

NOTEBOOK_DIR = config.REPO_ROOT / "notebooks"
# Asked of the kernel after the last cell: its own peak resident memory (kB on Linux, bytes on macOS).
PEAK_PROBE = "import resource, sys\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == 'darwin' else 1024))"


@dataclass
class RunResult:
    """How one notebook run went."""

    name: str
    ok: bool
    seconds: float
    peak_bytes: int | None
    error: str = ""

    def line(self) -> str:
        peak = f"{self.peak_bytes / 2**20:7,.0f} MB" if self.peak_bytes else "      ? MB"
        status = "ok    " if self.ok else "FAILED"
        return f"{self.name:<34} {status} {self.seconds:8.1f} s   peak {peak}" + (f"   {self.error}" if self.error else "")


def course_notebooks(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """The lesson notebooks, ``NN_name.ipynb``, in course order."""
    return sorted(p for p in directory.glob("[0-9][0-9]_*.ipynb"))


def run_notebook(path: Path, out_dir: Path, timeout: int | None = None, solved: bool = False) -> RunResult:
    """Execute one notebook in a fresh kernel; save the executed copy even when a cell fails.

    With ``solved``, every exercise is first answered with its solution, and a check that does not
    say Correct fails the run.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    exercise_cells = []
    if solved:
        from . import solutions

        notebook, exercise_cells = solutions.solve(notebook, solutions.lesson_exercises(path))
    notebook.cells.append(nbformat.v4.new_code_cell(PEAK_PROBE))
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    error = ""
    try:
        client.execute()
    except CellExecutionError as failure:
        error = str(failure).strip().splitlines()[-1][:200]
    seconds = time.perf_counter() - start
    probe = notebook.cells.pop()
    peak = None
    for output in probe.get("outputs", []):
        if output.get("name") == "stdout" and output.get("text", "").strip().isdigit():
            peak = int(output["text"].strip())
    if solved and not error:
        error = "; ".join(solutions.failed_checks(notebook, exercise_cells))
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, out_dir / path.name)
    return RunResult(path.name, not error, seconds, peak, error)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.runner", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only notebooks whose file name contains one of these")
    parser.add_argument("--timeout", type=int, default=None, help="seconds per cell (default: no limit)")
    parser.add_argument("--solved", action="store_true",
                        help="answer every exercise with its solution first; copies go to build/solutions/")
    args = parser.parse_args(argv)
    build = config.build_dir()
    os.environ["COURSE_BUILD_DIR"] = str(build)  # the kernels inherit it
    notebooks = [p for p in course_notebooks() if not args.names or any(n in p.name for n in args.names)]
    if not notebooks:
        print(f"error: no notebook in {NOTEBOOK_DIR} matches {args.names}", file=sys.stderr)
        return 2
    mode = "quick (COURSE_QUICK=1)" if config.is_quick() else "full"
    out_dir = build / ("solutions" if args.solved else "notebooks")
    what = "solved notebooks" if args.solved else "notebooks"
    print(f"Running {len(notebooks)} {what} in {mode} mode; executed copies go to {out_dir}")
    results = []
    for path in notebooks:
        result = run_notebook(path, out_dir, args.timeout, solved=args.solved)
        print(result.line(), flush=True)
        results.append(result)
    total = sum(r.seconds for r in results)
    print(f"{'total':<34} {'':6} {total:8.1f} s")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
