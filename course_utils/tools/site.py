"""``make site``: the executed notebooks as a static site, to read the course without running it.

Notebooks are committed without outputs, so the repository alone shows no plot and no result. This
tool turns the executed copies that ``make course`` writes (``build/notebooks/``) into one HTML page
each (nbconvert's JupyterLab template, every image inside the page) and an ``index.html`` that lists
them in course order with their titles and where each run came from: when, in which mode, on which
machine (what the runner records under :data:`runner.RUN_METADATA`).

The pages work offline, with three exceptions loaded from public CDNs when a page has them: the
widget manager (``@jupyter-widgets/html-manager``, with require.js) that draws the widgets from the
state the run saved, MathJax for the formulas, and the Binder badge. The widgets show the state they
were left in; nothing recomputes when a slider moves, as no Python kernel runs behind a page.

It never runs the notebooks itself (a full ``make course`` takes a quarter of an hour or more): it refuses, saying
to run ``make course`` first, when the folder is missing, holds no executed notebook, or holds one
without outputs. It warns when a copy ran in quick mode, whose numbers are the synthetic sample's.
The site is built in a temporary folder beside the target and renamed into place, so a failed build
leaves the previous site as it was.
"""
from __future__ import annotations

import argparse
import html
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course_utils import config
from course_utils.files import TEMP_SUFFIX, is_temporary, read_json, temporary_writer_is_gone
from course_utils.tools.runner import RUN_METADATA, course_notebooks

#: Marks the index pages this tool writes: an existing ``--out`` folder without it is never replaced.
GENERATOR = "course_utils.tools.site"
#: The html-manager release line that renders ipywidgets 8's saved state (nbconvert's default is any version).
HTML_MANAGER_RANGE = "^1.0"
WIDGETS_NOTE = ("The widgets show the state they were left in when the notebook ran: moving them changes nothing, "
                "as no Python kernel runs behind this page. To use them, open the notebook in JupyterLab or on Binder.")
FIX = "Run `make course` first (it executes every notebook into that folder), then `make site`."


class SiteError(Exception):
    """The site cannot be built; the message names the file or folder, what is wrong and what to do."""


@dataclass
class Page:
    """One executed notebook and what the site says about it."""

    source: Path
    notebook: Any  # nbformat.NotebookNode
    title: str
    run: dict

    @property
    def html_name(self) -> str:
        return self.source.with_suffix(".html").name

    def mode(self) -> str:
        return str(self.run.get("mode") or "not recorded")

    def when(self) -> str:
        stamp = self.run.get("executed_at")
        return stamp.replace("T", " ").replace("+00:00", " UTC") if isinstance(stamp, str) else "not recorded"

    def cost(self) -> str:
        """``"35 s, peak 706 MiB"``, or what of it the runner recorded."""
        parts = []
        if isinstance(self.run.get("seconds"), (int, float)):
            parts.append(f"{self.run['seconds']:,.0f} s")
        if isinstance(self.run.get("peak_bytes"), int):
            parts.append(f"peak {self.run['peak_bytes'] / 2**20:,.0f} MiB")
        return ", ".join(parts) or "not recorded"

    def machine(self) -> str:
        return str(self.run.get("machine") or "not recorded")

    def error_cell(self) -> int | None:
        """The number (from 1, code cells only) of the first code cell whose output is an error."""
        code = [cell for cell in self.notebook.cells if cell.cell_type == "code"]
        for number, cell in enumerate(code, start=1):
            if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
                return number
        return None


