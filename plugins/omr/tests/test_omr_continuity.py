"""A part keeps its clef and key signature from system to system unless the page shows a change
(recog_omr.continuity), on the recognizer's and the clef reader's reads of a later system's staff."""

import pytest

from platform_core.kinds import ImageFrame
from platform_core.specs import Context
from recog_omr.clefs import ClefRead
from recog_omr.components import Transcribe
from recog_omr.continuity import continued
from recog_omr.engrave import rasterise, render_pages
from recog_omr.mei import staves_to_mei
from recog_omr.music import Event, Measure, Pitch, Staff
from recog_omr.params import TranscribeParams
from recog_omr.recognizer import Read
from recog_omr.staves import find_staves


def _reads(*symbols):
    return [Read(s, 10 * k, 10 * k + 8, 0.9) for k, s in enumerate(symbols)]


def _symbols(reads):
    return [r.symbol for r in reads]


def test_an_unsure_reader_leaves_the_part_its_clef_and_key_not_the_recognizers_guess():
    recognized = _reads("clef.F4", "key.1s", "note.4.q", "bar")
    got = continued(recognized, recognized, ClefRead(None, 0.0), "C4", 2)
    assert _symbols(got) == ["clef.C4", "key.2s", "note.4.q", "bar"]
    got = continued(recognized, recognized, ClefRead(None, 0.0), "C4", 0)
    assert _symbols(got) == ["clef.C4", "note.4.q", "bar"]


def test_a_sure_clef_with_an_unsure_key_keeps_the_parts_key():
    recognized = _reads("clef.G2", "key.1f", "note.4.q")
    reads = _reads("clef.C1", "key.1f", "note.4.q")  # the clef reader's clef applied, its key unsure
    got = continued(reads, recognized, ClefRead("C1", 1.0, key=None), "C1", 0)
    assert _symbols(got) == ["clef.C1", "note.4.q"]


def test_a_sure_count_the_recognizer_does_not_show_is_outvoted_by_the_part():
    """A first note's flat counted as a key signature (no time signature follows a later system's clef)."""
    recognized = _reads("clef.C3", "acc.flat", "note.3.e")
    reads = _reads("clef.C3", "key.1f", "acc.flat", "note.3.e")
    got = continued(reads, recognized, ClefRead("C3", 1.0, key=-1, key_confidence=0.8), "C3", 0)
    assert _symbols(got) == ["clef.C3", "acc.flat", "note.3.e"]


def test_a_change_that_both_readings_show_is_kept():
    recognized = _reads("clef.C4", "key.3s", "note.4.q")
    got = continued(recognized, recognized, ClefRead("C4", 1.0, key=3, key_confidence=0.9), "C4", 2)
    assert _symbols(got) == ["clef.C4", "key.3s", "note.4.q"]
    recognized = _reads("clef.G2", "note.4.q")  # a clef change the clef reader is sure of
    got = continued(recognized, recognized, ClefRead("G2", 1.0, key=0, key_confidence=0.8), "C4", 0)
    assert _symbols(got) == ["clef.G2", "note.4.q"]


def test_treble_and_bass_staves_keep_the_recognizers_key_unless_the_count_shows_the_parts():
    recognized = _reads("clef.G2", "key.1s", "note.4.q")
    assert continued(recognized, recognized, ClefRead(None, 0.0), "G2", 2) == recognized
    assert continued(recognized, recognized, ClefRead("G2", 1.0, key=3, key_confidence=0.9), "G2", 2) == recognized
    got = continued(recognized, recognized, ClefRead("G2", 1.0, key=2, key_confidence=0.9), "G2", 2)
    assert _symbols(got) == ["clef.G2", "key.2s", "note.4.q"]
    recognized = _reads("key.1s", "note.4.q")  # no clef read: the part's clef (bass) is in force
    assert continued(recognized, recognized, ClefRead(None, 0.0), "F4", 2) == recognized


@pytest.mark.parametrize(("clef", "font"), [("C3", "Leipzig"), ("C4", "Bravura")])
def test_a_later_systems_first_accidental_is_not_taken_for_a_key_signature(clef, font):
    """A C-clef part without a key signature over three systems, each measure opening with E flat: on a later
    system no time signature follows the clef, so the clef reader counts the first note's flat as a key of one
    flat (which would make every B of the system B flat); the recognizer shows no key, and the part keeps its own."""
    def q(step, octave, alter=0):
        return Event("q", [Pitch(step, octave, alter)], 0, [False])

    st = Staff(clef, 0, "4/4")
    st.measures = [Measure([q("E", 4, -1), q("B", 3), q("C", 4), q("D", 4)]) for _ in range(8)]
    st.measures[0].clef, st.measures[0].key, st.measures[0].time = clef, 0, "4/4"
    st.measures[-1].right = "end"
    svg = render_pages(staves_to_mei([st]), {"font": font, "scale": 45, "pageWidth": 1200, "pageHeight": 2970,
                                             "adjustPageHeight": True})[0][0]
    img = rasterise(svg, 1.2)
    assert len(find_staves(img).staves) == 3
    score = Transcribe(TranscribeParams(), Context(input="page.png"))(ImageFrame(img, "page.png"))
    names = [e["name"] for m in score.parts[0]["measures"] for e in m["events"]]
    assert names == ["Eb4", "B3", "C4", "D4"] * 8
