"""Drive the course in JupyterLab the way a learner does: a real server, a real Chromium, real clicks.

``LabServer`` starts JupyterLab from the course's own environment on 127.0.0.1 (a free port, a
random token) over a temporary copy of the notebooks. ``open_and_run`` opens one notebook from
the file browser, runs it with the menu (Run > Run All Cells), waits for the kernel and saves it;
``NotebookRun`` then says what the page shows: errors, images, widgets. ``close_and_shut_down``
closes it the way a learner does, so the next notebook opens in the same JupyterLab.
"""
from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
SCREENSHOTS = REPO / "build" / "screenshots"
FAILURES = SCREENSHOTS / "failures"

CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM") or "/usr/bin/chromium")
# Headless Chromium in a container as root: no sandbox, no GPU, nothing fetched from the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
# A notebook gets this long to run in quick mode (they take 1-2 minutes on 2 cores).
RUN_TIMEOUT_S = int(os.environ.get("COURSE_BROWSER_TIMEOUT", "600"))
# The page must be ready (JupyterLab loaded, notebook shown) within this.
LOAD_TIMEOUT_MS = 120_000

# Settings a learner would not change but a test needs: every cell in the DOM (no virtual
# scrolling, so every output can be checked), and no pop-ups asking to fetch news or updates.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}

# What IPython prints for an exception, in the text the page shows for a stderr output.
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|Cell In\[\d+\], line \d+")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")


def browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("the Python package playwright is not installed"
                " (it is in requirements.txt: pip install -r requirements.txt)")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return (
            f"Chromium was not found at {CHROMIUM} (Debian/Ubuntu: apt-get install chromium; "
            "elsewhere set COURSE_CHROMIUM to a Chromium or Chrome binary)"
        )
    return None


def course_notebooks() -> list[Path]:
    """The lesson notebooks, ``notebooks/NN_name.ipynb``, in course order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def code_of(notebook: Path) -> str:
    """All code cells of a notebook, joined: what the tests search to know what it uses."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (JupyterLab is told not to try others)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    """JupyterLab on 127.0.0.1 over a temporary copy of the course, in quick mode.

    The copy mirrors the repository's layout (``notebooks/``, ``data/sample/``), so a notebook
    opened from it has the working directory a learner's has; the kernel imports ``course_utils``
    from the repository (``PYTHONPATH``) and writes what it produces to a temporary build folder.
    """

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.root = workdir / "course"
        self.log_path = workdir / "jupyterlab.log"
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 120) -> None:
        shutil.copytree(NOTEBOOKS, self.root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        shutil.copytree(REPO / "data" / "sample", self.root / "data" / "sample")
        settings = self.workdir / "lab-settings"
        for name, values in LAB_SETTINGS.items():
            (settings / name).parent.mkdir(parents=True, exist_ok=True)
            (settings / name).write_text(json.dumps(values))
        env = dict(os.environ)
        env.update(
            COURSE_QUICK="1",
            COURSE_BUILD_DIR=str(self.workdir / "build"),
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            JUPYTERLAB_WORKSPACES_DIR=str(self.workdir / "lab-workspaces"),
            JUPYTER_CONFIG_DIR=str(self.workdir / "jupyter-config"),
            JUPYTER_RUNTIME_DIR=str(self.workdir / "jupyter-runtime"),
        )
        command = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # JupyterLab refuses root without it (containers, CI)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer on {self.url} within {timeout_s:.0f} s:\n{self.log_tail()}")

    def api(self, method: str, path: str) -> Any:
        request = urllib.request.Request(self.url + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernel_of(self, notebook_path: str) -> None:
        """End the kernel of one notebook, through the REST API (when the page could not)."""
        for session in self.api("GET", "/api/sessions"):
            if session.get("path") == notebook_path:
                self.api("DELETE", f"/api/sessions/{session['id']}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            for session in self.api("GET", "/api/sessions"):
                self.api("DELETE", f"/api/sessions/{session['id']}")
        except (urllib.error.URLError, OSError):
            pass
        self.process.send_signal(signal.SIGTERM)  # jupyter_server shuts its kernels down on SIGTERM
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class NotebookRun:
    """One notebook opened in JupyterLab and run to the end, and what its page shows."""

    name: str
    page: Any  # playwright.sync_api.Page
    saved: dict  # the notebook file as JupyterLab saved it after the run
    load_seconds: float  # opening the notebook until its kernel was idle
    seconds: float  # Run All Cells until the kernel was idle again
    console: list[str] = field(default_factory=list)

    @property
    def code_cells(self) -> list[dict]:
        return [c for c in self.saved["cells"] if c["cell_type"] == "code"]

    def cells_not_run(self) -> list[int]:
        """1-based numbers of code cells without an execution count (not run, or stopped by an error)."""
        return [i for i, c in enumerate(self.code_cells, 1) if c["source"] and c.get("execution_count") is None]

    def saved_errors(self) -> list[str]:
        return [
            f"code cell {i}: {o.get('ename')}: {o.get('evalue')}"
            for i, c in enumerate(self.code_cells, 1)
            for o in c.get("outputs", [])
            if o["output_type"] == "error"
        ]

    def shown_errors(self) -> list[str]:
        """Tracebacks the page shows (JupyterLab renders them as stderr text)."""
        texts = panel(self.page).locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        ).all_inner_texts()
        return [t.strip()[-600:] for t in texts if TRACEBACK.search(t)]

    def saved_count(self, mimes: tuple[str, ...]) -> int:
        return sum(
            any(m in o.get("data", {}) for m in mimes) for c in self.code_cells for o in c.get("outputs", [])
        )

    def shown_images(self) -> tuple[int, int]:
        """(images on the page, of which loaded and non-empty)."""
        return panel(self.page).evaluate(
            """p => {
                const imgs = [...p.querySelectorAll('.jp-OutputArea-output img')];
                return [imgs.length, imgs.filter(i => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0).length];
            }"""
        )

    def widget_problems(self) -> list[str]:
        """Widget outputs that show an error or never got past their placeholder."""
        texts = panel(self.page).locator(".jp-OutputArea-output").all_inner_texts()
        bad = [t.strip()[:200] for t in texts if "Error displaying widget" in t or "Loading widget..." in t]
        for broken in panel(self.page).locator(".jupyter-widgets-error-widget").all():
            broken.click()  # ipywidgets shows the JavaScript error on click
            bad.append("a widget shows a JavaScript error: " + broken.inner_text().strip()[:300])
        shown = panel(self.page).locator(
            ".jp-OutputArea-output > .jupyter-widgets, .jp-OutputArea-output > .jupyter-widgets-view"
        ).count()
        expected = self.saved_count((WIDGET_MIME,))
        if shown < expected:
            bad.append(f"{expected} widget outputs in the notebook, but only {shown} rendered as widgets on the page")
        return bad


def panel(page: Any) -> Any:
    """The notebook panel the page shows (the tests open one notebook at a time)."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first


