"""Compact training logs: one line an epoch instead of Keras's per-batch progress bars.

Per-batch bars flood a notebook (and nbval's stored output) with carriage returns. One
line an epoch keeps the log readable and still shows what a learner needs: the epoch, the
time it took and the metrics.
"""
from __future__ import annotations

import time

import keras


class EpochLog(keras.callbacks.Callback):
    """Print ``epoch 3/8  41.2 s  loss 0.912  accuracy 0.624  val_loss ...`` after each epoch.

    Use it with ``verbose=0`` in ``model.fit``. ``every`` prints only every n-th epoch (and
    the last), for the toy models that train for hundreds of quick epochs.
    """

    def __init__(self, every: int = 1, digits: int = 4) -> None:
        super().__init__()
        self.every = max(1, every)
        self.digits = digits
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)
        total = self.params.get("epochs", epoch + 1)
        if (epoch + 1) % self.every and epoch + 1 != total:
            return
        metrics = "  ".join(f"{name} {value:.{self.digits}f}" for name, value in (logs or {}).items() if name != "learning_rate")
        width = len(str(total))
        print(f"epoch {epoch + 1:>{width}}/{total}  {self.seconds[-1]:6.1f} s  {metrics}", flush=True)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.seconds:
            print(f"trained {len(self.seconds)} epochs in {sum(self.seconds):.1f} s", flush=True)
