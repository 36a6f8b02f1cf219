"""course_utils.files: files replaced together or not at all, stale temporaries cleaned, readers that explain."""
from __future__ import annotations

import gzip
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import zipfile

import pytest

from course_utils import files
from course_utils.files import (
    FileFormatError,
    FileSet,
    is_temporary,
    read_json,
    read_text_lines,
    remove_stale_temporaries,
    sha256_of,
    write_atomically,
    write_json,
)


def temporaries(folder):
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


class Refused(Exception):
    pass


def refuse(temp):
    raise Refused


# ------------------------------------------------------------------------------------------ writing


def test_write_atomically_writes_and_leaves_nothing_else(tmp_path):
    path = write_atomically(tmp_path / "sub" / "a.txt", "hé\n")
    assert path.read_bytes() == "hé\n".encode("utf-8")
    assert temporaries(tmp_path / "sub") == []
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # an ordinary file, not mkstemp's private one


def test_a_failed_check_leaves_the_old_file_byte_identical(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"the good old copy")

    def check(temp):
        assert temp.read_bytes() == b"new"  # the check sees the new content, in a temporary file beside the target
        assert temp.parent == tmp_path and is_temporary(temp.name, "a.txt")
        raise Refused

    with pytest.raises(Refused):
        write_atomically(tmp_path / "a.txt", b"new", verify=check)
    assert snapshot(tmp_path) == {"a.txt": b"the good old copy"}


def test_a_set_is_renamed_only_when_every_file_is_checked(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"old a")
    (tmp_path / "b.txt").write_bytes(b"old b")
    with pytest.raises(Refused):
        with FileSet() as batch:
            batch.stage(tmp_path / "a.txt", "new a")
            batch.stage(tmp_path / "b.txt", "new b", verify=refuse)
            batch.stage(tmp_path / "c.txt", "new c")
    assert snapshot(tmp_path) == {"a.txt": b"old a", "b.txt": b"old b"}
    with pytest.raises(Refused):
        with FileSet() as batch:
            temp = batch.stage(tmp_path / "a.txt")
            temp.write_text("new a, written by name")
            raise Refused  # a fault in the block itself
    assert snapshot(tmp_path) == {"a.txt": b"old a", "b.txt": b"old b"}
    with FileSet() as batch:
        batch.stage(tmp_path / "a.txt", "new a")
        batch.temporary(tmp_path / "a.txt").write_text("new a, rewritten")
        batch.stage(tmp_path / "c.txt", b"new c")
    assert snapshot(tmp_path) == {"a.txt": b"new a, rewritten", "b.txt": b"old b", "c.txt": b"new c"}


def test_a_rename_failing_half_way_puts_back_what_it_had_replaced(tmp_path, monkeypatch, full_disk_at_rename):
    (tmp_path / "a.txt").write_bytes(b"old a")
    full_disk_at_rename(2)
    with pytest.raises(OSError, match="No space"):
        with FileSet() as batch:
            batch.stage(tmp_path / "a.txt", "new a")
            batch.stage(tmp_path / "b.txt", "new b")
    monkeypatch.undo()
    assert snapshot(tmp_path) == {"a.txt": b"old a"}  # a.txt was replaced, then put back; b.txt never existed