def notebook_title(notebook, fallback: str) -> str:
    """The text of the first markdown heading (``# 01 · Title``), else ``fallback``."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.lstrip().startswith("#"):
                title = line.strip().lstrip("#").strip()
                if title:
                    return title
    return fallback


def read_notebook(path: Path):
    """An executed copy, or :class:`SiteError` naming the file and what is wrong with it.

    Read with :func:`course_utils.files.read_json`, whose messages name the line and column of a damaged file.
    """
    from nbformat.v4.nbjson import JSONReader

    fix = "Run `make course` again to write it anew, then `make site`."
    value = read_json(path, SiteError, fix=fix)
    if not isinstance(value, dict) or not isinstance(value.get("cells"), list):
        raise SiteError(f"{path} is JSON but not a notebook (it has no list of cells). {fix}")
    if value.get("nbformat") != 4:
        raise SiteError(f"{path} is a notebook of format {value.get('nbformat')!r}; the course writes format 4. {fix}")
    return JSONReader().to_notebook(value)  # as nbformat.read does: source lines joined into one string


def has_outputs(notebook) -> bool:
    """Whether any code cell has an output: a copy without one was never run, and its page would show no result."""
    return any(cell.cell_type == "code" and cell.get("outputs") for cell in notebook.cells)


def collect_pages(source: Path) -> list[Page]:
    """The executed notebooks in ``source``, in course order; refuses what is not an executed course."""
    if not source.is_dir():
        what = "is a file, not a folder" if source.exists() else "does not exist"
        raise SiteError(f"{source} {what}: there are no executed notebooks to publish. {FIX}")
    paths = course_notebooks(source)
    if not paths:
        raise SiteError(f"{source} holds no executed notebook (NN_name.ipynb). {FIX}")
    pages = []
    for path in paths:
        notebook = read_notebook(path)
        if not has_outputs(notebook):
            raise SiteError(f"{path} has no outputs: it was never executed, or its outputs were cleared. {FIX}")
        run = notebook.metadata.get(RUN_METADATA)
        pages.append(Page(path, notebook, notebook_title(notebook, path.stem), run if isinstance(run, dict) else {}))
    return pages


def warnings_for(pages: list[Page]) -> list[str]:
    """What a reader of the site should not be misled by: quick-mode runs, unrecorded modes, failed cells."""
    found = []
    for page in pages:
        mode = page.run.get("mode")
        if mode == "quick":
            found.append(f"{page.source} ran in quick mode: its numbers are the synthetic sample's, not the real "
                         "data's. For the site, run `make course` in full mode (without COURSE_QUICK=1).")
        elif mode is None:
            found.append(f"{page.source} does not record its mode (it was not executed by `make course`, or by an "
                         "older one): its page says \"not recorded\". Run `make course` to record it.")
        cell = page.error_cell()
        if cell is not None:
            found.append(f"{page.source} stopped at an error in code cell {cell}: its page ends there. Fix it and "
                         "run `make course` again.")
    return found


def banner(page: Page) -> str:
    """The markdown cell put at the top of each page: the way back, where the run came from, what widgets do."""
    return (f"[← All notebooks](index.html) · Executed {page.when()} in **{page.mode()} mode** "
            f"({page.cost()}) on {page.machine()}.\n\n*{WIDGETS_NOTE}*")


def render_page(page: Page) -> str:
    """One notebook as a self-contained HTML page (images inside it), with the banner on top."""
    import copy

    import nbformat
    from nbconvert import HTMLExporter

    notebook = copy.deepcopy(page.notebook)
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(banner(page)))
    exporter = HTMLExporter(template_name="lab", embed_images=True, html_manager_semver_range=HTML_MANAGER_RANGE)
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": page.title,
                                                                           "path": str(page.source.parent)}})
    return body


def render_index(pages: list[Page]) -> str:
    """The index page: every notebook in course order, its title as the link, and where its run came from."""
    rows = "\n".join(
        f"<tr><td><a href=\"{html.escape(page.html_name)}\">{html.escape(page.title)}</a></td>"
        f"<td>{html.escape(page.when())}</td><td>{html.escape(page.mode())}</td>"
        f"<td>{html.escape(page.cost())}</td><td>{html.escape(page.machine())}</td></tr>"
        for page in pages)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="{GENERATOR}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LSTMs, from a toy workout planner to a Kaggle sentiment model</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; vertical-align: top; padding: 0.4rem 0.6rem; border-bottom: 1px solid #ccc; }}
th {{ background: #f3f3f3; }}
</style>
</head>
<body>
<h1>LSTMs, from a toy workout planner to a Kaggle sentiment model</h1>
<p>The course's notebooks as they ran, outputs and plots included, to read without running them.
Each page says when, in which mode and on which machine its notebook was executed (by <code>make course</code>).</p>
<p>{html.escape(WIDGETS_NOTE)} The widgets and the formulas are drawn by scripts loaded from public CDNs;
everything else on the pages works offline.</p>
<table>
<thead><tr><th>notebook</th><th>executed</th><th>mode</th><th>time, peak memory</th><th>machine</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""


def is_site(folder: Path) -> bool:
    """Whether ``folder`` holds a site this tool wrote (its index names the generator)."""
    index = folder / "index.html"
    try:
        return f'<meta name="generator" content="{GENERATOR}">' in index.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _remove_stale_folders(out: Path) -> None:
    """Remove the temporary folders that killed builds left beside ``out`` (``.site.PID.RANDOM.part``).

    A folder whose builder still runs is kept; where that cannot be asked (Windows), one older than
    :data:`course_utils.files.STALE_AFTER_S` is taken for a leftover (the rule of
    :func:`course_utils.files.temporary_writer_is_gone`, shared with the files' temporaries).
    """
    for path in out.parent.glob(f".{out.name}.*{TEMP_SUFFIX}"):
        if path.is_dir() and is_temporary(path.name, out.name) and temporary_writer_is_gone(path, out.name):
            shutil.rmtree(path, ignore_errors=True)


def _temporary_folder(out: Path) -> Path:
    folder = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.{os.getpid()}.", suffix=TEMP_SUFFIX))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(folder, 0o777 & ~umask)  # mkdtemp makes the folder private; a site is for reading
    return folder


def write_site(out: Path, files: dict[str, str]) -> None:
    """Write ``files`` (name: text) as the folder ``out``, whole or not at all.

    They are written into a temporary folder beside ``out``, which then replaces it; a failure before
    the rename leaves the old site untouched. An ``out`` that holds anything but a site of this tool is
    refused rather than replaced.
    """
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out} is a file, not a folder: the site cannot be written there. Move that file, or "
                        "choose another folder with --out.")
    if out.is_dir() and any(out.iterdir()) and not is_site(out):
        raise SiteError(f"{out} holds files that are not a site written by `make site` (its index.html does not "
                        "name this tool): it was left as it was. Empty it, or choose another folder with --out.")
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_folders(out)
    built = _temporary_folder(out)
    old = None
    try:
        for name, text in files.items():
            (built / name).write_text(text, encoding="utf-8")
        if out.exists():
            old = _temporary_folder(out)
            old.rmdir()
            os.rename(out, old)
        try:
            os.rename(built, out)
        except BaseException:
            if old is not None:
                os.rename(old, out)
                old = None
            raise
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_site(source: Path, out: Path) -> list[Page]:
    """Build the site of the executed notebooks in ``source`` into ``out``; returns its pages.

    Warnings (quick mode, unrecorded runs, failed cells) go to standard error; refusals raise :class:`SiteError`.
    """
    pages = collect_pages(source)
    for warning in warnings_for(pages):
        print(f"warning: {warning}", file=sys.stderr)
    files = {page.html_name: render_page(page) for page in pages}
    files["index.html"] = render_index(pages)
    write_site(out, files)
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.tools.site", description=__doc__.splitlines()[0])
    build = config.build_dir()
    parser.add_argument("--source", type=Path, default=build / "notebooks", metavar="DIR",
                        help="the executed notebooks, as make course writes them (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=build / "site", metavar="DIR",
                        help="the folder the site replaces (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        pages = build_site(args.source, args.out)
    except SiteError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    print(f"Site of {len(pages)} notebook{'s' if len(pages) != 1 else ''} written to {args.out}; open "
          f"{args.out / 'index.html'}, or publish that folder (README: \"Read it without running: the site\").")
    return 0


if __name__ == "__main__":
    sys.exit(main())
