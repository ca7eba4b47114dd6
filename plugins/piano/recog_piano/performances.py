"""Generated piano performances: chords, fast runs, repeated notes, held overlaps, full range, varied velocity."""

from __future__ import annotations

import numpy as np

from platform_core.kinds import NoteEvent
from recog_piano.notes import HIGHEST, LOWEST, monophonic_per_key

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
CHORDS = ((0, 4, 7), (0, 3, 7), (0, 4, 7, 11), (0, 3, 7, 10), (0, 4, 7, 10), (0, 3, 6), (0, 5, 7), (0, 7, 12))


def _vel(rng: np.random.Generator, base: float) -> int:
    return int(np.clip(rng.normal(base, 12), 20, 127))


def _key(p: int) -> int:
    return int(np.clip(p, LOWEST, HIGHEST))


def _chords(rng, t0, dur, base):
    notes, t = [], t0
    while t < t0 + dur:
        root = int(rng.integers(LOWEST + 3, HIGHEST - 14))
        shape = CHORDS[rng.integers(len(CHORDS))]
        length = float(rng.choice([0.15, 0.3, 0.5, 0.8, 1.2, 2.0]))
        spread = rng.uniform(0, 0.03)
        for i, s in enumerate(shape):
            on = t + i * spread * rng.random()
            notes.append(NoteEvent(_key(root + s), on, on + length * rng.uniform(0.7, 1.0), _vel(rng, base)))
        t += length * rng.uniform(0.8, 1.3)
    return notes


def _runs(rng, t0, dur, base):
    notes, t = [], t0
    while t < t0 + dur:
        scale = MAJOR if rng.random() < 0.5 else MINOR
        tonic = int(rng.integers(LOWEST, HIGHEST - 24))
        step = 1.0 / rng.uniform(6, 16)
        degree, direction = 0, 1 if rng.random() < 0.5 else -1
        arpeggio = rng.random() < 0.3
        for _ in range(int(rng.integers(6, 24))):
            octave, idx = divmod(degree, 3 if arpeggio else 7)
            p = tonic + 12 * octave + ((0, 4, 7)[idx] if arpeggio else scale[idx])
            if not LOWEST <= p <= HIGHEST:
                direction = -direction
            degree += direction
            p = _key(p)
            notes.append(NoteEvent(p, t, t + step * rng.uniform(0.6, 1.6), _vel(rng, base)))
            t += step * rng.uniform(0.9, 1.1)
        t += rng.uniform(0.1, 0.6)
    return notes


def _repeats(rng, t0, dur, base):
    notes, t = [], t0
    while t < t0 + dur:
        p = int(rng.integers(LOWEST, HIGHEST + 1))
        step = 1.0 / rng.uniform(3, 12)
        for _ in range(int(rng.integers(3, 12))):
            notes.append(NoteEvent(p, t, t + step * rng.uniform(0.4, 0.9), _vel(rng, base)))
            t += step
        t += rng.uniform(0.05, 0.4)
    return notes


def _overlaps(rng, t0, dur, base):
    """Sustained, pedal-like textures: long notes that overlap many later ones."""
    notes, t = [], t0
    while t < t0 + dur:
        p = int(rng.integers(LOWEST, HIGHEST - 20))
        length = rng.uniform(1.0, 4.0)
        notes.append(NoteEvent(p, t, t + length, _vel(rng, base)))
        for _ in range(int(rng.integers(2, 8))):
            q = _key(p + int(rng.integers(3, 30)))
            on = t + rng.uniform(0, length)
            notes.append(NoteEvent(q, on, on + rng.uniform(0.3, 3.0), _vel(rng, base)))
        t += length * rng.uniform(0.3, 0.8)
    return notes


def _random(rng, t0, dur, base):
    """Notes anywhere on the 88 keys at random times, a few sounding at once."""
    count = int(dur * rng.uniform(2, 10))
    notes = []
    for _ in range(count):
        on = t0 + rng.uniform(0, dur)
        notes.append(NoteEvent(int(rng.integers(LOWEST, HIGHEST + 1)), on, on + rng.uniform(0.05, 1.5),
                               int(rng.integers(20, 128))))
    return notes


def _two_hands(rng, t0, dur, base):
    """A bass line and a melody in a key, each with its own rhythm."""
    scale = MAJOR if rng.random() < 0.5 else MINOR
    tonic = int(rng.integers(36, 60))
    notes = []
    for low, rate in ((tonic - 12, rng.uniform(1, 4)), (tonic + 12, rng.uniform(2, 8))):
        t = t0
        while t < t0 + dur:
            deg = int(rng.integers(0, 14))
            p = _key(low + 12 * (deg // 7) + scale[deg % 7])
            step = rng.choice([0.5, 1, 1, 2]) / rate
            notes.append(NoteEvent(p, t, t + step * rng.uniform(0.5, 1.5), _vel(rng, base)))
            t += step
    return notes


PATTERNS = (_chords, _runs, _repeats, _overlaps, _random, _two_hands)


def performance(seed: int, duration: float = 30.0) -> list[NoteEvent]:
    """A generated take of about ``duration`` seconds mixing every pattern, with timing and velocity humanised."""
    rng = np.random.default_rng(seed)
    notes, t = [], 0.2
    while t < duration:
        part = rng.uniform(3, 8)
        pattern = PATTERNS[rng.integers(len(PATTERNS))]
        notes += pattern(rng, t, min(part, duration - t), rng.uniform(35, 110))
        t += part
    for n in notes:
        jitter = rng.normal(0, 0.008)
        n.onset, n.offset = max(0.0, n.onset + jitter), n.offset + jitter
    notes = [n for n in notes if n.onset < duration]
    for n in notes:
        n.offset = min(n.offset, duration + 2.0)
    return monophonic_per_key(notes)
