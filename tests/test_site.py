"""``make site`` on one tiny notebook executed here by the runner: a plot, a slider, and the refusals."""
from __future__ import annotations

import copy
import os
import re

import nbformat
import pytest

from course_utils.tools import runner, site

WIDGET_STATE = '<script type="application/vnd.jupyter.widget-state+json">'
TINY = [
    nbformat.v4.new_markdown_cell("# 00 · A plot and a slider\n\nOne sentence."),
    # The kernel's mode, which the runner's probe records: quick here, whatever the test process runs in.
    nbformat.v4.new_code_cell("import os\nos.environ['COURSE_QUICK'] = '1'"),
    nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([0, 1, 2], [2, 0, 1])\nplt.show()"),
    nbformat.v4.new_code_cell("import ipywidgets as widgets\nwidgets.IntSlider(value=3, max=7, description='days')"),
]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The tiny notebook as ``make course`` leaves it (executed once for the whole module)."""
    folder = tmp_path_factory.mktemp("course")
    notebook = nbformat.v4.new_notebook(cells=TINY)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "00_plot.ipynb")
    result = runner.run_notebook(folder / "00_plot.ipynb", folder / "executed", machine="Test CPU, AVX-512 no")
    assert result.ok, result.error
    return nbformat.read(folder / "executed" / "00_plot.ipynb", as_version=4)


def course_folder(tmp_path, executed, *, second_mode: str = "full"):
    """Two executed notebooks, as ``build/notebooks``: the tiny one, and a copy under a later number and title."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(executed, folder / "00_plot.ipynb")
    later = copy.deepcopy(executed)
    later.cells[0].source = "# 01 · The same again"
    later.metadata[runner.RUN_METADATA]["mode"] = second_mode
    nbformat.write(later, folder / "01_again.ipynb")
    return folder


def test_the_runner_records_the_run_and_the_widget_state(executed):
    run = executed.metadata[runner.RUN_METADATA]
    assert run["mode"] == "quick" and run["machine"] == "Test CPU, AVX-512 no"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", run["executed_at"])
    assert run["seconds"] > 0 and run["peak_bytes"] > 2**20
    state = executed.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert any(model["state"].get("value") == 3 and model["model_name"] == "IntSliderModel"
               for model in state.values())


def test_pages_embed_the_plot_and_the_widgets_and_the_index_lists_them_in_order(tmp_path, executed, capsys):
    source = course_folder(tmp_path, executed)
    out = tmp_path / "site"
    assert site.main(["--source", str(source), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["00_plot.html", "01_again.html", "index.html"]
    page = (out / "00_plot.html").read_text(encoding="utf-8")
    assert "<title>00 · A plot and a slider</title>" in page
    assert 'src="data:image/png;base64,' in page  # the plot is inside the page, not a file beside it
    assert WIDGET_STATE in page and 'application/vnd.jupyter.widget-view+json' in page
    assert f"@jupyter-widgets/html-manager@{site.HTML_MANAGER_RANGE}/dist/embed-amd.js" in page
    assert 'href="index.html"' in page and "quick mode" in page and "no Python kernel runs" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', index)
    assert links == [("00_plot.html", "00 · A plot and a slider"), ("01_again.html", "01 · The same again")]
    assert "Test CPU, AVX-512 no" in index and "<td>quick</td>" in index and "<td>full</td>" in index
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC</td>", index)
    err = capsys.readouterr().err
    assert "00_plot.ipynb ran in quick mode" in err and "01_again.ipynb" not in err  # only the quick one warns


def test_a_rebuild_replaces_the_old_site_and_a_failed_one_keeps_it(tmp_path, executed, monkeypatch):
    source = course_folder(tmp_path, executed)
    out = tmp_path / "site"
    (out).mkdir()
    (out / "index.html").write_text(f'<meta name="generator" content="{site.GENERATOR}">', encoding="utf-8")
    (out / "99_gone.html").write_text("from an older build", encoding="utf-8")
    site.build_site(source, out)
    assert sorted(p.name for p in out.iterdir()) == ["00_plot.html", "01_again.html", "index.html"]
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken_write(self, text, encoding=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(site.Path, "write_text", broken_write)
    with pytest.raises(OSError, match="No space"):
        site.build_site(source, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks", "site"]  # no temporary folder left


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path, executed):
    source = course_folder(tmp_path, executed)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(site.SiteError, match=r"mine holds files that are not a site .* left as it was"):
        site.build_site(source, out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_missing_or_empty_source_is_refused_saying_to_run_make_course(tmp_path, capsys):
    missing = tmp_path / "build" / "notebooks"
    assert site.main(["--source", str(missing), "--out", str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err
    assert f"error: {missing} does not exist" in err and "Run `make course` first" in err
    missing.mkdir(parents=True)
    (missing / "notes.ipynb").write_text("{}", encoding="utf-8")  # not NN_name.ipynb: not a course notebook
    assert site.main(["--source", str(missing), "--out", str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err
    assert f"{missing} holds no executed notebook (NN_name.ipynb)" in err and "Run `make course` first" in err
    assert not (tmp_path / "site").exists()


def test_a_notebook_without_outputs_is_refused_by_name(tmp_path, executed):
    source = course_folder(tmp_path, executed)
    cleared = copy.deepcopy(executed)
    for cell in cleared.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    nbformat.write(cleared, source / "02_cleared.ipynb")
    with pytest.raises(site.SiteError, match=r"02_cleared\.ipynb has no outputs: .* Run `make course` first"):
        site.build_site(source, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_a_damaged_notebook_is_refused_naming_the_line(tmp_path, executed):
    source = course_folder(tmp_path, executed)
    (source / "02_cut.ipynb").write_text('{\n "cells": [\n', encoding="utf-8")
    with pytest.raises(site.SiteError, match=r"02_cut\.ipynb, line \d+, column \d+: .*cut off.*make course"):
        site.build_site(source, tmp_path / "site")


def test_a_failed_cell_and_an_unrecorded_run_are_warned_about(tmp_path, executed, capsys):
    source = course_folder(tmp_path, executed)
    failed = copy.deepcopy(executed)
    del failed.metadata[runner.RUN_METADATA]
    failed.cells[2].outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="boom", traceback=[])]
    nbformat.write(failed, source / "02_failed.ipynb")
    site.build_site(source, tmp_path / "site")
    err = capsys.readouterr().err
    assert "02_failed.ipynb does not record its mode" in err
    assert "02_failed.ipynb stopped at an error in code cell 2" in err
    assert "<td>not recorded</td>" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_a_killed_build_s_temporary_folder_is_removed_and_a_running_one_kept(tmp_path, executed):
    source = course_folder(tmp_path, executed)
    dead = tmp_path / ".site.999999999.abcd1234.part"  # no process has that id (above Linux's pid_max)
    running = tmp_path / f".site.{os.getppid()}.efgh5678.part"
    for folder in (dead, running):
        folder.mkdir()
        (folder / "index.html").write_text("half a site", encoding="utf-8")
    site.build_site(source, tmp_path / "site")
    assert not dead.exists() and running.is_dir()
