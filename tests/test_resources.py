"""What the process may use, read from fake cgroup v1 and v2 trees (and, where it can run, binder-sim)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils import resources, threads

REPO = Path(__file__).resolve().parents[1]
BINDER_SIM = REPO.parent / "shared" / "tools" / "binder-sim"
V1_UNLIMITED = "9223372036854771712"  # what cgroup v1 writes for "no limit" on x86-64


def tree(tmp_path: Path, proc_cgroup: str, files: dict[str, str]) -> dict[str, Path]:
    """A fake ``/proc/self/cgroup`` and ``/sys/fs/cgroup``; returns the keyword arguments pointing at them."""
    root = tmp_path / "sys-fs-cgroup"
    root.mkdir()
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
    proc = tmp_path / "proc-self-cgroup"
    proc.write_text(proc_cgroup.strip() + "\n")
    return {"proc_cgroup": proc, "cgroup_root": root}


@pytest.fixture
def four_cores(monkeypatch):
    """Pretend the scheduler lets this process run on four cores, whatever the test machine has."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})


# ---------------------------------------------------------------------------------- cgroup v2

def test_v2_limit_on_the_parent_applies_to_a_child_cgroup(tmp_path, four_cores):
    """JupyterHub's systemd spawner: the kernel sits in a child cgroup; the quota is on its parent."""
    paths = tree(tmp_path, "0::/user.slice/jupyter-ann.service/kernel", {
        "cgroup.controllers": "cpu memory",
        "cpu.max": "max 100000",
        "user.slice/jupyter-ann.service/cpu.max": "150000 100000",
        "user.slice/jupyter-ann.service/memory.max": "2000000000",
        "user.slice/jupyter-ann.service/kernel/cpu.max": "max 100000",
        "user.slice/jupyter-ann.service/kernel/memory.max": "max",
    })
    assert resources.cpu_quota(**paths) == 1.5
    assert resources.available_cpus(**paths) == 1.5
    assert resources.memory_limit_bytes(**paths) == 2_000_000_000


def test_v2_the_smallest_limit_on_the_way_up_wins(tmp_path, four_cores):
    paths = tree(tmp_path, "0::/outer/inner", {
        "outer/cpu.max": "50000 100000",  # half a CPU on the parent
        "outer/memory.max": "3000000000",
        "outer/inner/cpu.max": "300000 100000",  # three on the child: the parent's half still applies
        "outer/inner/memory.max": "1000000000",
    })
    assert resources.available_cpus(**paths) == 0.5
    assert resources.memory_limit_bytes(**paths) == 1_000_000_000


def test_v2_max_means_no_limit(tmp_path, four_cores):
    paths = tree(tmp_path, "0::/a/b", {"cpu.max": "max 100000", "a/cpu.max": "max 100000", "a/b/cpu.max": "max 100000",
                                       "a/memory.max": "max", "a/b/memory.max": "max"})
    assert resources.cpu_quota(**paths) is None
    assert resources.available_cpus(**paths) == 4.0
    assert resources.memory_limit_bytes(**paths) is None


def test_affinity_smaller_than_the_quota_wins(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {2, 5})
    paths = tree(tmp_path, "0::/pod", {"pod/cpu.max": "800000 100000"})
    assert resources.cpu_quota(**paths) == 8.0
    assert resources.available_cpus(**paths) == 2.0


def test_hybrid_system_reads_v2_under_unified(tmp_path, four_cores):
    """v1 hierarchies at the root, v2 mounted at unified/: a v2 path is relative to unified/."""
    paths = tree(tmp_path, "1:cpu:/\n0::/box", {
        "cpu/cpu.cfs_quota_us": "-1",
        "cpu/cpu.cfs_period_us": "100000",
        "unified/cgroup.controllers": "cpu",
        "unified/box/cpu.max": "200000 100000",
    })
    assert resources.available_cpus(**paths) == 2.0


# ---------------------------------------------------------------------------------- cgroup v1

