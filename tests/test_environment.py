"""The start page's environment check."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils import environment, resources
from course_utils.environment import Check, report, run_checks

BINDER_SIM = Path(__file__).resolve().parents[1].parent / "shared" / "tools" / "binder-sim"


def test_this_environment_passes():
    checks = run_checks()
    names = [c.name for c in checks]
    assert {"Python", "TensorFlow", "Keras", "ipywidgets"} <= set(names)
    assert all(c.ok for c in checks), report(checks)


def test_report_gives_advice_for_problems():
    text = report([Check("Keras", "2.15.0", False, "the course is written for Keras 3"),
                   Check("Python", "3.11.7", True)])
    assert "FIX  Keras" in text and "-> the course is written for Keras 3" in text
    assert "ok   Python" in text and "1 problem(s)" in text


# --------------------------------------------------------------------- what the kernel may really use

def limits(tmp_path, cpu_max="max 100000", memory_max="max"):
    """A fake v2 tree: the kernel in a child cgroup, the limits on its parent (as JupyterHub's spawner does)."""
    child = tmp_path / "user.slice" / "jupyter" / "kernel"
    child.mkdir(parents=True)
    (child.parent / "cpu.max").write_text(cpu_max + "\n")
    (child.parent / "memory.max").write_text(memory_max + "\n")
    (tmp_path / "proc-self-cgroup").write_text("0::/user.slice/jupyter/kernel\n")
    return {"proc_cgroup": tmp_path / "proc-self-cgroup", "cgroup_root": tmp_path}


def line(checks, name):
    return next(c for c in checks if c.name == name)


def test_binder_limits_fit_and_are_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)))
    checks = run_checks(**limits(tmp_path, "100000 100000", "2000000000"))
    cpus, model, memory = line(checks, "CPUs"), line(checks, "CPU model"), line(checks, "Memory")
    assert cpus.ok and cpus.found.startswith("1 usable (affinity 16 CPUs, CPU quota 1 CPU); the machine shows")
    assert model.ok and "AVX-512 " in model.found and resources.cpu_model() in model.found
    assert memory.ok and memory.found.startswith("1,907 MiB cgroup limit (the machine has")
    assert "FIX" not in report(checks) and report(checks).endswith("All set.")


def test_a_memory_limit_too_small_for_full_mode_says_what_to_do(tmp_path):
    checks = run_checks(**limits(tmp_path, memory_max="1000000000"))
    memory = line(checks, "Memory")
    assert not memory.ok and memory.found.startswith("954 MiB cgroup limit")
    text = report(checks)
    assert "FIX  Memory" in text and "1 problem(s)" in text
    advice = text.split("FIX  Memory", 1)[1]
    assert "1.2 GB" in advice and "close the other notebooks' kernels" in advice and 'MODE = "quick"' in advice


def test_no_memory_limit_reports_the_machines_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "machine_memory_bytes", lambda: 16 * 2**30)
    memory = line(run_checks(**limits(tmp_path)), "Memory")
    assert memory.ok and memory.found == "16.0 GiB on the machine, no cgroup limit below it"
    monkeypatch.setattr(resources, "machine_memory_bytes", lambda: 1024 * 2**20)
    memory = line(run_checks(**limits(tmp_path / "small")), "Memory")
    assert not memory.ok and memory.found.startswith("1,024 MiB on the machine")


def test_half_a_cpu_is_information_not_a_problem(tmp_path):
    checks = run_checks(**limits(tmp_path, "50000 100000"))
    cpus = line(checks, "CPUs")
    assert cpus.ok and cpus.found.startswith("0.5 usable") and "CPU quota 0.5 CPU)" in cpus.found
    text = report(checks)
    cpu_part = text.split("ok   CPUs", 1)[1].split("ok   CPU model", 1)[0]
    assert "note: less than one CPU is enough" in cpu_part and "FIX" not in cpu_part and "->" not in cpu_part


def test_notes_print_under_ok_lines():
    text = report([Check("CPUs", "0.5 usable", True, "unused advice", note="slow but fine")])
    assert text.splitlines() == ["ok   CPUs          0.5 usable", "     note: slow but fine", "All set."]


def test_report_inside_binder_sim():
    if not BINDER_SIM.is_file():
        pytest.skip(f"{BINDER_SIM} is not here (only developers' machines have ../shared/tools)")
    if os.geteuid() != 0:
        pytest.skip("binder-sim needs root to create cgroups")
    code = "from course_utils import environment\nprint(environment.report())"
    done = subprocess.run([str(BINDER_SIM), "--", sys.executable, "-c", code],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = {row[5:18].strip(): row for row in done.stdout.splitlines() if row[:3] in ("ok ", "FIX")}
    assert lines["CPUs"].startswith("ok   CPUs          1 usable (") and "CPU quota 1 CPU" in lines["CPUs"]
    assert lines["Memory"].startswith("ok   Memory        1,907 MiB cgroup limit")
    assert environment.FULL_MODE_MEMORY_BYTES < 2_000_000_000
