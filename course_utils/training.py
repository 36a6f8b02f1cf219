"""How the course trains: compact logs, one recipe for the sentiment models, and runs that survive a restart.

* :class:`EpochLog`: one line an epoch instead of Keras's per-batch bars (which flood a notebook
  and nbval's stored output with carriage returns), with the time left once it is worth saying,
  and optionally a progress bar inside each epoch for epochs that take minutes.
* :func:`fit`: the one way notebooks 05 and 06 and ``make bench`` call ``model.fit`` on the
  sentiment data: batches from :mod:`course_utils.batching`, the compact log, early stopping when
  asked. Every figure the bench reports is therefore about the code the notebooks run.
* :class:`ForgetGateBias` and :class:`StopWhenLearned` (notebook 02): an LSTM whose forget gate starts
  nearly open (it keeps almost all of its memory each step), and a budget that ends once a model has learnt.
* :func:`fit_resumable`: ``fit`` for a run too long to lose. It keeps a checkpoint and the history
  after every epoch (as Keras's ``BackupAndRestore`` does, but renamed into place whole), so after a
  kernel restart, or Binder's idle cull, running the same cell again continues where it stopped; a
  finished run is kept and reloaded rather than trained again.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras
import numpy as np

from course_utils import resources
from course_utils.files import FileFormatError, FileSet, read_json

SHOW_TIME_LEFT_FROM = 10.0  # seconds: below this, "time left" is noise


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


class EpochLog(keras.callbacks.Callback):
    """Print ``epoch 3/8  41.2 s  loss 0.912  accuracy 0.624 ...  (about 3 min left)`` after each epoch.

    Use it with ``verbose=0`` in ``model.fit``. ``every`` prints only every n-th epoch (and
    the last), for the toy models that train for hundreds of quick epochs. ``progress=True``
    adds a bar over each epoch's batches (for epochs of minutes, so that a long cell is seen to
    move). After a resumed run, ``seconds`` holds only the epochs trained since the restart.
    """

    def __init__(self, every: int = 1, digits: int = 4, *, progress: bool = False) -> None:
        super().__init__()
        self.every = max(1, every)
        self.digits = digits
        self.progress = progress
        self.seconds: list[float] = []
        self._start = 0.0
        self._bar = None

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()
        if self.progress:
            from tqdm.auto import tqdm

            total = self.params.get("epochs", epoch + 1)
            self._bar = tqdm(total=self.params.get("steps"), desc=f"epoch {epoch + 1}/{total}", unit="batch",
                             leave=False)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        total = self.params.get("epochs", epoch + 1)
        if (epoch + 1) % self.every and epoch + 1 != total:
            return
        metrics = "  ".join(f"{name} {value:.{self.digits}f}" for name, value in (logs or {}).items()
                            if name != "learning_rate")
        left = (total - epoch - 1) * sum(self.seconds) / len(self.seconds)
        width = len(str(total))
        line = f"epoch {epoch + 1:>{width}}/{total}  {self.seconds[-1]:6.1f} s  {metrics}"
        if left >= SHOW_TIME_LEFT_FROM:
            line += f"  (about {_duration(left)} left)"
        print(line, flush=True)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.seconds:
            print(f"trained {len(self.seconds)} epochs in {sum(self.seconds):.1f} s", flush=True)


@dataclass
class Run:
    """What a training run leaves: the metrics of every epoch and how long each took."""

    history: dict[str, list[float]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    resumed_from: int = 0  # epochs already done when this call started (fit_resumable)
    loaded: bool = False  # True when a finished run was reloaded instead of trained

    @property
    def epochs(self) -> int:
        return len(self.seconds)


def fit(
    model: keras.Model,
    data,
    *,
    epochs: int,
    validation_data=None,
    patience: int | None = None,
    callbacks: list | tuple = (),
    every: int = 1,
    progress: bool = False,
    **fit_args,
) -> Run:
    """Train ``model`` the course's way and return its :class:`Run`.

    ``data`` is what ``model.fit`` takes: a dataset from :mod:`course_utils.batching` (already
    shuffled: its batches come in a new random order every epoch) or an array with ``y`` and
    ``batch_size`` in ``fit_args``. ``patience`` adds early stopping on the validation loss,
    keeping the best epoch's weights. ``callbacks`` run after the log, so the log's clock does
    not count them (the bench predicts its held-out phrases there).

    Afterwards the heap that training kept free for its next step goes back to the system
    (:func:`course_utils.resources.release_memory`): in notebook 05 on the real data about 90 MiB, which
    the cells after training would otherwise have stacked their own allocations on top of, raising the
    kernel's peak.
    """
    log = EpochLog(every=every, progress=progress)
    extra = list(callbacks)
    if patience is not None:
        extra.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True))
    shuffle = fit_args.pop("shuffle", not _is_dataset(data))
    history = model.fit(data, validation_data=validation_data, epochs=epochs, shuffle=shuffle, verbose=0,
                        callbacks=[log, *extra], **fit_args)
    resources.release_memory()
    return Run({name: [float(v) for v in values] for name, values in history.history.items()}, list(log.seconds))


def _is_dataset(data) -> bool:
    import tensorflow as tf

    return isinstance(data, tf.data.Dataset)


# ------------------------------------------------------------------------------ resumable runs

_FINAL = "final.weights.h5"
_HISTORY = "history.json"
_CHECKPOINT = "checkpoint.weights.h5"
_RECORD_ATTR = "course_run"  # the run's record, stored inside the checkpoint beside the weights


class _Checkpoint(keras.callbacks.Callback):
    """After every epoch: the weights, the optimizer's state and the run's record, in one file renamed into place.

    Keras's ``BackupAndRestore`` writes its weights and its epoch count over the previous ones, as two
    files: a kill during the write leaves a damaged checkpoint, or weights of one epoch with the count
    of another. Here the epoch count and the history travel *inside* the weights file (an HDF5
    attribute), which is written to a temporary file, read back, and renamed over the old one: the
    folder always holds the last whole epoch, never a mix. ``history.json`` beside it is a readable
    copy of the same record, written in the same set.
    """

    def __init__(self, folder: Path, log: EpochLog, settings: dict) -> None:
        super().__init__()
        self.folder, self.log, self.settings = folder, log, settings
        self.record: dict = {}

    def on_train_begin(self, logs: dict | None = None) -> None:
        path = self.folder / _CHECKPOINT
        self.record = {"settings": self.settings, "complete": False, "epochs": []}
        if not path.exists():
            return
        saved = _record_in(path, self.folder)
        if saved.get("settings") != self.settings:
            raise ValueError(
                f"{self.folder} holds a run with other settings ({saved.get('settings')}), not {self.settings}: "
                "delete that folder to start this run afresh, or go back to the settings it was started with."
            )
        _load_weights(self.model, path, f"it was saved by another model. Delete the folder {self.folder} to start "
                      "the run afresh.")
        self.record = {**saved, "settings": self.settings, "complete": False}
        self.model._initial_epoch = len(saved["epochs"])  # what fit() reads to skip the epochs done

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        entry = {"epoch": epoch, "seconds": self.log.seconds[-1], **{k: float(v) for k, v in (logs or {}).items()}}
        self.record["epochs"] = [e for e in self.record["epochs"] if e["epoch"] < epoch] + [entry]
        record, folder = self.record, self.folder

        def check(temp: Path) -> None:
            if json.dumps(_record_in(temp, folder)) != json.dumps(record):  # as text: a NaN loss equals itself
                raise OSError(f"the checkpoint saved for {folder / _CHECKPOINT} does not read back; nothing was "
                              "replaced")

        with FileSet() as files:
            temp = files.stage(folder / _CHECKPOINT, suffix=".weights.h5", verify=check)
            self.model.save_weights(temp)
            _store_record(temp, record)
            files.stage(folder / _HISTORY, json.dumps(record, indent=1) + "\n")


def _load_weights(model: keras.Model, path: Path, why_and_fix: str) -> None:
    """Load weights (and the optimizer's state) saved by this module into ``model``; a fault is a FileFormatError."""
    if model.optimizer is not None and not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)  # so that its saved state loads too
    try:
        model.load_weights(path)
    except (OSError, ValueError, KeyError) as error:
        raise FileFormatError(f"{path} cannot be loaded into this model ({str(error)[:200]}): {why_and_fix}") from None