@pytest.mark.parametrize("folder", ["cpu", "cpu,cpuacct", "cpuacct,cpu"])
def test_v1_quota_on_the_parent_whatever_the_mount_folder_is_called(tmp_path, four_cores, folder):
    paths = tree(tmp_path, "7:memory:/kubepods/pod1/ctr\n4:cpu,cpuacct:/kubepods/pod1/ctr\n0::/", {
        f"{folder}/cpu.cfs_quota_us": "-1",
        f"{folder}/cpu.cfs_period_us": "100000",
        f"{folder}/kubepods/pod1/cpu.cfs_quota_us": "50000",
        f"{folder}/kubepods/pod1/cpu.cfs_period_us": "100000",
        f"{folder}/kubepods/pod1/ctr/cpu.cfs_quota_us": "-1",
        f"{folder}/kubepods/pod1/ctr/cpu.cfs_period_us": "100000",
        "memory/memory.limit_in_bytes": V1_UNLIMITED,
        "memory/kubepods/pod1/memory.limit_in_bytes": "1999998976",
        "memory/kubepods/pod1/ctr/memory.limit_in_bytes": V1_UNLIMITED,
    })
    assert resources.cpu_quota(**paths) == 0.5
    assert resources.available_cpus(**paths) == 0.5
    assert resources.memory_limit_bytes(**paths) == 1_999_998_976


def test_v1_minus_one_and_the_huge_value_mean_no_limit(tmp_path, four_cores):
    paths = tree(tmp_path, "4:cpu,cpuacct:/job\n7:memory:/job", {
        "cpu,cpuacct/job/cpu.cfs_quota_us": "-1",
        "cpu,cpuacct/job/cpu.cfs_period_us": "100000",
        "memory/job/memory.limit_in_bytes": V1_UNLIMITED,
        "memory/memory.limit_in_bytes": "9223372036854775807",
    })
    assert resources.cpu_quota(**paths) is None
    assert resources.available_cpus(**paths) == 4.0
    assert resources.memory_limit_bytes(**paths) is None


def test_a_limit_on_another_controllers_hierarchy_is_ignored(tmp_path, four_cores):
    """A stray memory file under the cpu hierarchy, or a cpu file under pids, is no limit."""
    paths = tree(tmp_path, "4:cpu:/a\n8:pids:/a\n7:memory:/a", {
        "pids/a/cpu.cfs_quota_us": "10000",
        "pids/a/cpu.cfs_period_us": "100000",
        "cpu/a/memory.limit_in_bytes": "1000",
    })
    assert resources.cpu_quota(**paths) is None
    assert resources.memory_limit_bytes(**paths) is None


def test_no_cgroup_file_means_no_limit(tmp_path, four_cores):
    paths = {"proc_cgroup": tmp_path / "absent", "cgroup_root": tmp_path / "absent-too"}
    assert resources.cpu_quota(**paths) is None
    assert resources.available_cpus(**paths) == 4.0
    assert resources.memory_limit_bytes(**paths) is None


# ---------------------------------------------------------------------------------- the CPU itself

def test_cpu_model_and_avx512_from_cpuinfo(tmp_path):
    with_avx = tmp_path / "with"
    with_avx.write_text("processor\t: 0\ncpu family\t: 25\nmodel\t\t: 17\nmodel name\t: AMD EPYC 9654\n"
                        "flags\t\t: fpu sse2 avx2 avx512f avx512bw\n\n")
    without = tmp_path / "without"
    without.write_text("processor\t: 0\nmodel name\t: Intel(R) Core(TM) i5\nflags\t\t: fpu sse2 avx2 avx512_fake\n")
    no_flags = tmp_path / "arm"
    no_flags.write_text("processor\t: 0\nFeatures\t: fp asimd\n")
    assert resources.cpu_model(with_avx) == "AMD EPYC 9654 (family 25 model 17)"
    assert resources.has_avx512(with_avx) is True
    assert resources.cpu_model(without) == "Intel(R) Core(TM) i5" and resources.has_avx512(without) is False
    assert resources.has_avx512(no_flags) is None and resources.cpu_model(no_flags)  # falls back to platform
    assert resources.has_avx512(tmp_path / "absent") is None and resources.cpu_model(tmp_path / "absent")


def test_bf16_from_either_flag(tmp_path):
    def cpuinfo(name, flags):
        path = tmp_path / name
        path.write_text(f"processor\t: 0\nmodel name\t: x\nflags\t\t: {flags}\n")
        return path

    assert resources.has_bf16(cpuinfo("zen4", "fpu avx512f avx512_bf16 avx512_vnni")) is True
    assert resources.has_bf16(cpuinfo("sapphire", "fpu avx512f amx_bf16 amx_tile")) is True
    assert resources.has_bf16(cpuinfo("icelake", "fpu avx512f avx512_vnni avx512_bf16x")) is False  # whole flags only
    assert resources.has_bf16(cpuinfo("arm", "")) is False
    no_flags = tmp_path / "nothing"
    no_flags.write_text("processor\t: 0\nFeatures\t: fp asimd\n")
    assert resources.has_bf16(no_flags) is None and resources.has_bf16(tmp_path / "absent") is None
    assert [resources.yes_no(answer) for answer in (True, False, None)] == ["yes", "no", "unknown"]


