"""``make course``: run every notebook headless, in order, the way a learner would.

Each notebook runs top to bottom in a fresh kernel; its executed copy goes to
``build/notebooks/`` and everything it writes (plots, model, ``submission_full.csv``) to ``build/``.
One line per notebook reports the wall time and the kernel's peak memory, which is how we
know a notebook fits Binder's 2 GB.

``--solved`` (``make solutions``) runs each notebook with every exercise answered by its
reference solution instead (:mod:`course_utils.tools.solutions`), writes those copies to
``build/solutions/`` (an answer key for instructors) and fails a notebook whose solved exercise
does not check as Correct.

Before the notebooks, one line says what the kernels run on: the CPU model, whether it has
AVX-512, the CPUs the kernels may use (affinity capped by the cgroup quota) and the cgroup memory
limit, so two runs' times can be compared. ``--cpus N`` (``make course CPUS=1``) pins every
kernel to N CPUs, e.g. to time the notebooks on one CPU as on Binder (whose one CPU is a quota,
not a pinning, but TensorFlow gets one thread per pool either way): the runner narrows its own
CPU affinity to the first N CPUs it may use, the kernels it starts inherit that, and
:func:`course_utils.threads.match_threads` then sizes TensorFlow's pools to it.

Each executed copy records its run in its metadata (``course_run``: when, in which mode, on which
machine, how long, the peak) and the widgets' state, so that ``make site``
(:mod:`course_utils.tools.site`) can say where each page comes from and show the widgets as they
were left.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from course_utils import config, resources
from course_utils.tools.conventions import write_notebook

NOTEBOOK_DIR = config.REPO_ROOT / "notebooks"
# Asked of the kernel after the last cell: its own peak resident memory, in bytes, and the mode it ran in (a
# notebook's set-up cell may choose one other than the runner's COURSE_QUICK).
PROBE = ("import json\nfrom course_utils import config\nfrom course_utils.resources import peak_bytes\n"
         "print(json.dumps({'peak_bytes': peak_bytes(), 'mode': config.current_mode()}))")
#: The executed copy's notebook metadata key for how it was run (read by :mod:`course_utils.tools.site`).
RUN_METADATA = "course_run"


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
        return (f"{self.name:<34} {status} {self.seconds:8.1f} s   peak {peak}"
                + (f"   {self.error}" if self.error else ""))


def course_notebooks(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """The lesson notebooks, ``NN_name.ipynb``, in course order."""
    return sorted(p for p in directory.glob("[0-9][0-9]_*.ipynb"))


def read_probe(cell) -> dict:
    """What :data:`PROBE` printed (``peak_bytes``, ``mode``), or ``{}`` when the kernel died before it ran."""
    for output in cell.get("outputs", []):
        if output.get("name") == "stdout":
            try:
                found = json.loads(output.get("text", "").strip().splitlines()[-1])
            except (ValueError, IndexError):
                continue
            if isinstance(found, dict):
                return found
    return {}


def run_notebook(path: Path, out_dir: Path, timeout: int | None = None, solved: bool = False,
                 machine: str | None = None) -> RunResult:
    """Execute one notebook in a fresh kernel; save the executed copy even when a cell fails.

    With ``solved``, every exercise is first answered with its solution, and a check that does not
    say Correct fails the run. The copy keeps the widgets' state (so a static page can draw them) and,
    under :data:`RUN_METADATA`, when and in which mode it ran and on ``machine`` (default:
    :func:`machine_description`).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    exercise_cells = []
    if solved:
        from course_utils.tools import solutions

        notebook, exercise_cells = solutions.solve(notebook, solutions.lesson_exercises(path))
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}})
    started = datetime.now(timezone.utc)
    start = time.perf_counter()
    error = ""
    try:
        client.execute()
    except CellExecutionError as failure:
        error = str(failure).strip().splitlines()[-1][:200]
    seconds = time.perf_counter() - start
    probed = read_probe(notebook.cells.pop())
    peak = probed.get("peak_bytes") if isinstance(probed.get("peak_bytes"), int) else None
    notebook.metadata[RUN_METADATA] = {
        "executed_at": started.isoformat(timespec="seconds"),
        "mode": probed.get("mode"),  # None: the kernel died before the probe
        "machine": machine if machine is not None else machine_description(),
        "seconds": round(seconds, 1),
        "peak_bytes": peak,
    }
    if solved and not error:
        error = "; ".join(solutions.failed_checks(notebook, exercise_cells))
    write_notebook(notebook, out_dir / path.name)  # FileSet makes the folder
    return RunResult(path.name, not error, seconds, peak, error)


def usable_cpus() -> int:
    """Whole CPUs the kernels may use: the most ``--cpus`` accepts.

    The affinity capped by the cgroup quota, rounded down as :func:`threads.match_threads` does
    (with a quota of 1.5, two busy threads would only take turns), and never under one.
    """
    return max(1, int(resources.available_cpus()))


