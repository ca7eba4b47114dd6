"""The audio-video offset (and, when an end of the keyboard is out of view, the octave of its keys) from the data:
at the right offset the notes' keys have fingertips over them at their onsets, and had none just before."""

from __future__ import annotations

import numpy as np

from platform_core.kinds import NoteEvent
from recog_fusion.keyboard import CANON_H, Keyboard, white_index
from recog_fusion.tips import TipTracks

SIGMA = 0.35  # white keys: how far from a key's centre a fingertip still counts as over it
BEFORE_S = 0.2  # a fingertip that was already over the key this long before the onset counts less


def over_key(tracks: TipTracks, keyboard: Keyboard, pitches: np.ndarray, tv: np.ndarray) -> np.ndarray:
    """For notes at video times ``tv``: how well the best fingertip sits over each note's key (0-1)."""
    tips = tracks.at(tv, tracks.tips_uv)  # (m, K, 5, 2)
    if tips.size == 0:
        return np.zeros(len(tv))
    pos = keyboard.pos_of(tips[..., 0])
    centre = np.array([white_index(int(p)) for p in pitches])[:, None, None]
    du = (pos - centre) / SIGMA
    on = (tips[..., 1] > -0.2 * CANON_H) & (tips[..., 1] < 1.2 * CANON_H)
    s = np.where(on & ~np.isnan(du), np.exp(-0.5 * du ** 2), 0.0)
    return s.reshape(len(tv), -1).max(axis=1)


def score(tracks: TipTracks, keyboard: Keyboard, notes: list[NoteEvent], offset: float) -> float:
    """Evidence for ``offset`` (audio time minus video time): fingertips that arrive over the notes' keys."""
    pitches = np.array([n.pitch for n in notes])
    tv = np.array([n.onset for n in notes]) - offset
    now = over_key(tracks, keyboard, pitches, tv)
    before = over_key(tracks, keyboard, pitches, tv - BEFORE_S)
    return float(np.sum(now - 0.5 * before))


def estimate(tracks: TipTracks, keyboard: Keyboard, notes: list[NoteEvent], max_offset: float = 1.0,
             step: float = 0.01, octaves: tuple[int, ...] = (0,)) -> tuple[float, int, float]:
    """The best (offset, octave shift in semitones, score) over offsets in [-max_offset, max_offset] and the
    given octave shifts of the keyboard's labels; the peak is refined to a parabola's vertex."""
    best = (0.0, 0, -np.inf)
    grid = np.arange(-max_offset, max_offset + step / 2, step)
    for octave in octaves:
        kb = keyboard.shifted(12 * octave)
        s = np.array([score(tracks, kb, notes, d) for d in grid])
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
