"""The project's own wiring: the learner's pins in step with Binder and free of test tools, the test tools apart,
conda's environment.yml, the licences and CITATION.cff, the Binder badges, CI running the README's command."""
from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from course_utils import environment

REPO = Path(__file__).resolve().parents[1]
LEARNER = REPO / "requirements.txt"
TESTS = REPO / "requirements-test.txt"
BINDER = REPO / "binder" / "requirements.txt"
# Tools only the tests use: they must never reach a learner's image, whatever requirements-test.txt lists.
TEST_TOOLS = {"pytest", "nbval", "ruff", "playwright", "coverage", "pytest-timeout", "pytest-xdist"}
BINDER_LINK = re.compile(r"https://mybinder\.org/v2/gh/(?P<owner>[^/\s]+)/(?P<repo>[^/\s]+)/(?P<ref>[^?\s)]+)\?")
COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/(?P<owner>[^/\s]+)/(?P<repo>[^/\s]+)/blob/"
                        r"(?P<ref>[^/\s]+)/")


def requirement_lines(path: Path) -> list[str]:
    """The requirement lines of a pip file: no comments, no blank lines, no `-r` includes."""
    lines = [line.strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line and not line.startswith(("#", "-r "))]


def pins(path: Path) -> dict[str, Requirement]:
    """Package name (normalised) -> its requirement; a name twice (markers aside) is reported."""
    found: dict[str, Requirement] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith(("#", "-r ")):
            continue
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name not in found, f"{path.relative_to(REPO)}:{number}: {requirement.name} is named twice"
        found[name] = requirement
    return found


def described(requirement: Requirement) -> str:
    return f"{requirement.specifier}" + (f"; {requirement.marker}" if requirement.marker else "")


# --------------------------------------------------------------------- the three requirement files

@pytest.mark.parametrize("path", [LEARNER, TESTS, BINDER], ids=lambda p: str(p.relative_to(REPO)))
def test_every_requirement_is_pinned_exactly(path):
    for line in requirement_lines(path):
        assert "==" in line.split(";")[0], f"{path.relative_to(REPO)}: {line!r} is not pinned with =="


def test_binder_has_the_learners_pins_and_no_more():
    learner, binder, tests = pins(LEARNER), pins(BINDER), pins(TESTS)
    for name, requirement in binder.items():
        root = learner.get(name) or tests.get(name)
        assert root is not None, (f"binder/requirements.txt names {requirement.name}, which requirements.txt does not:"
                                  " add it there (with the same pin) or remove it from binder/requirements.txt")
        assert described(requirement) == described(root), (
            f"{requirement.name}: binder/requirements.txt pins {described(requirement)!r} but the root files pin"
            f" {described(root)!r}; make them the same")
    missing = sorted(set(learner) - set(binder))
    assert not missing, f"requirements.txt names {missing} but binder/requirements.txt does not: Binder would lack them"


def test_no_test_tool_reaches_the_learners_image():
    tools = TEST_TOOLS | set(pins(TESTS))
    for path in (LEARNER, BINDER):
        found = sorted(tools & set(pins(path)))
        assert not found, (f"{path.relative_to(REPO)} names test tools {found}: they belong in requirements-test.txt"
                           " (make test installs it; learners and Binder do not)")


def test_the_test_tools_build_on_the_learners_pins():
    first = next(line.strip() for line in TESTS.read_text().splitlines() if line.strip() and line[0] != "#")
    assert first == "-r requirements.txt", "requirements-test.txt must start with `-r requirements.txt`"
    both = sorted(set(pins(TESTS)) & set(pins(LEARNER)))
    assert not both, f"{both} are pinned in both requirements.txt and requirements-test.txt: keep each pin in one file"
    assert {"pytest", "nbval", "ruff", "playwright"} <= set(pins(TESTS))


def test_make_installs_the_test_tools_for_make_test_only():
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^\$\(TEST_STAMP\): \$\(STAMP\) requirements-test\.txt$", makefile, re.M)
    assert re.search(r"^\$\(STAMP\): requirements\.txt pyproject\.toml$", makefile, re.M)
    assert re.search(r"^test: \$\(TEST_STAMP\)$", makefile, re.M)
    recipe = makefile.split("\n$(TEST_STAMP):", 1)[1].split("\n\n", 1)[0]
    assert "-r requirements-test.txt" in recipe
    assert "requirements-test" not in makefile.split("\n$(STAMP):", 1)[1].split("\n\n", 1)[0]
    lab = re.search(r"^lab: (.+)$", makefile, re.M)[1].split() + re.search(r"^data: (.+)$", makefile, re.M)[1].split()
    assert "$(TEST_STAMP)" not in lab


def _third_party_imports(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"course_utils", "__future__"}


