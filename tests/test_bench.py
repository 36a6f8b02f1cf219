"""`make bench`: the report's arithmetic on made-up results, and a tiny real run on the sample."""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest

from course_utils.tools import bench
from course_utils.tools.bench import Result


def result(name, seconds, accuracy, peak=900.0, pinned=False, cpus=2.0):
    return Result(name, name.title(), len(seconds), cpus=1.0 if pinned else cpus, pinned=pinned,
                  epoch_seconds=list(seconds), eval_seconds=[1.0] * len(seconds), fit_seconds=sum(seconds) + 2.0,
                  accuracy=list(accuracy), train_loss=[1.0] * len(seconds), train_accuracy=[0.5] * len(seconds),
                  peak_mb=peak, train_phrases=100, held_out_phrases=10, tokens_per_epoch=2000,
                  real_tokens_per_epoch=1000, flops_per_token=3.0e6, data="sample, fraction 1")


SEED = result("seed2019", [300] * 8, [0.60, 0.62, 0.63, 0.62, 0.61, 0.61, 0.60, 0.60], peak=2100)
FAST = result("fast", [20] * 8, [0.59, 0.63, 0.632, 0.62, 0.62, 0.61, 0.61, 0.60])
SEED1 = result("seed2019", [480] * 2, [0.60, 0.62], pinned=True)
FAST1 = result("fast", [30] * 4, [0.59, 0.626, 0.63, 0.62], pinned=True)


def test_result_best_and_time_to_accuracy():
    assert SEED.best == (0.63, 3)
    assert SEED.training_seconds == 2400 and SEED.seconds_per_epoch == 300
    assert FAST.seconds_to_reach(0.63) == 40
    assert FAST.seconds_to_reach(0.99) is None
    assert (SEED.label, SEED1.label) == ("seed2019", "seed2019, 1 CPU")
    assert FAST.gflops == pytest.approx(3.0e6 * 1000 / 20 / 1e9)


def test_flops_per_token_of_the_2019_lstm():
    # Four gates, each (256 inputs + 256 outputs) x 256 weights, 2 FLOPs a weight, 3 for forward + backward.
    assert bench.flops_per_token("lstm", 256, 256) == 3 * 4 * 2 * 512 * 256 == 3_145_728
    assert bench.flops_per_token("gru", 128, 256, directions=2) == 3 * 3 * 2 * 384 * 128 * 2
    # A Tree-LSTM node: five blocks over its input and both children's outputs.
    assert bench.flops_per_token("tree", 128, 128) == 3 * 5 * 2 * (128 + 2 * 128) * 128


def test_targets_report_each_ratio_and_verdict():
    lines = bench.targets([SEED, FAST, SEED1, FAST1])
    text = "\n".join(lines)
    assert "1/15.0 of the time" in text and "+0.20 points" in text  # 2400 / 160; 0.632 - 0.63
    assert "after 40 s, 1/60.0" in text
    assert "one CPU: fast's epoch is 1/16.0 of the 2019 epoch" in text  # 480 / 30
    assert "notebook 05 on one CPU: fast trained 4 epochs in 120 s" in text and "+0.00 points" in text
    assert "(seed2019) used 2,100 MiB" in text and "MISSED" in lines[-1]
    assert "offline score: not measured" in lines[-2]  # none of these made-up runs has test labels
    assert all(line.endswith("met") for line in lines[:-2])


def test_offline_targets_say_met_missed_or_not_measurable():
    tree1 = result("tree", [100] * 6, [0.63] * 6, pinned=True)
    unscored = "\n".join(bench.targets([SEED, FAST, tree1]))
    assert "offline score: not measured" in unscored and "0.70 target cannot be checked" in unscored
    assert "tree on one CPU: 6 epochs in 600 s (target 900 s or less), peak 900 MiB" in unscored
    assert unscored.splitlines()[-2].endswith("met")
    scored = Result(**{**FAST.__dict__, "test_accuracy": 0.71})
    low = Result(**{**SEED.__dict__, "test_accuracy": 0.635})
    assert "the best configuration (fast) scored 0.7100 (target 0.70 or more): met" in "\n".join(
        bench.targets([low, scored]))
    slow_tree = result("tree", [200] * 6, [0.63] * 6, peak=1300, pinned=True)
    text = "\n".join(bench.targets([low, slow_tree]))
    assert "(seed2019) scored 0.6350 (target 0.70 or more): MISSED" in text
    assert "in 1,200 s (target 900 s or less), peak 1,300 MiB (target under 1,200): MISSED" in text


