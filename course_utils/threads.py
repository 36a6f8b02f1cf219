"""Size TensorFlow's thread pools to the CPUs this process may really use.

TensorFlow sizes its pools from the number of cores it sees. In a container (Binder, a CI
runner, a Kubernetes pod) that can be the host's 32 or 64 cores while the container may only
use 2: dozens of threads then take turns on two CPUs, and every operation waits for the
slowest of them. :func:`available_cpus` reads what the process may use (the scheduler's CPU
affinity, capped by the cgroup CPU quota), and :func:`match_threads` sizes both pools to it.
It must run before TensorFlow executes anything; afterwards TensorFlow refuses the change.
"""
from __future__ import annotations

import os
from pathlib import Path


def _quota_v2(path: Path) -> float | None:
    limit, period = path.read_text().split()[:2]
    return None if limit == "max" else int(limit) / int(period)


def _quota_v1(path: Path) -> float | None:
    quota = int(path.read_text())
    period = int(path.with_name("cpu.cfs_period_us").read_text())
    return None if quota <= 0 else quota / period


def available_cpus(cgroup_root: Path = Path("/sys/fs/cgroup")) -> float:
    """CPUs this process may use: its CPU affinity, capped by a cgroup quota when there is one.

    ``os.cpu_count()`` is the machine's count, which in a container may be far more than its quota.
    """
    cpus = float(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    for path, parse in ((cgroup_root / "cpu.max", _quota_v2), (cgroup_root / "cpu" / "cpu.cfs_quota_us", _quota_v1)):
        try:
            quota = parse(path)
        except (OSError, ValueError):
            continue
        if quota:
            cpus = min(cpus, quota)
    return cpus


def match_threads(cpus: float | None = None) -> str:
    """Give TensorFlow one thread per available CPU inside an operation, and as many operations at a time.

    Returns a line saying what was set. Both pools get the usable count, not the count of cores
    the machine shows. Letting two operations run side by side pays in an LSTM step: its product
    of the inputs and its product of the previous output do not wait for each other (on 2 cores,
    a training step of notebook 06's fast LSTM took 290 ms with 2 x 2 threads, 340 ms with 2 x 1).
    """
    import tensorflow as tf

    n = max(1, int(cpus if cpus is not None else available_cpus()))
    try:
        tf.config.threading.set_intra_op_parallelism_threads(n)
        tf.config.threading.set_inter_op_parallelism_threads(n)
    except RuntimeError as error:
        raise RuntimeError(
            "TensorFlow has already started, so its threads can no longer change: restart the kernel and call "
            "match_threads() before anything runs TensorFlow (it belongs in the set-up cell)."
        ) from error
    return f"TensorFlow threads: {n} inside each operation, up to {n} operations at a time ({os.cpu_count()} cores seen, {n} usable)"
