"""A user's labelled audio in a GTZAN-style folder (``DIR/<genre>/<file>``) and its split by track."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from platform_core.errors import InputError
from recog_genre.audio import AUDIO_EXTENSIONS
from recog_genre.table import BLOCK

_GTZAN_NAME = re.compile(r"^(?P<genre>[a-z]+)\.(?P<track>\d+)$")


@dataclass(frozen=True)
class Track:
    path: Path
    label: str

    @property
    def group(self) -> str:
        """The unit kept on one side of a split: GTZAN-style names (``blues.00012``) go by blocks of
        :data:`BLOCK` consecutive tracks (an artist proxy), any other file by itself."""
        m = _GTZAN_NAME.match(self.path.stem)
        if m:
            return f"{self.label}/{m['genre']}.block{int(m['track']) // BLOCK}"
        return f"{self.label}/{self.path.name}"


def scan(root: str | Path) -> tuple[list[Track], list[str]]:
    """Every audio file under ``root/<label>/`` and the sorted labels."""
    r = Path(root)
    if not r.is_dir():
        raise InputError(f"{r}: not a folder (expected DIR/<genre>/<audio files>)")
    tracks = [Track(f, d.name) for d in sorted(r.iterdir()) if d.is_dir()
              for f in sorted(d.rglob("*")) if f.is_file() and f.suffix.lower() in AUDIO_EXTENSIONS]
    labels = sorted({t.label for t in tracks})
    if len(labels) < 2:
        raise InputError(f"{r}: found {len(tracks)} audio files in {len(labels)} label folders; need at least 2 labels")
    return tracks, labels


def split(tracks: list[Track], test_fraction: float = 0.2, seed: int = 0) -> tuple[list[Track], list[Track]]:
    """Train and test tracks: whole groups go to one side, about ``test_fraction`` of each label's groups to test."""
    rng = random.Random(seed)
    train, test = [], []
    for label in sorted({t.label for t in tracks}):
        groups = sorted({t.group for t in tracks if t.label == label})
        rng.shuffle(groups)
        n_test = max(1, round(test_fraction * len(groups))) if len(groups) > 1 else 0
        held = set(groups[:n_test])
        for t in tracks:
            if t.label == label:
                (test if t.group in held else train).append(t)
    return train, test