def test_targets_say_when_missed():
    slow = result("fast", [250] * 8, [0.50] * 8)
    slow1 = result("fast", [400] * 4, [0.50] * 4, pinned=True)
    text = "\n".join(bench.targets([SEED, slow, SEED1, slow1]))
    assert "never reached" in text and text.count("MISSED") >= 4


def test_table_has_the_columns():
    text = bench.table([SEED, FAST1])
    header = text.splitlines()[0]
    for column in ("configuration", "CPUs", "epochs", "s / epoch", "training time", "GFLOP/s", "held-out accuracy",
                   "peak memory"):
        assert column in header
    assert "offline test score" in header
    assert "| 2 | 8 | 300.0 | 2,400 s | 0.0 | 0.6300 (3), 0.6000 | n/a (no treebank) | 2,100 MiB |" in text
    assert "| 1 | 4 | 30.0 | 120 s | 0.1 | 0.6300 (3), 0.6200 | n/a (no treebank) | 900 MiB |" in text
    scored = Result(**{**SEED.__dict__, "test_accuracy": 0.61234, "test_scored": 66291})
    assert "| 0.6300 (3), 0.6000 | 0.6123 | 2,100 MiB |" in bench.table([scored])


def test_table_names_a_bfloat16_recurrent_layer():
    bf16 = Result(**{**FAST1.__dict__, "precision": "mixed_bfloat16"})
    text = bench.table([SEED, bf16])
    assert text.count("recurrent layer in mixed_bfloat16") == 1 and f"| `{bf16.name}`: {bf16.title}; recurrent" in text


@pytest.mark.parametrize("asked, course, seed2019", [("float32", "float32", "float32"),
                                                     ("mixed_bfloat16", "mixed_bfloat16", "float32")])
def test_precision_reaches_the_course_configurations_only(asked, course, seed2019):
    from course_utils.text import Vectoriser

    texts = ["a good film", "a dull film", "good", "dull and long"]
    vectoriser = Vectoriser(cleaner="clean_2019").fit(texts)
    sequences, labels = vectoriser.texts_to_sequences(texts), np.array([3, 1, 3, 0])
    built = {name: bench._build(bench.CONFIGS[name], vectoriser, sequences, labels, asked)
             for name in ("seed2019", "fast", "prefix", "best")}
    assert built["seed2019"]["precision"] == seed2019
    assert built["seed2019"]["model"].get_layer("lstm").compute_dtype == "float32"
    for name in ("fast", "prefix", "best"):
        assert built[name]["precision"] == course
    assert built["fast"]["model"].get_layer("lstm").dtype_policy.name == course
    assert "--precision" in bench._worker("fast", 1.0, None, None, Path("x.json"), Path("b"), asked)


def test_auto_precision_is_the_notebooks_choice(monkeypatch):
    from course_utils import sentiment_models
    from course_utils.text import Vectoriser

    monkeypatch.setattr(sentiment_models, "fast_precision", lambda: "mixed_bfloat16")
    vectoriser = Vectoriser(cleaner="clean_2019").fit(["a good film"])
    built = bench._build(bench.CONFIGS["fast"], vectoriser, [[1, 2, 3]], np.array([3]))
    assert built["precision"] == "mixed_bfloat16"


def test_every_config_is_known_and_sane():
    assert list(bench.CONFIGS) == ["seed2019", "fast", "prefix", "best", "tree"]
    seed, fast = bench.CONFIGS["seed2019"], bench.CONFIGS["fast"]
    assert seed.recurrent_dropout == 0.3 and seed.kind == "padded" and seed.epochs == 8
    assert fast.recurrent_dropout == 0.0 and fast.epochs == 8 and (fast.cell, fast.units) == (seed.cell, seed.units)
    assert fast.kind == "sorted" and bench.PINNED == {"seed2019": 2, "fast": 8, "tree": 6}
    tree = bench.CONFIGS["tree"]  # notebook 07's model and epochs
    assert (tree.kind, tree.epochs, tree.units, tree.embedding) == ("tree", 6, 128, 128)


