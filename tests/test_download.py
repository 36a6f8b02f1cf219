"""Download and extraction faults, served by a real HTTP server on 127.0.0.1 (never the network)."""
from __future__ import annotations

import hashlib
import io
import socket
import zipfile

import pytest

from course_utils.data import prepare_sst, read_phrase_table
from course_utils.download import DownloadError, download, extract_members

PAYLOAD = b"the right bytes " * 1000
PAYLOAD_SHA = hashlib.sha256(PAYLOAD).hexdigest()


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_good_download_lands_whole(http_server, tmp_path):
    base, routes = http_server
    routes["/file"] = (200, PAYLOAD, None)
    dest = download(f"{base}/file", tmp_path / "file.bin", PAYLOAD_SHA, progress=False)
    assert dest.read_bytes() == PAYLOAD
    assert leftovers(tmp_path) == []


def test_existing_good_copy_is_not_fetched_again(http_server, tmp_path):
    base, routes = http_server  # no route: a request would get 404 and fail
    (tmp_path / "file.bin").write_bytes(PAYLOAD)
    assert download(f"{base}/file", tmp_path / "file.bin", PAYLOAD_SHA, progress=False).read_bytes() == PAYLOAD


@pytest.mark.parametrize(
    "route, expected",
    [
        ((200, b"something else entirely", None), "sha256"),
        ((200, PAYLOAD[:5000], len(PAYLOAD)), "stopped after|broke off"),
        ((500, b"oops", None), "HTTP 500"),
        ((404, b"", None), "HTTP 404"),
    ],
    ids=["checksum-mismatch", "truncated", "server-error", "not-found"],
)
def test_faults_leave_the_old_copy_and_no_partial_file(http_server, tmp_path, route, expected):
    base, routes = http_server
    routes["/file"] = route
    dest = tmp_path / "file.bin"
    dest.write_bytes(b"an older copy the learner already had")
    with pytest.raises(DownloadError, match=expected):
        download(f"{base}/file", dest, PAYLOAD_SHA, progress=False)
    assert dest.read_bytes() == b"an older copy the learner already had"
    assert leftovers(tmp_path) == []


def test_unreachable_server_is_a_clear_error(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DownloadError, match="could not reach"):
        download(f"http://127.0.0.1:{port}/x", tmp_path / "x", PAYLOAD_SHA, progress=False, timeout=5)
    assert list(tmp_path.iterdir()) == []


def make_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("evil", ["../escape.txt", "trees/../../escape.txt", "/abs/escape.txt"])
def test_zip_with_unsafe_entries_is_refused(tmp_path, evil):
    archive = tmp_path / "evil.zip"
    archive.write_bytes(make_zip({"trees/train.txt": b"(2 a)\n", evil: b"gotcha"}))
    out = tmp_path / "out"
    with pytest.raises(DownloadError, match="unsafe entry"):
        extract_members(archive, {"trees/train.txt": "train.txt"}, out)
    assert not out.exists()
    assert not (tmp_path / "escape.txt").exists()


def test_not_a_zip_is_a_clear_error(tmp_path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"this is not a zip")
    with pytest.raises(DownloadError, match="not a readable zip"):
        extract_members(archive, {"trees/train.txt": "train.txt"}, tmp_path / "out")


TRAIN = b"(3 (2 A) (3 (2 fine) (3 film)))\n(1 (2 A) (1 (2 dull) (1 film)))\n"
DEV = b"(4 (2 A) (4 (3 great) (3 film)))\n"
TEST = b"(0 (2 An) (0 (0 awful) (2 film)))\n"


def sst_members() -> dict[str, tuple[str, str]]:
    return {
        "trees/train.txt": ("train.txt", hashlib.sha256(TRAIN).hexdigest()),
        "trees/dev.txt": ("dev.txt", hashlib.sha256(DEV).hexdigest()),
        "trees/test.txt": ("test.txt", hashlib.sha256(TEST).hexdigest()),
    }


def test_prepare_sst_downloads_builds_and_validates(http_server, tmp_path):
    base, routes = http_server
    body = make_zip({"trees/train.txt": TRAIN, "trees/dev.txt": DEV, "trees/test.txt": TEST})
    routes["/sst.zip"] = (200, body, None)
    folder = prepare_sst(tmp_path / "sst", url=f"{base}/sst.zip", zip_sha256=hashlib.sha256(body).hexdigest(), members=sst_members(), progress=False)
    train = read_phrase_table(folder / "train.tsv", "train")
    test = read_phrase_table(folder / "test.tsv", "test")
    assert train["Phrase"].tolist()[:3] == ["A fine film", "A", "fine film"]
    assert set(test["SentenceId"]) == {3, 4}  # dev then test, ids continuing from train
    assert test["PhraseId"].min() == train["PhraseId"].max() + 1
    assert leftovers(folder) == []


def test_prepare_sst_with_a_bad_archive_builds_nothing(http_server, tmp_path):
    base, routes = http_server
    body = make_zip({"trees/train.txt": TRAIN, "trees/dev.txt": DEV, "trees/test.txt": TEST})
    routes["/sst.zip"] = (200, body[:-10], None)
    with pytest.raises(DownloadError, match="sha256"):
        prepare_sst(tmp_path / "sst", url=f"{base}/sst.zip", zip_sha256=hashlib.sha256(body).hexdigest(), members=sst_members(), progress=False)
    assert sorted(p.name for p in (tmp_path / "sst").iterdir()) == []
