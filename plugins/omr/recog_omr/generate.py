"""Training music: random but musical staves, and staves taken from the music21 corpus."""

from __future__ import annotations

import random

from recog_omr.music import CLEF_BASE, DURATIONS, STEPS, Event, Measure, Pitch, Staff, key_alters, time_beats
from recog_omr.tokens import TIMES

_CLEFS = (("G2", 0.5), ("F4", 0.25), ("C3", 0.1), ("C4", 0.07), ("C1", 0.04), ("C2", 0.01), ("C5", 0.01),
          ("F3", 0.02))
_RHYTHM = (("q", 0, 0.3), ("e", 0, 0.3), ("h", 0, 0.1), ("s", 0, 0.12), ("q", 1, 0.06), ("e", 1, 0.04),
           ("h", 1, 0.03), ("w", 0, 0.02), ("t", 0, 0.03))
DENSE = (("s", 0, 0.5), ("e", 0, 0.25), ("q", 0, 0.1), ("e", 1, 0.05), ("t", 0, 0.04), ("q", 1, 0.03),
         ("h", 0, 0.03))  # piano figuration: sixteenth runs
VOICE = (("q", 0, 0.35), ("e", 0, 0.25), ("h", 0, 0.15), ("q", 1, 0.08), ("s", 0, 0.08), ("h", 1, 0.04),
         ("w", 0, 0.03), ("e", 1, 0.02))  # one of two voices on a staff
QUARTET = ("G2", "G2", "C3", "F4")


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


def random_measure(rng: random.Random, clef: str, fifths: int, time: str, pos: list[int], rhythm=_RHYTHM,
                   chords: float = 0.12, span: tuple[int, int] = (-5, 13)) -> Measure:
    """One full measure of notes, chords and rests; ``pos`` carries the melodic position between calls, which
    stays within ``span`` (staff positions, 0 the bottom line) but for rare leaps."""
    return Measure(_voice(rng, clef, fifths, time, pos, rhythm, chords, span))


def two_voice_measure(rng: random.Random, clef: str, fifths: int, time: str, pos: list[int]) -> Measure:
    """A full measure of two voices: the upper one (``pos[0]``) above the middle line, the lower one (``pos[1]``)
    below it, each with its own rhythm, few chords and no ties in the lower voice."""
    upper = [pos[0]]
    lower = [pos[1]]
    m = Measure(_voice(rng, clef, fifths, time, upper, VOICE, 0.05, (5, 14), leaps=False))
    m.lower = _voice(rng, clef, fifths, time, lower, VOICE, 0.05, (-6, 3), leaps=False)
    for ev in m.lower:
        ev.ties = [False] * len(ev.pitches)
    pos[0], pos[1] = upper[0], lower[0]
    return m


def _voice(rng: random.Random, clef: str, fifths: int, time: str, pos: list[int], rhythm, chords: float,
           span: tuple[int, int], leaps: bool = True) -> list[Event]:
    key = key_alters(fifths)
    left = time_beats(time)
    events: list[Event] = []
    while left > 1e-6:
        dur, dots = _pick(rng, rhythm)
        if _quarters(dur, dots) > left + 1e-6:
            fits = [(d, k) for d, k, _ in rhythm if _quarters(d, k) <= left + 1e-6]
            dur, dots = rng.choice(fits) if fits else ("t", 0)
        left -= _quarters(dur, dots)
        if rng.random() < 0.12:
            events.append(Event(dur, dots=dots))
            continue
        pos[0] = max(span[0], min(span[1], pos[0] + rng.choice((-4, -3, -2, -1, -1, 0, 1, 1, 2, 3, 4))))
        if leaps and rng.random() < 0.03:
            pos[0] = rng.randint(-8, 16)
        pitches = [_pitch(rng, clef, pos[0], key)]
        if rng.random() < chords:
            for step in rng.sample((2, 4, 5, 7), rng.randint(1, 2)):
                if pos[0] + step <= (16 if leaps else span[1] + 2):
                    pitches.append(_pitch(rng, clef, pos[0] + step, key))
        events.append(Event(dur, pitches, dots, [False] * len(pitches)))
    for a, b in zip(events, events[1:], strict=False):
        if not a.is_rest and not b.is_rest and len(a.pitches) == 1 and rng.random() < 0.06:
            b.pitches = [Pitch(a.pitches[0].step, a.pitches[0].octave, a.pitches[0].alter)]
            b.ties = [False]
            a.ties = [True]
    return events


def random_staves(rng: random.Random, n_measures: int, grand: bool = False, clefs: tuple[str, ...] | None = None,
                  voices: float = 0.0, dense: bool = False) -> list[Staff]:
    """One staff, a treble and bass pair (``grand``) or a system of ``clefs`` of random music with a clef, key and
    time; ``voices``: the share of measures with two voices (treble and C-clef staves); ``dense``: sixteenth
    runs in the upper staff and chords in the others (piano writing)."""
    fifths = rng.randint(-6, 6) if rng.random() < 0.85 else 0
    time = rng.choice(TIMES)
    clefs = clefs or (("G2", "F4") if grand else (_pick(rng, _CLEFS),))
    staves = []
    for n, clef in enumerate(clefs):
        st = Staff(clef, fifths, time)
        pos = [rng.randint(0, 8), rng.randint(-2, 2)]
        for _ in range(n_measures):
            if voices and clef != "F4" and rng.random() < voices:
                pos[0], pos[1] = max(5, pos[0]), min(3, pos[1])
                st.measures.append(two_voice_measure(rng, clef, fifths, time, pos))
            elif dense:
                st.measures.append(random_measure(rng, clef, fifths, time, pos, DENSE if n == 0 else _RHYTHM,
                                                  0.05 if n == 0 else 0.35))
            else:
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