def _store_record(path: Path, record: dict) -> None:
    import h5py

    with h5py.File(path, "a") as weights:
        weights.attrs[_RECORD_ATTR] = json.dumps(record)


def _record_in(path: Path, folder: Path) -> dict:
    """The run's record stored in a checkpoint (a temporary copy too), checked like ``history.json``."""
    import h5py

    shown = folder / _CHECKPOINT
    try:
        with h5py.File(path, "r") as weights:
            if not len(weights.keys()):
                raise OSError("no weights in it")
            text = weights.attrs.get(_RECORD_ATTR)
    except OSError as error:
        raise FileFormatError(f"{shown} is not a checkpoint this course can read ({error}). Delete the folder "
                              f"{folder} to start the run afresh.") from None
    if not isinstance(text, str):
        raise FileFormatError(f"{shown} holds weights but not the run's record, so it was not saved by "
                              f"fit_resumable. Delete the folder {folder} to start the run afresh.")
    try:
        record = json.loads(text)
    except ValueError:
        raise FileFormatError(f"{shown}: the run's record in it is not valid JSON. Delete the folder {folder} to "
                              "start the run afresh.") from None
    return _checked_record(record, shown, folder)


def _read_history(folder: Path, path: Path | None = None) -> dict:
    """``folder/history.json`` ({} when there is none), each field checked; a fault raises FileFormatError.

    ``path`` reads a temporary copy instead, still named ``folder/history.json`` in messages.
    """
    shown = folder / _HISTORY
    path = path or shown
    if not path.exists():
        return {}
    return _checked_record(read_json(path, fix=f"Delete the folder {folder} to start the run afresh.", shown=shown),
                           shown, folder)


