"""The audio-video offset (and, when an end of the keyboard is out of view, the octave of its keys) from the data:
at the right offset the notes' keys have fingertips over them at their onsets that were not there just before,
and the finger over the key has just moved against its knuckle (the press)."""

from __future__ import annotations

import numpy as np

from platform_core.kinds import NoteEvent
from recog_fusion.keyboard import CANON_H, Keyboard, white_index
from recog_fusion.model import TIPS
from recog_fusion.tips import TipTracks

SIGMA = 0.35  # white keys: how far from a key's centre a fingertip still counts as over it
BEFORE_S = 0.2  # a fingertip that was already over the key this long before the onset counts less
FLEX_S, FLEX_WEIGHT = 0.15, 1.0  # a finger pressing moves against its knuckle just before the onset
KNUCKLES = (1, 5, 9, 13, 17)


def _over(tracks: TipTracks, keyboard: Keyboard, centre: np.ndarray, tv: np.ndarray) -> np.ndarray:
    """(m, K * 5): how well each fingertip sits over each note's key (0-1) at video times ``tv``."""
    tips = tracks.at(tv, tracks.tips_uv)  # (m, K, 5, 2)
    du = (keyboard.pos_of(tips[..., 0]) - centre[:, None, None]) / SIGMA
    on = (tips[..., 1] > -0.2 * CANON_H) & (tips[..., 1] < 1.2 * CANON_H)
    return np.where(on & ~np.isnan(du), np.exp(-0.5 * du ** 2), 0.0).reshape(len(tv), -1)


def _flexion(tracks: TipTracks, keyboard: Keyboard, tv: np.ndarray) -> np.ndarray:
    """(m, K * 5): how far each fingertip moved against its knuckle in the FLEX_S before ``tv`` (white keys)."""
    rel = tracks.uv[:, :, TIPS] - tracks.uv[:, :, KNUCKLES]
    moved = np.linalg.norm(tracks.at(tv, rel) - tracks.at(tv - FLEX_S, rel), axis=-1) / keyboard.key_width
    return np.nan_to_num(moved).reshape(len(tv), -1)


def score(tracks: TipTracks, keyboard: Keyboard, notes: list[NoteEvent], offset: float) -> float:
    """Evidence for ``offset`` (audio time minus video time): fingertips that arrive over the notes' keys at their
    onsets, and fingers that were just moving (pressing) there."""
    if not tracks.track_ids:
        return 0.0
    centre = np.array([white_index(int(n.pitch)) for n in notes])
    tv = np.array([n.onset for n in notes]) - offset
    now = _over(tracks, keyboard, centre, tv)
    before = _over(tracks, keyboard, centre, tv - BEFORE_S).max(axis=1)
    press = (now * _flexion(tracks, keyboard, tv)).max(axis=1)
    return float(np.sum(now.max(axis=1) - 0.5 * before + FLEX_WEIGHT * press))


def _smooth(s: np.ndarray, sigma: float) -> np.ndarray:
    """``s`` convolved with a Gaussian of ``sigma`` samples, its ends held."""
    if sigma <= 0:
        return s
    r = int(np.ceil(3 * sigma))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    return np.convolve(np.pad(s, r, mode="edge"), k / k.sum(), mode="valid")


def estimate(tracks: TipTracks, keyboard: Keyboard, notes: list[NoteEvent], max_offset: float = 1.0,
             step: float = 0.01, octaves: tuple[int, ...] = (0,)) -> tuple[float, int, float]:
    """The best (offset, octave shift in semitones, score) over offsets in [-max_offset, max_offset] and the
    given octave shifts of the keyboard's labels. The scores are smoothed over offsets by a Gaussian one frame
    interval wide (the landmarks are sampled once a frame: a peak narrower than that is one frame's jitter, not
    timing), and the peak is refined to a parabola's vertex."""
    best = (0.0, 0, -np.inf)
    grid = np.arange(-max_offset, max_offset + step / 2, step)
    frame = float(np.median(np.diff(tracks.times))) if len(tracks.times) > 1 else 0.0
    for octave in octaves:
        kb = keyboard.shifted(12 * octave)
        s = _smooth(np.array([score(tracks, kb, notes, d) for d in grid]), frame / step)
        i = int(np.argmax(s))
        if s[i] <= best[2]:
            continue
        d = grid[i]
        if 0 < i < len(grid) - 1:
            a, b, c = s[i - 1], s[i], s[i + 1]
            den = a - 2 * b + c
            if den < 0:
                d += step * 0.5 * (a - c) / den
        best = (float(d), 12 * octave, float(s[i]))
    return best
