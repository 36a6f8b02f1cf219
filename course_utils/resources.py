"""What this process may really use: CPUs, memory, and what kind of CPU it runs on.

The numbers a program sees first are the machine's: ``os.cpu_count()`` and the RAM in
``/proc/meminfo``. On mybinder.org (and in most containers) the kernel enforces smaller limits
through cgroups: one CPU as a CFS *quota* (the process still sees, and may be scheduled on,
every core, but gets one CPU-second per second) and about 2 GB of memory. A kernel that trusts
the machine's numbers starts dozens of TensorFlow threads that take turns on one CPU, or loads
data the memory limit will not hold, and the out-of-memory killer ends it without a message.

The limits are not always at the root of ``/sys/fs/cgroup``: JupyterHub's systemd spawner (and
``binder-sim``) put the process in a *child* cgroup without a cgroup namespace, and a limit set
on any ancestor of that cgroup applies too. So this module reads the process's own cgroup from
``/proc/self/cgroup`` and walks from it up to the root, keeping the smallest limit, for both
cgroup v2 (one ``0::/path`` line; ``cpu.max``, ``memory.max``) and v1 (one line per hierarchy,
e.g. ``4:cpu,cpuacct:/path``; ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``,
``memory.limit_in_bytes``). Every path is a parameter so tests can build fake trees.
"""
from __future__ import annotations

import os
import platform
from pathlib import Path, PurePosixPath

PROC_CGROUP = Path("/proc/self/cgroup")
CGROUP_ROOT = Path("/sys/fs/cgroup")
CPUINFO = Path("/proc/cpuinfo")

# cgroup v1 writes "no limit" as the largest page-aligned counter (9223372036854771712 on x86-64),
# not as a word; anything this large (1 EiB) is no limit a learner will meet.
_V1_UNLIMITED = 2**60
# The folder a v1 CPU hierarchy is mounted on depends on the distribution.
_V1_CPU_FOLDERS = ("cpu", "cpu,cpuacct", "cpuacct,cpu")


def _cgroup_lines(proc_cgroup: Path) -> list[tuple[str, str]]:
    """``/proc/self/cgroup`` as (controllers, path) pairs, e.g. ``("cpu,cpuacct", "/a/b")``; v2's is ``""``.

    A missing or unreadable file (macOS, a sandbox) gives no lines: then there is no cgroup limit
    we could read, which is reported as no limit rather than as an error.
    """
    try:
        text = proc_cgroup.read_text()
    except OSError:
        return []
    lines = []
    for line in text.splitlines():
        parts = line.strip().split(":", 2)
        if len(parts) == 3:
            _, controllers, path = parts
            lines.append((controllers, path))
    return lines


def _ancestors(path: str) -> list[PurePosixPath]:
    """The cgroup itself, then each parent up to the root (``/a/b`` -> ``a/b``, ``a``, ``.``).

    Inside a cgroup namespace a path outside it reads ``/../..``; those parts cannot be followed,
    so they are dropped and the walk checks what the mount shows.
    """
    parts = [p for p in PurePosixPath(path).parts if p not in ("/", "..")]
    return [PurePosixPath(*parts[:i]) for i in range(len(parts), -1, -1)]


def _v2_base(cgroup_root: Path) -> Path:
    """Where the unified (v2) hierarchy is mounted: the root, or ``unified/`` on a hybrid system.

    A hybrid system mounts v1 hierarchies at the root and v2 under ``unified/``; a v2 path in
    ``/proc/self/cgroup`` is relative to that mount.
    """
    if not (cgroup_root / "cgroup.controllers").exists() and (cgroup_root / "unified" / "cgroup.controllers").exists():
        return cgroup_root / "unified"
    return cgroup_root


