"""Score writers: MusicXML and MIDI re-read by music21, ABC written exactly, the printed note list."""

from platform_core.kinds import Score
from recog_omr.tokens import Decoder
from recog_omr.transcribe import measure_dict
from recog_omr.writers import note_lines, to_abc, write_midi, write_musicxml

SYMBOLS = ["clef.G2", "key.1s", "time.3/4", "note.2.q", "dot", "note.3.e", "acc.sharp", "note.1.q", "bar",
           "note.4.h", "tie", "+", "note.6.h", "rest.q", "bar", "note.4.q", "rest.h", "bar.end"]


def score() -> Score:
    measures = [measure_dict(m, i + 1) for i, m in enumerate(Decoder().decode(SYMBOLS))]
    return Score(parts=[{"id": "P1", "name": "Staff 1", "measures": measures}])


def test_musicxml_round_trips_through_music21(tmp_path):
    from music21 import converter

    path = tmp_path / "s.musicxml"
    write_musicxml(score(), path)
    back = converter.parse(str(path))
    got = [(n.pitches[0].nameWithOctave if not n.isRest else "rest", float(n.quarterLength),
            [p.nameWithOctave for p in n.pitches] if n.isChord else None)
           for n in back.recurse().notesAndRests]
    assert got == [("G4", 1.5, None), ("A4", 0.5, None), ("F#4", 1.0, None), ("B4", 2.0, ["B4", "D5"]),
                   ("rest", 1.0, None), ("B4", 1.0, None), ("rest", 2.0, None)]
    assert back.recurse().getElementsByClass("KeySignature")[0].sharps == 1
    assert back.recurse().getElementsByClass("TimeSignature")[0].ratioString == "3/4"
    tied = [n for n in back.recurse().notes if n.isChord][0].notes[0]
    assert tied.tie is not None and tied.tie.type == "start"


def test_musicxml_keeps_barlines_and_repeats(tmp_path):
    from music21 import converter

    measures = [measure_dict(m, i + 1) for i, m in enumerate(Decoder().decode(
        ["clef.G2", "time.2/4", "rep.start", "note.4.h", "bar.double", "note.4.h", "rep.end", "note.4.h", "bar.end"]))]
    path = tmp_path / "b.musicxml"
    write_musicxml(Score(parts=[{"id": "P1", "name": "", "measures": measures}]), path)
    got = [(m.leftBarline and m.leftBarline.classes[0], m.rightBarline.classes[0], m.rightBarline.type)
           for m in converter.parse(str(path)).parts[0].getElementsByClass("Measure")]
    assert got == [("Repeat", "Barline", "double"), (None, "Repeat", "final"), (None, "Barline", "final")]


def test_musicxml_keeps_common_and_cut_time_as_symbols(tmp_path):
    from music21 import converter

    for sign, ratio, symbol in (("C", "4/4", "common"), ("C|", "2/2", "cut"), ("4/4", "4/4", "")):
        measures = [measure_dict(m, 1) for m in Decoder().decode(["clef.G2", f"time.{sign}", "note.4.w", "bar"])]
        path = tmp_path / "t.musicxml"
        write_musicxml(Score(parts=[{"id": "P1", "name": "", "measures": measures}]), path)
        ts = converter.parse(str(path)).recurse().getElementsByClass("TimeSignature")[0]
        assert (ts.ratioString, ts.symbol) == (ratio, symbol)


def test_midi_holds_the_pitches(tmp_path):
    from music21 import converter

    path = tmp_path / "s.mid"
    write_midi(score(), path)
    pitches = sorted(p.midi for n in converter.parse(str(path)).recurse().notes for p in n.pitches)
    assert pitches == sorted([67, 69, 66, 71, 74, 71])


def test_abc_is_written_with_key_meter_lengths_and_accidentals():
    abc = to_abc(score(), title="t")
    assert abc.splitlines()[:5] == ["X:1", "T:t", "M:3/4", "L:1/8", "K:G"]
    assert abc.splitlines()[6] == "G3 A F2 | [B-d]4 z2 | B2 z4 |]"


