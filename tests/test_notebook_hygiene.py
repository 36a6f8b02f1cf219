"""Every lesson notebook keeps the course's shape and is committed clean.

Each rule is a function ``check_<rule>(notebook, path) -> list[str]`` that returns what is wrong,
one sentence a problem, saying where (notebook and cell) and what to do. The tests run every rule
on every ``notebooks/*.ipynb``, so a new notebook is checked the moment it is added; the last
section feeds each rule a notebook that breaks it, so a rule cannot silently stop working.

The rules (docs/authoring.md and docs/adding_a_notebook.md explain them):

- names ``NN_name.ipynb``, numbered 00, 01, ... without gaps or duplicates, nothing else in ``notebooks/``;
- the first cell is the title ``# NN · Title`` (NN = the file's number) with the Binder badge for this file;
- the Colab badge for this file too, and just before the ``## Set-up`` section the Colab note and the Colab cell,
  word for word as ``course_utils.colab`` writes them (``COLAB_NOTE``, ``COLAB_CELL``);
- **Questions**, **Objectives** and **Time** (``teaching N min, exercises M min``) before the first code cell;
- **Key points** (3 to 5 bullets) then **Review questions** (at least 2) after the last code cell;
- kernel ``python3``; no stored errors, tracebacks, widget state, widget views or images;
- stored outputs only in cells tagged ``nbval-check-output``, each of which has outputs and an execution
  count; all stored outputs together under 20 kB, no stream longer than 50 lines, no local paths;
- exercise cells: ``exN.check()`` with ``# exN.hint()`` and ``# exN.solution()``, numbered 1, 2, ... in order;
- the first code cell after the Colab cell is the set-up cell: ``from course_utils import config``, ``MODE = None``
  and then ``settings = config.setup(mode=MODE, ...)`` as its first call, before anything imports Keras or TensorFlow
  (the mode is chosen there, on Binder too, and the thread pools must be sized before TensorFlow runs).
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest

from course_utils.colab import BRANCH, COLAB_CELL, COLAB_NOTE
from course_utils.tools.conventions import CHECK_LINE, CHECKED_TAG, HINT_LINE, SOLUTION_LINE

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))

NAME = re.compile(r"^(?P<number>\d{2})_[a-z0-9]+(?:_[a-z0-9]+)*\.ipynb$")
TITLE = re.compile(r"^# (?P<number>\d{2}) · (?P<title>\S.*)$")
BADGE_IMAGE = "https://mybinder.org/badge_logo.svg"
BINDER_LINK = re.compile(r"\]\((?P<url>https://mybinder\.org/v2/gh/[^)\s]+)\)")
COLAB_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
COLAB_LINK = re.compile(r"\]\((?P<url>https://colab\.research\.google\.com/github/[^)\s]+)\)")
TIME = re.compile(r"teaching\s+(?P<teaching>\d+)\s*min\w*,?\s+exercises\s+(?P<exercises>\d+)\s*min", re.I)
MAX_OUTPUT_BYTES = 20_000
MAX_STREAM_LINES = 50
KEY_POINTS_BULLETS = (3, 5)
MIN_REVIEW_QUESTIONS = 2
IMAGE_TYPES = ("image/", "application/pdf")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LOCAL_PATH = re.compile(r"(/home/|/Users/|/work/|/tmp/|/root/|[A-Za-z]:\\\\)")
LIVE_REVEAL = re.compile(r"\bex(\d+)\.(hint|solution|load_solution)\(")
ANY_EXERCISE = re.compile(r"\bex(\d+)\.(?:check|hint|solution|load_solution)\(")


def refresh_tip(path: Path) -> str:
    name = f"notebooks/{path.name}"
    return (f"run `python -m course_utils.tools.refresh_notebook {name}` (or `git checkout -- {name}` if you only"
            " ran it yourself and did not mean to change it)")


def where(path: Path, index: int, cell) -> str:
    """'notebooks/01_x.ipynb cell 7 (code: "from course_utils ...")': enough to find the cell."""
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    first = first if len(first) <= 50 else first[:49] + "…"
    return f"notebooks/{path.name} cell {index + 1} ({cell.cell_type}: {first!r})"


def section_pattern(name: str) -> re.Pattern:
    """A line that opens a section: `**Name**`, `**Name:**`, or a markdown heading `## Name`."""
    escaped = re.escape(name)
    return re.compile(rf"^\s*(?:#{{1,6}}\s+(?:\*\*)?{escaped}(?:\*\*)?\s*:?\s*$|\*\*{escaped}:?\*\*)", re.I | re.M)


def section_text(source: str, name: str) -> str | None:
    """The text of section ``name`` in one markdown cell: from its marker to the next marker or heading."""
    match = section_pattern(name).search(source)
    if match is None:
        return None
    rest = source[match.end():]
    end = re.search(r"^\s*(?:#{1,6}\s|\*\*[^*\n]+\*\*\s*:?\s*$|\*\*[^*\n]+:?\*\*:)", rest, re.M)
    return rest[: end.start()] if end else rest


def list_items(text: str) -> int:
    return len(re.findall(r"^ ?(?:[-*+]|\d+[.)])\s+\S", text, re.M))  # top-level items only


def code_indices(notebook) -> list[int]:
    return [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]


def find_section(notebook, name: str, indices) -> int | None:
    """The index of the first markdown cell among ``indices`` that opens section ``name``."""
    pattern = section_pattern(name)
    for index in indices:
        cell = notebook.cells[index]
        if cell.cell_type == "markdown" and pattern.search(cell.source):
            return index
    return None


# --------------------------------------------------------------------------- the rules


def check_names(paths: list[Path]) -> list[str]:
    """File names NN_name.ipynb, numbered 00..N without gaps or duplicates; no other notebooks."""
    problems = []
    numbers: dict[int, list[str]] = {}
    for path in paths:
        match = NAME.match(path.name)
        if match is None:
            problems.append(f"notebooks/{path.name}: lesson notebooks are named `NN_name.ipynb` (two digits, then"
                            " lower-case words joined by `_`); rename it, or move it out of notebooks/ if it is"
                            " not a lesson")
            continue
        numbers.setdefault(int(match["number"]), []).append(path.name)
    for number, names in sorted(numbers.items()):
        if len(names) > 1:
            problems.append(f"notebooks/: {len(names)} notebooks share the number {number:02d} ({', '.join(names)});"
                            " renumber them so each number is used once")
    if numbers:
        missing = sorted(set(range(max(numbers) + 1)) - set(numbers))
        if missing:
            problems.append(f"notebooks/: the numbering has gaps: no notebook {', '.join(f'{n:02d}' for n in missing)};"
                            " number the lessons 00, 01, 02, ... without gaps")
    return problems


def check_metadata(notebook, path: Path) -> list[str]:
    """Valid nbformat, the `python3` kernel, no saved widget state."""
    problems = []
    try:
        nbformat.validate(notebook)
    except nbformat.ValidationError as error:
        problems.append(f"notebooks/{path.name} is not a valid notebook ({error.message}); {refresh_tip(path)}")
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    if kernel != "python3":
        problems.append(f"notebooks/{path.name}: the kernel is {kernel!r}, but must be 'python3' (the name nbval,"
                        " Binder and the course runner use); pick 'Python 3 (ipykernel)' and save, or set"
                        " metadata.kernelspec.name")
    if "widgets" in notebook.metadata:
        problems.append(f"notebooks/{path.name}: widget state is saved in the notebook's metadata (`widgets`);"
                        f" {refresh_tip(path)}, and in JupyterLab turn off Settings → Save Widget State Automatically")
    return problems


def check_title(notebook, path: Path) -> list[str]:
    """`# NN · Title` first, with this file's number, and the Binder badge for this file."""
    if not notebook.cells or notebook.cells[0].cell_type != "markdown":
        return [f"notebooks/{path.name}: the first cell must be markdown with the title `# NN · Title`,"
                " one sentence and the Binder badge"]
    source = notebook.cells[0].source
    problems = []
    first_line = source.strip().splitlines()[0] if source.strip() else ""
    title = TITLE.match(first_line)
    number = path.name[:2]
    if title is None:
        problems.append(f"notebooks/{path.name} cell 1: the first line is {first_line!r}; it must be the title"
                        f" `# {number} · Title` (with the middle dot ·)")
    elif title["number"] != number:
        problems.append(f"notebooks/{path.name} cell 1: the title says {title['number']} but the file is number"
                        f" {number}; make them agree")
    links = [match["url"] for match in BINDER_LINK.finditer(source)]
    if BADGE_IMAGE not in source or not links:
        problems.append(f"notebooks/{path.name} cell 1: the Binder badge is missing; add"
                        f" `[![Open in Binder]({BADGE_IMAGE})](https://mybinder.org/v2/gh/<owner>/<repo>/main"
                        f"?urlpath=lab/tree/notebooks/{path.name})`")
    for url in links:
        target = unquote(url.split("urlpath=", 1)[1]) if "urlpath=" in url else ""
        if target != f"lab/tree/notebooks/{path.name}":
            problems.append(f"notebooks/{path.name} cell 1: the Binder badge opens {target or 'no notebook'!r};"
                            f" its link must end in `?urlpath=lab/tree/notebooks/{path.name}`")
    return problems


