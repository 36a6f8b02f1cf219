"""Download and unpack files so that nothing is ever lost or half-written.

A download goes to a temporary file beside its destination, is checked (size against the
server's ``Content-Length``, then sha256) and only then renamed into place. A failed or
interrupted download leaves no partial file, and a good copy already on disk is never
replaced by a bad one.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

from tqdm.auto import tqdm

CHUNK = 1 << 16


class DownloadError(RuntimeError):
    """A download or extraction failed; the message says what went wrong and what to do."""


def sha256_of(path: Path) -> str:
    """The sha256 hex digest of a file, read in chunks so large files need little memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download(url: str, dest: Path, sha256: str, *, timeout: float = 30.0, progress: bool = True) -> Path:
    """Fetch ``url`` to ``dest`` unless a copy with the right checksum is already there.

    Raises :class:`DownloadError` on a network fault, a server error, a truncated body or a
    checksum mismatch; in every case ``dest`` is left exactly as it was.
    """
    dest = Path(dest)
    if dest.exists() and sha256_of(dest) == sha256:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            _stream(url, out, timeout=timeout, progress=progress, name=dest.name)
        actual = sha256_of(temp)
        if actual != sha256:
            raise DownloadError(
                f"{url} arrived with sha256 {actual}, but {sha256} was expected: the file is damaged "
                "or the server sent something else. Nothing was saved; try again later, or put the data "
                "in place by hand (see data/README.md)."
            )
        os.replace(temp, dest)
        return dest
    finally:
        temp.unlink(missing_ok=True)


def _stream(url: str, out, *, timeout: float, progress: bool, name: str) -> None:
    try:
        response = urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 - https URLs from our own constants
    except urllib.error.HTTPError as error:
        raise DownloadError(f"{url} answered HTTP {error.code} ({error.reason}). Nothing was saved; try again later.") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DownloadError(f"could not reach {url} ({reason}). Check the network, or put the data in place by hand (see data/README.md).") from None
    with response:
        expected = response.headers.get("Content-Length")
        total = int(expected) if expected and expected.isdigit() else None
        received = 0
        with tqdm(total=total, unit="B", unit_scale=True, desc=f"Downloading {name}", disable=not progress) as bar:
            while True:
                try:
                    chunk = response.read(CHUNK)
                except (OSError, ValueError) as error:  # includes http.client.IncompleteRead
                    raise DownloadError(f"the download of {url} broke off after {received:,} bytes ({error}). Nothing was saved; try again.") from None
                if not chunk:
                    break
                out.write(chunk)
                received += len(chunk)
                bar.update(len(chunk))
    if total is not None and received != total:
        raise DownloadError(f"the download of {url} stopped after {received:,} of {total:,} bytes. Nothing was saved; try again.")


def extract_members(archive: Path, members: dict[str, str], dest_dir: Path) -> dict[str, Path]:
    """Extract chosen members of a zip safely: ``{"trees/train.txt": "train.txt", ...}``.

    Refuses archives whose entries would land outside ``dest_dir`` (absolute paths, ``..``),
    and writes each file through a temporary name so a failure leaves no partial file.
    """
    dest_dir = Path(dest_dir)
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise DownloadError(f"{archive} is not a readable zip file ({error}). Delete it and download it again.") from None
    with zf:
        for info in zf.infolist():
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if info.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                raise DownloadError(f"{archive} holds an unsafe entry {info.filename!r} that would be written outside {dest_dir}; refusing to extract it.")
        names = set(zf.namelist())
        missing = [name for name in members if name not in names]
        if missing:
            raise DownloadError(f"{archive} lacks {', '.join(missing)}: it is not the expected archive. Delete it and download it again.")
        dest_dir.mkdir(parents=True, exist_ok=True)
        written: dict[str, Path] = {}
        for member, target_name in members.items():
            target = dest_dir / target_name
            handle, temp_name = tempfile.mkstemp(prefix=f".{target_name}.", suffix=".part", dir=dest_dir)
            try:
                with zf.open(member) as source, os.fdopen(handle, "wb") as out:
                    shutil.copyfileobj(source, out, CHUNK)
                os.replace(temp_name, target)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise DownloadError(f"could not extract {member} from {archive} ({error}). Delete the zip and download it again.") from None
            finally:
                Path(temp_name).unlink(missing_ok=True)
            written[member] = target
    return written