def _closure(names: set[str]) -> set[str]:
    """The distributions these install, through the dependencies this environment's metadata names."""
    seen, todo = set(), list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def test_the_learners_pins_cover_everything_the_course_imports():
    """course_utils (tools included: make course and make bench install only requirements.txt) and the notebooks."""
    imports = set()
    for path in (REPO / "course_utils").rglob("*.py"):
        imports |= _third_party_imports(path.read_text())
    for path in (REPO / "notebooks").glob("*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                code = "".join(cell["source"])
                imports |= _third_party_imports("\n".join(
                    "" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines()))
    providers = metadata.packages_distributions()
    installed = _closure({requirement.name for requirement in pins(BINDER).values() if
                          requirement.marker is None or requirement.marker.evaluate()})
    missing = {module: providers.get(module) for module in imports
               if not {canonicalize_name(d) for d in providers.get(module, [])} & installed}
    assert not missing, (f"the course imports {sorted(missing)} (from {missing}), which binder/requirements.txt does"
                         " not install: pin the package in requirements.txt and binder/requirements.txt")


def test_binder_runtime_and_postbuild():
    assert (REPO / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post = (REPO / "binder" / "postBuild").read_text()
    assert "set -euo pipefail" in post and "course_utils.data prepare" in post
    assert "requirements-test" not in post and "pytest" not in post


# --------------------------------------------------------------------- conda

def test_environment_yml_matches_binder_and_installs_the_learners_pins():
    environment_yml = yaml.safe_load((REPO / "environment.yml").read_text())
    runtime = (REPO / "binder" / "runtime.txt").read_text().strip().removeprefix("python-")
    dependencies = environment_yml["dependencies"]
    pythons = [d for d in dependencies if isinstance(d, str) and re.match(r"python\b", d)]
    assert pythons == [f"python={runtime}"], f"environment.yml must name python={runtime} once, as binder/runtime.txt"
    assert runtime == ".".join(map(str, environment.TESTED_PYTHON))
    assert "pip" in dependencies
    pip = next(d["pip"] for d in dependencies if isinstance(d, dict) and "pip" in d)
    assert "-r requirements.txt" in pip and "-e ." in pip
    assert not any("requirements-test" in line for line in pip), "conda users get the learner's environment"


# --------------------------------------------------------------------- licences and citation

def test_licences_cover_code_and_lessons():
    code = (REPO / "LICENSE").read_text()
    assert code.startswith("MIT License") and "The LSTM course authors" in code
    assert "THE SOFTWARE IS PROVIDED \"AS IS\"" in code
    content = (REPO / "LICENSE-CONTENT").read_text()
    assert "Creative Commons Attribution 4.0 International" in content
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in content
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Licence and citation", 1)[1].split("\n## ", 1)[0]
    for name in ("[LICENSE](LICENSE)", "[LICENSE-CONTENT](LICENSE-CONTENT)", "CITATION.cff", "MIT", "CC BY 4.0"):
        assert name in section, f"README.md's Licence and citation section does not mention {name}"


def test_citation_cff_has_what_github_and_zotero_need():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text())
    for key in ("cff-version", "message", "title", "authors", "license", "repository-code", "version",
                "date-released"):
        assert key in citation, f"CITATION.cff has no {key!r}"
    assert citation["cff-version"] == "1.2.0"
    assert citation["authors"] == [{"name": "The LSTM course authors"}]
    assert set(citation["license"]) == {"MIT", "CC-BY-4.0"}
    version = re.search(r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text(), re.M)[1]
    assert str(citation["version"]) == version, "CITATION.cff's version must be pyproject.toml's"
    assert str(citation["date-released"]) == "2026-12-02"
    badge = BINDER_LINK.search((REPO / "README.md").read_text())
    assert citation["repository-code"] == f"https://github.com/{badge['owner']}/{badge['repo']}"


def test_readme_links_the_datas_own_terms():
    readme = (REPO / "README.md").read_text()
    for url in ("https://nlp.stanford.edu/sentiment/", "https://www.cs.cornell.edu/people/pabo/movie-review-data/",
                "https://www.kaggle.com/c/sentiment-analysis-on-movie-reviews/rules"):
        assert f"({url})" in readme, f"README.md does not link {url}"


# --------------------------------------------------------------------- the Binder badges: one repository, one ref

def test_every_binder_and_colab_link_points_at_the_same_repository_and_ref():
    """``course_utils.tools.badges`` switches every link at once: one it missed, or a hand edit, would show here.

    The Colab cell clones ``course_utils.colab``'s REPOSITORY at BRANCH: the same pair as every badge.
    """
    from course_utils import colab

    links = {}
    paths = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), *sorted((REPO / "notebooks").glob("*.ipynb"))]
    for path in paths:
        text = path.read_text()
        for found in [*BINDER_LINK.finditer(text), *COLAB_LINK.finditer(text)]:
            links.setdefault((found["owner"], found["repo"], found["ref"]), []).append(path.name)
    cloned = (*colab.REPOSITORY.removeprefix("https://github.com/").split("/"), colab.BRANCH)
    links.setdefault(cloned, []).append("course_utils/colab.py")
    assert len(links) == 1, f"the Binder and Colab links point at different repositories or refs: {links}"
    notebooks = sorted((REPO / "notebooks").glob("*.ipynb"))
    assert all("colab.research.google.com/github/" in p.read_text() for p in notebooks), "a notebook has no Colab link"


