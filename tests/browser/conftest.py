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
    close_and_shut_down,
    new_page,
    open_and_run,
    open_lab,
    save_failure,
)

REQUIRED = os.environ.get("COURSE_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}
HERE = Path(__file__).resolve().parent


def _is_browser_test(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "uses_notebook(name): the test drives notebooks/<name> in JupyterLab")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip without a browser; run each widget test right after the test of its notebook.

    With that order one notebook's kernel at a time is alive (its page closes when the last test
    using it is done), so the suite needs no more memory than the biggest notebook.
    """
    problem = browser_problem()
    browser = [(slot, item) for slot, item in enumerate(items) if _is_browser_test(item)]
    for _, item in browser:
        if problem and not REQUIRED:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {problem}"))
    ordered = sorted(browser, key=lambda pair: (used_notebook(pair[1]) or "~", pair[0]))
    for (slot, _), (_, item) in zip(browser, ordered):
        items[slot] = item


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
    """One JupyterLab page in which each notebook is opened, run once, and closed when done.

    The notebook test and the widget tests share a run, so a notebook with a widget runs once;
    when the last test that uses a notebook is done, File > Close and Shut Down Notebook ends its
    kernel. After a failure the page is thrown away and the next notebook gets a fresh one, so one
    stuck dialog cannot fail the tests after it.
    """

    def __init__(self, context: Any, server: LabServer, pending: Counter[str]) -> None:
        self.context = context
        self.server = server
        self.pending = pending
        self.runs: dict[str, NotebookRun] = {}
        self.failed: dict[str, str] = {}
        self.page: Any = None
        self.console: list[str] = []
        self.suspect = False

    def lab_page(self) -> Any:
        if self.page is None or self.page.is_closed():
            self.page, self.console = new_page(self.context)
            open_lab(self.page, self.server)
        return self.page

    def get(self, notebook: str) -> NotebookRun:
        if notebook in self.failed:
            raise AssertionError(f"{notebook} did not run in JupyterLab: {self.failed[notebook]}")
        if notebook not in self.runs:
            page = self.lab_page()
            try:
                saved, load_seconds, seconds = open_and_run(page, self.server, notebook)
            except Exception as problem:
                self.failed[notebook] = f"{type(problem).__name__}: {problem}".splitlines()[0]
                raise
            self.runs[notebook] = NotebookRun(notebook, page, saved, load_seconds, seconds, self.console)
        return self.runs[notebook]

    def done_with(self, notebook: str, failed: bool) -> None:
        """One test that uses ``notebook`` is over; close the notebook after the last one."""
        self.pending[notebook] -= 1
        self.suspect = self.suspect or failed or notebook in self.failed
        if self.pending[notebook] > 0 or self.page is None:
            return
        if not self.suspect and notebook in self.runs:
            try:
                close_and_shut_down(self.page, notebook)
            except Exception:  # noqa: BLE001 - a page that cannot close a notebook is not reused
                self.suspect = True
        if self.suspect:
            self.page.close()
            self.page, self.suspect = None, False
        self.server.shut_down_kernel_of(f"notebooks/{notebook}")  # in case the page did not

    def close(self) -> None:
        if self.page is not None and not self.page.is_closed():
            self.page.close()


def used_notebook(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("uses_notebook")
    return marker.args[0] if marker else None


@pytest.fixture(scope="session")
def notebook_runs(
    request: pytest.FixtureRequest, browser_context: Any, lab_server: LabServer
) -> Iterator[NotebookRuns]:
    pending = Counter(n for n in map(used_notebook, request.session.items) if n)
    runs = NotebookRuns(browser_context, lab_server, pending)
    yield runs
    runs.close()


@pytest.fixture
def run_notebook(
    request: pytest.FixtureRequest, lab_server: LabServer, notebook_runs: NotebookRuns
) -> Iterator[Callable[[], NotebookRun]]:
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
    if notebook and report is not None and report.failed:
        saved = save_failure(notebook_runs.page, lab_server, request.node.name, notebook_runs.console)
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"\n{request.node.name} failed; saved " + ", ".join(str(p) for p in saved))
    if notebook:
        notebook_runs.done_with(notebook, failed=bool(report and report.failed))
