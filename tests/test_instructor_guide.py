"""The instructor guide keeps up with the notebooks: every notebook has notes, in both schedules,
with the same Time as the notebook's own **Time** line."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "instructors" / "README.md"
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TIME = re.compile(r"teaching\s+(\d+)\s*min\w*,?\s+exercises\s+(\d+)\s*min", re.I)


def guide_sections() -> dict[str, str]:
    """`### NN_name` heading -> the text under it (up to the next heading)."""
    parts = re.split(r"^(#{2,3} .+)$", GUIDE.read_text(), flags=re.M)
    return {heading[4:].strip(): body for heading, body in zip(parts[1::2], parts[2::2]) if heading.startswith("### ")}


def notebook_time(path: Path) -> tuple[int, int] | None:
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown" and re.search(r"\*\*Time\*\*|^#+\s*Time", cell.source, re.M):
            found = TIME.search(cell.source)
            return (int(found[1]), int(found[2])) if found else None
    return None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_has_notes_with_its_time(path):
    notes = guide_sections().get(path.stem)
    assert notes is not None, (f"instructors/README.md has no notes for {path.name}: add a section `### {path.stem}`"
                               " (content, what learners get wrong, what to demo live, slow cells)")
    for part in ("**Content:**", "**Learners get wrong:**", "**Demo live:**", "**Slow cells:**"):
        assert part in notes, f"instructors/README.md, ### {path.stem}: add a bullet starting with {part}"
    time = notebook_time(path)
    if time is None:
        pytest.skip(f"{path.name} has no readable **Time** line (tests/test_notebook_hygiene.py reports it)")
    line = f"teaching {time[0]} min, exercises {time[1]} min"
    found = TIME.search(notes)
    assert found and (int(found[1]), int(found[2])) == time, (
        f"instructors/README.md, ### {path.stem}: the notebook's Time is `{line}`; write the same in the guide's"
        f" `- **Time**` bullet, and check the schedules still add up")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_is_in_both_schedules(path):
    text = GUIDE.read_text()
    for schedule in ("### One-day workshop", "### Three sessions of 2 hours"):
        assert schedule in text, f"instructors/README.md lost its schedule {schedule!r}"
        table = text.split(schedule, 1)[1].split("\n### ", 1)[0]
        assert f"`{path.stem}`" in table, f"instructors/README.md: add `{path.stem}` to the schedule {schedule[4:]!r}"


def test_notes_are_in_course_order():
    # Notes may run ahead of the notebooks on a branch, so a note without its notebook is allowed here.
    names = [name for name in guide_sections() if re.match(r"\d\d_", name)]
    assert names == sorted(set(names)), f"instructors/README.md: keep the notebook notes unique and in order: {names}"


def test_hub_link_and_reset_instructions():
    text = GUIDE.read_text()
    assert "/hub/user-redirect/git-pull?repo=" in text and "urlpath=lab" in text
    assert "git checkout -- notebooks/" in text and "Revert Notebook to Checkpoint" in text


ANSWERS = REPO / "instructors" / "review_answers.md"


def review_questions(path: Path) -> list[str]:
    """The numbered questions under a notebook's `## Review questions` heading."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown" and "## Review questions" in cell.source:
            part = cell.source.split("## Review questions", 1)[1].split("\n## ", 1)[0]
            return [m[1].strip() for m in re.finditer(r"^\d+\.\s+(.+)$", part, re.M)]
    return []


def answered_questions() -> dict[str, list[tuple[str, str]]]:
    """`## NN_name` section of review_answers.md -> [(quoted question, answer)] in order."""
    parts = re.split(r"^## (\S+)\s*$", ANSWERS.read_text(), flags=re.M)
    found = {}
    for stem, body in zip(parts[1::2], parts[2::2]):
        items = re.findall(r"^\d+\.\s+\*\*(.+?)\*\*\s*\n((?:[ \t]+\S.*\n?)+)", body, re.M)
        found[stem] = [(question.strip(), " ".join(answer.split())) for question, answer in items]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_review_question_has_an_answer(path):
    questions = review_questions(path)
    assert questions, f"{path.name} has no numbered questions under `## Review questions`"
    answers = answered_questions().get(path.stem)
    assert answers is not None, f"instructors/review_answers.md has no section `## {path.stem}`"
    quoted = [question for question, _ in answers]
    assert quoted == questions, (
        f"instructors/review_answers.md, ## {path.stem}: quote the notebook's review questions "
        f"in order, each in bold and followed by its answer.\nnotebook: {questions}\nanswers:  {quoted}")
    for question, answer in answers:
        assert len(answer.split()) >= 8, (
            f"instructors/review_answers.md, ## {path.stem}: {question!r} has no real answer")
