"""`make course`'s runner on small notebooks written here."""
from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest

from course_utils import resources
from course_utils.tools import runner


def make_notebook(path, *sources):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


def test_a_good_notebook_reports_time_and_peak_memory(tmp_path):
    source = make_notebook(tmp_path / "01_ok.ipynb", "block = bytearray(50 * 2**20)\nprint('done')")
    result = runner.run_notebook(source, tmp_path / "out")
    assert result.ok and result.seconds > 0
    assert result.peak_bytes is not None and result.peak_bytes > 50 * 2**20
    executed = nbformat.read(tmp_path / "out" / "01_ok.ipynb", as_version=4)
    assert len(executed.cells) == 1  # the memory probe is not left in the copy
    assert executed.cells[0].outputs[0]["text"] == "done\n"
    assert "01_ok.ipynb" in result.line() and "ok" in result.line() and "MB" in result.line()


def test_a_failing_notebook_is_reported_and_its_copy_kept(tmp_path):
    source = make_notebook(tmp_path / "02_bad.ipynb", "x = 1", "raise ValueError('broken on purpose')", "y = 2")
    result = runner.run_notebook(source, tmp_path / "out")
    assert not result.ok and "broken on purpose" in result.error
    assert "FAILED" in result.line()
    assert (tmp_path / "out" / "02_bad.ipynb").is_file()


def test_notebooks_are_found_in_course_order(tmp_path):
    for name in ["02_b.ipynb", "00_a.ipynb", "notes.ipynb", "01_c.ipynb"]:
        make_notebook(tmp_path / name, "pass")
    assert [p.name for p in runner.course_notebooks(tmp_path)] == ["00_a.ipynb", "01_c.ipynb", "02_b.ipynb"]


def run_runner(*args, build):
    """``python -m course_utils.tools.runner`` in its own process: ``--cpus`` changes the affinity of the process it
    runs in."""
    env = {**os.environ, "COURSE_BUILD_DIR": str(build)}
    return subprocess.run([sys.executable, "-m", "course_utils.tools.runner", *args], capture_output=True, text=True,
                          timeout=300, env=env)


def test_cpus_pins_every_kernel_and_the_header_says_so(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    make_notebook(notebooks / "01_cpus.ipynb", "import os\nprint(sorted(os.sched_getaffinity(0)))")
    make_notebook(notebooks / "02_again.ipynb", "import os\nprint(len(os.sched_getaffinity(0)))")
    done = run_runner("--cpus", "1", "--notebook-dir", str(notebooks), build=tmp_path / "build")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Running 2 notebooks")
    header = lines[1]
    assert header.startswith(f"Machine: {resources.cpu_model()}, AVX-512 ")
    assert "kernels may use 1 CPU of the" in header and "pinned with --cpus 1" in header and "memory limit" in header
    assert lines[2].startswith("01_cpus.ipynb") and "peak" in lines[2] and lines[3].startswith("02_again.ipynb")
    first = nbformat.read(tmp_path / "build" / "notebooks" / "01_cpus.ipynb", as_version=4)
    second = nbformat.read(tmp_path / "build" / "notebooks" / "02_again.ipynb", as_version=4)
    assert first.cells[0].outputs[0]["text"] == f"[{min(os.sched_getaffinity(0))}]\n"  # the first CPU it could use
    assert second.cells[0].outputs[0]["text"] == "1\n"


@pytest.mark.parametrize("asked", [0, -1, "too many"])
def test_cpus_outside_what_the_process_may_use_is_refused(tmp_path, capsys, monkeypatch, asked):
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / "build"))
    make_notebook(tmp_path / "01_a.ipynb", "pass")
    usable = runner.usable_cpus()
    n = usable + 1 if asked == "too many" else asked
    with pytest.raises(SystemExit) as stop:
        runner.main(["--cpus", str(n), "--notebook-dir", str(tmp_path)])
    assert stop.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"error: --cpus {n}: choose from 1 to {usable}, the CPUs this process may use (affinity" in error
    assert not (tmp_path / "build").exists()  # refused before anything ran


def test_solved_runs_combine_with_cpus(tmp_path):
    """``make solutions CPUS=1``: a notebook with no lesson module has nothing to solve, and runs pinned."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    make_notebook(notebooks / "98_plain.ipynb", "import os\nprint(len(os.sched_getaffinity(0)))")
    done = run_runner("--solved", "--cpus", "1", "--notebook-dir", str(notebooks), build=tmp_path / "build")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Running 1 solved notebooks") and "pinned with --cpus 1" in done.stdout
    executed = nbformat.read(tmp_path / "build" / "solutions" / "98_plain.ipynb", as_version=4)
    assert executed.cells[0].outputs[0]["text"] == "1\n"


def test_usable_cpus_rounds_the_quota_down_but_never_below_one(monkeypatch):
    monkeypatch.setattr(resources, "available_cpus", lambda: 1.5)
    assert runner.usable_cpus() == 1
    monkeypatch.setattr(resources, "available_cpus", lambda: 0.5)
    assert runner.usable_cpus() == 1
    monkeypatch.setattr(resources, "available_cpus", lambda: 4.0)
    assert runner.usable_cpus() == 4


def test_header_without_cpus_has_no_pinning(monkeypatch):
    monkeypatch.setattr(resources, "memory_limit_bytes", lambda: 2_000_000_000)
    header = runner.machine_line()
    assert header.startswith("Machine: ") and "pinned" not in header
    assert header.endswith("; cgroup memory limit 1,907 MB")


def test_pin_cpus_narrows_every_thread_and_what_it_starts():
    """In a child process (pinning is for good); a thread that existed before is narrowed too, and its children."""
    code = (
        "import os, subprocess, sys, threading\n"
        "from course_utils.tools import runner\n"
        "first = min(os.sched_getaffinity(0))\n"
        "go, seen = threading.Event(), []\n"
        "def later():\n"
        "    go.wait()\n"
        "    seen.append(os.sched_getaffinity(0))\n"
        "    seen.append(subprocess.run([sys.executable, '-c', 'import os; print(sorted(os.sched_getaffinity(0)))'],\n"
        "                               capture_output=True, text=True).stdout.strip())\n"
        "worker = threading.Thread(target=later)\n"
        "worker.start()\n"
        "kept = runner.pin_cpus(1)\n"
        "go.set(); worker.join()\n"
        "print(kept == {first}, os.sched_getaffinity(0) == {first}, seen[0] == {first}, seen[1] == str([first]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True"] * 4


def test_a_notebook_is_written_whole_or_not_at_all(tmp_path, full_disk_at_rename):
    """Executed copies (the runner) and refreshed notebooks go through one writer: temporary file, read back, rename."""
    import nbformat

    from course_utils.tools.conventions import write_notebook

    path = tmp_path / "00_x.ipynb"
    first = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("old")])
    write_notebook(first, path)
    before = path.read_bytes()
    assert before.endswith(b"}\n") and nbformat.reads(before.decode(), as_version=4).cells[0].source == "old"
    full_disk_at_rename(1)
    with pytest.raises(OSError, match="No space"):
        write_notebook(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("new")]), path)
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["00_x.ipynb"]
