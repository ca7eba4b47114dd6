"""Symbols written for engraved music decode back to the same pitches, durations and ties."""

import random

from conftest import two_voices
from recog_omr.generate import random_staves
from recog_omr.music import Pitch
from recog_omr.tokens import VOCAB, Decoder, staff_tokens


def _events(staff):
    return [(tuple(sorted(p.midi for p in e.pitches)), e.quarters,
             tuple(t for _, t in sorted(zip(e.pitches, e.ties, strict=True), key=lambda x: x[0].diatonic)))
            for m in staff.measures for e in m.events + m.lower]


def _decoded(measures):
    return [(tuple(sorted(n["pitch"].midi for n in e["pitches"])),
             {"w": 4, "h": 2, "q": 1, "e": 0.5, "s": 0.25, "t": 0.125}[e["dur"]] * (2 - 0.5 ** e["dots"]),
             tuple(n["tie_start"] for n in sorted(e["pitches"], key=lambda n: n["pitch"].diatonic)))
            for m in measures for e in m["events"] + m["lower"]]


def test_random_music_round_trips_through_symbols_split_over_systems():
    for seed in range(60):
        rng = random.Random(seed)
        for staff in random_staves(rng, rng.randint(2, 7), grand=seed % 3 == 0):
            per_measure = staff_tokens(staff, {0, 2})
            assert all(t in VOCAB for m in per_measure for t in m)
            dec = Decoder()
            first, rest = per_measure[:2], per_measure[2:]
            got = dec.decode([t for m in first for t in m]) + dec.decode([t for m in rest for t in m])
            assert _decoded(got) == _events(staff), seed


def test_key_signature_and_measure_accidentals_apply_to_pitch():
    dec = Decoder()
    measures = dec.decode(["clef.G2", "key.2f", "time.4/4", "note.4.q", "acc.natural", "note.4.q", "note.4.q",
                           "note.0.q", "bar", "note.4.q", "bar"])
    names = [n["pitch"].name() for m in measures for e in m["events"] for n in e["pitches"]]
    # B is flat by the key; the natural holds to the end of its measure only; E4 (bottom line + 1) is flat too
    assert names == ["Bb4", "B4", "B4", "Eb4", "Bb4"]


def test_bass_and_alto_clefs_read_their_own_pitches():
    assert Decoder().decode(["clef.F4", "note.8.q", "bar"])[0]["events"][0]["pitches"][0]["pitch"].name() == "A3"
    assert Decoder().decode(["clef.C3", "note.4.q", "bar"])[0]["events"][0]["pitches"][0]["pitch"].name() == "C4"
    assert Pitch("C", 4).midi == 60


def test_a_full_bar_ends_its_measure_even_without_a_barline():
    missed = Decoder().decode(["clef.G2", "time.2/4", "note.4.q", "tie", "note.4.q", "note.4.h", "bar.end"])
    assert [len(m["events"]) for m in missed] == [2, 1]
    assert [m["right"] for m in missed] == ["single", "end"]
    pickup = Decoder().decode(["clef.G2", "time.C", "note.4.q", "bar", "note.4.w", "bar", "rest.w", "bar"])
    assert [len(m["events"]) for m in pickup] == [1, 1, 1]


def test_two_voices_are_read_in_onset_order_and_decode_back_into_their_voices():
    symbols = staff_tokens(two_voices())
    assert symbols[0] == ["clef.G2", "time.4/4", "note.7.h", "v2", "note.-2.q", "v2", "acc.flat", "note.4.q",
                          "acc.natural", "note.4.q", "v2", "note.2.e", "v2", "note.3.e", "note.6.q", "v2",
                          "acc.sharp", "note.1.q", "bar"]
    measures = Decoder().decode([t for m in symbols for t in m])
    upper = [[n["pitch"].name() for n in e["pitches"]] or ["rest"] for m in measures for e in m["events"]]
    lower = [[n["pitch"].name() for n in e["pitches"]] for m in measures for e in m["lower"]]
    assert upper == [["E5"], ["B4"], ["D5"], ["rest"], ["C5"], ["E5", "G5"]]
    assert lower == [["C4"], ["Bb4"], ["G4"], ["A4"], ["F#4"], ["E4"], ["D4"]]


def test_random_two_voice_music_round_trips_through_symbols():
    for seed in range(30):
        rng = random.Random(seed)
        for staff in random_staves(rng, rng.randint(2, 5), grand=seed % 2 == 0, voices=0.7, dense=seed % 3 == 0):
            per_measure = staff_tokens(staff)
            assert all(t in VOCAB for m in per_measure for t in m)
            assert _decoded(Decoder().decode([t for m in per_measure for t in m])) == _events(staff), seed


def test_the_model_card_lists_the_recognizers_symbols_in_order():
    from pathlib import Path

    import onnxruntime
    import yaml

    from recog_omr.tokens import LATER

    pkg = Path(__file__).resolve().parents[1] / "recog_omr"
    card = yaml.safe_load((pkg / "cards" / "omr.crnn.yaml").read_text())
    outputs = onnxruntime.InferenceSession(str(pkg / card["file"]["path"])).get_outputs()[0].shape[-1]
    assert card["labels"] == list(VOCAB[: outputs - 1])
    assert len(card["labels"]) in (len(VOCAB), len(VOCAB) - len(LATER))
