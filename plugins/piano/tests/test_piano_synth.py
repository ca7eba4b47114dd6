"""Training renders: every renderer puts each note at its time, the sustain pedal holds notes, the modal piano
and the recording simulation keep notes where they are, and instrumental pieces stay out of the held-out and
validation sets."""

from __future__ import annotations

import numpy as np
import pytest

from platform_core.kinds import NoteEvent
from recog_piano import acoustics, corpus, modal
from recog_piano.dataset import TRAIN_FONTS
from recog_piano.pedal import pedalling, sounding
from recog_piano.synth import render


def _first(audio: np.ndarray, rate: int = 16000) -> float:
    """Start of the first 10 ms frame whose RMS reaches 30 % of the loudest frame's (above noise at 15 dB SNR)."""
    hop = rate // 100
    rms = np.sqrt(np.mean(audio[:len(audio) // hop * hop].reshape(-1, hop) ** 2, axis=1))
    return float(np.argmax(rms > 0.3 * rms.max()) * hop / rate)


@pytest.mark.parametrize("font", sorted(TRAIN_FONTS))
def test_each_training_renderer_sounds_notes_at_their_onsets(font):
    """TiMidity++ drops leading silence unless told not to: the audio must start where the first note does."""
    notes = [NoteEvent(60, 1.0, 1.4, 90), NoteEvent(67, 2.0, 2.4, 90)]
    audio = render(notes, font=font, sample_rate=16000, gain=0.5)
    assert len(audio) == int(round(3.4 * 16000))
    env = np.abs(audio)
    first = np.argmax(env > 0.05 * env.max()) / 16000
    assert first == pytest.approx(1.0, abs=0.02)
    assert env[int(1.9 * 16000):int(2.0 * 16000)].max() < env[int(2.0 * 16000):int(2.1 * 16000)].max()


def test_instrumental_pieces_are_neither_held_out_nor_validation():
    paths = corpus.instrumental_paths()
    assert len(paths) > 40
    assert not set(paths) & (set(corpus.HELD_OUT) | set(corpus.validation_paths()))
    assert all(p.split("/")[0] in corpus.INSTRUMENTAL_FOLDERS for p in paths)


def test_the_pedal_holds_released_notes_until_it_rises():
    notes = [NoteEvent(60, 1.0, 1.3, 90)]
    pedal = [(1.1, 2.6)]
    dry = render(notes, font="fluidr3", gain=0.5, tail=2.0)
    held = render(notes, font="fluidr3", gain=0.5, tail=0.7, pedal=pedal)
    assert len(held) == len(dry)  # the take lasts until the pedal rises (2.6 s), then its tail
    late = slice(int(1.9 * 16000), int(2.3 * 16000))
    assert np.sqrt(np.mean(held[late] ** 2)) > 10 * np.sqrt(np.mean(dry[late] ** 2))
    assert [(n.onset, n.offset) for n in sounding(notes, pedal)] == [(1.0, 2.6)]
    assert sounding(notes + [NoteEvent(60, 2.0, 2.2, 80)], pedal)[0].offset == 2.0  # struck again under the pedal


def test_pedalling_changes_at_onsets_and_lifts_after_the_last_release():
    notes = [NoteEvent(48 + i % 12, 0.5 * i, 0.5 * i + 0.4, 70) for i in range(20)]
    pedal = pedalling(notes, np.random.default_rng(0))
    assert len(pedal) >= 2 and all(a < b for a, b in pedal)
    assert all(b1 < a2 for (_, b1), (a2, _) in zip(pedal, pedal[1:], strict=False))
    assert pedal[-1][1] > max(n.offset for n in notes)


def test_the_modal_piano_sounds_each_note_at_its_time_and_pitch():
    audio = modal.render([NoteEvent(69, 1.0, 1.5, 100)], np.random.default_rng(0))
    assert _first(audio) == pytest.approx(1.0, abs=0.01)
    spec = np.abs(np.fft.rfft(audio[16000:24000]))
    assert np.fft.rfftfreq(8000, 1 / 16000)[np.argmax(spec)] == pytest.approx(440, abs=6)
    assert np.abs(audio[int(2.4 * 16000):]).max() < 0.05 * np.abs(audio).max()  # the damper stops it


@pytest.mark.parametrize("seed", range(4))
def test_a_simulated_recording_keeps_the_length_and_the_onsets(seed):
    notes = [NoteEvent(60, 1.0, 1.4, 90), NoteEvent(67, 2.0, 2.4, 90)]
    audio = render(notes, font="fluidr3", gain=0.5)
    rec = acoustics.record(audio, 16000, np.random.default_rng(seed), codec=1.0 if seed == 0 else 0.0)
    assert rec.shape == audio.shape and rec.dtype == np.float32 and np.isfinite(rec).all()
    assert np.abs(rec).max() <= 1.0 and not np.allclose(rec, audio, atol=1e-3)
    assert _first(rec) == pytest.approx(1.0, abs=0.04)  # reverberation builds up after the direct sound
    for s in range(20):
        ir = acoustics.room_impulse(np.random.default_rng(100 * seed + s), 16000)
        assert ir[0] == 1.0 and np.abs(ir[1:]).max() <= 0.8 and np.sum(ir[1:] ** 2) > 0.02
