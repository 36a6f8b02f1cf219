"""Download and extraction faults, served by a real HTTP server on 127.0.0.1 (never the network)."""
from __future__ import annotations

import hashlib
import io
import socket
import zipfile

import pytest

from course_utils.data import prepare_sst, read_phrase_table
from course_utils.data.download import DownloadError, download, extract_members

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
    folder = prepare_sst(tmp_path / "sst", url=f"{base}/sst.zip", zip_sha256=hashlib.sha256(body).hexdigest(),
                         members=sst_members(), progress=False)
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
        prepare_sst(tmp_path / "sst", url=f"{base}/sst.zip", zip_sha256=hashlib.sha256(body).hexdigest(),
                    members=sst_members(), progress=False)
    assert sorted(p.name for p in (tmp_path / "sst").iterdir()) == []


# ------------------------------------------------------------------ faults a hostile reader found


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def temporaries(folder):
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


def test_a_damaged_member_never_replaces_a_good_tree_file(http_server, tmp_path):
    base, routes = http_server
    folder = tmp_path / "sst"
    folder.mkdir()
    (folder / "train.txt").write_bytes(TRAIN)  # verified, good; dev.txt and test.txt are missing
    body = make_zip({"trees/train.txt": TRAIN[:-5] + b"oops\n", "trees/dev.txt": DEV, "trees/test.txt": TEST})
    routes["/sst.zip"] = (200, body, None)
    with pytest.raises(DownloadError, match=r"trees/train.txt in .*sst.zip|trees/train.txt in .*PTB.zip") as caught:
        prepare_sst(folder, url=f"{base}/sst.zip", zip_sha256=hashlib.sha256(body).hexdigest(), members=sst_members(),
                    progress=False)
    assert "wrong checksum" in str(caught.value) and "Nothing was extracted" in str(caught.value)
    files = snapshot(folder)
    assert files.pop("train.txt") == TRAIN  # byte-identical
    assert set(files) == {"trainDevTestTrees_PTB.zip"}  # the (verified) download is kept; no other member, no temporary


@pytest.mark.parametrize("bad", ["trees/train.txt", "trees/dev.txt", "trees/test.txt"])
def test_one_bad_member_extracts_none_of_them(tmp_path, bad):
    entries = {"trees/train.txt": TRAIN, "trees/dev.txt": DEV, "trees/test.txt": TEST}
    archive = tmp_path / "trees.zip"
    archive.write_bytes(make_zip({**entries, bad: b"(2 damaged)\n"}))
    out = tmp_path / "out"
    out.mkdir()
    (out / "dev.txt").write_bytes(b"an older dev.txt")
    checksums = {member: digest for member, (_, digest) in sst_members().items()}
    with pytest.raises(DownloadError, match=f"{bad} in .*wrong checksum"):
        extract_members(archive, {m: m.split("/")[1] for m in entries}, out, checksums=checksums)
    assert snapshot(out) == {"dev.txt": b"an older dev.txt"}
    written = extract_members(_good_zip(tmp_path, entries), {m: m.split("/")[1] for m in entries}, out,
                              checksums=checksums)
    assert {p.name for p in written.values()} == {"train.txt", "dev.txt", "test.txt"}
    assert snapshot(out) == {"train.txt": TRAIN, "dev.txt": DEV, "test.txt": TEST}


def _good_zip(tmp_path, entries):
    path = tmp_path / "good.zip"
    path.write_bytes(make_zip(entries))
    return path


def _deflated_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_damaged_inside_a_member_is_a_clear_error(tmp_path):
    body = bytearray(make_zip({"trees/train.txt": TRAIN * 20, "trees/dev.txt": DEV}))
    at = body.index(b"dull")
    body[at:at + 4] = b"DULL"  # stored data changed: the CRC no longer matches
    archive = tmp_path / "crc.zip"
    archive.write_bytes(bytes(body))
    out = tmp_path / "out"
    with pytest.raises(DownloadError, match=r"could not extract trees/train.txt .*Bad CRC-32.*Nothing was extracted"):
        extract_members(archive, {"trees/dev.txt": "dev.txt", "trees/train.txt": "train.txt"}, out)
    assert list(out.iterdir()) == []


