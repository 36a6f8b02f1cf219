"""Shared fixtures: a local HTTP server for download tests, and a disk that fills up half-way through a set of
renames."""
from __future__ import annotations

import http.server
import os
import threading
from collections.abc import Callable, Iterator

import pytest


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
