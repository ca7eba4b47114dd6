"""Training music: random but musical staves, and staves taken from the music21 corpus."""

from __future__ import annotations

import random

from recog_omr.music import CLEF_BASE, DURATIONS, STEPS, Event, Measure, Pitch, Staff, key_alters, time_beats
from recog_omr.tokens import TIMES

_CLEFS = (("G2", 0.55), ("F4", 0.3), ("C3", 0.1), ("C4", 0.05))
_RHYTHM = (("q", 0, 0.3), ("e", 0, 0.3), ("h", 0, 0.1), ("s", 0, 0.12), ("q", 1, 0.06), ("e", 1, 0.04),
           ("h", 1, 0.03), ("w", 0, 0.02), ("t", 0, 0.03))


def _pick(rng: random.Random, items):
    return rng.choices([i[:-1] if len(i) > 2 else i[0] for i in items], weights=[i[-1] for i in items])[0]


def _quarters(dur: str, dots: int) -> float:
    return DURATIONS[dur] * (2 - 0.5**dots)


def _pitch(rng: random.Random, clef: str, pos: int, key: dict[str, int]) -> Pitch:
    d = CLEF_BASE[clef] + pos
    step, octave = STEPS[d % 7], d // 7
    alter = key.get(step, 0)
    if rng.random() < 0.12:
        alter = rng.choice([a for a in (-1, 0, 1) if a != alter])
    return Pitch(step, octave, alter)


def random_measure(rng: random.Random, clef: str, fifths: int, time: str, pos: list[int]) -> Measure:
    """One full measure of notes, chords and rests; ``pos`` carries the melodic position between calls."""
    key = key_alters(fifths)
    left = time_beats(time)
    events: list[Event] = []
    while left > 1e-6:
        dur, dots = _pick(rng, _RHYTHM)
        if _quarters(dur, dots) > left + 1e-6:
            fits = [(d, k) for d, k, _ in _RHYTHM if _quarters(d, k) <= left + 1e-6]
            dur, dots = rng.choice(fits) if fits else ("t", 0)
        left -= _quarters(dur, dots)
        if rng.random() < 0.12:
            events.append(Event(dur, dots=dots))
            continue
        pos[0] = max(-5, min(13, pos[0] + rng.choice((-4, -3, -2, -1, -1, 0, 1, 1, 2, 3, 4))))
        if rng.random() < 0.03:
            pos[0] = rng.randint(-8, 16)
        pitches = [_pitch(rng, clef, pos[0], key)]
        if rng.random() < 0.12:
            for step in rng.sample((2, 4, 5, 7), rng.randint(1, 2)):
                if pos[0] + step <= 16:
                    pitches.append(_pitch(rng, clef, pos[0] + step, key))
        events.append(Event(dur, pitches, dots, [False] * len(pitches)))
    for a, b in zip(events, events[1:], strict=False):
        if not a.is_rest and not b.is_rest and len(a.pitches) == 1 and rng.random() < 0.06:
            b.pitches = [Pitch(a.pitches[0].step, a.pitches[0].octave, a.pitches[0].alter)]
            b.ties = [False]
            a.ties = [True]
    return Measure(events)


def random_staves(rng: random.Random, n_measures: int, grand: bool = False) -> list[Staff]:
    """One staff (or a treble and bass pair) of random music with a clef, key and time."""
    fifths = rng.randint(-6, 6) if rng.random() < 0.85 else 0
    time = rng.choice(TIMES)
    clefs = ["G2", "F4"] if grand else [_pick(rng, _CLEFS)]
    staves = []
    for clef in clefs:
        st = Staff(clef, fifths, time)
        pos = [rng.randint(0, 8)]
        for _ in range(n_measures):
            st.measures.append(random_measure(rng, clef, fifths, time, pos))
        staves.append(st)
    _barlines(rng, staves)
    return staves


def _barlines(rng: random.Random, staves: list[Staff]) -> None:
    first = staves[0].measures
    rights = ["single"] * len(first)
    lefts = [""] * len(first)
    rights[-1] = rng.choice(("end", "end", "rptend", "dbl", "single"))
    if rng.random() < 0.05:
        lefts[0] = "rptstart"
    for i in range(len(first) - 1):
        r = rng.random()
        if r < 0.04:
            rights[i] = "dbl"
        elif r < 0.07:
            rights[i] = "rptend"
    for st in staves:
        st.measures[0].clef, st.measures[0].key, st.measures[0].time = st.clef, st.key, st.time
        for m, r, left in zip(st.measures, rights, lefts, strict=True):
            m.right, m.left = r, left