def new_page(context: Any) -> tuple[Any, list[str]]:
    """A fresh page, and the list its browser console messages go to."""
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    return page, console


def open_lab(page: Any, server: LabServer) -> None:
    """Load JupyterLab with the file browser in ``notebooks/``, as ``make lab`` shows it."""
    # ?reset starts from an empty workspace: nothing from an earlier page is restored.
    page.goto(f"{server.url}/lab/workspaces/course-tests/tree/notebooks?reset&token={server.token}",
              timeout=LOAD_TIMEOUT_MS)
    page.locator(".jp-DirListing-item").first.wait_for(timeout=LOAD_TIMEOUT_MS)


def menu(page: Any, top: str, item: str | re.Pattern[str]) -> None:
    """Click a menu item, e.g. Run > Run All Cells."""
    page.locator("#jp-MainMenu").get_by_text(top, exact=True).click()
    page.locator(".lm-Menu-itemLabel").get_by_text(item, exact=True).click()


def open_and_run(page: Any, server: LabServer, notebook: str) -> tuple[dict, float, float]:
    """Open ``notebooks/<notebook>`` from the file browser, Run > Run All Cells, wait, save.

    Returns the notebook as JupyterLab saved it, the seconds until its kernel was ready and the
    seconds the run took.
    """
    opened = time.monotonic()
    name = page.locator(".jp-DirListing-itemText", has_text=re.compile(f"^{re.escape(notebook)}$"))
    page.locator(".jp-DirListing-item").filter(has=name).dblclick()
    page.locator(".lm-DockPanel .lm-TabBar-tab.jp-mod-current").filter(has_text=notebook).wait_for(
        timeout=LOAD_TIMEOUT_MS)
    panel(page).locator(".jp-Cell").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    # Like a learner, wait for the status bar to say the kernel is idle: running cells before the
    # kernel is connected makes JupyterLab ask which kernel to use.
    kernel = page.locator('.jp-StatusBar-TextItem[title^="Change kernel"]')
    kernel.filter(has_text=re.compile(r"\| Idle$")).wait_for(timeout=LOAD_TIMEOUT_MS)
    start = time.monotonic()
    menu(page, "Run", "Run All Cells")
    wait_until_done(page, RUN_TIMEOUT_S)
    seconds = time.monotonic() - start
    return save(page, server, f"notebooks/{notebook}"), start - opened, seconds


