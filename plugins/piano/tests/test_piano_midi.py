"""MIDI written from transcribed notes reads back with the same notes; a bad MIDI file is named."""

from __future__ import annotations

import pytest

from platform_core.errors import InputError
from platform_core.kinds import NoteEvent
from recog_piano import midi
from recog_piano.audio import load_audio
from recog_piano.features import SAMPLE_RATE
from recog_piano.transcriber import transcribe

TICK = 1 / 1920  # seconds per MIDI tick at 960 ticks per quarter note and 120 bpm


def test_transcribed_notes_round_trip_through_midi(rendered, tmp_path):
    notes = transcribe(load_audio(rendered["chord"][0], SAMPLE_RATE))
    assert notes
    back = sorted(midi.read(midi.write(notes, tmp_path / "chord.mid")), key=lambda n: (n.pitch, n.onset))
    notes = sorted(notes, key=lambda n: (n.pitch, n.onset))
    assert [(n.pitch, n.velocity) for n in back] == [(n.pitch, n.velocity) for n in notes]
    for a, b in zip(notes, back, strict=True):
        assert abs(a.onset - b.onset) <= TICK / 2 and abs(a.offset - b.offset) <= TICK / 2


def test_exact_times_on_the_tick_grid_round_trip_exactly(tmp_path):
    notes = [NoteEvent(21, 0.0, 0.5, 1), NoteEvent(108, 0.25, 3.0, 127), NoteEvent(60, 1.0, 1.0 + 7 * TICK, 64)]
    back = midi.read(midi.write(notes, tmp_path / "n.mid"))
    assert [(n.pitch, n.onset, n.offset, n.velocity) for n in back] == \
        [(n.pitch, pytest.approx(n.onset, abs=1e-9), pytest.approx(n.offset, abs=1e-9), n.velocity) for n in notes]


def test_corrupt_midi_is_named(tmp_path):
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"MThd\x00\x00\x00\x06garbage")
    with pytest.raises(InputError, match="bad.mid: not a readable MIDI file"):
        midi.read(bad)


def test_performance_midi_reference_holds_notes_under_the_pedal(tmp_path):
    """The real-recording reference: notes starting inside the audio, a key released under the sustain pedal
    sounding until the pedal rises (or the audio ends)."""
    from recog_piano.evalsets import midi_reference
    from recog_piano.synth import write_midi

    notes = [NoteEvent(60, 0.5, 0.8, 80), NoteEvent(64, 1.0, 1.2, 80), NoteEvent(67, 2.5, 2.7, 80),
             NoteEvent(72, 3.97, 4.5, 80)]
    write_midi(notes, tmp_path / "take.mid", pedal=[(0.6, 1.5), (2.6, 5.0)])
    ref = midi_reference(tmp_path / "take.mid", duration=4.0)
    assert [(n.pitch, round(n.onset, 3), round(n.offset, 3)) for n in ref] == [
        (60, 0.5, 1.5), (64, 1.0, 1.5), (67, 2.5, 4.0)]
