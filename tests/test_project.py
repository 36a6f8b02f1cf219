"""The project's own wiring: pins in step with Binder, CI running the README's command."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def requirement_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def test_binder_pins_match_requirements():
    assert requirement_lines(REPO / "binder" / "requirements.txt") == requirement_lines(REPO / "requirements.txt")


def test_every_requirement_is_pinned_exactly():
    for line in requirement_lines(REPO / "requirements.txt"):
        assert "==" in line.split(";")[0], f"{line!r} is not pinned with =="


def test_binder_runtime_and_postbuild():
    assert (REPO / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post = (REPO / "binder" / "postBuild").read_text()
    assert "set -euo pipefail" in post and "course_utils.data prepare" in post


def test_ci_runs_the_readme_test_command():
    assert "make test" in (REPO / ".ci" / "run").read_text()
    readme = (REPO / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