def _checked_record(record, shown: Path, folder: Path) -> dict:
    """``record`` if it has the shape of a run's record (settings, complete, epochs), else FileFormatError."""
    fix = f"Delete the folder {folder} to start the run afresh."

    def fault(what: str) -> FileFormatError:
        return FileFormatError(f"{shown}: {what}: it is not the history of a run this course saved. {fix}")

    if not isinstance(record, dict):
        raise fault("the file holds no JSON object")
    if not isinstance(record.get("settings", {}), dict) or not isinstance(record.get("complete", False), bool):
        raise fault("'settings' must be an object and 'complete' true or false")
    epochs = record.get("epochs", [])
    if not isinstance(epochs, list):
        raise fault("'epochs' is not a list")
    for number, entry in enumerate(epochs, start=1):
        numbers_ok = isinstance(entry, dict) and all(
            isinstance(value, (int, float)) and not isinstance(value, bool) for value in entry.values())
        if not numbers_ok or type(entry.get("epoch")) is not int or "seconds" not in entry:
            raise fault(f"entry {number} of 'epochs' is {str(entry)[:80]}, not an epoch's number, seconds and metrics")
    return record


def _run_from(record: dict, resumed_from: int = 0, loaded: bool = False) -> Run:
    epochs = sorted(record.get("epochs", []), key=lambda e: e["epoch"])
    names = [k for k in (epochs[0] if epochs else {}) if k not in ("epoch", "seconds", "learning_rate")]
    return Run({n: [e[n] for e in epochs] for n in names}, [e["seconds"] for e in epochs], resumed_from, loaded)


