"""Notebook 05's optional 2019 run survives a kernel restart, as a learner would meet one.

The notebook runs in quick mode (the synthetic sample) with ``RUN_2019 = True``, in a real kernel.
While the 2019 cell trains, the test waits for the first epoch's checkpoint and kills the kernel;
then, in the restarted kernel, it runs the notebook from the top again, as the notebook tells a
learner to. The run must say it resumes, train only the epochs left, and end with the history of
all 8 epochs, in a folder of its own for quick mode. About two minutes on one CPU.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05_sentiment_lstm.ipynb"
SWITCH = "RUN_2019 = False"


def cells_up_to_the_2019_run() -> list[str]:
    """The code cells of notebook 05 up to the one that trains the 2019 run, with the switch turned on."""
    sources = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    switch = next(i for i, source in enumerate(sources) if SWITCH in source)
    run = next(i for i, source in enumerate(sources) if "fit_resumable(" in source)
    assert switch < run, "the switch must come before the 2019 run"
    sources[switch] = sources[switch].replace(SWITCH, "RUN_2019 = True")
    return sources[: run + 1]


def run_cell(client, code: str, timeout: float) -> str:
    """Execute one cell in the kernel; return its text output; fail on an error."""
    out: list[str] = []

    def hook(message):
        content = message["content"]
        if message["msg_type"] == "stream":
            out.append(content["text"])
        elif message["msg_type"] == "error":
            out.append("\n".join(content["traceback"]))
            raise AssertionError(f"cell failed:\n{code[:300]}\n{out[-1][-2000:]}")

    reply = client.execute_interactive(code, timeout=timeout, output_hook=hook)
    assert reply["content"]["status"] == "ok", f"cell did not finish:\n{code[:300]}\n{''.join(out)[-2000:]}"
    return "".join(out)


def test_the_2019_run_resumes_after_a_kernel_restart(tmp_path, monkeypatch):
    from jupyter_client.manager import start_new_kernel

    monkeypatch.setenv("COURSE_QUICK", "1")
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path))
    cells = cells_up_to_the_2019_run()
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(NOTEBOOK.parent), env=dict(os.environ))
    try:
        for code in cells[:-1]:
            run_cell(client, code, timeout=300)
        client.execute(cells[-1])  # the 2019 run: kill the kernel once its first epoch is saved
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            found = list(tmp_path.glob("run_2019*/history.json"))
            if found and json.loads(found[0].read_text())["epochs"]:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the 2019 run saved no epoch within 5 minutes")
        manager.restart_kernel(now=True)  # what a crash, a restart or a cull does to the running cell
        history = found[0]
        folder = history.parent
        assert folder.name.startswith("run_2019_quick_"), f"the run's folder must say its mode: {folder.name}"
        done = len(json.loads(history.read_text())["epochs"])
        assert done < 8, "the run finished before the kernel could be killed: nothing was resumed"

        client.stop_channels()
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        outputs = [run_cell(client, code, timeout=600) for code in cells]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)

    resumed = outputs[-1]
    assert f"Resuming from the checkpoint {folder / 'checkpoint.weights.h5'}" in resumed, resumed[-2000:]
    assert "of 8 epochs already done" in resumed
    trained_now = [line for line in resumed.splitlines() if line.startswith("epoch ")]
    assert trained_now and trained_now[-1].startswith("epoch 8/8") and len(trained_now) <= 8 - done + 1
    record = json.loads(history.read_text())
    assert record["complete"] and [e["epoch"] for e in record["epochs"]] == list(range(8))
    assert sorted(p.name for p in folder.iterdir()) == ["final.weights.h5", "history.json"]
    assert [p.name for p in tmp_path.glob("run_2019*")] == [folder.name], "one run, one folder"
