"""Shared fixtures: a local HTTP server for download tests, and a disk that fills up half-way through a set of
renames. And how ``make test``'s two workers (pytest-xdist) share the machine: each its own CPUs, whole units of
work (a file, or all of tests/browser), the longest first."""
from __future__ import annotations

import http.server
import os
import threading
from collections.abc import Callable, Iterator

import pytest

#: The browser tests are one unit: a notebook's test and its widget tests (two files) share one run of the notebook
#: in one JupyterLab page, which closes the notebook after the last test that uses it (tests/browser/conftest.py).
BROWSER_UNIT = "tests/browser"

# The units of work that take longest, in seconds, measured with --durations in one serial run on two cores of an
# Intel Xeon (family 6 model 167). make test runs two workers and hands out whole units (--dist loadfile, so a
# notebook's cells stay in order in one kernel) in the order collected; starting these first keeps one worker
# from being left alone with a long one at the end. Every other unit keeps its place after them.
LONGEST_UNITS = {
    BROWSER_UNIT: 771,
    "tests/test_notebook_02.py": 264,
    "tests/test_notebook_05.py": 186,
    "notebooks/06_beyond_the_baseline.ipynb": 130,
    "notebooks/02_rest_days_need_memory.ipynb": 59,
    "tests/test_trees.py": 53,
    "notebooks/05_sentiment_lstm.ipynb": 48,
    "tests/test_notebook_01.py": 40,
}


def unit_of(nodeid: str) -> str:
    """The unit of work a test belongs to: its file, or ``tests/browser`` for every browser test."""
    path = nodeid.split("::", 1)[0]
    return BROWSER_UNIT if path.startswith(BROWSER_UNIT + "/") else path


def pytest_configure(config: pytest.Config) -> None:
    """In a pytest-xdist worker, keep to a share of the CPUs: the ``i``-th of ``n`` workers takes every ``n``-th CPU.

    Each test sizes TensorFlow's threads (and each notebook kernel it starts sizes its own) from the CPUs it
    may use; two workers that both saw every core would run twice as many busy threads as there are cores,
    and such a run took 37 minutes of CPU instead of 29 for the same tests (two cores, Xeon family 6 model 167).
    """
    worker, count = os.environ.get("PYTEST_XDIST_WORKER"), int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if not worker or count < 2 or not hasattr(os, "sched_getaffinity"):
        return
    from course_utils.tools.runner import pin_process

    cpus = sorted(os.sched_getaffinity(0))
    index = int(worker.removeprefix("gw"))
    pin_process(set(cpus[index::count] or [cpus[index % len(cpus)]]))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest units first (see ``LONGEST_UNITS``); the order inside each unit is kept.

    ``trylast``: after tests/browser/conftest.py has put each widget test right after its notebook's test.
    """
    items.sort(key=lambda item: -LONGEST_UNITS.get(unit_of(item.nodeid), 0))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """With ``--dist loadfile``, hand out whole files, but all of ``tests/browser`` as one unit (see ``unit_of``).

    ``optionalhook``: without pytest-xdist nothing calls it. Other ``--dist`` modes keep xdist's own scheduler.
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class CourseUnits(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

    return CourseUnits(config, log)


class Routes(dict):
    """path -> (status, headers, body, declared_length or None); set by each test."""


@pytest.fixture
def http_server() -> Iterator[tuple[str, Routes]]:
    """A real HTTP server on 127.0.0.1 (random port) serving the routes a test sets."""
    routes = Routes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            if self.path not in routes:
                self.send_error(404)
                return
            status, body, declared = routes[self.path]
            self.send_response(status)
            self.send_header("Content-Length", str(declared if declared is not None else len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", routes
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def full_disk_at_rename(monkeypatch) -> Iterator[Callable[[int], None]]:
    """``full_disk_at_rename(n)``: the ``n``-th ``os.replace`` of :mod:`course_utils.files` fails with ENOSPC.

    Every file the course writes goes through ``files`` (temporary file, verify, rename), so this
    is the one place a rename can fail; the earlier renames really happen, as on a disk that fills up
    half-way through a set. The fake is removed before the test body checks what is left.
    """
    from course_utils import files

    real_replace = os.replace

    def arm(failing_call: int) -> None:
        calls = []

        def replace(source, target):
            calls.append(target)
            if len(calls) == failing_call:
                raise OSError(28, "No space left on device")
            return real_replace(source, target)

        monkeypatch.setattr(files.os, "replace", replace)

    yield arm
    monkeypatch.undo()
