"""Shared fixtures: a local HTTP server for download tests."""
from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

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
