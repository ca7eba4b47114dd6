"""The GTZAN feature table: rows, labels, track numbers and artist-proxy blocks."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from platform_core.errors import InputError
from recog_genre.features import FEATURE_NAMES

BLOCK = 10  # consecutive track numbers of a genre taken as one artist/album


@dataclass
class Table:
    names: list[str]  # file names, e.g. blues.00010.au
    labels: np.ndarray  # genre per row
    X: np.ndarray  # (rows, len(FEATURE_NAMES)) in FEATURE_NAMES order

    @property
    def tracks(self) -> np.ndarray:
        return np.array([int(n.split(".")[1]) for n in self.names])

    def blocks(self, size: int = BLOCK) -> np.ndarray:
        """Artist-proxy group per row: genre and track number // ``size``."""
        return np.array([f"{g}.{t // size}" for g, t in zip(self.labels, self.tracks)])


def read(path: str | Path) -> Table:
    """Read a table with the columns of ``features_30_sec.csv`` (filename, the features, label)."""
    p = Path(path)
    try:
        with open(p, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise InputError(f"{p}: cannot read the feature table ({e})") from e
    missing = [c for c in ("filename", "label", *FEATURE_NAMES) if not rows or c not in rows[0]]
    if missing:
        raise InputError(f"{p}: not a GTZAN feature table (missing columns {missing[:5]})")
    X = np.array([[float(r[c]) for c in FEATURE_NAMES] for r in rows])
    return Table([r["filename"] for r in rows], np.array([r["label"] for r in rows]), X)