def test_note_list_names_measure_octave_and_beats():
    lines = note_lines(score())
    assert lines[0] == "P1  m1   G4     1.5 beats"
    assert lines[2] == "P1  m1   F#4    1 beat"
    assert lines[4] == "P1  m2   D5     2 beats (chord)"


def test_midi_is_written_when_repeats_are_badly_formed(tmp_path):
    """An end repeat in one part and a start repeat without its end in the other (a misread sign): music21 cannot
    expand them; the MIDI file plays each measure once instead of failing the page."""
    from music21 import converter

    def part(tokens, pid):
        return {"id": pid, "name": "", "measures": [measure_dict(m, i + 1)
                                                    for i, m in enumerate(Decoder().decode(tokens))]}

    score = Score(parts=[part(["clef.G2", "time.2/4", "note.4.h", "rep.end", "note.4.h", "bar"], "P1"),
                         part(["clef.F4", "time.2/4", "note.4.h", "bar", "rep.start", "note.4.h", "bar"], "P2")])
    path = tmp_path / "r.mid"
    write_midi(score, path)
    assert len(converter.parse(str(path)).recurse().notes) == 4


def voices_score() -> Score:
    from conftest import two_voices
    from recog_omr.tokens import staff_tokens

    symbols = [t for m in staff_tokens(two_voices()) for t in m]
    measures = [measure_dict(m, i + 1) for i, m in enumerate(Decoder().decode(symbols))]
    return Score(parts=[{"id": "P1", "name": "Staff 1", "measures": measures}])


def test_two_voices_keep_their_offsets_and_come_back_as_musicxml_voices(tmp_path):
    from music21 import converter

    first = voices_score().parts[0]["measures"][0]["events"]
    assert [(e["name"], e["offset"], e["voice"]) for e in first] == [
        ("E5", 0, 1), ("B4", 2, 1), ("D5", 3, 1), ("C4", 0, 2), ("Bb4", 1, 2), ("G4", 2, 2), ("A4", 2.5, 2),
        ("F#4", 3, 2)]
    path = tmp_path / "v.musicxml"
    write_musicxml(voices_score(), path)
    measures = converter.parse(str(path)).parts[0].getElementsByClass("Measure")
    got = [[[(n.nameWithOctave if n.isNote else "rest", float(n.offset), float(n.quarterLength))
             for n in v.notesAndRests] for v in m.voices] for m in measures]
    assert got[0] == [[("E5", 0.0, 2.0), ("B4", 2.0, 1.0), ("D5", 3.0, 1.0)],
                      [("C4", 0.0, 1.0), ("B-4", 1.0, 1.0), ("G4", 2.0, 0.5), ("A4", 2.5, 0.5), ("F#4", 3.0, 1.0)]]
    assert got[1][1] == [("E4", 0.0, 2.0), ("D4", 2.0, 2.0)]
    stems = [{n.stemDirection for n in v.notes} for v in measures[0].voices]
    assert stems == [{"up"}, {"down"}]


def test_a_measure_read_without_events_is_written(tmp_path):
    from music21 import converter

    empty = [measure_dict(m, i + 1) for i, m in enumerate(Decoder().decode(["clef.G2", "time.2/4", "note.4.h", "bar",
                                                                            "bar", "note.4.h", "bar"]))]
    assert [len(m["events"]) for m in empty] == [1, 0, 1]
    write_musicxml(Score(parts=[{"id": "P1", "name": "", "measures": empty}]), tmp_path / "e.musicxml")
    assert len(converter.parse(str(tmp_path / "e.musicxml")).recurse().notes) == 2


def test_abc_writes_a_second_voice_as_an_overlay_with_its_accidentals():
    body = to_abc(voices_score()).splitlines()[6]
    assert body == "e4 B2 d2 & C2 _B2 G A ^F2 | z2 c2 [eg]4 & E4 D4 |]"


def test_note_list_marks_the_second_voice():
    lines = note_lines(voices_score())
    assert lines[3] == "P1  m1   C4     1 beat (voice 2)"
