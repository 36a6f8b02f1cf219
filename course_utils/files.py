"""Every file the course reads or writes: nothing lost, nothing half-written, every fault explained.

Writing. A notebook can be interrupted at any moment (a kernel restart, Binder's idle cull, a full
disk). A file written in place is then left half-written, and the next run reads garbage. So every
file the course writes goes through :class:`FileSet`: each new file is written to a temporary file
beside its target (``.NAME.PID.RANDOM.part``), checked, and only when every file of the set is
written and checked are they all renamed into place. Any failure before that removes the
temporary files and leaves the targets exactly as they were; a rename that fails half-way through
a set puts back the files it had already replaced. A temporary file left by a run that was killed
is removed the next time its target is written (:func:`remove_stale_temporaries`).
:func:`write_atomically`, :func:`write_json`, :func:`save_model` and :func:`save_figure` are the
one-file cases.

Reading. :func:`read_text_lines` and :func:`read_json` turn every way a file can be wrong (missing,
a folder, unreadable, a zip or other binary file, not UTF-8, not JSON) into one error naming the
file, the line and column as an editor shows them (counted from 1), what is wrong and what to do.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "FileFormatError",
    "FileSet",
    "TEMP_SUFFIX",
    "is_temporary",
    "location",
    "read_json",
    "read_text_lines",
    "remove_stale_temporaries",
    "save_figure",
    "save_model",
    "sha256_of",
    "write_atomically",
    "write_json",
]

TEMP_SUFFIX = ".part"
CHUNK = 1 << 16
#: Where the process that wrote a temporary file cannot be asked whether it still runs (Windows), a
#: temporary file older than this is taken for a leftover.
STALE_AFTER_S = 3600.0
# What follows ".TARGET." in a temporary file's name: the writer's process id, mkstemp's 8 random
# characters, ".part", and an extension a library insists on (".weights.h5", ".keras", ".png").
# Names without the process id are the ones earlier versions of the course wrote.
_TEMP_TAIL = re.compile(r"^(?:(?P<pid>\d+)\.)?[a-z0-9_]{8}\.part(?:\.[A-Za-z0-9]+)*$")
_TEMP_NAME = re.compile(r"^\.(?P<target>.+?)\.(?:(?P<pid>\d+)\.)?[a-z0-9_]{8}\.part(?:\.[A-Za-z0-9]+)*$")


class FileFormatError(ValueError):
    """A file the course reads is missing, unreadable or not what it should be.

    The message names the file, the line (and column) where there is one, what is wrong and what to do.
    """


def location(path: Path | str, line: int | None = None, column: int | None = None) -> str:
    """``path, line 3, column 7`` (line and column counted from 1, as an editor shows them)."""
    text = str(path)
    if line is not None:
        text += f", line {line}"
        if column is not None:
            text += f", column {column}"
    return text


def sha256_of(path: Path | str) -> str:
    """The sha256 hex digest of a file, read in chunks so large files need little memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------------------------ temporaries


def is_temporary(name: str, target: str | None = None) -> bool:
    """Whether ``name`` is a temporary file of :class:`FileSet` (for ``target``, when given)."""
    if target is None:
        return bool(_TEMP_NAME.match(name))
    prefix = f".{target}."
    return name.startswith(prefix) and bool(_TEMP_TAIL.match(name[len(prefix):]))


def _writer_is_gone(path: Path, pid: str | None) -> bool:
    if pid is None:
        return True  # written by an earlier version of the course, which no longer runs
    if os.name == "posix":
        if int(pid) == os.getpid():
            return False  # this process: perhaps another FileSet still writing it
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except (PermissionError, OverflowError, OSError):
            return False
        return False
    try:
        return time.time() - path.stat().st_mtime > STALE_AFTER_S
    except OSError:
        return False


def temporary_writer_is_gone(path: Path, target: str) -> bool:
    """Whether the process that made ``path``, a temporary of ``target`` (file or folder), has ended.

    Its name carries the writer's process id; see :func:`remove_stale_temporaries` for the rule.
    """
    tail = _TEMP_TAIL.match(path.name[len(target) + 2:])
    return _writer_is_gone(path, tail["pid"] if tail else None)


def remove_stale_temporaries(folder: Path | str, target: str | None = None) -> list[Path]:
    """Remove the temporary files that killed runs left in ``folder`` (only ``target``'s, when given).

    A temporary file whose writer still runs is kept, so two kernels writing at once do not break
    each other's files. Returns the files removed.
    """
    folder = Path(folder)
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = _TEMP_NAME.match(name)
        if not match or (target is not None and not is_temporary(name, target)):
            continue
        path = folder / name
        if path.is_file() and (temporary_writer_is_gone(path, target) if target is not None
                               else _writer_is_gone(path, match["pid"])):
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed


def _new_temporary(target: Path, suffix: str = "") -> Path:
    remove_stale_temporaries(target.parent, target.name)
    prefix = f".{target.name}.{os.getpid()}."
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=TEMP_SUFFIX + suffix)
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(name, 0o666 & ~umask)  # mkstemp makes the file private; the result should be an ordinary file
    return Path(name)


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    _fsync(folder)