def test_saved_results_round_trip_and_a_clear_error(tmp_path):
    from dataclasses import asdict

    path = tmp_path / "benchmark.json"
    assert bench.saved_results(path) is None
    path.write_text(json.dumps({"date": "today", "machine": "m", "results": [asdict(SEED), asdict(FAST1)]}))
    header, results = bench.saved_results(path)
    assert header["machine"] == "m" and set(results) == {"seed2019", "fast, 1 CPU"}
    assert results["seed2019"].accuracy == SEED.accuracy
    path.write_text('{"results": [{"nam')
    with pytest.raises(ValueError, match=r"benchmark.json, line 1, column 15: the file ends in the middle of its JSON"):
        bench.saved_results(path)


def test_the_committed_results_are_a_complete_run_on_the_real_data():
    saved = bench.saved_results()
    assert saved is not None, "data/benchmark.json is missing: run make bench on the real data"
    header, results = saved
    assert {"seed2019", "fast", "prefix", "best", "seed2019, 1 CPU", "fast, 1 CPU"} <= set(results)
    assert all(r.data.startswith(("kaggle", "sst")) for r in results.values())
    assert results["seed2019"].epochs == 8 and len(results["seed2019"].accuracy) == 8
    assert "AVX-512" in header["machine"]


def test_bad_arguments_are_refused(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--configs", "nope"])
    assert "unknown configuration" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        bench.main(["--fraction", "0"])


def test_a_tiny_run_on_the_sample_prints_and_writes_the_table(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_QUICK", "1")
    monkeypatch.setattr(bench, "RESULTS", tmp_path / "benchmark.json")
    out = tmp_path / "bench.md"
    arguments = ["--configs", "fast", "--epochs", "1", "--fraction", "0.3", "--no-pinned", "--out", str(out)]
    assert bench.main(arguments) == 0
    text = out.read_text()
    assert "| configuration | CPUs | epochs | s / epoch |" in text
    assert "`fast`" in text and "Machine:" in text and "Data: sample, fraction 0.3" in text
    assert "peak memory" in text and "Targets (on training time):" in text
    assert text.strip() in capsys.readouterr().out
    saved = json.loads(out.with_suffix(".json").read_text())
    assert [r["name"] for r in saved["results"]] == ["fast"] and "AVX-512" in saved["machine"]
    assert not (tmp_path / "benchmark.json").exists()
    # The test predictions, as Kaggle's file, scored on the sample's own test labels beside the held-out accuracy.
    from course_utils import scoring
    from course_utils.data import load_sample
    from course_utils.submission import read_submission

    run = saved["results"][0]
    submission = tmp_path / "bench" / "fast-submission.csv"
    assert run["submission"] == str(submission)
    sample = load_sample()
    score = scoring.score_submission(read_submission(submission, sample.test), sample)
    assert run["test_accuracy"] == score.accuracy and run["test_scored"] == len(sample.test)
    assert "sample's dev and test trees" in run["test_labels"]
    assert f"| {score.accuracy:.4f} |" in text and "never used to choose" in text


def test_the_tree_configuration_trains_on_the_split_and_scores_its_submission(tmp_path, monkeypatch):
    """The tree worker, in process, on the sample: notebook 07's model on the bench's split, its test file scored."""
    from course_utils import scoring, trees
    from course_utils.data import load_sample, load_train_trees
    from course_utils.submission import read_submission

    monkeypatch.setenv("COURSE_QUICK", "1")
    said = []
    # course_runtime=False: this test process has started TensorFlow already, so its threads cannot be matched (a
    # worker process always can); everything else is the tree configuration as make bench runs it.
    tree = dataclasses.replace(bench.CONFIGS["tree"], course_runtime=False)
    run = bench.run_config(tree, fraction=0.5, epochs=1, say=said.append, submissions=tmp_path)
    train, held_out, _ = bench.load_split(0.5)
    train_trees = trees.split_trees(trees.split_trees(load_train_trees(verbose=False)[0], held_out)[0], train)[1]
    assert run.tokens_per_epoch == sum(1 for t in train_trees for _ in t.preorder()) > 0
    assert (run.train_phrases, run.held_out_phrases) == (len(train), len(held_out))
    assert len(run.accuracy) == len(run.epoch_seconds) == len(run.eval_seconds) == 1 and 0 < run.accuracy[0] < 1
    assert run.flops_per_token == bench.flops_per_token("tree", 128, 128) and run.data == "sample, fraction 0.5"
    sample = load_sample()
    score = scoring.score_submission(read_submission(tmp_path / "tree-submission.csv", sample.test), sample)
    assert run.test_accuracy == score.accuracy and run.test_scored == len(sample.test)
    assert any("test rows are nodes of a rebuilt tree" in line for line in said)


@pytest.mark.parametrize("written, message", [
    (None, "wrote no result to"),
    ('{"results": [{"name": "fast"', "wrote a result that cannot be read: .*line 1, column"),
    ('{"results": [{"name": "fast"}]}', "wrote a result that cannot be read: .*result 1 has no"),
], ids=["nothing", "cut-off", "fields-missing"])
def test_a_worker_result_that_cannot_be_read_is_reported_not_raised(tmp_path, monkeypatch, capsys, written, message):
    """The parent reads each worker's JSON as it reads the committed results: a fault is one clear line."""
    import sys

    def fake_worker(name, fraction, epochs, cpus, out, submissions, precision):
        code = "" if written is None else f"open({str(out)!r}, 'w').write({written!r})"
        return [sys.executable, "-c", code]

    monkeypatch.setattr(bench, "_worker", fake_worker)
    monkeypatch.setattr(bench, "RESULTS", tmp_path / "benchmark.json")
    out = tmp_path / "bench.md"
    assert bench.main(["--configs", "fast", "--no-pinned", "--out", str(out)]) == 1
    assert re.search(f"error: configuration fast {message}", capsys.readouterr().err)
    assert not out.exists() and not (tmp_path / "benchmark.json").exists()


# ------------------------------------------------------------------ faults a hostile reader found


def _saved_text(**changes):
    from dataclasses import asdict

    first = {**asdict(SEED), **changes}
    return json.dumps({"date": "today", "machine": "m", "results": [first, asdict(FAST1)]}, indent=1)


@pytest.mark.parametrize("text, message", [
    ("", r"is empty"),
    ('{"date": "today",\n "results": [{"name": "seed2019",', r"line 2, column \d+: the file ends in the middle"),
    ('{"results": 3}', r"it has no list of 'results'"),
    ('{"results": ["seed2019"]}', r"result 1 is not an object"),
    (_saved_text(speed=3), r"result 1 has unknown fields speed"),
    (_saved_text().replace('"title"', '"caption"'), r"result 1 has unknown fields caption and no title"),
    (_saved_text(accuracy="0.6"), r"in result 1, accuracy is 0.6, not of type list\[float\]"),
    (_saved_text(accuracy=[0.6, "x"]), r"in result 1, accuracy is .*, not of type list\[float\]"),
    (_saved_text(pinned="no"), r"in result 1, pinned is no, not of type bool"),
    (_saved_text(epochs=8.5), r"in result 1, epochs is 8.5, not of type int"),
    (_saved_text(test_accuracy="0.6"), r"in result 1, test_accuracy is 0.6, not of type float \| None"),
], ids=["empty", "cut-off", "results-number", "result-string", "unknown-field", "renamed-field", "accuracy-text",
        "accuracy-item", "pinned-text", "epochs-float", "score-text"])
def test_saved_results_name_the_file_and_what_is_wrong(tmp_path, text, message):
    from course_utils.files import FileFormatError

    path = tmp_path / "benchmark.json"
    path.write_text(text)
    with pytest.raises(FileFormatError, match=message) as caught:
        bench.saved_results(path)
    assert str(caught.value).startswith(str(path)) and "make bench" in str(caught.value)


def test_saved_results_of_a_latin1_file(tmp_path):
    path = tmp_path / "benchmark.json"
    path.write_bytes(_saved_text().replace('"machine": "m"', '"machine": "Caf\u00e9 CPU"').encode("latin-1"))
    with pytest.raises(ValueError, match=r"benchmark.json, line \d+, column \d+: the byte 0xE9 is not UTF-8"):
        bench.saved_results(path)