def _directories(controller: str, v1_folders: tuple[str, ...], proc_cgroup: Path, cgroup_root: Path) -> list[Path]:
    """Every cgroup folder whose limit on ``controller`` applies to this process, its own first.

    For each hierarchy that handles the controller (v2's, and v1's mounted at one of
    ``v1_folders`` or at the folder named after its controllers), the process's cgroup and each
    of its ancestors. Folders that do not exist are kept out; duplicates (``cpu`` is often a
    link to ``cpu,cpuacct``) appear once.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for controllers, path in _cgroup_lines(proc_cgroup):
        if not controllers:
            bases = [_v2_base(cgroup_root)]
        elif controller in controllers.split(","):
            bases = [cgroup_root / name for name in (controllers, *v1_folders)]
        else:
            continue
        for base in bases:
            for relative in _ancestors(path):
                directory = base / relative
                try:
                    key = directory.resolve()
                except OSError:
                    continue
                if key not in seen and directory.is_dir():
                    seen.add(key)
                    found.append(directory)
    return found


def _v2_cpu(directory: Path) -> float | None:
    """``cpu.max`` is ``QUOTA PERIOD`` in microseconds, or ``max PERIOD`` for no limit."""
    fields = (directory / "cpu.max").read_text().split()
    if not fields or fields[0] == "max":
        return None
    period = int(fields[1]) if len(fields) > 1 else 100_000
    return int(fields[0]) / period


def _v1_cpu(directory: Path) -> float | None:
    """``cpu.cfs_quota_us`` over ``cpu.cfs_period_us``; a quota of -1 means no limit."""
    quota = int((directory / "cpu.cfs_quota_us").read_text())
    if quota <= 0:
        return None
    return quota / int((directory / "cpu.cfs_period_us").read_text())


def cpu_quota(*, proc_cgroup: Path = PROC_CGROUP, cgroup_root: Path = CGROUP_ROOT) -> float | None:
    """The smallest CFS quota, in CPUs (1.5 = one and a half CPU-seconds per second), or None.

    A quota does not change which cores the process may run on, only how much CPU time it gets,
    so ``os.cpu_count()`` and the affinity both miss it. None when no cgroup on the way up sets one.
    """
    quotas = []
    for directory in _directories("cpu", _V1_CPU_FOLDERS, proc_cgroup, cgroup_root):
        for parse in (_v2_cpu, _v1_cpu):
            try:
                quota = parse(directory)
            except (OSError, ValueError, IndexError, ZeroDivisionError):
                continue
            if quota is not None and quota > 0:
                quotas.append(quota)
    return min(quotas) if quotas else None


def affinity_cpus() -> int:
    """How many cores the scheduler lets this process run on (``taskset``, a cpuset, ``--cpus``).

    Falls back to the machine's count where there is no affinity call (macOS).
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def available_cpus(*, proc_cgroup: Path = PROC_CGROUP, cgroup_root: Path = CGROUP_ROOT) -> float:
    """CPUs this process may use: its CPU affinity, capped by the smallest cgroup CPU quota.

    This, not ``os.cpu_count()`` (the machine's count, which in a container may be far more than
    its quota), is the number to size thread pools by. It can be fractional (a quota of 0.5).
    """
    cpus = float(affinity_cpus())
    quota = cpu_quota(proc_cgroup=proc_cgroup, cgroup_root=cgroup_root)
    return min(cpus, quota) if quota is not None else cpus


def _v2_memory(directory: Path) -> int | None:
    value = (directory / "memory.max").read_text().strip()
    return None if value == "max" else int(value)


def _v1_memory(directory: Path) -> int | None:
    value = int((directory / "memory.limit_in_bytes").read_text())
    return None if value <= 0 or value >= _V1_UNLIMITED else value


