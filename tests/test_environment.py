"""The start page's environment check."""
import importlib.util
import os
import subprocess
import sys
from importlib.machinery import ModuleSpec
from pathlib import Path

import pytest

from course_utils import environment, resources
from course_utils.environment import Check, course_utils_check, python_check, report, run_checks

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


# --------------------------------------------------------------------- Python: ok, warn or FIX

def test_the_tested_python_is_ok():
    check = python_check((3, 11, 9))
    assert check.ok and check.label == "ok" and check.found == "3.11.9" and not check.warning


@pytest.mark.parametrize("version", [(3, 12, 4), (3, 13, 0)])
def test_a_python_the_pins_install_on_is_a_warning_not_a_problem(version):
    checks = run_checks(python=version)
    python = line(checks, "Python")
    assert python.ok and python.label == "warn"
    assert "tested on Python 3.11" in python.warning and "3.11 to 3.13" in python.warning
    text = report(checks)
    assert text.splitlines()[0] == f"warn Python        {'.'.join(map(str, version))}"
    assert text.splitlines()[1].startswith("     -> the course is tested on Python 3.11")
    assert "problem" not in text and text.endswith("All set, with 1 warning(s) above: nothing to fix, worth knowing"
                                                   " if something fails.")


@pytest.mark.parametrize("version", [(3, 10, 14), (3, 14, 0), (4, 0, 0)])
def test_a_python_the_pins_do_not_install_on_is_a_problem(version):
    checks = run_checks(python=version)
    python = line(checks, "Python")
    assert not python.ok and python.label == "FIX"
    text = report(checks)
    assert text.splitlines()[0].startswith("FIX  Python")
    assert "install on Python 3.11 to 3.13 only" in python.advice and "make lab PYTHON=" in python.advice
    assert "1 problem(s)" in text


def test_the_tested_and_pinned_pythons_agree_with_binder():
    runtime = (Path(__file__).resolve().parents[1] / "binder" / "runtime.txt").read_text().strip()
    assert runtime == "python-" + ".".join(map(str, environment.TESTED_PYTHON))
    assert environment.TESTED_PYTHON == environment.PINNED_PYTHONS[0]


# --------------------------------------------------------------------- course-utils: installed, or on a path

def fake_versions(**found):
    """A distribution lookup that knows this environment's packages, overridden by ``found`` (None: not installed)."""
    def version(name: str) -> str | None:
        key = name.replace("-", "_")
        return found[key] if key in found else environment.installed_version(name)

    return version


def package_spec(folder: Path) -> ModuleSpec:
    spec = ModuleSpec("course_utils", None, origin=str(folder / "__init__.py"), is_package=True)
    spec.submodule_search_locations = [str(folder)]
    return spec


def test_an_installed_course_utils_names_the_version_and_the_folder(tmp_path):
    check = course_utils_check(version=lambda name: "0.1.0", find_spec=lambda name: package_spec(tmp_path / "cu"))
    assert check.ok and check.label == "ok"
    assert check.found == f"0.1.0, installed by pip; imports from {tmp_path / 'cu'}"


def test_the_hub_route_pythonpath_without_pip_passes(tmp_path):
    """instructors/README.md's hub route: PYTHONPATH names the course folder and nothing is pip-installed."""
    course = tmp_path / "lstm-course" / "course_utils"
    checks = run_checks(version=fake_versions(course_utils=None), find_spec=lambda name: package_spec(course))
    found = line(checks, "course-utils")
    assert found.ok and found.label == "ok"
    assert found.found.startswith(f"not installed by pip; importable from {course} (PYTHONPATH")
    text = report(checks)
    assert "FIX" not in text and text.endswith("All set."), text
    assert "note: fine: that is how a hub that sets PYTHONPATH" in text


def test_the_hub_route_for_real_in_a_fresh_interpreter(tmp_path):
    """The real find_spec: a course folder on PYTHONPATH is found even when the installed package is hidden."""
    course = tmp_path / "lstm-course"
    (course / "course_utils").mkdir(parents=True)
    (course / "course_utils" / "__init__.py").write_text("")
    code = "import importlib.util; print(importlib.util.find_spec('course_utils').submodule_search_locations[0])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(course)})
    assert done.returncode == 0, done.stderr
    found = Path(done.stdout.strip())
    assert found == course / "course_utils"
    check = course_utils_check(version=lambda name: None, find_spec=lambda name: package_spec(found))
    assert check.ok and str(found) in check.found


def test_no_course_utils_at_all_is_a_problem():
    check = course_utils_check(version=lambda name: None, find_spec=lambda name: None)
    assert not check.ok and check.found == "missing"
    assert "PYTHONPATH" in check.advice and "pip install --no-deps -e ." in check.advice


def test_installed_metadata_without_an_importable_package_is_a_problem():
    # A pip install whose folder was moved or deleted: the metadata remains but nothing imports.
    check = course_utils_check(version=lambda name: "0.1.0", find_spec=lambda name: None)
    assert not check.ok and check.found == "missing"


def test_this_environments_course_utils_is_found_where_it_is():
    check = line(run_checks(), "course-utils")
    folder = Path(importlib.util.find_spec("course_utils").submodule_search_locations[0])
    assert check.ok and str(folder) in check.found


def test_missing_packages_are_problems():
    checks = run_checks(version=fake_versions(keras=None, pandas=None, ipywidgets="7.8.5"))
    assert not line(checks, "Keras").ok and line(checks, "Keras").found == "missing"
    assert not line(checks, "pandas").ok and not line(checks, "ipywidgets").ok
    assert "3 problem(s)" in report(checks)


def test_warnings_and_problems_together_count_only_the_problems():
    text = report([Check("Python", "3.12.1", True, warning="tested on 3.11"), Check("Keras", "missing", False, "x")])
    assert text.splitlines() == ["warn Python        3.12.1", "     -> tested on 3.11", "FIX  Keras         missing",
                                 "     -> x", "1 problem(s) above: fix them before notebook 01."]


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