def test_machine_memory_is_the_physical_total():
    total = resources.machine_memory_bytes()
    assert total is not None and total > 256 * 2**20


# ---------------------------------------------------------------------------------- real processes

def test_threads_keeps_available_cpus():
    assert threads.available_cpus is resources.available_cpus


def test_a_process_pinned_to_one_cpu_has_one():
    code = (
        "import os\n"
        "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})\n"
        "from course_utils import threads\n"
        "print(threads.available_cpus())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) == 1.0


def run_in_binder_sim(code: str) -> str:
    if not BINDER_SIM.is_file():
        pytest.skip(f"{BINDER_SIM} is not here (only developers' machines have ../shared/tools)")
    if os.geteuid() != 0:
        pytest.skip("binder-sim needs root to create cgroups")
    done = subprocess.run([str(BINDER_SIM), "--", sys.executable, "-c", code],
                          capture_output=True, text=True, timeout=120)
    if done.returncode == 2 and "binder-sim:" in done.stderr and "exit" not in done.stderr:
        pytest.skip(f"binder-sim cannot run here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_inside_binder_sim_one_cpu_and_2_gb():
    """The real thing: a child cgroup with a one-CPU quota and a 2,000,000,000-byte memory limit."""
    out = run_in_binder_sim("from course_utils import resources\n"
                            "print(resources.available_cpus(), resources.memory_limit_bytes())")
    cpus, memory = out.split()
    assert float(cpus) == 1.0
    assert memory != "None" and 1_500_000_000 < int(memory) <= 2_000_000_000


def test_release_memory_collects_cycles_and_returns_the_heap():
    class Node:
        freed = 0

        def __del__(self):
            Node.freed += 1

    # Small objects in a reference cycle: only the garbage collector frees them, into the heap.
    nodes = [Node() for _ in range(2000)]
    for a, b in zip(nodes, nodes[1:] + nodes[:1]):
        a.partner, a.payload = b, bytearray(50_000)
    before = resources.resident_mib()
    del nodes, a, b
    released = resources.release_memory()
    assert Node.freed == 2000
    if sys.platform.startswith("linux"):
        assert before is not None and before > 90
        assert released is not None and released > 50, f"released only {released} MiB of about 100"


FAULTS_SCRIPT = """
import resource, sys
from course_utils import resources
line = resources.tune_malloc() if sys.argv[1] == "tuned" else ""
sizes = [(2 + (i * 7) % 11) * 10_000 for i in range(1000)]  # 20 to 120 kB, about 70 MB in all, as a step frees them
start = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(30):
    blocks = [bytearray(size) for size in sizes]
    del blocks
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - start, line)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mallopt is glibc's; elsewhere nothing to tune")
def test_tune_malloc_keeps_freed_memory_for_the_next_step(tmp_path):
    """Allocate and free 70 MB thirty times: glibc's defaults fault every page in again each time; tuned, the heap
    keeps it."""
    script = tmp_path / "faults.py"
    script.write_text(FAULTS_SCRIPT)

    def faults(mode: str) -> tuple[int, str]:
        out = subprocess.run([sys.executable, str(script), mode], capture_output=True, text=True, check=True).stdout
        count, _, line = out.strip().partition(" ")
        return int(count), line

    default, _ = faults("default")
    tuned, line = faults("tuned")
    if resources._glibc() is None:
        pytest.skip("this C library is not glibc: tune_malloc leaves it alone")
    assert "64 MiB" in line and "128 MiB" in line
    assert default > 200_000 and tuned < default / 5, (default, tuned)


def test_resident_mib_reads_this_process():
    value = resources.resident_mib()
    if sys.platform.startswith("linux"):
        assert value is not None and 10 < value < 100_000
    else:
        assert value is None


def test_peak_bytes_grows_with_what_the_process_touched():
    before = resources.peak_bytes()
    now = resources.resident_mib()
    # The peak only moves once the process is above its earlier high-water mark: go 100 MiB past it.
    size = int(before - (now or 0) * 2**20) + 150 * 2**20 if now is not None else 400 * 2**20
    block = bytearray(size)
    block[:: 4096] = b"x" * len(block[:: 4096])  # touch every page
    assert resources.peak_bytes() >= before + 100 * 2**20
    assert resources.resident_mib() is None or resources.peak_bytes() / 2**20 >= resources.resident_mib() - 1