def memory_limit_bytes(*, proc_cgroup: Path = PROC_CGROUP, cgroup_root: Path = CGROUP_ROOT) -> int | None:
    """The smallest cgroup memory limit on this process's cgroup and its ancestors, or None.

    Past this limit the kernel's out-of-memory killer ends the process (in Jupyter: "the kernel
    died"), however much memory the machine has. None when no cgroup sets one (``max`` in v2,
    v1's huge "unlimited" value).
    """
    limits = []
    for directory in _directories("memory", ("memory",), proc_cgroup, cgroup_root):
        for parse in (_v2_memory, _v1_memory):
            try:
                limit = parse(directory)
            except (OSError, ValueError):
                continue
            if limit is not None:
                limits.append(limit)
    return min(limits) if limits else None


def machine_memory_bytes() -> int | None:
    """The machine's physical memory (what ``free`` shows as total), or None when unknown.

    In a container this is the host's memory; :func:`memory_limit_bytes` is what the process may use.
    """
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        if pages > 0 and page_size > 0:
            return pages * page_size
    except (ValueError, OSError, AttributeError):
        pass
    try:
        import psutil

        return int(psutil.virtual_memory().total)
    except ImportError:
        return None


def _cpuinfo_field(name: str, cpuinfo: Path) -> str | None:
    try:
        text = cpuinfo.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return None


def cpu_model(cpuinfo: Path = CPUINFO) -> str:
    """The CPU's name (``model name`` in ``/proc/cpuinfo``) and family and model, so timings can be compared.

    A virtual machine often shows a bare "AMD EPYC" for every generation: the family and model
    numbers tell them apart (family 25 model 1 is a Zen 3 Milan, 25 model 17 a Zen 4 Genoa, 26 a
    Zen 5). Falls back to what :mod:`platform` knows (the architecture at least) off Linux.
    """
    name = _cpuinfo_field("model name", cpuinfo)
    if name is None:
        return platform.processor() or platform.machine() or "unknown CPU"
    family, model = _cpuinfo_field("cpu family", cpuinfo), _cpuinfo_field("model", cpuinfo)
    return f"{name} (family {family} model {model})" if family and model else name


def _cpu_flags(cpuinfo: Path) -> set[str] | None:
    """The ``flags`` of ``/proc/cpuinfo``'s first CPU, or None when it has none (not Linux, or an ARM CPU)."""
    flags = _cpuinfo_field("flags", cpuinfo)
    return None if flags is None else set(flags.split())


def yes_no(answer: bool | None) -> str:
    """``"yes"``, ``"no"``, or ``"unknown"`` for None: how the machine lines print :func:`has_avx512` and
    :func:`has_bf16`."""
    return "unknown" if answer is None else ("yes" if answer else "no")


def has_avx512(cpuinfo: Path = CPUINFO) -> bool | None:
    """Whether the CPU has AVX-512 (the ``avx512f`` flag), or None when ``/proc/cpuinfo`` does not say.

    TensorFlow's CPU kernels (oneDNN) use it when it is there, so it is one reason two machines with
    the same number of CPUs train at different speeds.
    """
    flags = _cpu_flags(cpuinfo)
    return None if flags is None else "avx512f" in flags


BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def has_bf16(cpuinfo: Path = CPUINFO) -> bool | None:
    """Whether the CPU multiplies bfloat16 numbers in hardware (``avx512_bf16`` or ``amx_bf16``), or None when
    ``/proc/cpuinfo`` does not say.

    On such a CPU oneDNN's bfloat16 matrix products are faster than float32's (notebook 05's training: about 1.5
    times as fast); elsewhere it emulates bfloat16, slower than float32, so the course only asks for bfloat16
    where this says yes (:func:`course_utils.sentiment_models.fast_precision`).
    """
    flags = _cpu_flags(cpuinfo)
    return None if flags is None else not flags.isdisjoint(BF16_FLAGS)


