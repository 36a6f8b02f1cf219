"""Writing a file so that it is either all there or not changed at all.

A notebook can be interrupted at any moment (a kernel restart, Binder's idle cull, a full disk).
A file written in place is then left half-written, and the next run reads garbage. Writing to a
temporary file in the same folder and renaming it over the target makes the change atomic: a
reader sees the old file or the new one, never a mix.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_atomically(path: Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes the file private; the result should be an ordinary file
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def write_json(path: Path, value: Any) -> Path:
    """``value`` as indented JSON, written atomically (see :func:`write_atomically`)."""
    return write_atomically(path, json.dumps(value, indent=1) + "\n")