def check_opening(notebook, path: Path) -> list[str]:
    """**Questions**, **Objectives** and **Time** (teaching and exercise minutes) before the first code cell."""
    codes = code_indices(notebook)
    head = range(codes[0] if codes else len(notebook.cells))
    problems = []
    for name in ("Questions", "Objectives", "Time"):
        if find_section(notebook, name, head) is None:
            problems.append(f"notebooks/{path.name}: no **{name}** before the first code cell; the opening of a"
                            " lesson lists **Questions**, **Objectives** and **Time** (see docs/adding_a_notebook.md)")
    index = find_section(notebook, "Time", head)
    if index is not None:
        found = TIME.search(section_text(notebook.cells[index].source, "Time") or "")
        if found is None:
            problems.append(f"{where(path, index, notebook.cells[index])}: **Time** must give both parts, as"
                            " `**Time**: teaching N min, exercises M min.`")
        elif int(found["teaching"]) <= 0:
            problems.append(f"{where(path, index, notebook.cells[index])}: **Time** says teaching 0 min")
    for name in ("Questions", "Objectives"):
        index = find_section(notebook, name, head)
        if index is not None and list_items(section_text(notebook.cells[index].source, name) or "") == 0:
            problems.append(f"{where(path, index, notebook.cells[index])}: **{name}** has no bullet points;"
                            f" list them as `- ...`")
    return problems


