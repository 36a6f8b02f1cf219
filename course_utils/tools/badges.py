"""Point every Binder and Colab link of the course at another repository or ref, in one step.

``python -m course_utils.tools.badges OWNER/REPO REF`` (for instance ``lstm-course/lstm-course v1.0``
before a class, so that Binder builds its image once and learners get that version) rewrites:

- the Binder and Colab badges of ``README.md``, ``docs/*.md`` and each notebook's title cell;
- the Colab cell of each notebook and the ``REPOSITORY`` and ``BRANCH`` it is built from
  (``course_utils/colab.py``), so that Colab clones the version its badge opened;
- ``CITATION.cff``'s ``repository-code``.

All files are replaced together or not at all (:class:`course_utils.files.FileSet`). The current
repository and ref are read from ``course_utils/colab.py``; the tests check that every link agrees
with them, so a link this tool missed would fail there.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from course_utils import colab
from course_utils.config import REPO_ROOT
from course_utils.files import FileSet

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]*$")


def _links(old: str, old_ref: str, new: str, new_ref: str) -> list[tuple[str, str]]:
    """(old text, new text) for every link form the course writes."""
    return [
        (f"https://mybinder.org/v2/gh/{old}/{old_ref}?", f"https://mybinder.org/v2/gh/{new}/{new_ref}?"),
        (f"https://colab.research.google.com/github/{old}/blob/{old_ref}/",
         f"https://colab.research.google.com/github/{new}/blob/{new_ref}/"),
    ]


def rewrite(repository: str, ref: str, root: Path = REPO_ROOT) -> list[Path]:
    """Point every link under ``root`` at ``repository`` (``owner/name``) and ``ref``; the files changed."""
    owner_repo = repository.split("/")
    if len(owner_repo) != 2 or not all(_NAME.match(part) for part in owner_repo):
        raise ValueError(f"{repository!r} is not a GitHub repository written as OWNER/REPO")
    if not _REF.match(ref) or ".." in ref:
        raise ValueError(f"{ref!r} is not a branch or tag name")
    old = colab.REPOSITORY.removeprefix("https://github.com/")
    old_ref = colab.BRANCH
    pairs = _links(old, old_ref, repository, ref)
    new_cell = colab.colab_cell(f"https://github.com/{repository}", ref)
    changed: dict[Path, str] = {}

    def swap(text: str) -> str:
        for before, after in pairs:
            text = text.replace(before, after)
        return text

    for path in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        if path.is_file():
            changed[path] = swap(path.read_text(encoding="utf-8"))
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            source = "".join(cell["source"])
            source = new_cell if source == colab.COLAB_CELL else swap(source)
            cell["source"] = source.splitlines(keepends=True)
        changed[path] = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    module = root / "course_utils" / "colab.py"
    text = module.read_text(encoding="utf-8")
    text = re.sub(r'^REPOSITORY = ".*"$', f'REPOSITORY = "https://github.com/{repository}"', text, count=1, flags=re.M)
    changed[module] = re.sub(r'^BRANCH = ".*"$', f'BRANCH = "{ref}"', text, count=1, flags=re.M)
    citation = root / "CITATION.cff"
    if citation.is_file():
        changed[citation] = re.sub(r'^repository-code: ".*"$', f'repository-code: "https://github.com/{repository}"',
                                   citation.read_text(encoding="utf-8"), count=1, flags=re.M)
    written = [path for path, text in changed.items() if text != path.read_text(encoding="utf-8")]
    with FileSet() as files:
        for path in written:
            files.stage(path, changed[path])
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.tools.badges",
                                     description="Point every Binder and Colab link at OWNER/REPO and REF.")
    parser.add_argument("repository", help="OWNER/REPO on GitHub")
    parser.add_argument("ref", help="the branch or tag the links open (a tag for a class)")
    args = parser.parse_args(argv)
    try:
        written = rewrite(args.repository, args.ref)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"rewrote {path.relative_to(REPO_ROOT)}")
    print(f"every link now opens {args.repository} at {args.ref}" if written else "nothing to change")
    return 0


if __name__ == "__main__":
    sys.exit(main())
