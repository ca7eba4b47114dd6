"""LilyPond as a second engraver: the .ly it is given, and labelled staff crops cut from its pages."""

import random

from conftest import melody, two_voices
from recog_omr import lilypond
from recog_omr.dataset import lilypond_samples
from recog_omr.generate import random_staves
from recog_omr.tokens import staff_tokens


def test_staff_music_spells_pitches_durations_ties_and_barlines():
    music = lilypond.staff_music(melody(), breaks={1})
    assert music.startswith("\\clef treble \\key g \\major \\numericTimeSignature \\time 3/4 g'4 a'4 b'4 |")
    assert "c''8 b'8 a'8 g'8 fis'4 | \\break" in music
    assert "e'4 r4 cis''4~ |" in music
    assert music.endswith("cis''2. \\bar \"|.\"")


def test_two_voices_are_written_as_a_measure_of_two_voices():
    music = lilypond.staff_music(two_voices(), set())
    assert "<< { e''2 b'4 d''4 } \\\\ { c'4 bes'4 g'8 a'8 fis'4 } >> |" in music
    assert "<< { r4 c''4 <e'' g''>2 } \\\\ { e'2 d'2 } >>" in music


def test_short_bars_get_their_own_length():
    st = melody()
    st.measures[0].events = st.measures[0].events[2:]  # a one-beat pickup
    assert "\\set Timing.measureLength = #(ly:make-moment 1/4) b'4 " in lilypond.staff_music(st, set())


def test_system_breaks_keep_systems_short():
    rng = random.Random(4)
    staves = random_staves(rng, 12, grand=True)
    breaks = sorted(lilypond.system_breaks(staves, rng))
    sizes = [b - a for a, b in zip([-1] + breaks, breaks + [11], strict=True)]
    assert breaks and all(1 <= s <= 12 for s in sizes) and sum(sizes) == 12


def test_engraved_pages_give_every_staff_with_its_symbols():
    rng = random.Random(7)
    pages = [[melody()], random_staves(random.Random(1), 6, grand=True)]
    samples = lilypond_samples(pages, rng)
    assert len(samples) >= 3  # the melody's staff (or two) and at least one grand staff system
    melody_symbols = [t for m in staff_tokens(melody()) for t in m]
    first = samples[0][1]
    assert first == melody_symbols[: len(first)] and first[0] == "clef.G2"
    assert all(ink.shape[0] == 64 and ink.dtype.name == "uint8" and ink.max() > 128 for ink, _ in samples)
