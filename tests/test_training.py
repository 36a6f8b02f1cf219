"""The training log, the course's fit and the resumable run."""
from __future__ import annotations

import json

import numpy as np
import pytest

from course_utils import config
from course_utils.training import EpochLog


def test_one_line_an_epoch(capsys):
    import keras

    config.seed_everything(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = np.random.rand(32, 3), np.random.randint(0, 2, 32)
    log = EpochLog()
    model.fit(x, y, epochs=3, batch_size=8, verbose=0, validation_split=0.25, callbacks=[log])
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[1] for line in lines[:3]] == ["1/3", "2/3", "3/3"]
    assert all("loss" in line and "val_accuracy" in line for line in lines[:3])
    assert lines[3].startswith("trained 3 epochs in") and len(log.seconds) == 3


def test_every_nth_epoch_and_the_last(capsys):
    import keras

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.zeros((4, 1)), np.zeros((4, 1)), epochs=7, verbose=0, callbacks=[EpochLog(every=3)])
    epochs = [line.split()[1] for line in capsys.readouterr().out.splitlines() if line.startswith("epoch")]
    assert epochs == ["3/7", "6/7", "7/7"]


def test_time_left_once_it_is_worth_saying(capsys, monkeypatch):
    clock = iter([0.0, 30.0, 30.0, 60.0, 60.0, 90.0])
    monkeypatch.setattr("course_utils.training.time.perf_counter", lambda: next(clock))
    log = EpochLog()
    log.params = {"epochs": 3}
    for epoch in range(3):
        log.on_epoch_begin(epoch)
        log.on_epoch_end(epoch, {"loss": 1.0})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("(about 60 s left)") and lines[1].endswith("(about 30 s left)")
    assert "left" not in lines[2]


def tiny_model(seed: int = 0):
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


DATA = np.random.default_rng(0).random((64, 4)).astype("float32"), np.random.default_rng(1).integers(0, 3, 64)


def test_fit_returns_every_epoch_and_stops_early():
    from course_utils import training

    x, y = DATA
    run = training.fit(tiny_model(), x, y=y, batch_size=16, epochs=3, validation_data=(x, y))
    assert run.epochs == 3 and set(run.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in run.history.values())
    # With patience 0 and a validation loss that cannot improve (learning rate 0), training stops after 2 epochs.
    import keras

    model = tiny_model()
    model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    assert training.fit(model, x, y=y, batch_size=16, epochs=10, validation_data=(x, y), patience=0).epochs == 2


def test_fit_hands_the_free_heap_back_once_training_is_over(monkeypatch):
    from course_utils import resources, training

    calls = []
    monkeypatch.setattr(resources, "release_memory", lambda: calls.append("released") or 0.0)

    class Order(__import__("keras").callbacks.Callback):
        def on_train_end(self, logs=None):
            calls.append("trained")

    x, y = DATA
    training.fit(tiny_model(), x, y=y, batch_size=16, epochs=1, callbacks=[Order()])
    assert calls == ["trained", "released"]


class Killed(Exception):
    pass