class FileSet:
    """Files that are replaced together, or not at all.

    ::

        with FileSet() as files:
            files.stage(folder / "a.txt", "new text")                 # written to a temporary file now
            temp = files.stage(folder / "b.tsv", verify=check_table)  # an empty temporary to write by name
            frame.to_csv(temp, ...)
        # here both are in place; had anything raised above, neither would be, and no temporary file is left

    ``verify`` is called with the temporary file's path once the block ends, before any rename;
    whatever it raises cancels the whole set. Checks that need several files at once can simply
    run at the end of the ``with`` block, reading the paths :meth:`stage` returned.
    """

    def __init__(self) -> None:
        self._staged: dict[Path, tuple[Path, Callable[[Path], Any] | None]] = {}
        self._open = True

    def stage(self, target: Path | str, data: str | bytes | None = None, *, suffix: str = "",
              verify: Callable[[Path], Any] | None = None) -> Path:
        """The temporary file that will replace ``target``: written with ``data`` when given, else empty.

        ``suffix`` ends the temporary name, for writers that insist on an extension
        (``".weights.h5"`` for Keras's ``save_weights``, ``".keras"`` for ``model.save``).
        """
        if not self._open:
            raise RuntimeError("this FileSet has already been committed or discarded")
        target = Path(target)
        if target in self._staged:
            raise ValueError(f"{target} is staged twice in one FileSet")
        if target.is_dir():
            raise IsADirectoryError(f"{target} is a folder: the file cannot be written there. Move or rename that "
                                    "folder.")
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = _new_temporary(target, suffix)
        self._staged[target] = (temp, verify)
        if data is not None:
            try:
                with open(temp, "wb") as out:
                    out.write(data.encode("utf-8") if isinstance(data, str) else data)
            except BaseException:
                self.discard()
                raise
        return temp

    def temporary(self, target: Path | str) -> Path:
        """The temporary file staged for ``target``."""
        return self._staged[Path(target)][0]

    def commit(self) -> list[Path]:
        """Check every staged file, then rename them all into place; returns the targets."""
        if not self._open:
            raise RuntimeError("this FileSet has already been committed or discarded")
        try:
            for target, (temp, verify) in self._staged.items():
                _fsync(temp)
                if verify is not None:
                    verify(temp)
            self._rename_all()
        except BaseException:
            self.discard()
            raise
        self._open = False
        for folder in {target.parent for target in self._staged}:
            _fsync_folder(folder)
        return list(self._staged)

    def _rename_all(self) -> None:
        backups: dict[Path, Path] = {}
        done: list[Path] = []
        try:
            for target in self._staged:
                if len(self._staged) > 1 and target.is_file():
                    backup = _new_temporary(target)
                    backup.unlink()
                    try:
                        os.link(target, backup)  # the old file, to put back if a later rename fails
                        backups[target] = backup
                    except OSError:
                        pass
            for target, (temp, _) in self._staged.items():
                os.replace(temp, target)
                done.append(target)
        except BaseException:
            for target in reversed(done):
                try:
                    if target in backups:
                        os.replace(backups.pop(target), target)
                    else:
                        target.unlink()
                except OSError:
                    pass
            raise
        finally:
            for backup in backups.values():
                backup.unlink(missing_ok=True)

    def discard(self) -> None:
        """Remove every staged temporary file; the targets stay as they were."""
        for temp, _ in self._staged.values():
            try:
                temp.unlink(missing_ok=True)
            except OSError:
                pass
        self._open = False

    def __enter__(self) -> FileSet:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        elif self._open:
            self.discard()


# -------------------------------------------------------------------------------- one-file writes


def write_atomically(path: Path | str, data: str | bytes, *, verify: Callable[[Path], Any] | None = None) -> Path:
    """Write ``data`` to ``path`` through a temporary file beside it, read it back, then rename it into place.

    ``verify`` (called with the temporary file) may check more; what it raises leaves ``path`` as it was.
    """
    path = Path(path)
    expected = data.encode("utf-8") if isinstance(data, str) else bytes(data)

    def check(temp: Path) -> None:
        if temp.read_bytes() != expected:
            raise OSError(f"{path} could not be written: what was read back differs from what was written. "
                          "Check the disk (is it full?) and run this again.")
        if verify is not None:
            verify(temp)

    with FileSet() as files:
        files.stage(path, expected, verify=check)
    return path


def write_json(path: Path | str, value: Any, *, verify: Callable[[Path], Any] | None = None) -> Path:
    """``value`` as indented JSON, written atomically (see :func:`write_atomically`) and checked to read back."""
    text = json.dumps(value, indent=1) + "\n"

    def check(temp: Path) -> None:
        json.loads(temp.read_text(encoding="utf-8"))
        if verify is not None:
            verify(temp)

    return write_atomically(path, text, verify=check)


