"""The clef reader on staves engraved at test time (alto, tenor, soprano and the rest, two fonts), its use in the
transcriber, and systems of four staves grouped into four parts."""

import random

import numpy as np
import pytest

from platform_core.kinds import ImageFrame
from platform_core.specs import Context
from recog_omr.clefs import MIN_CONFIDENCE, ClefRead, read_clef, with_clef, with_key
from recog_omr.components import Transcribe
from recog_omr.engrave import rasterise, render_pages
from recog_omr.generate import _barlines, random_measure
from recog_omr.mei import staves_to_mei
from recog_omr.music import Event, Measure, Pitch, Staff
from recog_omr.params import TranscribeParams
from recog_omr.recognizer import Read
from recog_omr.staves import find_staves

CLEFS = ("G2", "F4", "F3", "C1", "C2", "C3", "C4", "C5")


def _page(staves: list[Staff], font: str, width: int = 1200, scale: int = 45):
    svg = render_pages(staves_to_mei(staves), {"font": font, "scale": scale, "pageWidth": width, "pageHeight": 2970,
                                               "adjustPageHeight": True})[0][0]
    return rasterise(svg, 1.2)


def _random_staves(clefs, seed: int, measures: int = 3, fifths: int | None = None) -> list[Staff]:
    rng = random.Random(seed)
    fifths, time = rng.randint(-3, 3) if fifths is None else fifths, "4/4"
    staves = []
    for clef in clefs:
        st, pos = Staff(clef, fifths, time), [4]
        st.measures = [random_measure(rng, clef, fifths, time, pos) for _ in range(measures)]
        staves.append(st)
    _barlines(rng, staves)
    return staves


@pytest.mark.parametrize("font", ["Leipzig", "Bravura"])
def test_every_clef_is_read_from_its_glyph_on_one_staff(font):
    for k, clef in enumerate(CLEFS):
        page = find_staves(_page(_random_staves([clef], 100 + k), font, width=2100))
        assert len(page.staves) == 1
        got = read_clef(page, page.staves[0])
        assert (got.clef, got.confidence >= MIN_CONFIDENCE) == (clef, True)