def test_a_resumable_run_continues_after_an_interruption_and_is_kept_when_done(tmp_path, capsys):
    import keras

    from course_utils import training

    x, y = DATA

    class KillAfter(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise Killed

    folder = tmp_path / "run"
    with pytest.raises(Killed):
        training.fit_resumable(tiny_model(), x, y=y, batch_size=16, folder=folder, epochs=4, progress=False,
                               callbacks=[KillAfter()])
    assert [e["epoch"] for e in json.loads((folder / "history.json").read_text())["epochs"]] == [0, 1]

    fresh = tiny_model(seed=1)  # other initial weights: the checkpoint must replace them
    run = training.fit_resumable(fresh, x, y=y, batch_size=16, folder=folder, epochs=4, progress=False)
    out = capsys.readouterr().out
    assert "Resuming from the checkpoint" in out and "2 of 4 epochs already done" in out
    assert run.resumed_from == 2 and run.epochs == 4 and len(run.history["loss"]) == 4
    assert int(fresh.optimizer.iterations.numpy()) == 4 * 4  # 4 epochs of 4 batches: the optimizer state came back
    # No checkpoint left, and no temporary file.
    assert sorted(p.name for p in folder.iterdir()) == ["final.weights.h5", "history.json"]

    again = tiny_model(seed=2)
    kept = training.fit_resumable(again, x, y=y, batch_size=16, folder=folder, epochs=4, progress=False)
    assert kept.loaded and kept.history == run.history and "Loaded the finished run" in capsys.readouterr().out
    np.testing.assert_allclose(again.predict(x, verbose=0), fresh.predict(x, verbose=0), rtol=1e-6)

    with pytest.raises(ValueError, match="other settings"):
        training.fit_resumable(tiny_model(), x, y=y, batch_size=32, folder=folder, epochs=4, progress=False)


def run_killed_after(folder, last_epoch: int, epochs: int = 4):
    """Train ``tiny_model`` in ``folder`` and stop it (as a kernel restart would) after epoch ``last_epoch``."""
    import keras

    from course_utils import training

    class KillAfter(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == last_epoch:
                raise Killed

    x, y = DATA
    with pytest.raises(Killed):
        training.fit_resumable(tiny_model(), x, y=y, batch_size=16, folder=folder, epochs=epochs, progress=False,
                               callbacks=[KillAfter()])


def snapshot(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_checkpoint_that_fails_half_way_leaves_the_last_whole_epoch(tmp_path, monkeypatch):
    """A write that dies mid-file (a kill, a full disk) never damages the checkpoint of the epoch before."""
    import keras

    from course_utils import training

    folder = tmp_path / "run"
    run_killed_after(folder, last_epoch=1)
    before = snapshot(folder)
    assert sorted(before) == ["checkpoint.weights.h5", "history.json"]
    real_save = keras.Model.save_weights

    def dies_half_way(self, filepath, *args, **kwargs):
        real_save(self, filepath, *args, **kwargs)
        with open(filepath, "r+b") as out:
            out.truncate(out.seek(0, 2) // 2)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(keras.Model, "save_weights", dies_half_way)
    x, y = DATA
    with pytest.raises(OSError, match="No space"):
        training.fit_resumable(tiny_model(), x, y=y, batch_size=16, folder=folder, epochs=4, progress=False)
    monkeypatch.undo()
    assert snapshot(folder) == before  # byte-identical, and no temporary file left

    run = training.fit_resumable(tiny_model(), x, y=y, batch_size=16, folder=folder, epochs=4, progress=False)
    assert run.resumed_from == 2 and [round(s, 6) for s in run.seconds[:2]] == [
        round(e["seconds"], 6) for e in json.loads(before["history.json"])["epochs"]]


def test_a_rename_failing_after_the_checkpoint_puts_the_old_one_back(tmp_path, full_disk_at_rename):
    """The checkpoint and history.json are replaced as a set: if the second rename fails, the first is undone."""
    from course_utils import training

    folder = tmp_path / "run"
    run_killed_after(folder, last_epoch=0)
    before = snapshot(folder)
    full_disk_at_rename(2)
    x, y = DATA
    with pytest.raises(OSError, match="No space"):
        training.fit_resumable(tiny_model(), x, y=y, batch_size=16, folder=folder, epochs=4, progress=False)
    assert snapshot(folder) == before


def test_a_stale_temporary_of_a_killed_checkpoint_is_removed(tmp_path):
    from course_utils import training

    folder = tmp_path / "run"
    run_killed_after(folder, last_epoch=0)
    # What a kernel killed mid-write leaves: named as FileSet names it, by a process that no longer runs.
    stale = folder / ".checkpoint.weights.h5.999999999.k2j4h5g6.part.weights.h5"
    stale.write_bytes(b"half an HDF5 file")
    x, y = DATA
    training.fit_resumable(tiny_model(), x, y=y, batch_size=16, folder=folder, epochs=4, progress=False)
    assert sorted(p.name for p in folder.iterdir()) == ["final.weights.h5", "history.json"]


@pytest.mark.parametrize("damage, message", [
    (lambda path: path.write_bytes(path.read_bytes()[:200]), r"is not a checkpoint this course can read"),
    (lambda path: path.write_bytes(b""), r"is not a checkpoint this course can read"),
], ids=["cut-off", "empty"])
def test_a_damaged_checkpoint_is_named_with_what_to_do(tmp_path, damage, message):
    from course_utils import training
    from course_utils.files import FileFormatError

    folder = tmp_path / "run"
    run_killed_after(folder, last_epoch=0)
    damage(folder / "checkpoint.weights.h5")
    x, y = DATA
    with pytest.raises(FileFormatError, match=message) as caught:
        training.fit_resumable(tiny_model(), x, y=y, batch_size=16, folder=folder, epochs=4, progress=False)
    assert str(caught.value).startswith(str(folder / "checkpoint.weights.h5"))
    assert f"Delete the folder {folder}" in str(caught.value)


def test_a_checkpoint_of_other_settings_or_without_a_record_is_refused(tmp_path):
    import h5py

    from course_utils import training
    from course_utils.files import FileFormatError

    folder = tmp_path / "run"
    run_killed_after(folder, last_epoch=0)
    x, y = DATA
    with pytest.raises(ValueError, match="other settings"):
        training.fit_resumable(tiny_model(), x, y=y, batch_size=32, folder=folder, epochs=4, progress=False)
    with h5py.File(folder / "checkpoint.weights.h5", "a") as weights:
        del weights.attrs["course_run"]
    with pytest.raises(FileFormatError, match="not the run's record"):
        training.fit_resumable(tiny_model(), x, y=y, batch_size=16, folder=folder, epochs=4, progress=False)


# ------------------------------------------------------------------ faults a hostile reader found


@pytest.mark.parametrize("text, message", [
    ('{"settings": {"epochs": 4}, "epochs": [{"epoch": 0, "seconds": 1.0, "loss"',
     r"line 1, column \d+: the file ends in the middle"),
    ("", r"is empty"),
    ('{"settings": {"epochs": 4},\n "epochs": [{"epoch": 0, "seconds": 1.0}]]}',
     r"line 2, column 42: this is not valid JSON"),
    ('[1, 2]', r"the file holds no JSON object"),
    ('{"epochs": [{"epoch": "0", "seconds": 1.0}]}', r"entry 1 of 'epochs'"),
    ('{"epochs": [{"seconds": 1.0}]}', r"entry 1 of 'epochs'"),
    ('{"epochs": {"0": 1}}', r"'epochs' is not a list"),
    ('{"complete": "yes"}', r"'complete' true or false"),
], ids=["cut-off", "empty", "extra-bracket", "a-list", "epoch-text", "no-epoch", "epochs-dict", "complete"])
def test_a_damaged_history_is_named_with_its_line_and_what_to_do(tmp_path, text, message):
    from course_utils import training
    from course_utils.files import FileFormatError

    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "history.json").write_text(text)
    x, y = DATA
    with pytest.raises(FileFormatError, match=message) as caught:
        training.fit_resumable(tiny_model(), x, y=y, batch_size=16, folder=folder, epochs=4, progress=False)
    message = str(caught.value)
    assert message.startswith(str(folder / "history.json")) and f"Delete the folder {folder}" in message


def test_the_final_weights_and_history_are_saved_together_or_not_at_all(tmp_path, monkeypatch):
    import h5py

    from course_utils import training

    folder = tmp_path / "run"
    folder.mkdir()
    history = ('{"settings": {"epochs": 1, "batch_size": 16}, "complete": false, '
               '"epochs": [{"epoch": 0, "seconds": 1.0, "loss": NaN}]}')
    (folder / "history.json").write_text(history)
    (folder / ".final.part.weights.h5").write_bytes(b"left by an older version, killed")
    record = {**json.loads(history), "complete": True}
    model = tiny_model()

    def cut_short(self, filepath, *args, **kwargs):
        with h5py.File(filepath, "w"):
            pass  # an HDF5 file with no weights in it

    monkeypatch.setattr(type(model), "save_weights", cut_short)
    with pytest.raises(OSError, match="do not read back"):
        training._save_final(model, folder, record)
    monkeypatch.undo()
    assert sorted(p.name for p in folder.iterdir()) == ["history.json"]
    assert (folder / "history.json").read_text() == history
    training._save_final(model, folder, record)  # a NaN loss reads back equal to itself
    assert sorted(p.name for p in folder.iterdir()) == ["final.weights.h5", "history.json"]
    assert training._read_history(folder)["complete"] is True
    (folder / "final.weights.h5").write_bytes(b"\x89HDF damaged")
    with pytest.raises(Exception, match=r"final.weights.h5 cannot be loaded into this model .*Delete the folder"):
        x, y = DATA
        training.fit_resumable(tiny_model(), x, y=y, batch_size=16, folder=folder, epochs=1, progress=False)