def test_staging_refuses_a_folder_and_a_second_stage(tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(IsADirectoryError, match="is a folder"):
        write_atomically(tmp_path / "taken", "x")
    with pytest.raises(ValueError, match="staged twice"):
        with FileSet() as batch:
            batch.stage(tmp_path / "x.txt", "1")
            batch.stage(tmp_path / "x.txt", "2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_write_json_is_checked_and_round_trips(tmp_path):
    path = write_json(tmp_path / "v.json", {"a": [1, 2.5, None], "nan": float("nan")})
    assert read_json(path)["a"] == [1, 2.5, None]
    with pytest.raises(TypeError):
        write_json(tmp_path / "v.json", {"a": object()})
    assert read_json(path)["a"] == [1, 2.5, None] and temporaries(tmp_path) == []


def test_sha256_of_reads_in_chunks(tmp_path):
    data = os.urandom(3 * files.CHUNK + 17)
    (tmp_path / "x").write_bytes(data)
    assert sha256_of(tmp_path / "x") == hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------------------ stale temporaries


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid  # reaped: no process has this id now (until the system reuses it)


def test_temporaries_of_dead_writers_are_removed_and_live_ones_kept(tmp_path):
    gone = dead_pid()
    names = {
        f".a.txt.{gone}.abcd1234.part": True,  # its writer is dead
        ".a.txt.k2j4h5g6.part": True,  # an earlier version's name (no process id): a leftover
        f".a.txt.{gone}.abcd1234.part.weights.h5": True,
        f".a.txt.{os.getpid()}.abcd1234.part": False,  # this process: perhaps still being written
        ".a.txt.1.abcd1234.part": False,  # process 1 is alive
        "a.txt.part": False,  # not one of ours
        ".b.txt.k2j4h5g6.part": False,  # another target's
    }
    for name in names:
        (tmp_path / name).write_bytes(b"half")
    removed = remove_stale_temporaries(tmp_path, "a.txt")
    assert sorted(p.name for p in removed) == sorted(name for name, stale in names.items() if stale)
    assert remove_stale_temporaries(tmp_path) == [tmp_path / ".b.txt.k2j4h5g6.part"]


def test_a_killed_writer_leaves_a_temporary_that_the_next_write_removes(tmp_path):
    script = textwrap.dedent(f"""
        import time
        from course_utils.files import FileSet
        batch = FileSet()
        temp = batch.stage({str(tmp_path / 'a.txt')!r}, b"half of the new conte")
        print(temp, flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        temp = child.stdout.readline().strip()
        assert temp and os.path.exists(temp)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert temporaries(tmp_path) == [os.path.basename(temp)]
    write_atomically(tmp_path / "a.txt", "whole")
    assert snapshot(tmp_path) == {"a.txt": b"whole"}


# ------------------------------------------------------------------------------------------ reading


def write(tmp_path, data: bytes, name="f.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_read_text_lines_handles_line_ends_and_the_byte_order_mark(tmp_path):
    assert read_text_lines(write(tmp_path, b"a\r\nb\n\nc")) == ["a", "b", "", "c"]
    assert read_text_lines(write(tmp_path, b"\xef\xbb\xbfa\n")) == ["a"]
    assert read_text_lines(write(tmp_path, b"")) == []


@pytest.mark.parametrize("data, message", [
    (b"ok\nfine\ncaf\xe9 au lait\n", r"f.txt, line 3, column 4: the byte 0xE9 is not UTF-8"),
    ("ok\n\u00e9t\u00e9 \xff".encode("utf-8")[:-1] + b"\n", r"line 2, column 5: the byte 0xC3"),
    (b"ok\nab\x00cd\n", r"f.txt, line 2, column 3: a NUL byte"),
    ("a\tb\n".encode("utf-16"), r"UTF-16"),
    (b"PK\x03\x04rest of a zip", r"is a zip archive, not a text file. Unzip it"),
    (gzip.compress(b"a\tb\n"), r"gzip-compressed"),
], ids=["latin-1", "cut-character", "nul", "utf-16", "zip", "gzip"])
def test_read_text_lines_explains_what_is_not_text(tmp_path, data, message):
    with pytest.raises(FileFormatError, match=message) as caught:
        read_text_lines(write(tmp_path, data), fix="Do this.")
    assert str(tmp_path / "f.txt") in str(caught.value) and str(caught.value).endswith("Do this.")


def test_read_text_lines_missing_folder_and_shown_name(tmp_path):
    with pytest.raises(FileFormatError, match=r"nope.txt does not exist. Fetch it."):
        read_text_lines(tmp_path / "nope.txt", fix="Fetch it.")
    with pytest.raises(FileFormatError, match=r"is a folder, not a file"):
        read_text_lines(tmp_path)
    with pytest.raises(KeyError, match="shown.txt, line 1, column 1"):
        read_text_lines(write(tmp_path, b"\xff"), KeyError, shown=tmp_path / "shown.txt")


@pytest.mark.parametrize("text, message", [
    ("", r"is empty: it should hold JSON"),
    ("  \n", r"is empty"),
    ('{"a": [1, 2,\n 3, 4', r"line 2, column 6: the file ends in the middle of its JSON: it was cut off"),
    ('{"a": "unfinished', r"line 1, column 7: the file ends in the middle of its JSON"),
    ('{"a": 1}\n}', r"line 2, column 1: this is not valid JSON \(Extra data\)"),
    ("{'a': 1}", r"line 1, column 2: this is not valid JSON"),
    ("[" * 100_000, r"(nested too deeply|cut off)"),
], ids=["empty", "blank", "cut-off", "cut-in-a-string", "extra", "single-quotes", "deep"])
def test_read_json_names_file_line_and_column(tmp_path, text, message):
    path = write(tmp_path, text.encode("utf-8"), "v.json")
    with pytest.raises(FileFormatError, match=message) as caught:
        read_json(path, fix="Save it again.")
    assert str(caught.value).startswith(str(path)) and str(caught.value).endswith("Save it again.")


# ------------------------------------------------------------------------------ models and figures


def test_save_model_replaces_only_with_a_whole_model(tmp_path, monkeypatch):
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    path = files.save_model(model, tmp_path / "m.keras")
    with zipfile.ZipFile(path) as archive:
        assert "config.json" in archive.namelist()
    before = path.read_bytes()

    def broken_save(self, filepath, *args, **kwargs):
        with open(filepath, "wb") as out:
            out.write(b"PK\x03\x04 cut short")
        raise KeyboardInterrupt  # the kernel is interrupted in the middle of the save

    monkeypatch.setattr(type(model), "save", broken_save)
    with pytest.raises(KeyboardInterrupt):
        files.save_model(model, path)
    assert path.read_bytes() == before and temporaries(tmp_path) == []
    monkeypatch.setattr(type(model), "save", lambda self, filepath, *a, **k: open(filepath, "wb").write(b"not a zip"))
    with pytest.raises(OSError, match="does not read back"):
        files.save_model(model, path)
    assert path.read_bytes() == before and temporaries(tmp_path) == []
    with pytest.raises(ValueError, match=r"\.keras"):
        files.save_model(model, tmp_path / "m.h5")


def test_save_figure(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure()
    figure.add_subplot().plot([0, 1], [1, 0])
    path = files.save_figure(figure, tmp_path / "plot.png", dpi=40)
    assert path.read_bytes().startswith(b"\x89PNG") and temporaries(tmp_path) == []
