"""Where the real data lives beside the repo (../shared/data), for the real-data tests."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
KAGGLE_REAL = SHARED_DATA / "kaggle-movie-reviews"
SST_REAL_TRAIN = SHARED_DATA / "sst-ptb-trees" / "train.txt"


def need_real_data() -> None:
    """Skip, saying why, when the real data beside the repo (../shared/data) is absent."""
    if not (KAGGLE_REAL / "train.tsv").is_file() or not SST_REAL_TRAIN.is_file():
        pytest.skip(f"real data not found in {SHARED_DATA} (only developers and CI have it; a fresh clone does not)")