def close_and_shut_down(page: Any, notebook: str, timeout_s: float = 30) -> None:
    """File > Close and Shut Down Notebook, answering its dialogs (discarding unsaved widget state)."""
    menu(page, "File", "Close and Shut Down Notebook…")
    tab = page.locator(".lm-DockPanel .lm-TabBar-tab").filter(has_text=notebook)
    dialog = page.locator(".jp-Dialog")
    deadline = time.monotonic() + timeout_s
    while tab.count():
        if time.monotonic() > deadline:
            raise AssertionError(f"{notebook} did not close within {timeout_s:.0f} s")
        if dialog.count():
            discard = dialog.locator("button", has_text="Discard")
            (discard if discard.count() else dialog.locator(".jp-mod-accept")).first.click()
        page.wait_for_timeout(200)


# True when no cell is queued or running and the notebook's execution indicator says idle.
DONE = """() => {
    const p = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    if (!p) return false;
    const prompts = [...p.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
    const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
    return prompts.length > 0 && !prompts.some(e => e.textContent.includes('*'))
        && (!indicator || indicator.dataset.status === 'idle');
}"""


# The code cell still running (its number among code cells and its first line).
RUNNING = """() => {
    const p = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const cells = p ? [...p.querySelectorAll('.jp-CodeCell')] : [];
    const i = cells.findIndex(c => (c.querySelector('.jp-InputPrompt')?.textContent || '').includes('*'));
    if (i < 0) return 'no cell';
    const line = (cells[i].querySelector('.cm-line')?.textContent || '').trim();
    return `code cell ${i + 1} (${line})`;
}"""


def wait_until_done(page: Any, timeout_s: float) -> None:
    """Wait for Run All Cells to finish; fail at once if JupyterLab opens a dialog (a dead kernel)."""
    deadline = time.monotonic() + timeout_s
    dialog = page.locator(".jp-Dialog")
    settled = 0
    while settled < 2:  # done twice in a row: outputs that arrive with the last idle message are in
        if dialog.count():
            text = " ".join(dialog.first.inner_text().split())
            raise AssertionError(f"JupyterLab opened a dialog while the notebook ran: {text}")
        if time.monotonic() > deadline:
            status = " ".join(page.locator("#jp-main-statusbar").inner_text().split())
            raise AssertionError(
                f"the notebook was still running after {timeout_s:.0f} s, in {page.evaluate(RUNNING)} "
                f"(status bar: {status})"
            )
        settled = settled + 1 if page.evaluate(DONE) else 0
        page.wait_for_timeout(500)


def save(page: Any, server: LabServer, path: str) -> dict:
    """File > Save Notebook, then read the file JupyterLab wrote."""
    menu(page, "File", "Save Notebook")
    page.wait_for_function(
        "() => !document.querySelector('.lm-DockPanel .lm-TabBar-tab.jp-mod-current.jp-mod-dirty')", timeout=30_000
    )
    return json.loads((server.root / path).read_text(encoding="utf-8"))


def full_screenshot(page: Any, path: Path, max_height: int = 60_000) -> None:
    """The whole notebook in one image: the notebook's scrolling area, shot piece by piece, stitched.

    A notebook is taller than any window, and what lies outside its scrolling area is not drawn,
    so one screenshot cannot hold it.
    """
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": VIEWPORT["width"], "height": 2400})  # fewer pieces
    try:
        scroller = panel(page).locator(".jp-WindowedPanel-outer")
        page.wait_for_timeout(200)
        box = scroller.bounding_box()
        clip = {k: round(box[k]) for k in ("x", "y", "width", "height")}
        total = min(max_height, scroller.evaluate("s => s.scrollHeight"))
        image = Image.new("RGB", (clip["width"], total), "white")
        wanted = 0
        while wanted < total:
            top = scroller.evaluate("(s, top) => { s.scrollTop = top; return s.scrollTop; }", wanted)
            page.wait_for_timeout(100)
            piece = Image.open(io.BytesIO(page.screenshot(clip=clip)))
            image.paste(piece, (0, top))
            if top + clip["height"] >= total or top < wanted:  # the last piece, or scrolled to the end
                break
            wanted = top + clip["height"]
        scroller.evaluate("s => { s.scrollTop = 0; }")
        image.save(path)
    finally:
        page.set_viewport_size(VIEWPORT)


