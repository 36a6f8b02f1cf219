"""Thread pools sized to the CPUs a container may use."""
from __future__ import annotations

import os

from course_utils import threads


def fake_cgroup(tmp_path, line, files):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "proc-self-cgroup").write_text(line + "\n")
    return {"proc_cgroup": tmp_path / "proc-self-cgroup", "cgroup_root": tmp_path}


def test_cgroup_v2_quota_on_the_parent_caps_the_count(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)))
    paths = fake_cgroup(tmp_path, "0::/jupyter/kernel", {"jupyter/cpu.max": "200000 100000\n",
                                                         "jupyter/kernel/cpu.max": "max 100000\n"})
    assert threads.available_cpus(**paths) == 2.0


def test_no_quota_means_the_affinity(tmp_path):
    paths = fake_cgroup(tmp_path, "0::/", {"cpu.max": "max 100000\n"})
    assert threads.available_cpus(**paths) == len(os.sched_getaffinity(0)) >= 1


def test_cgroup_v1_quota(tmp_path):
    paths = fake_cgroup(tmp_path, "4:cpu,cpuacct:/ctr", {"cpu,cpuacct/ctr/cpu.cfs_quota_us": "50000\n",
                                                         "cpu,cpuacct/ctr/cpu.cfs_period_us": "100000\n"})
    assert threads.available_cpus(**paths) == 0.5


def test_match_threads_uses_the_usable_count(monkeypatch):
    """Without an argument, match_threads gives each pool the usable CPUs, rounded down, at least one."""
    import tensorflow as tf

    set_to = []
    monkeypatch.setattr(threads, "available_cpus", lambda: 2.5)
    monkeypatch.setattr(tf.config.threading, "set_intra_op_parallelism_threads", set_to.append)
    monkeypatch.setattr(tf.config.threading, "set_inter_op_parallelism_threads", set_to.append)
    assert "2 inside each operation" in threads.match_threads()
    monkeypatch.setattr(threads, "available_cpus", lambda: 0.5)
    threads.match_threads()
    assert set_to == [2, 2, 1, 1]


def test_match_threads_sizes_both_pools_and_refuses_once_started():
    """In a fresh interpreter (TensorFlow's pools are fixed once it runs anything)."""
    import subprocess
    import sys

    code = (
        "from course_utils import threads\n"
        "import tensorflow as tf\n"
        "print(threads.match_threads(3))\n"
        "print(tf.config.threading.get_intra_op_parallelism_threads(),"
        " tf.config.threading.get_inter_op_parallelism_threads())\n"
        "tf.constant(1.0) + 1.0\n"
        "try:\n"
        "    threads.match_threads(2)\n"
        "except RuntimeError as error:\n"
        "    print('refused:', error)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("TensorFlow threads: 3 inside each operation, up to 3 operations at a time")
    assert lines[1] == "3 3"
    assert lines[2].startswith("refused: TensorFlow has already started") and "restart the kernel" in lines[2]