def test_a_system_of_four_staves_has_its_clefs_and_its_staves_in_four_parts():
    """Systems of G2, C3, C4, F4 staves, joined by a brace and the system line."""
    staves = _random_staves(["G2", "C3", "C4", "F4"], 7, measures=6)
    img = _page(staves, "Leipzig", width=1500)
    page = find_staves(img)
    assert len(page.staves) in (8, 12)
    assert [s.system for s in page.staves] == [i // 4 for i in range(len(page.staves))]
    assert [read_clef(page, s).clef for s in page.staves] == ["G2", "C3", "C4", "F4"] * (len(page.staves) // 4)
    score = Transcribe(TranscribeParams(), Context(input="page.png"))(ImageFrame(img, "page.png"))
    assert len(score.parts) == 4
    assert [p["measures"][0]["clef"] for p in score.parts] == ["G2", "C3", "C4", "F4"]


def test_staves_of_a_system_whose_line_is_broken_still_make_one_system():
    staves = _random_staves(["G2", "C3", "C4", "F4"], 7, measures=6)
    img = _page(staves, "Leipzig", width=1500)
    page = find_staves(img)
    a, b = page.staves[5], page.staves[6]  # second system: wipe the system line and brace between staves 2 and 3
    img = img.copy()
    img[int(a.bottom) + 3:int(b.top) - 2, : int(a.x0 + 3 * a.space)] = 255
    assert [s.system for s in find_staves(img).staves] == [i // 4 for i in range(len(page.staves))]


def test_the_soprano_clef_gives_the_pitches_of_a_soprano_staff():
    def n(step, octave):
        return Event("q", [Pitch(step, octave)], 0, [False])

    st = Staff("C1", 0, "4/4")
    st.measures = [Measure([n("C", 4), n("E", 4), n("G", 4), n("C", 5)], clef="C1", key=0, time="4/4"),
                   Measure([n("D", 4), n("F", 4), n("A", 4), n("B", 4)], right="end")]
    img = _page([st], "Leipzig")
    score = Transcribe(TranscribeParams(), Context(input="page.png"))(ImageFrame(img, "page.png"))
    names = [e["name"] for m in score.parts[0]["measures"] for e in m["events"]]
    assert score.parts[0]["measures"][0]["clef"] == "C1"
    assert names == ["C4", "E4", "G4", "C5", "D4", "F4", "A4", "B4"]


def test_a_page_without_a_clef_glyph_is_unsure():
    img = np.full((300, 1000), 255, np.uint8)
    for k in range(5):
        img[100 + 12 * k, 50:950] = 0
    page = find_staves(img)
    assert len(page.staves) == 1
    assert read_clef(page, page.staves[0]).clef is None


def test_a_confident_clef_replaces_or_precedes_the_recognizers_and_an_unsure_one_does_not():
    reads = [Read("clef.F4", 10, 14, 0.4), Read("key.1s", 20, 24, 0.9), Read("note.4.q", 30, 34, 1.0),
             Read("clef.G2", 50, 54, 0.9)]
    got = with_clef(reads, ClefRead("C3", 0.9, 110, 130), 100, 0.5)
    assert [r.symbol for r in got] == ["clef.C3", "key.1s", "note.4.q", "clef.G2"]  # a change later on is kept
    assert (got[0].x0, got[0].x1) == (10, 14)
    got = with_clef(reads[1:], ClefRead("C3", 0.9, 110, 130), 100, 0.5)
    assert [r.symbol for r in got][:2] == ["clef.C3", "key.1s"] and (got[0].x0, got[0].x1) == (5, 15)
    assert with_clef(reads, ClefRead("C3", MIN_CONFIDENCE / 2, 110, 130), 100, 0.5) == reads
    assert with_clef(reads, ClefRead(None, 0.0), 100, 0.5) == reads


@pytest.mark.parametrize(("clef", "fifths", "font"), [("C4", 2, "Leipzig"), ("C3", -3, "Bravura"), ("C1", 4, "Leipzig"),
                                                      ("C4", 0, "Bravura"), ("G2", -5, "Leipzig")])
def test_the_key_signature_after_the_clef_is_counted(clef, fifths, font):
    page = find_staves(_page(_random_staves([clef], 200 + fifths, fifths=fifths), font, width=2100))
    got = read_clef(page, page.staves[0])
    assert (got.clef, got.key, got.key_confidence >= MIN_CONFIDENCE) == (clef, fifths, True)


@pytest.mark.parametrize("fifths", [3, 4])
def test_sharps_whose_stem_comes_out_in_two_runs_are_counted(fifths):
    """Systems of four staves in Bravura: a sharp of the second system's tenor (3 sharps) or bass staff (4) has a
    stem that taking out a staff line leaves in two runs of columns, and the count stopped before it."""
    staves = _random_staves(["G2", "C3", "C4", "F4"], 300 + fifths, measures=4, fifths=fifths)
    page = find_staves(_page(staves, "Bravura", width=2100))
    assert len(page.staves) == 8
    assert [read_clef(page, s).key for s in page.staves] == [fifths] * 8


def test_a_key_read_after_a_c_clef_replaces_the_recognizers_and_treble_staves_keep_theirs():
    reads = [Read("clef.C4", 10, 14, 0.9), Read("key.1s", 20, 24, 0.9), Read("note.4.q", 30, 34, 1.0)]
    tenor = ClefRead("C4", 0.9, 110, 130, key=2, key_confidence=0.9)
    assert [r.symbol for r in with_key(reads, tenor, 100, 0.5)] == ["clef.C4", "key.2s", "note.4.q"]
    tenor.key = 0
    assert [r.symbol for r in with_key(reads, tenor, 100, 0.5)] == ["clef.C4", "note.4.q"]
    tenor.key = -3
    got = with_key([reads[0], reads[2]], tenor, 100, 0.5)
    assert [r.symbol for r in got] == ["clef.C4", "key.3f", "note.4.q"]
    assert with_key(reads, ClefRead("G2", 0.9, 110, 130, key=2, key_confidence=0.9), 100, 0.5) == reads
    assert with_key(reads, ClefRead("C4", 0.9, 110, 130, key=2, key_confidence=0.3), 100, 0.5) == reads


def test_a_c_clef_touching_its_key_signature_is_cut_from_it_and_read():
    """LilyPond sets the first accidental of a soprano clef's key close enough to touch the clef on some staff
    sizes (page 2 here): the reader cuts the glyph at its thinnest column and reads the clef and the key."""
    from recog_omr import lilypond
    from recog_omr.clefs import _glyph, symbols, window

    st = _random_staves(["C1"], 1, measures=2, fifths=1)[0]
    pages = [find_staves(img) for img in lilypond.engrave([([st], set())] * 6, random.Random(0))]
    widths = [_glyph(*symbols(window(p, p.staves[0])[0])).width for p in pages]
    assert widths[1] > 3.3  # clef and sharp in one glyph
    reads = [read_clef(p, p.staves[0]) for p in pages]
    assert [(r.clef, r.key) for r in reads] == [("C1", 1)] * 6


def test_flats_set_close_enough_to_touch_leave_the_count_unsure():
    """LilyPond sets three flats so close that the second and third touch: the count stops at the first, and a
    glyph of no known shape right after it makes the count unsure (the recognizer's key then stays)."""
    from recog_omr import lilypond

    st = _random_staves(["C3"], 1, measures=2, fifths=-3)[0]
    pages = [find_staves(img) for img in lilypond.engrave([([st], set())] * 2, random.Random(0))]
    for p in pages:
        read = read_clef(p, p.staves[0])
        assert read.clef == "C3"
        assert read.key == -3 or read.key_confidence < MIN_CONFIDENCE