def fit_resumable(
    model: keras.Model, data, *, folder: Path, epochs: int, progress: bool = True, callbacks: list | tuple = (),
    **fit_args,
) -> Run:
    """``fit`` that saves a checkpoint and the history in ``folder`` after every epoch, and resumes from them.

    Run it again after an interruption, with a freshly built model and the same settings, and it
    restores the weights, the optimizer's state and the epoch count, then trains the epochs left.
    Once every epoch is done the weights are kept in ``folder/final.weights.h5``: the next call
    loads them and returns the stored history without training. Delete ``folder`` to start over.
    The returned :class:`Run` covers every epoch of the run, the ones before a restart too.
    ``callbacks`` run after the checkpoint and the history are saved.
    """
    folder = Path(folder)
    settings = {"epochs": epochs, **{k: v for k, v in fit_args.items() if isinstance(v, (int, float, str, bool))}}
    record = _read_history(folder)
    if record.get("complete") and (folder / _FINAL).exists():
        if record.get("settings") != settings:
            raise ValueError(f"{folder} holds a finished run with other settings ({record.get('settings')}), "
                             f"not {settings}: delete that folder to train with the new settings.")
        _load_weights(model, folder / _FINAL, f"it is damaged, or was saved by another model. Delete the folder "
                      f"{folder} to train again.")
        (folder / _CHECKPOINT).unlink(missing_ok=True)  # left if the run was stopped just after finishing
        run = _run_from(record, loaded=True)
        print(f"Loaded the finished run from {folder} ({run.epochs} epochs, {sum(run.seconds) / 60:.1f} min of "
              "training); delete that folder to train again.", flush=True)
        return run
    log = EpochLog(progress=progress)
    checkpoint = _Checkpoint(folder, log, settings)
    done = len(_record_in(folder / _CHECKPOINT, folder)["epochs"]) if (folder / _CHECKPOINT).exists() else 0
    if done:
        print(f"Resuming from the checkpoint {folder / _CHECKPOINT}: {done} of {epochs} epochs already done.",
              flush=True)
    shuffle = fit_args.pop("shuffle", not _is_dataset(data))
    model.fit(data, epochs=epochs, shuffle=shuffle, verbose=0, callbacks=[log, checkpoint, *callbacks], **fit_args)
    record = {**checkpoint.record, "complete": True}
    _save_final(model, folder, record)
    (folder / _CHECKPOINT).unlink(missing_ok=True)
    return _run_from(record, resumed_from=done)


def _save_final(model: keras.Model, folder: Path, record: dict) -> None:
    """The final weights and the completed history, checked and renamed into place together (or not at all)."""
    (folder / ".final.part.weights.h5").unlink(missing_ok=True)  # what an earlier version left when it was killed

    def check_weights(temp: Path) -> None:
        import h5py

        try:
            with h5py.File(temp, "r") as weights:
                if not len(weights.keys()):
                    raise OSError("no weights in it")
        except OSError as error:
            raise OSError(f"the weights saved for {folder / _FINAL} do not read back ({error}); nothing was "
                          "replaced") from None

    with FileSet() as files:
        model.save_weights(files.stage(folder / _FINAL, suffix=".weights.h5", verify=check_weights))
        history = files.stage(folder / _HISTORY, json.dumps(record, indent=1) + "\n")
        if json.dumps(_read_history(folder, history)) != json.dumps(record):  # as text: a NaN loss equals itself
            raise OSError(f"the history saved for {folder / _HISTORY} does not read back the same; nothing was "
                          "replaced")


@keras.saving.register_keras_serializable(package="course_utils")
class ForgetGateBias(keras.initializers.Initializer):
    """Start an LSTM with its forget gate at ``sigmoid(value)``: the share of memory kept each step.

    Keras's default (``unit_forget_bias=True``) is ``value=1``: the forget gate starts at 0.73,
    so what the cell stores halves in about two steps and the gradient from far back fades
    almost as fast as a SimpleRNN's. Starting it at ``value=4`` (0.98) lets a memory last tens
    of steps from the first update; training can still close the gate where forgetting helps.
    Use it with ``keras.layers.LSTM(units, unit_forget_bias=False, bias_initializer=ForgetGateBias(4.0))``;
    the other gates' biases start at 0, as in Keras.
    """

    def __init__(self, value: float = 1.0) -> None:
        self.value = float(value)

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        if len(shape) != 1 or shape[0] % 4:
            raise ValueError(f"ForgetGateBias is for an LSTM's bias (4 gates x units), not shape {tuple(shape)}")
        units = shape[0] // 4
        bias = np.zeros(shape, dtype="float32")
        bias[units : 2 * units] = self.value  # Keras orders an LSTM's gates i, f, c, o
        return keras.ops.convert_to_tensor(bias, dtype=dtype or "float32")

    def get_config(self) -> dict[str, float]:
        return {"value": self.value}


class StopWhenLearned(keras.callbacks.Callback):
    """Stop training once the training accuracy reaches ``accuracy``.

    The experiment gives every model the same *maximum* budget; a model that has learned the
    note early stops there, so the runs that succeed cost little and the budget goes to the
    ones still trying.
    """

    def __init__(self, accuracy: float = 0.99) -> None:
        super().__init__()
        self.accuracy = accuracy

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if (logs or {}).get("accuracy", 0.0) >= self.accuracy:
            self.model.stop_training = True
