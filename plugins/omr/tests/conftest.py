"""Small pages engraved by verovio at test time, with the music they hold."""

from __future__ import annotations

import pytest

from recog_omr.engrave import rasterise, render_pages
from recog_omr.mei import staves_to_mei
from recog_omr.music import Event, Measure, Pitch, Staff


def melody() -> Staff:
    """Four measures in G major, 3/4: quarters, eighths, a dotted half, a rest, an accidental and a tie."""
    def n(step, octave, dur="q", alter=0, dots=0, tie=False):
        return Event(dur, [Pitch(step, octave, alter)], dots, [tie])

    st = Staff("G2", 1, "3/4")
    st.measures = [
        Measure([n("G", 4), n("A", 4), n("B", 4)], clef="G2", key=1, time="3/4"),
        Measure([n("C", 5, "e"), n("B", 4, "e"), n("A", 4, "e"), n("G", 4, "e"), n("F", 4, "q", alter=1)]),
        Measure([n("E", 4), Event("q"), n("C", 5, alter=1, tie=True)]),
        Measure([n("C", 5, "h", alter=1, dots=1)], right="end"),
    ]
    return st


def two_voices() -> Staff:
    """Two measures in C major, 4/4, two voices on a treble staff (upper: a half, quarters, a rest, a chord;
    lower: quarters, an eighth pair, halves). The lower voice's Bb4 on beat 2 makes the upper voice's B4 on beat
    3 need its natural: accidentals hold for the staff position, whichever voice wrote them."""
    def n(step, octave, dur="q", alter=0):
        return Event(dur, [Pitch(step, octave, alter)], 0, [False])

    st = Staff("G2", 0, "4/4")
    first = Measure([n("E", 5, "h"), n("B", 4), n("D", 5)], clef="G2", key=0, time="4/4")
    first.lower = [n("C", 4), n("B", 4, alter=-1), n("G", 4, "e"), n("A", 4, "e"), n("F", 4, alter=1)]
    second = Measure([Event("q"), n("C", 5), Event("h", [Pitch("E", 5), Pitch("G", 5)], 0, [False, False])],
                     right="end")
    second.lower = [n("E", 4, "h"), n("D", 4, "h")]
    st.measures = [first, second]
    return st


def engrave(staves: list[Staff], width: int = 1800, scale: int = 50) -> tuple:
    pages = render_pages(staves_to_mei(staves), {"pageWidth": width, "pageHeight": 2970, "scale": scale,
                                                  "adjustPageHeight": True, "font": "Leipzig"})
    svg, systems = pages[0]
    return rasterise(svg), systems


@pytest.fixture(scope="session")
def engraver():
    """The engraving function: ``engraver(staves, width, scale) -> (grey page, systems)``."""
    return engrave


@pytest.fixture(scope="session")
def melody_page():
    return engrave([melody()])[0]
