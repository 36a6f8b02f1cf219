"""Size TensorFlow's thread pools to the CPUs this process may really use.

TensorFlow sizes its pools from the number of cores it sees. In a container (Binder, a CI
runner, a Kubernetes pod) that can be the host's 32 or 64 cores while the container may only
use 2 (or, on mybinder.org, 1): dozens of threads then take turns on those CPUs, and every
operation waits for the slowest of them. :func:`available_cpus` (from
:mod:`course_utils.resources`, kept here because the notebooks call ``threads.available_cpus()``)
reads what the process may use: the scheduler's CPU affinity, capped by the smallest cgroup CPU
quota on the process's own cgroup and its ancestors (Binder's limit sits on a child cgroup, not
at the root of ``/sys/fs/cgroup``). :func:`match_threads` sizes both pools to it. It must run
before TensorFlow executes anything; afterwards TensorFlow refuses the change.
"""
from __future__ import annotations

import os

from course_utils.resources import available_cpus

__all__ = ["available_cpus", "match_threads"]


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
    return (
        f"TensorFlow threads: {n} inside each operation, up to {n} operations at a time "
        f"({os.cpu_count()} cores seen, {n} usable)"
    )
