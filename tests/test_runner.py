"""`make course`'s runner on small notebooks written here."""
from __future__ import annotations

import nbformat

from course_utils import runner


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
