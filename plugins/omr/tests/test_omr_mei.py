"""The MEI given to verovio: one layer per voice, accidentals printed in reading order across voices."""

import re

from conftest import melody, two_voices
from recog_omr.mei import staves_to_mei


def test_a_second_voice_is_a_second_layer_with_the_accidentals_of_the_reading_order():
    mei = staves_to_mei([two_voices()])
    first = re.search(r'<measure n="1".*?</measure>', mei).group(0)
    upper, lower = re.findall(r'<layer n="\d">(.*?)</layer>', first)
    # the lower voice's Bb4 (beat 2) is printed flat; the upper voice's B4 (beat 3) needs its natural
    notes = [dict(re.findall(r'([\w.]+)="(\w+)"', n)) for n in re.findall(r"<note [^>]*>", lower)]
    assert [(n["pname"], n.get("accid")) for n in notes] == [("c", None), ("b", "f"), ("g", None), ("a", None),
                                                            ("f", "s")]
    assert 'pname="b" oct="4" dur="4" accid="n"' in upper
    assert "<beam>" in lower  # the eighth pair


def test_a_single_voice_has_one_layer():
    assert staves_to_mei([melody()]).count('<layer n="2">') == 0