def peak_bytes() -> int:
    """This process's peak resident memory in bytes (``ru_maxrss``: Linux reports kB, macOS bytes).

    It counts the pages of TensorFlow's shared libraries the process has touched (about 640 MiB),
    which is why a notebook that imports TensorFlow never reports less than that.
    """
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def resident_mib() -> float | None:
    """This process's resident memory now, in MiB (``VmRSS``); None where ``/proc`` has no such line."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


#: glibc's ``mallopt`` parameters (malloc.h) and the values :func:`tune_malloc` gives them.
_M_TRIM_THRESHOLD, _M_TOP_PAD = -1, -2
MALLOC_TOP_PAD = 64 * 2**20
MALLOC_TRIM_THRESHOLD = 128 * 2**20


def _glibc():
    """The C library as a ``ctypes`` handle on Linux with glibc, else None (macOS, Windows, musl)."""
    import ctypes
    import ctypes.util

    library = ctypes.util.find_library("c")
    if platform.system() != "Linux" or not library:
        return None
    try:
        libc = ctypes.CDLL(library)
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def tune_malloc() -> str:
    """Keep freed memory in the heap for the next training step instead of handing it back at once.

    A training step allocates and frees hundreds of buffers of a few MB (every gate of every time
    step, and its gradient). glibc's defaults give memory back to the kernel as soon as 128 kB sit
    free at the top of the heap, so the next step asks for it again and the kernel must fault in,
    and zero, every page anew; with batches of changing widths (sorted batches) the heap never
    settles. Where page faults are dear (a virtual machine: Binder, CI, a cloud VM) that dominates:
    on an AMD EPYC (family 25 model 1, a KVM guest, 2 CPUs), one epoch of notebook 05's training
    on a fifth of the real data took 4.2 million page faults and 18.8 s of kernel time with the
    defaults, 0.2 million and 2.5 s with these settings, and about half the time. The cost: the
    heap keeps up to 128 MB it could have returned (about 85 MB more peak memory there), and
    :func:`release_memory` still returns it on demand. Smaller values do not pay: on one CPU of an
    Intel Xeon (family 6 model 167, 2026-12-02), 8 epochs of that training on all the data took 8.4
    million page faults and 20.5 s of kernel time with these settings, 12.7 million and 30.6 s with
    16 and 32 MiB (an 8,192-token batch's gate products are 32 MiB buffers), at the same peak
    (1,167 and 1,162 MiB); notebook 05 peaked at the same 1,233 MiB with 16/32 MiB, and notebook 06
    only 10 MiB lower with glibc's defaults (1,575 against 1,585). Returns a line saying what was set ("" where
    the C library is not glibc, or ``COURSE_MALLOC=glibc`` asks for its defaults: nothing changes).
    """
    libc = _glibc()
    if libc is None or os.environ.get("COURSE_MALLOC") == "glibc":  # COURSE_MALLOC=glibc: to compare with the defaults
        return ""
    if not (libc.mallopt(_M_TOP_PAD, MALLOC_TOP_PAD) and libc.mallopt(_M_TRIM_THRESHOLD, MALLOC_TRIM_THRESHOLD)):
        return ""
    return (f"malloc: the heap grows by {MALLOC_TOP_PAD // 2**20} MiB at a time and keeps up to "
            f"{MALLOC_TRIM_THRESHOLD // 2**20} MiB free for the next step")


def release_memory() -> float | None:
    """Collect Python's garbage and hand the freed heap back to the operating system; MiB released.

    A trained Keras model keeps its traced training, evaluation and prediction graphs (100 to 300
    MB in notebook 06); ``del model`` drops the last reference, but the memory goes back to the
    heap, not to the system, so the next model grows the process further. ``gc.collect()`` frees
    what reference cycles still hold, and glibc's ``malloc_trim(0)`` returns the free pages, so
    the next model reuses them. Returns how much the resident set shrank (None where ``/proc``
    cannot tell; on systems without glibc only the garbage collection runs).
    """
    import gc

    before = resident_mib()
    gc.collect()
    libc = _glibc()
    if libc is not None:  # elsewhere (musl, macOS) the collection is all we can do
        libc.malloc_trim(0)
    after = resident_mib()
    return None if before is None or after is None else max(0.0, before - after)
