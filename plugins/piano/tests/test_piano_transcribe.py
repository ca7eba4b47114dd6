"""The shipped model on short FluidSynth renders: exact notes, streaming equals offline, silence, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from piano_testing import matched

from platform_core.errors import InputError
from platform_core.kinds import AudioChunk, Packet
from platform_core.specs import Context
from recog_piano.audio import load_audio
from recog_piano.features import SAMPLE_RATE
from recog_piano.stages import TranscribeParams, Transcriber
from recog_piano.transcriber import Stream, transcribe


@pytest.mark.parametrize(("name", "precision"), [("scale", 0.85), ("chord", 0.85), ("repeated", 0.85)])
def test_every_note_of_the_fixtures_is_found(rendered, name, precision):
    """Every note is found at its onset (50 ms) with its key. The model still adds a ghost to each fixture
    (measured: the twelfth G6 of the scale's C5, an E1 thump at the first chord's attack, one A4 between the
    repeated A4s), bounded by a precision floor."""
    path, ref = rendered[name]
    est = transcribe(load_audio(path, SAMPLE_RATE))
    pairs = matched(ref, est)
    assert len(pairs) == len(ref), [(n.pitch, round(n.onset, 3)) for n in est]
    assert len(ref) / len(est) >= precision, [(n.pitch, round(n.onset, 3)) for n in est]
    # offsets follow the audible release; measured: one chord note (C5) ends 0.4 s early
    assert sum(abs(e.offset - r.offset) <= 0.45 for r, e in pairs) >= 0.85 * len(pairs)
    for r, e in pairs:
        assert abs(e.velocity - r.velocity) <= 40, (r, e)  # velocity depends on the recording level too
    if name == "scale":  # played louder and louder
        assert np.corrcoef([e.velocity for _, e in pairs], [r.velocity for r, _ in pairs])[0, 1] > 0.5


def test_streaming_in_uneven_chunks_gives_the_offline_notes(rendered):
    audio = load_audio(rendered["scale"][0], SAMPLE_RATE)
    offline = transcribe(audio)
    s = Stream()
    rng = np.random.default_rng(0)
    started, ended, i = [], [], 0
    while i < len(audio):
        k = int(rng.integers(1, 3000))
        a, b = s.push(audio[i:i + k])
        started += a
        ended += b
        i += k
    a, b = s.finish()
    started += a
    ended += b
    assert [(n.pitch, n.onset, n.offset, n.velocity) for n in sorted(ended, key=lambda n: (n.onset, n.pitch))] == \
        [(n.pitch, n.onset, n.offset, n.velocity) for n in offline]
    assert [(n.pitch, n.onset) for n in started] == [(n.pitch, n.onset) for n in offline]


def test_stage_takes_stereo_chunks_at_any_rate(rendered):
    path, ref = rendered["chord"]
    audio, rate = sf.read(path, dtype="float32", always_2d=True)
    stage = Transcriber(TranscribeParams(), Context(input=str(path)))
    size = rate // 10
    out = [stage(Packet(i / rate, AudioChunk(audio[i:i + size], rate, str(path)), "audio"))
           for i in range(0, len(audio), size)]
    out.append(stage.flush())
    result = stage.result()
    assert not result["low_confidence"] and result["count"] <= len(ref) + 1
    assert {"C3", "C4", "E4", "G4", "F3", "F4", "A4", "C5"} <= {n["name"] for n in result["notes"]}
    assert sum(len(p.notes) for p in out if p is not None) == result["count"]


def test_silence_gives_no_notes():
    assert transcribe(np.zeros(3 * SAMPLE_RATE, np.float32)) == []
    stage = Transcriber(TranscribeParams(), Context(input="silence"))
    assert stage(Packet(0.0, AudioChunk(np.zeros((48000, 2), np.float32), 48000, "silence"), "audio")) is None
    stage.flush()
    assert stage.result()["notes"] == [] and stage.result()["low_confidence"] is False


def test_noise_is_not_a_flood_of_notes():
    noise = np.random.default_rng(0).normal(0, 0.1, 5 * SAMPLE_RATE).astype(np.float32)
    stage = Transcriber(TranscribeParams(), Context(input="noise"))
    stage(Packet(0.0, AudioChunk(noise[:, None], SAMPLE_RATE, "noise"), "audio"))
    stage.flush()
    r = stage.result()
    assert r["count"] <= 5 or r["low_confidence"], r["count"]


def test_corrupt_and_empty_files_are_named(tmp_path):
    bad = tmp_path / "take.wav"
    bad.write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt garbage that is not audio")
    with pytest.raises(InputError, match="take.wav"):
        load_audio(bad, SAMPLE_RATE)
    empty = tmp_path / "empty.flac"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty.flac: file is empty"):
        load_audio(empty, SAMPLE_RATE)


def test_non_finite_audio_is_refused():
    stage = Transcriber(TranscribeParams(), Context(input="x.wav"))
    bad = np.full((1600, 1), np.nan, np.float32)
    with pytest.raises(InputError, match="x.wav: the audio holds NaN"):
        stage(Packet(0.0, AudioChunk(bad, 16000, "x.wav"), "audio"))