def pin_cpus(n: int) -> set[int]:
    """Narrow this process's CPU affinity to the first ``n`` CPUs of its current affinity.

    Kernels started afterwards inherit the affinity (a child process starts with the affinity of
    the thread that started it), so every notebook runs on those CPUs. Returns the CPUs kept.
    """
    keep = set(sorted(os.sched_getaffinity(0))[:n])
    pin_process(keep)
    return keep


def pin_process(keep: set[int]) -> None:
    """Set the CPU affinity of every thread of this process to ``keep``.

    On Linux the affinity belongs to each thread, so every thread this process already has is
    narrowed too, in case one of them starts a kernel. The test workers of ``make test`` use it as
    well (``tests/conftest.py``).
    """
    os.sched_setaffinity(0, keep)
    try:
        tids = [int(tid) for tid in os.listdir("/proc/self/task")]
    except OSError:
        tids = []
    for tid in tids:
        try:
            os.sched_setaffinity(tid, keep)
        except OSError:  # the thread has ended meanwhile
            pass


def machine_line(pinned: int | None = None) -> str:
    """One line on what the kernels run on, printed before the notebooks' lines."""
    return f"Machine: {machine_description(pinned)}"


def machine_description(pinned: int | None = None) -> str:
    """What the kernels run on, as :func:`machine_line` prints it and each executed copy records it.

    The CPU model and AVX-512 explain most of the difference between two machines' times; the
    CPUs the kernels may use (and why: a ``--cpus`` pinning, a cgroup quota) and the memory limit
    say whether the times and peaks stand for a Binder session.
    """
    avx = resources.yes_no(resources.has_avx512())
    cpus = resources.available_cpus()
    why = [f"pinned with --cpus {pinned}"] if pinned else []
    quota = resources.cpu_quota()
    if quota is not None:
        why.append(f"cgroup CPU quota {quota:g}")
    limit = resources.memory_limit_bytes()
    memory = f"cgroup memory limit {limit / 2**20:,.0f} MB" if limit is not None else "no cgroup memory limit"
    cores = os.cpu_count() or 0
    return (f"{resources.cpu_model()}, AVX-512 {avx}; kernels may use {cpus:g} CPU{'s' if cpus > 1 else ''} "
            f"of the {cores} core{'s' if cores != 1 else ''} it shows" + (f" ({', '.join(why)})" if why else "")
            + f"; {memory}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.tools.runner", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only notebooks whose file name contains one of these")
    parser.add_argument("--timeout", type=int, default=None, help="seconds per cell (default: no limit)")
    parser.add_argument("--solved", action="store_true",
                        help="answer every exercise with its solution first; copies go to build/solutions/")
    parser.add_argument("--cpus", type=int, default=None, metavar="N",
                        help="pin every notebook's kernel to N CPUs (the first N this process may use)")
    parser.add_argument("--notebook-dir", type=Path, default=NOTEBOOK_DIR, metavar="DIR",
                        help=f"where the NN_name.ipynb notebooks are (default: {NOTEBOOK_DIR})")
    args = parser.parse_args(argv)
    if args.cpus is not None:
        if not hasattr(os, "sched_setaffinity"):
            parser.error("--cpus needs os.sched_setaffinity, which this system (not Linux) lacks")
        usable = usable_cpus()
        if not 1 <= args.cpus <= usable:
            quota = resources.cpu_quota()
            affinity = resources.affinity_cpus()
            parser.error(f"--cpus {args.cpus}: choose from 1 to {usable}, the CPUs this process may use (affinity "
                         f"{affinity} CPU{'s' if affinity > 1 else ''}, "
                         + (f"cgroup CPU quota {quota:g})" if quota is not None else "no cgroup CPU quota)"))
    build = config.build_dir()
    os.environ["COURSE_BUILD_DIR"] = str(build)  # the kernels inherit it
    notebooks = [p for p in course_notebooks(args.notebook_dir)
                 if not args.names or any(n in p.name for n in args.names)]
    if not notebooks:
        print(f"error: no notebook in {args.notebook_dir} matches {args.names}", file=sys.stderr)
        return 2
    if args.cpus is not None:
        pin_cpus(args.cpus)  # before any kernel starts: they inherit it
    mode = "quick (COURSE_QUICK=1)" if config.is_quick() else "full"
    out_dir = build / ("solutions" if args.solved else "notebooks")
    what = "solved notebooks" if args.solved else "notebooks"
    print(f"Running {len(notebooks)} {what} in {mode} mode; executed copies go to {out_dir}")
    print(machine_line(args.cpus), flush=True)
    machine = machine_description(args.cpus)
    results = []
    for path in notebooks:
        result = run_notebook(path, out_dir, args.timeout, solved=args.solved, machine=machine)
        print(result.line(), flush=True)
        results.append(result)
    total = sum(r.seconds for r in results)
    print(f"{'total':<34} {'':6} {total:8.1f} s")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
