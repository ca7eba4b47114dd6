"""Shards of labelled staff crops (``python -m recog_omr.shards OUT FIRST_SEED N_PAGES [ENGRAVER] [broad]``).

ENGRAVER: ``verovio`` (default), ``lilypond`` (this plugin's ``.ly``) or ``musicxml2ly`` (LilyPond via musicxml2ly,
one staff a page). ``broad``: the music of ``recog_omr.dataset.broad_staves`` (two voices, dense piano writing,
every clef, systems of four staves) instead of single and grand staves.
"""

from __future__ import annotations

import pickle
import random
import sys
from pathlib import Path

import numpy as np


def corpus_training_staves(limit: int = 40, seed: int = 0) -> list:
    """Staves from Bach chorales that are not held out (a random subset of ``limit`` pieces)."""
    from recog_omr.corpus import corpus_paths, held_out, piece_staves

    paths = [p for p in corpus_paths(("bach",)) if not held_out(p) and p.endswith(".mxl")]
    random.Random(seed).shuffle(paths)
    out = []
    for p in paths[:limit]:
        try:
            out += piece_staves(p, max_measures=10)
        except Exception as e:  # music21 cannot read every corpus file; skip it and say so
            print(f"skipped {p}: {e}", file=sys.stderr)
    return out


def write_shards(out: Path, first_seed: int, n_pages: int, per_shard: int = 25, corpus_limit: int = 40,
                 engraver: str = "verovio", broad: bool = False) -> None:
    """Engrave ``n_pages`` pages (seeds from ``first_seed``) with verovio or LilyPond into shards of samples."""
    from recog_omr.dataset import broad_staves, lilypond_samples, random_page, random_staves_or_corpus

    music = broad_staves if broad else random_staves_or_corpus
    out.mkdir(parents=True, exist_ok=True)
    staves = corpus_training_staves(corpus_limit, first_seed) if corpus_limit else []
    for first in range(first_seed, first_seed + n_pages, per_shard):
        seeds = range(first, min(first + per_shard, first_seed + n_pages))
        if engraver == "lilypond":  # one LilyPond process per shard
            rng = random.Random(first)
            batch = lilypond_samples([music(rng, staves) for _ in seeds], rng)
        elif engraver == "musicxml2ly":  # single staves through musicxml2ly, one LilyPond process per shard
            rng = random.Random(first)
            batch = lilypond_samples([music(rng, staves)[:1] for _ in seeds], rng, True)
        else:
            batch = [s for seed in seeds for s in random_page(seed, staves, broad)]
        _dump(out / f"shard_{engraver[0]}{'b' * broad}{seeds[-1]:08d}.pkl", batch)


def _dump(path: Path, samples: list) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        pickle.dump(samples, f)
    tmp.rename(path)


def read_shards(folder: Path) -> list[tuple[np.ndarray, list[str]]]:
    """Every sample in the folder's shards; crops cut at another height span 12.8 spaces and are trimmed."""
    import cv2

    from recog_omr.staves import CROP_HEIGHT, CROP_SPACES

    out = []
    for p in sorted(folder.glob("shard_*.pkl")):
        with open(p, "rb") as f:
            for ink, symbols in pickle.load(f):
                h = ink.shape[0]
                if h != CROP_HEIGHT:
                    cut = round(h * (1 - CROP_SPACES / 12.8) / 2)
                    ink = ink[cut : h - cut]
                if ink.shape[0] != CROP_HEIGHT:
                    w = max(8, round(ink.shape[1] * CROP_HEIGHT / ink.shape[0]))
                    ink = cv2.resize(ink, (w, CROP_HEIGHT), interpolation=cv2.INTER_AREA)
                out.append((ink, symbols))
    return out


if __name__ == "__main__":
    write_shards(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]),
                 engraver=sys.argv[4] if len(sys.argv) > 4 else "verovio", broad=sys.argv[5:] == ["broad"])
