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
