"""`make bench`: the report's arithmetic on made-up results, and a tiny real run on the sample."""
from __future__ import annotations

import pytest

from course_utils import bench
from course_utils.bench import Result


def result(name, seconds, accuracy, peak=900.0):
    return Result(name, name.title(), len(seconds), epoch_seconds=list(seconds), eval_seconds=[1.0] * len(seconds),
                  fit_seconds=[s + 2.0 for s in seconds],
                  accuracy=list(accuracy), peak_mb=peak, train_phrases=100, held_out_phrases=10, data="sample, fraction 1")


SEED = result("seed2019", [300] * 8, [0.60, 0.62, 0.63, 0.62, 0.61, 0.61, 0.60, 0.60], peak=2100)
FAST = result("fast", [20] * 8, [0.59, 0.63, 0.632, 0.62, 0.62, 0.61, 0.61, 0.60])
BEST = result("best", [100] * 4, [0.62, 0.65, 0.66, 0.665])


def test_result_best_and_time_to_accuracy():
    assert SEED.best == (0.63, 3)
    assert SEED.training_seconds == 2400
    assert FAST.seconds_to_reach(0.63) == 40
    assert FAST.seconds_to_reach(0.99) is None


def test_targets_report_each_ratio_and_verdict():
    lines = bench.targets([SEED, FAST, BEST])
    text = "\n".join(lines)
    assert "1/15.0 of the time" in text and "+0.20 points" in text  # 2400 / 160; 0.632 - 0.63
    assert "after 40 s, 1/60.0" in text
    assert "+3.50 points" in text and "1/6.0 of its time" in text
    assert "2,100 MB" in text and "MISSED" in lines[-1]
    assert all(line.endswith("met") for line in lines[:-1])


def test_targets_say_when_missed():
    slow = result("fast", [250] * 8, [0.50] * 8)
    text = "\n".join(bench.targets([SEED, slow]))
    assert "never reached" in text and text.count("MISSED") >= 2


def test_table_has_the_columns():
    text = bench.table([SEED, FAST])
    header = text.splitlines()[0]
    for column in ("configuration", "epochs", "s / epoch", "training time", "`fit` calls, wall", "held-out accuracy", "peak memory"):
        assert column in header
    assert "| 300.0 | 2,400 s | 2,416 s | 0.6300 (3), 0.6000 | 2,100 MB |" in text


def test_every_config_is_known_and_sane():
    assert list(bench.CONFIGS) == ["seed2019", "fast", "best"]
    seed, fast = bench.CONFIGS["seed2019"], bench.CONFIGS["fast"]
    assert seed.recurrent_dropout == 0.3 and seed.kind == "padded" and seed.epochs == 8
    assert fast.recurrent_dropout == 0.0 and fast.epochs == 8 and (fast.cell, fast.units) == (seed.cell, seed.units)


def test_bad_arguments_are_refused(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--configs", "nope"])
    assert "unknown configuration" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        bench.main(["--fraction", "0"])


def test_a_tiny_run_on_the_sample_prints_and_writes_the_table(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_QUICK", "1")
    out = tmp_path / "bench.md"
    assert bench.main(["--configs", "fast", "--epochs", "1", "--fraction", "0.3", "--out", str(out)]) == 0
    text = out.read_text()
    assert "| configuration | epochs | s / epoch |" in text
    assert "`fast`" in text and "Machine:" in text and "Data: sample, fraction 0.3" in text
    assert "peak memory" in text and "Targets (on training time):" in text
    assert text.strip() in capsys.readouterr().out
