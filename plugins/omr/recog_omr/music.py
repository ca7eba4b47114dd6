"""The symbolic music model shared by the generator, the engraver and the decoder."""

from __future__ import annotations

from dataclasses import dataclass, field

STEPS = "CDEFGAB"
DURATIONS = {"w": 4.0, "h": 2.0, "q": 1.0, "e": 0.5, "s": 0.25, "t": 0.125}  # quarter notes
DUR_NAMES = {"w": "whole", "h": "half", "q": "quarter", "e": "eighth", "s": "16th", "t": "32nd"}
MEI_DUR = {"w": "1", "h": "2", "q": "4", "e": "8", "s": "16", "t": "32"}
# diatonic number (octave * 7 + step) of a clef's bottom staff line
CLEF_BASE = {"G2": 30, "F4": 18, "C3": 24, "C4": 22, "C1": 28, "C2": 26, "C5": 20, "F3": 20}
SHARP_ORDER = "FCGDAEB"
FLAT_ORDER = "BEADGCF"


@dataclass
class Pitch:
    step: str  # C..B
    octave: int
    alter: int = 0  # -2..2

    @property
    def diatonic(self) -> int:
        return self.octave * 7 + STEPS.index(self.step)

    @property
    def midi(self) -> int:
        return 12 * (self.octave + 1) + (0, 2, 4, 5, 7, 9, 11)[STEPS.index(self.step)] + self.alter

    def name(self) -> str:
        return self.step + {-2: "bb", -1: "b", 0: "", 1: "#", 2: "##"}[self.alter] + str(self.octave)


@dataclass
class Event:
    """A note, chord (several pitches) or rest (no pitches) with a written duration type and dots."""

    dur: str  # one of DURATIONS
    pitches: list[Pitch] = field(default_factory=list)
    dots: int = 0
    ties: list[bool] = field(default_factory=list)  # per pitch: tied to the next note

    @property
    def is_rest(self) -> bool:
        return not self.pitches

    @property
    def quarters(self) -> float:
        base = DURATIONS[self.dur]
        return base * (2 - 0.5**self.dots)


@dataclass
class Measure:
    """A measure's events; ``lower`` holds a second voice (stems down under the upper voice's stems up)."""

    events: list[Event] = field(default_factory=list)
    clef: str | None = None  # set where it is shown at the measure's start (first measure)
    key: int | None = None  # fifths: >0 sharps, <0 flats
    time: str | None = None  # "3/4", "C", "C|"
    left: str = ""  # "rptstart" or ""
    right: str = "single"  # single, dbl, end, rptend
    lower: list[Event] = field(default_factory=list)

    def in_onset_order(self) -> list[tuple[int, Event]]:
        """(voice, event) of both voices by onset, the upper voice (1) first at equal onsets: the reading order."""
        timed = []
        for voice, events in ((1, self.events), (2, self.lower)):
            onset = 0.0
            for i, ev in enumerate(events):
                timed.append((round(onset, 6), voice, i, ev))
                onset += ev.quarters
        return [(voice, ev) for _, voice, _, ev in sorted(timed, key=lambda t: t[:3])]


@dataclass
class Staff:
    """One staff's music: measures with the clef, key and time in force at the start."""

    clef: str
    key: int
    time: str
    measures: list[Measure] = field(default_factory=list)


def pitch_at(clef: str, pos: int) -> tuple[str, int]:
    """The step and octave of staff position ``pos`` (0 = bottom line, 8 = top line) under ``clef``."""
    d = CLEF_BASE[clef] + pos
    return STEPS[d % 7], d // 7


def position(clef: str, p: Pitch) -> int:
    return p.diatonic - CLEF_BASE[clef]


def key_alters(fifths: int) -> dict[str, int]:
    """The alteration a key signature gives each step."""
    if fifths >= 0:
        return {s: 1 for s in SHARP_ORDER[:fifths]}
    return {s: -1 for s in FLAT_ORDER[:-fifths]}


def time_beats(time: str) -> float:
    """A measure's length in quarter notes."""
    if time == "C":
        return 4.0
    if time == "C|":
        return 4.0
    n, d = time.split("/")
    return int(n) * 4.0 / int(d)


class AccidentalState:
    """Which alteration is in force per staff position in the current measure (key plus accidentals)."""

    def __init__(self, fifths: int):
        self.key = key_alters(fifths)
        self.marks: dict[tuple[str, int], int] = {}

    def new_measure(self) -> None:
        self.marks.clear()

    def current(self, step: str, octave: int) -> int:
        return self.marks.get((step, octave), self.key.get(step, 0))

    def shown(self, p: Pitch) -> int | None:
        """The accidental to print for ``p`` (None: none), updating the state."""
        if self.current(p.step, p.octave) == p.alter:
            return None
        self.marks[(p.step, p.octave)] = p.alter
        return p.alter

    def apply(self, step: str, octave: int, shown: int | None) -> int:
        """The alteration of a note read with accidental ``shown`` (None: none), updating the state."""
        if shown is not None:
            self.marks[(step, octave)] = shown
            return shown
        return self.current(step, octave)