def check_closing(notebook, path: Path) -> list[str]:
    """**Key points** (3-5 bullets) then **Review questions** (2 or more), after the last code cell."""
    codes = code_indices(notebook)
    tail = range((codes[-1] + 1) if codes else 0, len(notebook.cells))
    problems = []
    found = {}
    for name in ("Key points", "Review questions"):
        found[name] = find_section(notebook, name, tail)
        if found[name] is None:
            anywhere = find_section(notebook, name, range(len(notebook.cells)))
            extra = " (it appears earlier; move it after the last code cell)" if anywhere is not None else ""
            problems.append(f"notebooks/{path.name}: no **{name}** after the last code cell{extra}; a lesson ends"
                            " with **Key points** (3 to 5 bullets) and **Review questions**")
    key, review = found["Key points"], found["Review questions"]
    if key is not None:
        bullets = list_items(section_text(notebook.cells[key].source, "Key points") or "")
        low, high = KEY_POINTS_BULLETS
        if not low <= bullets <= high:
            problems.append(f"{where(path, key, notebook.cells[key])}: **Key points** has {bullets} bullets;"
                            f" give {low} to {high}")
    if review is not None:
        questions = list_items(section_text(notebook.cells[review].source, "Review questions") or "")
        if questions < MIN_REVIEW_QUESTIONS:
            problems.append(f"{where(path, review, notebook.cells[review])}: **Review questions** has {questions}"
                            f" questions; give at least {MIN_REVIEW_QUESTIONS}, as a list")
    if key is not None and review is not None:
        source = notebook.cells[key].source
        in_order = key < review or (key == review and section_pattern("Key points").search(source).start()
                                    < section_pattern("Review questions").search(source).start())
        if not in_order:
            problems.append(f"notebooks/{path.name}: **Key points** must come before **Review questions**")
    return problems


def check_outputs(notebook, path: Path) -> list[str]:
    """Outputs only where nbval checks them; small, clean, free of errors, widgets, images and local paths."""
    problems = []
    total = 0
    tip = refresh_tip(path)
    for index, cell in enumerate(notebook.cells):
        at = where(path, index, cell)
        if cell.cell_type != "code":
            if cell.get("attachments"):
                problems.append(f"{at}: has pasted attachments (images stored in the notebook); draw figures in"
                                " code or keep them out of the notebook")
            if "data:image/" in cell.source:
                problems.append(f"{at}: embeds an image as a data: URI; draw it in code instead")
            continue
        tagged = CHECKED_TAG in cell.metadata.get("tags", [])
        outputs = cell.get("outputs", [])
        if "execution" in cell.metadata:
            problems.append(f"{at}: stores execution timing metadata; {tip}")
        if not tagged:
            if outputs:
                problems.append(f"{at}: has stored output but is not tagged `{CHECKED_TAG}`; {tip}")
            if cell.get("execution_count") is not None:
                problems.append(f"{at}: has an execution count but is not tagged `{CHECKED_TAG}`; {tip}")
        else:
            if not outputs:
                problems.append(f"{at}: is tagged `{CHECKED_TAG}` but has no stored output, so nbval checks"
                                f" nothing; {tip} (or remove the tag)")
            if cell.get("execution_count") is None:
                problems.append(f"{at}: is tagged `{CHECKED_TAG}` but has no execution count (nbval refuses"
                                f" stored output without one); {tip}")
        for output in outputs:
            total += len(json.dumps(output, ensure_ascii=False).encode())
            problems += _output_problems(output, at, tip)
    if total > MAX_OUTPUT_BYTES:
        problems.append(f"notebooks/{path.name}: {total:,} bytes of stored output (limit {MAX_OUTPUT_BYTES:,});"
                        f" check smaller outputs (a shape, a few rows) and untag the rest; {tip}")
    return problems


def _output_problems(output, at: str, tip: str) -> list[str]:
    problems = []
    kind = output.get("output_type")
    if kind == "error":
        problems.append(f"{at}: a stored error ({output.get('ename')}); fix the cell, then {tip}")
    text = ""
    if kind == "stream":
        text = "".join(output.get("text", ""))
        if output.get("name") == "stderr" and "Traceback (most recent call last)" in text:
            problems.append(f"{at}: a traceback is stored in stderr; fix the cell, then {tip}")
        lines = text.count("\n") + (not text.endswith("\n") and bool(text))
        if lines > MAX_STREAM_LINES:
            problems.append(f"{at}: a stored {output.get('name')} of {lines} lines (limit {MAX_STREAM_LINES});"
                            " print less (a summary, a few rows), or untag the cell")
    data = output.get("data", {})
    if WIDGET_VIEW in data:
        problems.append(f"{at}: a widget view is stored; widgets render live and nbval cannot compare them:"
                        f" untag the cell, then {tip}")
    images = [mime for mime in data if mime.startswith(IMAGE_TYPES)]
    if images:
        problems.append(f"{at}: an image is stored ({', '.join(images)}); plots change from machine to machine:"
                        f" untag the cell, then {tip}")
    text += "".join("".join(value) if isinstance(value, list) else value
                    for mime, value in data.items() if mime.startswith("text/") and isinstance(value, (str, list)))
    found = LOCAL_PATH.search(text)
    if found:
        problems.append(f"{at}: the stored output contains a local path ({found.group(0)!r}...), which differs"
                        " on every machine; print a path relative to the course, or untag the cell")
    return problems