# --------------------------------------------------------------------- CI and the README's commands

def test_ci_runs_the_readme_test_command():
    assert "make test" in (REPO / ".ci" / "run").read_text()
    readme = (REPO / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme


def test_readme_gives_the_commands_without_make():
    readme = (REPO / "README.md").read_text()
    section = readme.split("### Without make", 1)[1].split("\n## ", 1)[0]
    for command in ("python3.11 -m venv .venv", "py -3.11 -m venv .venv", "pip install -r requirements.txt",
                    "pip install --no-deps -e .", "python -m course_utils.data prepare",
                    "jupyter lab notebooks/00_start_here.ipynb", "pip install -r requirements-test.txt",
                    "python -m pytest tests notebooks --nbval-lax", ".venv\\Scripts\\Activate.ps1",
                    "$env:COURSE_QUICK"):
        assert command in section, f"README.md's Without make section lacks {command!r}"
    makefile = (REPO / "Makefile").read_text()
    test_recipe = re.search(r"COURSE_QUICK=1 \$\(BIN\)/python -m pytest (.+?) \$\(PYTEST_FLAGS\)", makefile)[1]
    assert test_recipe in section, "README.md's Without make pytest line must match the Makefile's test recipe"


# --------------------------------------------------------------------- make test's two workers

def course_conftest():
    """tests/conftest.py as a module of its own name (pytest imports it as ``conftest``, beside tests/browser's)."""
    spec = importlib.util.spec_from_file_location("course_tests_conftest", REPO / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_unit_named_to_run_first_exists():
    """A renamed notebook or test file left in conftest's LONGEST_UNITS would silently lose its head start."""
    named = course_conftest().LONGEST_UNITS
    assert named and not [path for path in named if not (REPO / path).exists()]


def every_cpu() -> None:
    """For a child process: every CPU of the machine (a make test worker itself keeps to its share)."""
    os.sched_setaffinity(0, range(os.cpu_count() or 1))


TEST_THAT_RECORDS = """import json, os, subprocess, sys
def test_{name}():
    child = subprocess.run([sys.executable, '-c', 'import os; print(sorted(os.sched_getaffinity(0)))'],
                           capture_output=True, text=True, check=True).stdout.strip()
    seen = {{'worker': os.environ['PYTEST_XDIST_WORKER'], 'cpus': sorted(os.sched_getaffinity(0)), 'child': child}}
    open({record!r}, 'w').write(json.dumps(seen))
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two CPUs to share between two workers")
def test_two_workers_keep_to_their_own_cpus_and_the_browser_tests_together(tmp_path):
    """Run with -n 2: each worker gets half the CPUs (and the kernels it starts inherit them), and the two browser
    test files, which share one JupyterLab page, run in one worker.

    Plain ``--dist loadfile`` would hand the two browser files, first in the queue, one to each worker.
    """
    (tmp_path / "conftest.py").write_text((REPO / "tests" / "conftest.py").read_text())
    browser = tmp_path / "tests" / "browser"
    browser.mkdir(parents=True)
    files = {"a": tmp_path, "b": tmp_path, "c": browser, "d": browser}
    for name, folder in files.items():
        (folder / f"test_{name}.py").write_text(TEST_THAT_RECORDS.format(name=name, record=str(tmp_path / name)))
    outside = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST_")}  # as make test starts
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2", "--dist",
                           "loadfile", "--no-loadscope-reorder", str(tmp_path)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, preexec_fn=every_cpu, env=outside)
    assert done.returncode == 0, done.stdout + done.stderr
    seen = {name: json.loads((tmp_path / name).read_text()) for name in files}
    assert seen["c"]["worker"] == seen["d"]["worker"], seen  # the browser unit, whole
    assert {s["worker"] for s in seen.values()} == {"gw0", "gw1"}, seen  # and the other files on the other worker
    cpus = list(range(os.cpu_count() or 1))  # what every_cpu gave the run
    assert {s["worker"]: s["cpus"] for s in seen.values()} == {"gw0": cpus[0::2], "gw1": cpus[1::2]}
    assert all(s["child"] == str(s["cpus"]) for s in seen.values()), seen


def test_units_of_work():
    """Every browser test is one unit; any other test's unit is its file (a notebook's cells stay together)."""
    unit_of = course_conftest().unit_of
    assert unit_of("tests/browser/test_widgets.py::test_planner[02]") == "tests/browser"
    assert unit_of("tests/browser/test_notebooks.py::test_notebook_runs_in_jupyterlab[06]") == "tests/browser"
    assert unit_of("notebooks/06_beyond_the_baseline.ipynb::Cell 12") == "notebooks/06_beyond_the_baseline.ipynb"
    assert unit_of("tests/test_browserish.py::test_x") == "tests/test_browserish.py"