def test_a_zip_with_an_unknown_compression_method_is_a_clear_error(tmp_path):
    body = bytearray(make_zip({"trees/train.txt": TRAIN}))
    central = body.index(b"PK\x01\x02")
    body[central + 10:central + 12] = (99).to_bytes(2, "little")  # method 99 (AES encryption): zipfile cannot read it
    archive = tmp_path / "method.zip"
    archive.write_bytes(bytes(body))
    with pytest.raises(DownloadError, match=r"could not extract trees/train.txt .*the archive is damaged"):
        extract_members(archive, {"trees/train.txt": "train.txt"}, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_a_cut_off_zip_is_a_clear_error(tmp_path):
    archive = tmp_path / "cut.zip"
    archive.write_bytes(_deflated_zip({"trees/train.txt": TRAIN * 50})[:-30])
    with pytest.raises(DownloadError, match="is not a readable zip file.*Delete"):
        extract_members(archive, {"trees/train.txt": "train.txt"}, tmp_path / "out")


def test_a_folder_in_the_way_is_a_clear_error_and_changes_nothing(http_server, tmp_path):
    base, routes = http_server
    routes["/file"] = (200, PAYLOAD, None)
    (tmp_path / "file.bin").mkdir()
    with pytest.raises(DownloadError, match=r"could not save the download .*is a folder"):
        download(f"{base}/file", tmp_path / "file.bin", PAYLOAD_SHA, progress=False)
    assert [p.name for p in tmp_path.iterdir()] == ["file.bin"] and not list((tmp_path / "file.bin").iterdir())
    archive = tmp_path / "t.zip"
    archive.write_bytes(make_zip({"trees/train.txt": TRAIN, "trees/dev.txt": DEV}))
    out = tmp_path / "out"
    (out / "dev.txt").mkdir(parents=True)
    with pytest.raises(DownloadError, match=r"could not write the files of .*is a folder"):
        extract_members(archive, {"trees/train.txt": "train.txt", "trees/dev.txt": "dev.txt"}, out)
    assert [p.name for p in out.iterdir()] == ["dev.txt"]


def test_a_killed_download_leaves_a_part_file_that_the_next_download_removes(http_server, tmp_path):
    """A real download killed (SIGKILL) half-way; the next, successful one cleans up after it."""
    import signal
    import subprocess
    import sys
    import threading
    import time

    stall = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve_half():
        connection, _ = listener.accept()
        connection.recv(65536)
        connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 1000000\r\n\r\n" + b"x" * 70_000)
        stall.wait(30)  # then hang, as a slow server does
        connection.close()

    thread = threading.Thread(target=serve_half, daemon=True)
    thread.start()
    dest = tmp_path / "file.bin"
    script = (f"from course_utils.data.download import download; "
              f"download('http://127.0.0.1:{listener.getsockname()[1]}/file', {str(dest)!r}, {PAYLOAD_SHA!r}, "
              "progress=False)")
    child = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not any(p.stat().st_size >= 65536 for p in tmp_path.iterdir() if ".part" in p.name):
            assert time.monotonic() < deadline and child.poll() is None, "the download never started"
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        stall.set()
        listener.close()
    assert len(temporaries(tmp_path)) == 1 and not dest.exists()  # what a killed run leaves
    base, routes = http_server
    routes["/file"] = (200, PAYLOAD, None)
    download(f"{base}/file", dest, PAYLOAD_SHA, progress=False)
    assert snapshot(tmp_path) == {"file.bin": PAYLOAD}


def test_leftovers_of_earlier_versions_are_removed_even_when_the_file_is_already_good(http_server, tmp_path):
    base, routes = http_server  # no route: nothing is fetched
    (tmp_path / "file.bin").write_bytes(PAYLOAD)
    (tmp_path / ".file.bin.k2j4h5g6.part").write_bytes(PAYLOAD[:100])  # how the old code named its temporary files
    download(f"{base}/file", tmp_path / "file.bin", PAYLOAD_SHA, progress=False)
    assert snapshot(tmp_path) == {"file.bin": PAYLOAD}