def check_exercises(notebook, path: Path) -> list[str]:
    """`exN.check()` + `# exN.hint()` + `# exN.solution()` in one cell; exercises 1, 2, ... in order."""
    problems = []
    order: list[int] = []
    check_cells: dict[int, list[int]] = {}
    mentioned: set[int] = set()
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        mentioned |= {int(n) for n in ANY_EXERCISE.findall(cell.source)}
        checks = [int(m[1]) for m in map(CHECK_LINE.match, lines) if m]
        hints = {int(m[1]) for m in map(HINT_LINE.match, lines) if m}
        solutions = {int(m[1]) for m in map(SOLUTION_LINE.match, lines) if m}
        at = where(path, index, cell)
        for number in checks:
            check_cells.setdefault(number, []).append(index)
            if number not in order:
                order.append(number)
            missing = [f"# ex{number}.{what}()" for what, found in (("hint", hints), ("solution", solutions))
                       if number not in found]
            if missing:
                problems.append(f"{at}: the cell checks exercise {number} but lacks the line(s)"
                                f" {', '.join(f'`{m}`' for m in missing)}; every exercise cell offers them,"
                                " commented out")
        for line in lines:
            live = LIVE_REVEAL.search(line.split("#", 1)[0])
            if live:
                problems.append(f"{at}: `ex{live[1]}.{live[2]}()` runs as committed, showing the answer to every"
                                " learner; comment it out (`# ...`)")
    for number, cells in sorted(check_cells.items()):
        if len(cells) > 1:
            problems.append(f"notebooks/{path.name}: `ex{number}.check()` appears in {len(cells)} cells"
                            f" ({', '.join(str(c + 1) for c in cells)}); each exercise has exactly one exercise cell")
    if order and order != list(range(1, len(order) + 1)):
        problems.append(f"notebooks/{path.name}: exercises appear as {', '.join(f'ex{n}' for n in order)}; number"
                        " them 1, 2, 3, ... in the order they appear"
                        f" (and in course_utils/lessons/l{path.name[:2]}.py)")
    for number in sorted(mentioned - set(order)):
        problems.append(f"notebooks/{path.name}: ex{number} is mentioned but never checked; add its exercise cell"
                        f" with a line `ex{number}.check()`")
    return problems


SETUP_CALL = re.compile(r"^config\.setup\(\s*mode=MODE\b")
SETUP_SHAPE = ("`from course_utils import config`, then `MODE = None  # \"full\" or \"quick\" ...`, then"
               " `settings = config.setup(mode=MODE, keras=True)` (keras=False where the notebook needs no Keras),"
               " then the other imports; see docs/adding_a_notebook.md")
HEAVY_MODULES = ("keras", "tensorflow", "tf_keras")


