"""The one-line-an-epoch training log."""
from __future__ import annotations

import numpy as np

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