def save_model(model, path: Path | str) -> Path:
    """``model.save(path)`` (Keras's ``.keras`` format) through a temporary file, checked before it replaces
    ``path`` (notebook 05 saves its model this way)."""
    import zipfile

    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"{path}: a Keras model is saved in a file ending in .keras")

    def check(temp: Path) -> None:
        try:
            with zipfile.ZipFile(temp) as archive:
                names = set(archive.namelist())
                bad = archive.testzip()
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise OSError(f"the model saved for {path} does not read back ({error}); {path} was left as it "
                          "was") from None
        if bad is not None or "config.json" not in names:
            raise OSError(f"the model saved for {path} is incomplete; {path} was left as it was")

    with FileSet() as files:
        model.save(files.stage(path, suffix=".keras", verify=check))
    return path


def save_figure(figure, path: Path | str, **savefig_args) -> Path:
    """``figure.savefig(path, ...)`` through a temporary file, so an interrupted save leaves no broken image."""
    path = Path(path)
    savefig_args.setdefault("format", path.suffix.lstrip(".") or "png")

    def check(temp: Path) -> None:
        if temp.stat().st_size == 0:
            raise OSError(f"the figure saved for {path} is empty; {path} was left as it was")

    with FileSet() as files:
        figure.savefig(files.stage(path, verify=check), **savefig_args)
    return path


# ------------------------------------------------------------------------------------------ reading

_SIGNATURES = {
    b"PK\x03\x04": "a zip archive",
    b"PK\x05\x06": "an empty zip archive",
    b"\x1f\x8b": "a gzip-compressed file",
    b"\x89HDF": "an HDF5 file (saved weights)",
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
}


def read_text_lines(path: Path | str, error: type[Exception] = FileFormatError, *, fix: str = "",
                    missing: str | None = None, shown: Path | str | None = None) -> list[str]:
    """The lines of a UTF-8 text file, line ``n`` at index ``n - 1``, without their line ends.

    Lines end at ``\\n``; a ``\\r`` before it (Windows line ends) is dropped, and so is a UTF-8
    byte-order mark. Any fault raises ``error`` naming the file (``shown`` instead of ``path``, when
    reading a temporary copy), the line and column, what is wrong, then ``fix`` (what to do);
    ``missing`` replaces ``fix`` when the file does not exist.
    """
    path = Path(path)
    name = Path(shown) if shown is not None else path
    tail = f" {fix}" if fix else ""
    if path.is_dir():
        raise error(f"{name} is a folder, not a file.{tail}")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{name} does not exist. {missing if missing is not None else fix}".rstrip()) from None
    except OSError as problem:
        raise error(f"{name} could not be read ({problem.strerror or problem}).{tail}") from None
    for signature, what in _SIGNATURES.items():
        if raw.startswith(signature):
            unzip = " Unzip it and use the file inside." if "zip" in what else ""
            raise error(f"{name} is {what}, not a text file.{unzip}{tail}")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error(f"{name} is UTF-16 text (as some editors and Excel's \"Unicode text\" save it); the course reads "
                    f"UTF-8. Save it again as UTF-8.{tail}")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = raw.count(b"\n", 0, problem.start) + 1
        start = raw.rfind(b"\n", 0, problem.start) + 1
        column = len(raw[start:problem.start].decode("utf-8", "replace")) + 1
        byte = raw[problem.start]
        raise error(f"{location(name, line, column)}: the byte 0x{byte:02X} is not UTF-8 text; the file was saved in "
                    f"another encoding (Latin-1 or Windows-1252?) or is damaged. Save it again as "
                    f"UTF-8.{tail}") from None
    if "\x00" in text:
        at = text.index("\x00")
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise error(f"{location(name, line, column)}: a NUL byte: this is a binary file, or a damaged one, "
                    f"not text.{tail}")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return lines


def read_json(path: Path | str, error: type[Exception] = FileFormatError, *, fix: str = "",
              missing: str | None = None, shown: Path | str | None = None) -> Any:
    """The value in a JSON file; any fault raises ``error`` as :func:`read_text_lines` describes."""
    name = Path(shown) if shown is not None else Path(path)
    tail = f" {fix}" if fix else ""
    text = "\n".join(read_text_lines(path, error, fix=fix, missing=missing, shown=shown))
    if not text.strip():
        raise error(f"{name} is empty: it should hold JSON.{tail}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as problem:
        if problem.pos >= len(text.rstrip()) or problem.msg.startswith("Unterminated string"):
            what = "the file ends in the middle of its JSON: it was cut off (an interrupted save?)"
            if problem.msg.startswith("Unterminated string"):
                what += "; the string that starts here never ends"
        else:
            what = f"this is not valid JSON ({problem.msg})"
        raise error(f"{location(name, problem.lineno, problem.colno)}: {what}.{tail}") from None
    except RecursionError:
        raise error(f"{name}: the JSON is nested too deeply to be a file the course wrote.{tail}") from None