def _imported(node: ast.stmt) -> list[str]:
    """The modules a statement imports (``from a.b import c`` gives ``a.b``), or [] if it imports nothing."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    return []


def _is_setup_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setup"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "config")


def check_colab(notebook, path: Path) -> list[str]:
    """The Colab badge for this file, and the Colab note and cell, as course_utils.colab writes them, before Set-up."""
    problems = []
    title = notebook.cells[0].source if notebook.cells else ""
    links = [match["url"] for match in COLAB_LINK.finditer(title)]
    wanted = f"/blob/{BRANCH}/notebooks/{path.name}"
    if COLAB_IMAGE not in title or not links:
        problems.append(f"notebooks/{path.name} cell 1: the Colab badge is missing; add `[![Open in Colab]"
                        f"({COLAB_IMAGE})](https://colab.research.google.com/github/<owner>/<repo>{wanted})` after"
                        " the Binder badge")
    problems += [f"notebooks/{path.name} cell 1: the Colab badge opens {url!r}; it must end in `{wanted}`"
                 for url in links if not url.endswith(wanted)]
    setup = find_section(notebook, "Set-up", range(len(notebook.cells)))
    fix = ("insert, just before the `## Set-up` cell, a markdown cell holding course_utils.colab.COLAB_NOTE and a code"
           " cell holding course_utils.colab.COLAB_CELL, word for word")
    if setup is None:
        return [*problems, f"notebooks/{path.name}: no `## Set-up` section, so no place for the Colab cell; {fix}"]
    note, cell = (notebook.cells[setup - 2], notebook.cells[setup - 1]) if setup >= 2 else (None, None)
    if note is None or note.cell_type != "markdown" or note.source != COLAB_NOTE:
        problems.append(f"notebooks/{path.name} cell {setup - 1}: not the Colab note; {fix}")
    if cell is None or cell.cell_type != "code" or cell.source != COLAB_CELL:
        problems.append(f"notebooks/{path.name} cell {setup}: not the Colab cell (it must be unchanged: Colab runs it"
                        f" before anything else); {fix}")
    elif code_indices(notebook)[0] != setup - 1:
        problems.append(f"notebooks/{path.name} cell {setup}: the Colab cell must be the first code cell; move the"
                        " code above it below the set-up cell")
    return problems


def check_setup(notebook, path: Path) -> list[str]:
    """The first code cell (after the Colab cell) sets up: its first call is `config.setup(mode=MODE`, before any
    Keras/TensorFlow import."""
    codes = [i for i in code_indices(notebook) if notebook.cells[i].source != COLAB_CELL]
    if not codes:
        return []
    index = codes[0]
    cell = notebook.cells[index]
    at = where(path, index, cell)
    later = next((i for i in codes[1:] if "config.setup(" in notebook.cells[i].source), None)
    if "config.setup(" not in cell.source:
        extra = f" (it is in cell {later + 1}; move it up)" if later is not None else ""
        return [f"{at}: the first code cell must be the set-up cell, which calls `config.setup(mode=MODE, ...)`"
                f"{extra}; write it as {SETUP_SHAPE}"]
    try:
        tree = ast.parse(cell.source)
    except SyntaxError as error:
        return [f"{at}: the set-up cell is not valid Python ({error.msg}, line {error.lineno});"
                f" write it as {SETUP_SHAPE}"]
    problems = []
    setup_at = next((i for i, node in enumerate(tree.body) if any(_is_setup_call(n) for n in ast.walk(node))), None)
    if setup_at is None:
        return [f"{at}: the set-up cell does not call `config.setup(...)` itself; write it as {SETUP_SHAPE}"]
    before, setup = tree.body[:setup_at], tree.body[setup_at]
    call = next(n for n in ast.walk(setup) if _is_setup_call(n))
    for node in before:
        line = ast.get_source_segment(cell.source, node) or ""
        modules = _imported(node)
        heavy = [m for m in modules if m.split(".")[0] in HEAVY_MODULES]
        if heavy:
            problems.append(f"{at}: `{line}` comes before `config.setup(...)`; importing {heavy[0]} first starts"
                            " TensorFlow before the mode is fixed and its thread pools are sized: move the import"
                            " below the set-up call")
        elif any(m == "course_utils" or m.startswith("course_utils.") for m in modules):
            if not (isinstance(node, ast.ImportFrom) and node.module == "course_utils"
                    and [a.name for a in node.names] == ["config"]):
                problems.append(f"{at}: `{line}` comes before `config.setup(...)`; only `from course_utils import"
                                " config` may, so that config.setup is the first course call: move it below")
        elif any(isinstance(n, ast.Call) for n in ast.walk(node)):
            problems.append(f"{at}: `{line}` runs before `config.setup(...)`; the set-up call must be the cell's first"
                            " call: move it below")
    segment = ast.get_source_segment(cell.source, call) or ""
    if not SETUP_CALL.match(segment):
        problems.append(f"{at}: the set-up call is `{segment.splitlines()[0]}`; it must pass the mode first, as"
                        " `config.setup(mode=MODE, ...)`, so a learner chooses the mode in this cell")
    modes = [node for node in before if isinstance(node, ast.Assign)
             and any(isinstance(t, ast.Name) and t.id == "MODE" for t in node.targets)]
    if not modes:
        problems.append(f"{at}: no `MODE = None` line before the set-up call; add"
                        ' `MODE = None  # "full" (the real data, real settings) or "quick" (the synthetic sample, few'
                        ' epochs); None: full, unless COURSE_QUICK=1 is set`')
    elif not (isinstance(modes[-1].value, ast.Constant) and modes[-1].value.value is None):
        value = ast.get_source_segment(cell.source, modes[-1].value)
        problems.append(f"{at}: the notebook is committed with `MODE = {value}`; commit `MODE = None`, so that"
                        " COURSE_QUICK decides (CI and nbval run in quick mode, a learner's default is full)")
    return problems


RULES = {
    "setup": check_setup,
    "metadata": check_metadata,
    "title": check_title,
    "colab": check_colab,
    "opening": check_opening,
    "closing": check_closing,
    "outputs": check_outputs,
    "exercises": check_exercises,
}


# --------------------------------------------------------------------------- the tests


def report(problems: list[str]) -> str:
    return "\n".join(["", *(f"- {p}" for p in problems)])


def test_notebooks_are_numbered_without_gaps():
    assert NOTEBOOKS, f"no notebooks found in {NOTEBOOK_DIR}"
    problems = check_names(NOTEBOOKS)
    stray = sorted(p.relative_to(NOTEBOOK_DIR) for p in NOTEBOOK_DIR.rglob("*.ipynb")
                   if p.parent != NOTEBOOK_DIR
                   and not any(part.startswith(".") for part in p.relative_to(NOTEBOOK_DIR).parts))
    problems += [f"notebooks/{p}: a notebook in a sub-folder; lessons live directly in notebooks/" for p in stray]
    assert not problems, report(problems)


@pytest.fixture(scope="module")
def read_notebook():
    cache: dict[Path, nbformat.NotebookNode] = {}

    def read(path: Path):
        if path not in cache:
            cache[path] = nbformat.read(path, as_version=4)
        return cache[path]

    return read


@pytest.mark.parametrize("rule", list(RULES))
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_hygiene(path, rule, read_notebook):
    problems = RULES[rule](read_notebook(path), path)
    assert not problems, report(problems)


# --------------------------------------------------------------------------- each rule catches what it should

BINDER = "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/notebooks/{name}"
COLAB = "https://colab.research.google.com/github/o/r/blob/main/notebooks/{name}"
GOOD_HEAD = """# 03 · A title

