"""Fixtures for the browser tests: one JupyterLab server and one Chromium for the whole session.

The tests are skipped, saying why, when Playwright or Chromium is missing, unless
``COURSE_REQUIRE_BROWSER=1`` (CI sets it), which turns the skip into a failure.
Screenshots go to ``build/screenshots/``; a failing test also leaves the page, the server log
and the browser console in ``build/screenshots/failures/``.
"""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from lab_driver import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    LabServer,
    NotebookRun,
    browser_problem,
    new_page,
    open_and_run,
    save_failure,
)

REQUIRED = os.environ.get("COURSE_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}
HERE = Path(__file__).resolve().parent


def _is_browser_test(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "uses_notebook(name): the test drives notebooks/<name> in JupyterLab")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    problem = browser_problem()
    for item in items:
        if not _is_browser_test(item):
            continue
        if problem and not REQUIRED:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {problem}"))


def pytest_report_header(config: pytest.Config) -> str:
    problem = browser_problem()
    if problem is None:
        return f"browser tests: JupyterLab in {CHROMIUM} (screenshots in build/screenshots/)"
    return f"browser tests: {'FAIL' if REQUIRED else 'skipped'}: {problem}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    problem = browser_problem()
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "browser tests skipped" in str(r.longrepr)]
    if problem and skipped:
        terminalreporter.write_line(f"{len(skipped)} browser tests skipped: {problem}", yellow=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    problem = browser_problem()
    if problem:
        pytest.fail(f"COURSE_REQUIRE_BROWSER is set but {problem}")
    server = LabServer(tmp_path_factory.mktemp("jupyterlab"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_context(lab_server: LabServer) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(30_000)
        yield context
        context.close()
        browser.close()


class NotebookRuns:
    """Each notebook is run once per session and kept while a collected test still needs it.

    The notebook test and the widget tests share a run, so a notebook with a widget runs once;
    when the last test that uses a notebook is done, its page closes and its kernel ends.
    """

    def __init__(self, context: Any, server: LabServer, pending: Counter[str]) -> None:
        self.context = context
        self.server = server
        self.pending = pending
        self.runs: dict[str, NotebookRun] = {}
        self.pages: dict[str, tuple[Any, list[str]]] = {}
        self.failed: dict[str, str] = {}

    def get(self, notebook: str) -> NotebookRun:
        if notebook in self.failed:
            raise AssertionError(f"{notebook} did not run in JupyterLab: {self.failed[notebook]}")
        if notebook not in self.runs:
            page, console = self.pages[notebook] = new_page(self.context)
            try:
                saved, seconds = open_and_run(page, self.server, notebook)
            except Exception as problem:
                self.failed[notebook] = f"{type(problem).__name__}: {problem}".splitlines()[0]
                raise
            self.runs[notebook] = NotebookRun(notebook, page, saved, seconds, console)
        return self.runs[notebook]

    def done_with(self, notebook: str) -> None:
        self.pending[notebook] -= 1
        if self.pending[notebook] <= 0:
            self.close(notebook)

    def close(self, notebook: str) -> None:
        page, _ = self.pages.pop(notebook, (None, None))
        if page is not None and not page.is_closed():
            page.close()
        self.server.shut_down_kernel_of(f"notebooks/{notebook}")

    def close_all(self) -> None:
        for notebook in list(self.pages):
            self.close(notebook)


def used_notebook(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("uses_notebook")
    return marker.args[0] if marker else None


@pytest.fixture(scope="session")
def notebook_runs(request: pytest.FixtureRequest, browser_context: Any, lab_server: LabServer) -> Iterator[NotebookRuns]:
    pending = Counter(n for n in map(used_notebook, request.session.items) if n)
    runs = NotebookRuns(browser_context, lab_server, pending)
    yield runs
    runs.close_all()


@pytest.fixture
def run_notebook(request: pytest.FixtureRequest, lab_server: LabServer, notebook_runs: NotebookRuns) -> Iterator[Callable[[], NotebookRun]]:
    """The notebook this test is marked with (``uses_notebook``), opened and run in JupyterLab.

    If the test fails, its page, the server log and the browser console are saved under
    ``build/screenshots/failures/``.
    """
    notebook = used_notebook(request.node)

    def run() -> NotebookRun:
        assert notebook, f"{request.node.name} is not marked with the notebook it uses"
        return notebook_runs.get(notebook)

    yield run
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        page, console = notebook_runs.pages.get(notebook, (None, None)) if notebook else (None, None)
        saved = save_failure(page, lab_server, request.node.name, console)
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"\n{request.node.name} failed; saved " + ", ".join(str(p) for p in saved))
    if notebook:
        notebook_runs.done_with(notebook)
