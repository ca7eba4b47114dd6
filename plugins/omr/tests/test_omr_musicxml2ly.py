"""LilyPond pages through musicxml2ly: forced system breaks, and labelled staff crops cut from them."""

import random

from conftest import melody
from recog_omr import musicxml2ly
from recog_omr.dataset import lilypond_samples
from recog_omr.tokens import staff_tokens


def test_new_systems_mark_the_chosen_measures(tmp_path):
    xml = musicxml2ly.staff_musicxml(melody(), tmp_path / "m.musicxml").read_text()
    marked = musicxml2ly._new_systems(xml, {2})
    assert marked.count('<print new-system="yes"/>') == 1
    assert marked.index('number="3"') < marked.index("new-system") < marked.index('number="4"')


def test_forced_breaks_give_each_system_its_symbols(monkeypatch):
    rng = random.Random(3)
    monkeypatch.setattr("recog_omr.lilypond.system_breaks", lambda staves, rng: {1})
    samples = lilypond_samples([[melody()]], rng, via_musicxml2ly=True)
    tokens = staff_tokens(melody(), {0, 2})
    assert [s for _, s in samples] == [tokens[0] + tokens[1], tokens[2] + tokens[3]]
    assert all(ink.shape[0] == 64 and ink.dtype.name == "uint8" and ink.max() > 128 for ink, _ in samples)