One sentence.

[![Open in Binder](https://mybinder.org/badge_logo.svg)]({binder}) [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab})"""
GOOD_OPENING = """**Questions**
- Why?

**Objectives**
- *Build* it.

**Time**: teaching 20 min, exercises 10 min."""
GOOD_CLOSING = """## Key points

- one
- two
- three

## Review questions

1. First?
2. Second?"""
GOOD_EXERCISE = "from course_utils.lessons.l03 import ex1\n\nx = ...\nex1.check()\n# ex1.hint()\n# ex1.solution()"
GOOD_SETUP = """from course_utils import config

MODE = None  # "full" or "quick"; None: full, unless COURSE_QUICK=1 is set
settings = config.setup(mode=MODE, keras=True)

import keras"""
FAKE = Path("03_a_title.ipynb")


def make(cells=None, head=GOOD_HEAD, opening=GOOD_OPENING, closing=GOOD_CLOSING, name=FAKE.name):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    body = cells if cells is not None else [new_code_cell(GOOD_SETUP), new_code_cell("print(1)"),
                                            new_code_cell(GOOD_EXERCISE)]
    colab = [new_markdown_cell(COLAB_NOTE), new_code_cell(COLAB_CELL), new_markdown_cell("## Set-up\n\nOne cell.")]
    notebook = new_notebook(cells=[new_markdown_cell(head.format(binder=BINDER.format(name=name),
                                                                 colab=COLAB.format(name=name))),
                                   new_markdown_cell(opening), *colab, *body, new_markdown_cell(closing)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    return notebook


def code(source, outputs=(), tags=(), count=None):
    from nbformat.v4 import new_code_cell

    cell = new_code_cell(source, outputs=list(outputs), execution_count=count)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def stream(text, name="stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_a_good_notebook_passes_every_rule():
    notebook = make()
    for rule, check in RULES.items():
        assert check(notebook, FAKE) == [], rule
    tagged = make([code("print(2)", [stream("2\n")], [CHECKED_TAG], 3)])
    assert check_outputs(tagged, FAKE) == []


def test_headings_and_bold_both_open_sections():
    opening = "## Questions\n- Why?\n\n## Objectives\n- Build.\n\n### Time\nteaching 5 min, exercises 0 min"
    closing = "**Key points**\n* a\n* b\n* c\n\n**Review questions:**\n- a?\n- b?"
    assert check_opening(make(opening=opening), FAKE) == []
    assert check_closing(make(closing=closing), FAKE) == []


@pytest.mark.parametrize("paths, words", [
    (["00_a.ipynb", "01_b.ipynb", "03_c.ipynb"], "no notebook 02"),
    (["00_a.ipynb", "01_b.ipynb", "01_c.ipynb"], "share the number 01"),
    (["01_a.ipynb"], "no notebook 00"),
    (["00_a.ipynb", "Untitled.ipynb"], "Untitled.ipynb: lesson notebooks are named"),
    (["00_a.ipynb", "1_b.ipynb"], "named `NN_name.ipynb`"),
    (["00_Start-Here.ipynb"], "named `NN_name.ipynb`"),
])
def test_names_rule(paths, words):
    assert words in report(check_names([Path(p) for p in paths]))


def test_good_names_pass():
    assert check_names([Path("00_start_here.ipynb"), Path("01_workout_routine.ipynb"), Path("02_x2.ipynb")]) == []


@pytest.mark.parametrize("head, words", [
    ("# 04 · A title\n\n[![Open in Binder](https://mybinder.org/badge_logo.svg)]({binder})", "title says 04"),
    ("# A title\n\n[![Open in Binder](https://mybinder.org/badge_logo.svg)]({binder})",
     "must be the title `# 03 · Title`"),
    ("# 03 - A title\n\n[![Open in Binder](https://mybinder.org/badge_logo.svg)]({binder})", "middle dot"),
    ("# 03 · A title\n\nNo badge.", "Binder badge is missing"),
    ("# 03 · A title\n\n[![Open in Binder](https://mybinder.org/badge_logo.svg)]"
     "(https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/notebooks/02_other.ipynb)",
     "opens 'lab/tree/notebooks/02_other"),
])
def test_title_rule(head, words):
    assert words in report(check_title(make(head=head), FAKE))


def test_title_must_be_first():
    notebook = make()
    notebook.cells.insert(0, code("import os"))
    assert "first cell must be markdown" in report(check_title(notebook, FAKE))


@pytest.mark.parametrize("opening, words", [
    (GOOD_OPENING.replace("**Questions**", "Questions"), "no **Questions**"),
    (GOOD_OPENING.replace("**Objectives**", "Goals"), "no **Objectives**"),
    (GOOD_OPENING.replace("**Time**: teaching 20 min, exercises 10 min.", ""), "no **Time**"),
    (GOOD_OPENING.replace("exercises 10 min", "then practice"), "must give both parts"),
    (GOOD_OPENING.replace("- Why?", "Why?"), "**Questions** has no bullet points"),
])
def test_opening_rule(opening, words):
    assert words in report(check_opening(make(opening=opening), FAKE))


def test_opening_must_come_before_code():
    notebook = make()
    notebook.cells.insert(1, code("import os"))
    assert "before the first code cell" in report(check_opening(notebook, FAKE))


@pytest.mark.parametrize("closing, words", [
    (GOOD_CLOSING.replace("## Key points", "## Summary"), "no **Key points**"),
    (GOOD_CLOSING.replace("## Review questions", "## Homework"), "no **Review questions**"),
    (GOOD_CLOSING.replace("- three\n", ""), "has 2 bullets; give 3 to 5"),
    (GOOD_CLOSING.replace("- three\n", "    - a detail of two\n"), "has 2 bullets"),
    (GOOD_CLOSING.replace("- three\n", "- 3\n- 4\n- 5\n- 6\n"), "has 6 bullets"),
    (GOOD_CLOSING.replace("2. Second?", ""), "has 1 questions"),
    ("## Review questions\n1. a?\n2. b?\n\n## Key points\n- a\n- b\n- c", "must come before"),
])
def test_closing_rule(closing, words):
    assert words in report(check_closing(make(closing=closing), FAKE))


def test_closing_must_follow_the_last_code_cell():
    notebook = make()
    notebook.cells.append(code("print('late')"))
    assert "it appears earlier; move it after the last code cell" in report(check_closing(notebook, FAKE))


def test_metadata_rule():
    notebook = make()
    notebook.metadata["kernelspec"]["name"] = "conda-env-lstm"
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    problems = report(check_metadata(notebook, FAKE))
    assert "must be 'python3'" in problems and "widget state is saved" in problems


def display(mime, value):
    return nbformat.v4.new_output("display_data", data={mime: value})


@pytest.mark.parametrize("cell, words", [
    (code("print(1)", [stream("1\n")], count=1), "not tagged `nbval-check-output`"),
    (code("print(1)", count=4), "has an execution count but is not tagged"),
    (code("print(1)", tags=[CHECKED_TAG], count=1), "has no stored output"),
    (code("print(1)", [stream("1\n")], [CHECKED_TAG]), "has no execution count"),
    (code("1/0", [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="x", traceback=[])],
          [CHECKED_TAG], 1), "a stored error (ZeroDivisionError)"),
    (code("x", [stream("Traceback (most recent call last):\n  boom\n", "stderr")], [CHECKED_TAG], 1),
     "traceback is stored in stderr"),
    (code("x", [stream("line\n" * 51)], [CHECKED_TAG], 1), "a stored stdout of 51 lines"),
    (code("w", [display(WIDGET_VIEW, {"model_id": "abc"})], [CHECKED_TAG], 1), "a widget view is stored"),
    (code("plot", [display("image/png", "iVBOR")], [CHECKED_TAG], 1), "an image is stored (image/png)"),
    (code("p", [stream("saved to /home/ana/course/build/x.png\n")], [CHECKED_TAG], 1), "contains a local path"),
    (code("p", [display("text/plain", "PosixPath('/work/x')")], [CHECKED_TAG], 1), "contains a local path"),
])
def test_outputs_rule(cell, words):
    problems = report(check_outputs(make([cell]), FAKE))
    assert words in problems and "cell 6 (code:" in problems


def test_outputs_rule_limits_the_total_size():
    cells = [code(f"print({i})", [stream("x" * 79 + "\n")] * 10, [CHECKED_TAG], i) for i in range(30)]
    assert "bytes of stored output (limit 20,000)" in report(check_outputs(make(cells), FAKE))


def test_outputs_rule_catches_timing_metadata_and_attachments():
    cell = code("print(1)")
    cell.metadata["execution"] = {"iopub.execute_input": "2025-01-01T00:00:00Z"}
    notebook = make([cell])
    notebook.cells[1]["attachments"] = {"a.png": {"image/png": "iVBOR"}}
    problems = report(check_outputs(notebook, FAKE))
    assert "execution timing metadata" in problems and "pasted attachments" in problems


@pytest.mark.parametrize("sources, words", [
    (["x = ...\nex1.check()\n# ex1.solution()"], "lacks the line(s) `# ex1.hint()`"),
    (["x = ...\nex1.check()  # run me\n# ex1.hint()"], "lacks the line(s) `# ex1.solution()`"),
    (["x = ...\nex1.check()\n# ex1.hint()"], "lacks the line(s) `# ex1.solution()`"),
    (["x = ...\nex1.check()\nex1.hint()\n# ex1.solution()"], "`ex1.hint()` runs as committed"),
    ([GOOD_EXERCISE, "ex1.load_solution()"], "`ex1.load_solution()` runs as committed"),
    ([GOOD_EXERCISE.replace("ex1", "ex2")], "exercises appear as ex2"),
    ([GOOD_EXERCISE, GOOD_EXERCISE.replace("ex1", "ex3")], "exercises appear as ex1, ex3"),
    ([GOOD_EXERCISE.replace("ex1", "ex2"), GOOD_EXERCISE], "exercises appear as ex2, ex1"),
    ([GOOD_EXERCISE, GOOD_EXERCISE], "`ex1.check()` appears in 2 cells"),
    ([GOOD_EXERCISE, "# ex2.hint()"], "ex2 is mentioned but never checked"),
])
def test_exercises_rule(sources, words):
    assert words in report(check_exercises(make([code(s) for s in sources]), FAKE))


@pytest.mark.parametrize("source", [
    GOOD_SETUP,
    "from course_utils import config\n\nMODE = None\nsettings = config.setup(mode=MODE)\n\nimport numpy as np",
    "import os\nfrom course_utils import config\n\nMODE = None  # a comment\nconfig.setup(mode=MODE, keras=True)",
    "from course_utils import config\nMODE = None\nconfig.setup(mode=MODE, keras=True)\nimport tensorflow as tf",
])
def test_setup_rule_accepts_the_course_shape(source):
    assert check_setup(make([code(source), code("print(1)")]), FAKE) == []


@pytest.mark.parametrize("source, words", [
    ("import keras\nfrom course_utils import config\n\nMODE = None\nsettings = config.setup(mode=MODE, keras=True)",
     "`import keras` comes before `config.setup(...)`"),
    ("import tensorflow as tf\nfrom course_utils import config\nMODE = None\nsettings = config.setup(mode=MODE)",
     "importing tensorflow first starts TensorFlow"),
    ("from keras import layers\nfrom course_utils import config\nMODE = None\nsettings = config.setup(mode=MODE)",
     "`from keras import layers` comes before"),
    ("from course_utils import config, threads\nMODE = None\nsettings = config.setup(mode=MODE)",
     "only `from course_utils import config` may"),
    ("from course_utils.data import load_phrases\nfrom course_utils import config\nMODE = None\n"
     "settings = config.setup(mode=MODE)", "`from course_utils.data import load_phrases` comes before"),
    ("from course_utils import config\nprint('hi')\nMODE = None\nsettings = config.setup(mode=MODE)",
     "`print('hi')` runs before `config.setup(...)`"),
    ("from course_utils import config\n\nsettings = config.setup(keras=True)", "it must pass the mode first"),
    ("from course_utils import config\n\nsettings = config.setup(keras=True)", "no `MODE = None` line"),
    ("from course_utils import config\nMODE = None\nsettings = config.setup(42, mode=MODE)",
     "must pass the mode first"),
    ("from course_utils import config\nMODE = 'quick'\nsettings = config.setup(mode=MODE)",
     "committed with `MODE = 'quick'`"),
    ("import numpy as np\n\nx = np.zeros(3)", "the first code cell must be the set-up cell"),
    ("from course_utils import config\nMODE = None\nsettings = config.setup(mode=MODE\n", "not valid Python"),
])
def test_setup_rule(source, words):
    problems = report(check_setup(make([code(source), code("print(1)")]), FAKE))
    assert words in problems and "cell 6 (code:" in problems


def test_setup_rule_points_at_a_set_up_cell_that_comes_too_late():
    notebook = make([code("import keras"), code(GOOD_SETUP)])
    assert "(it is in cell 7; move it up)" in report(check_setup(notebook, FAKE))


def test_colab_rule():
    from nbformat.v4 import new_code_cell

    assert "the Colab badge is missing" in report(check_colab(make(head=GOOD_HEAD.split(" [![Open in Colab]")[0]),
                                                              FAKE))
    other = make(name="04_other.ipynb")
    assert "it must end in `/blob/main/notebooks/03_a_title.ipynb`" in report(check_colab(other, FAKE))
    edited = make()
    edited.cells[3].source = COLAB_CELL.replace("--depth", "--depth=1")
    assert "not the Colab cell (it must be unchanged" in report(check_colab(edited, FAKE))
    lost = make()
    del lost.cells[2:4]
    problems = report(check_colab(lost, FAKE))
    assert "not the Colab note" in problems and "not the Colab cell" in problems
    early = make()
    early.cells.insert(1, new_code_cell("print(0)"))
    assert "the Colab cell must be the first code cell" in report(check_colab(early, FAKE))
    no_setup = make()
    no_setup.cells[4].source = "## Getting ready"
    assert "no `## Set-up` section" in report(check_colab(no_setup, FAKE))


def test_setup_rule_looks_past_the_colab_cell():
    """The Colab cell comes first; the set-up cell after it is still checked (and must still be next)."""
    assert check_setup(make(), FAKE) == []
    late = make([code("import keras"), code(GOOD_SETUP)])
    assert "(it is in cell 7; move it up)" in report(check_setup(late, FAKE))