def save_failure(page: Any | None, server: LabServer | None, name: str, console: list[str] | None = None) -> list[Path]:
    """Keep what explains a failure: the page (HTML and screenshot), the server log, the browser console."""
    FAILURES.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", name)
    saved = []
    if page is not None and not page.is_closed():
        try:
            (FAILURES / f"{stem}.html").write_text(page.content(), encoding="utf-8")
            saved.append(FAILURES / f"{stem}.html")
            page.screenshot(path=str(FAILURES / f"{stem}.png"))
            saved.append(FAILURES / f"{stem}.png")
        except Exception as problem:  # noqa: BLE001 - a dead page must not hide the real failure
            (FAILURES / f"{stem}.page-error.txt").write_text(f"could not save the page: {problem}\n")
    if server is not None and server.log_path.exists():
        shutil.copyfile(server.log_path, FAILURES / f"{stem}-server.log")
        saved.append(FAILURES / f"{stem}-server.log")
    if console:
        (FAILURES / f"{stem}-console.log").write_text("\n".join(console) + "\n", encoding="utf-8")
        saved.append(FAILURES / f"{stem}-console.log")
    return saved


# JupyterLab's two themes; every test that looks at outputs runs in both.
THEMES = ("JupyterLab Light", "JupyterLab Dark")


def set_theme(page: Any, theme: str) -> None:
    """Settings > Theme > ``theme``, as a learner switches; JupyterLab saves it in the test's settings folder
    (``JUPYTERLAB_SETTINGS_DIR``), never the learner's."""
    if page.evaluate("() => document.body.dataset.jpThemeName") == theme:
        return
    page.locator("#jp-MainMenu").get_by_text("Settings", exact=True).click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Theme", exact=True).hover()
    page.locator(".lm-Menu-itemLabel").get_by_text(theme, exact=True).click()
    page.wait_for_function("theme => document.body.dataset.jpThemeName === theme", arg=theme, timeout=30_000)
    page.wait_for_timeout(500)  # the theme's CSS applies a moment after the attribute changes


# Every element of ``root`` that shows text, with its computed text colour and the colour behind it
# (the first ancestor with an opaque background; JupyterLab's page colour when none has one), and
# the WCAG contrast ratio of the two. Transparent text and hidden elements are skipped.
LEGIBILITY = """(root, [minimum, within]) => {
    const rgb = text => (text.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = c => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a, b) => { const [h, l] = [lum(a), lum(b)].sort((x, y) => y - x); return (h + 0.05) / (l + 0.05); };
    const behind = el => {
        for (let e = el; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length >= 3 && (c.length === 3 || c[3] > 0.9)) return c.slice(0, 3);
        }
        return rgb(getComputedStyle(document.body).backgroundColor).slice(0, 3);
    };
    const bad = [];
    let checked = 0;
    for (const el of [root, ...root.querySelectorAll('*')]) {
        const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        const style = getComputedStyle(el);
        if (within && !el.closest(within)) continue;
        if (!own || style.visibility === 'hidden' || style.display === 'none' || !el.getClientRects().length) continue;
        const colour = rgb(style.color);
        if (colour.length > 3 && colour[3] < 0.1) continue;
        checked += 1;
        const r = ratio(colour.slice(0, 3), behind(el));
        if (r < minimum) bad.push(`"${el.textContent.trim().slice(0, 40)}" (${el.tagName.toLowerCase()}): `
            + `${style.color} on rgb(${behind(el).join(', ')}), contrast ${r.toFixed(2)}`);
    }
    return {checked, bad};
}"""


def illegible_text(locator: Any, minimum: float = 4.5, within: str | None = None) -> tuple[int, list[str]]:
    """How many text elements under ``locator`` (and inside an element matching ``within``, when given)
    were checked, and those below ``minimum`` contrast."""
    found = locator.evaluate(LEGIBILITY, [minimum, within])
    return found["checked"], found["bad"]
