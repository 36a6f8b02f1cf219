"""Thread pools sized to the CPUs a container may use."""
from __future__ import annotations

from course_utils import threads


def test_cgroup_v2_quota_caps_the_count(tmp_path):
    (tmp_path / "cpu.max").write_text("200000 100000\n")
    assert threads.available_cpus(tmp_path) == min(2.0, threads.available_cpus(tmp_path / "none"))


def test_no_quota_means_the_affinity(tmp_path):
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert threads.available_cpus(tmp_path) == threads.available_cpus(tmp_path / "none") >= 1


def test_cgroup_v1_quota(tmp_path):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("50000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert threads.available_cpus(tmp_path) == 0.5


def test_match_threads_sizes_both_pools_and_refuses_once_started():
    """In a fresh interpreter (TensorFlow's pools are fixed once it runs anything)."""
    import subprocess
    import sys

    code = (
        "from course_utils import threads\n"
        "import tensorflow as tf\n"
        "print(threads.match_threads(3))\n"
        "print(tf.config.threading.get_intra_op_parallelism_threads(), tf.config.threading.get_inter_op_parallelism_threads())\n"
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
