"""Download and unpack files so that nothing is ever lost or half-written.

A download goes to a temporary file beside its destination, is checked (size against the
server's ``Content-Length``, then sha256) and only then renamed into place. The members of a zip
are extracted the same way, all of them to temporary files first, each checked against its
sha256, and renamed into place together only when every one is good. A failed or interrupted
download or extraction leaves no partial file, a good copy already on disk is never replaced by a
bad one, and a temporary file left by a killed run is removed by the next one
(:class:`course_utils.files.FileSet` does all of this).
"""
from __future__ import annotations

import shutil
import urllib.error
import urllib.request
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from tqdm.auto import tqdm

from course_utils.files import CHUNK, FileSet, remove_stale_temporaries, sha256_of

__all__ = ["DownloadError", "download", "extract_members", "sha256_of"]

# What a damaged or unusual zip member raises while it is read: CRC mismatch and truncation
# (BadZipFile, EOFError, zlib.error), encryption (RuntimeError), unknown compression (NotImplementedError).
_ZIP_FAULTS = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError)


class DownloadError(RuntimeError):
    """A download or extraction failed; the message says what went wrong and what to do."""


def download(url: str, dest: Path, sha256: str, *, timeout: float = 30.0, progress: bool = True) -> Path:
    """Fetch ``url`` to ``dest`` unless a copy with the right checksum is already there.

    Raises :class:`DownloadError` on a network fault, a server error, a truncated body, a
    checksum mismatch or a disk that cannot take the file; in every case ``dest`` is left exactly
    as it was and no temporary file remains.
    """
    dest = Path(dest)
    try:
        good = dest.is_file() and sha256_of(dest) == sha256
    except OSError:
        good = False  # unreadable: fetched again, and replaced only once the new copy is verified
    if good:
        remove_stale_temporaries(dest.parent, dest.name)
        return dest

    def check(temp: Path) -> None:
        actual = sha256_of(temp)
        if actual != sha256:
            raise DownloadError(
                f"{url} arrived with sha256 {actual}, but {sha256} was expected: the file is damaged "
                f"or the server sent something else. Nothing was saved ({dest} is as it was); try again later, "
                "or put the data in place by hand (see data/README.md)."
            )

    try:
        with FileSet() as files:
            temp = files.stage(dest, verify=check)
            with open(temp, "wb") as out:
                _stream(url, out, timeout=timeout, progress=progress, name=dest.name)
    except OSError as error:
        raise DownloadError(f"could not save the download of {url} in {dest.parent} ({error.strerror or error}). "
                            "Nothing was saved; free some disk space (or fix the folder's permissions) and try "
                            "again.") from None
    return dest


def _stream(url: str, out, *, timeout: float, progress: bool, name: str) -> None:
    try:
        response = urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 - https URLs from our own constants
    except urllib.error.HTTPError as error:
        raise DownloadError(f"{url} answered HTTP {error.code} ({error.reason}). Nothing was saved; try again "
                            "later.") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DownloadError(f"could not reach {url} ({reason}). Check the network, or put the data in place by hand "
                            "(see data/README.md).") from None
    with response:
        expected = response.headers.get("Content-Length")
        total = int(expected) if expected and expected.isdigit() else None
        received = 0
        with tqdm(total=total, unit="B", unit_scale=True, desc=f"Downloading {name}", disable=not progress) as bar:
            while True:
                try:
                    chunk = response.read(CHUNK)
                except (OSError, ValueError) as error:  # includes http.client.IncompleteRead
                    raise DownloadError(f"the download of {url} broke off after {received:,} bytes ({error}). Nothing "
                                        "was saved; try again.") from None
                if not chunk:
                    break
                out.write(chunk)
                received += len(chunk)
                bar.update(len(chunk))
    if total is not None and received != total:
        raise DownloadError(f"the download of {url} stopped after {received:,} of {total:,} bytes. Nothing was saved; "
                            "try again.")


def extract_members(archive: Path, members: dict[str, str], dest_dir: Path,
                    checksums: dict[str, str] | None = None) -> dict[str, Path]:
    """Extract chosen members of a zip safely: ``{"trees/train.txt": "train.txt", ...}``.

    Refuses archives whose entries would land outside ``dest_dir`` (absolute paths, ``..``).
    Every member is written to a temporary file first and, when ``checksums`` gives its sha256
    (``{"trees/train.txt": "e2f3..."}``), checked; only when all of them are good are they
    renamed into place, together. Any fault raises :class:`DownloadError` and leaves ``dest_dir``
    exactly as it was: a good file already there is never replaced by a bad one.
    """
    archive, dest_dir = Path(archive), Path(dest_dir)
    checksums = checksums or {}
    redo = f"Delete {archive} and run this again to download it afresh."
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise DownloadError(f"{archive} is not a readable zip file ({error}). {redo}") from None
    with zf:
        for info in zf.infolist():
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if info.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                raise DownloadError(f"{archive} holds an unsafe entry {info.filename!r} that would be written outside "
                                    f"{dest_dir}; refusing to extract it. {redo}")
        names = set(zf.namelist())
        missing = [name for name in members if name not in names]
        if missing:
            raise DownloadError(f"{archive} lacks {', '.join(missing)}: it is not the expected archive. {redo}")
        written = {member: dest_dir / target_name for member, target_name in members.items()}
        try:
            with FileSet() as files:
                for member, target in written.items():
                    temp = files.stage(target)
                    try:
                        with zf.open(member) as source, open(temp, "wb") as out:
                            shutil.copyfileobj(source, out, CHUNK)
                    except _ZIP_FAULTS as error:
                        raise DownloadError(f"could not extract {member} from {archive} ({error}): the archive is "
                                            f"damaged. Nothing was extracted. {redo}") from None
                    expected = checksums.get(member)
                    if expected is not None and sha256_of(temp) != expected:
                        raise DownloadError(
                            f"{member} in {archive} has the wrong checksum (sha256 {sha256_of(temp)}, expected "
                            f"{expected}): the archive is damaged or not the expected one. Nothing was extracted "
                            f"and the files in {dest_dir} are as they were. {redo}")
        except OSError as error:
            raise DownloadError(f"could not write the files of {archive} in {dest_dir} ({error.strerror or error}). "
                                "Nothing was extracted; free some disk space (or fix the folder's permissions) and "
                                "try again.") from None
    return written
