"""Evaluation sets as audio files with reference notes: the held-out renders, the same played through a simulated
room and microphone, and real piano recordings with their performance MIDI (``../shared/data/piano-real``)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import soundfile as sf

from platform_core.kinds import NoteEvent
from recog_piano import acoustics
from recog_piano.evaluation import CACHE, RENDER_RATE, heldout_set
from recog_piano.pedal import sounding

SHARED = Path(os.environ.get("RECOG_SHARED_DATA", Path(__file__).resolve().parents[3].parent / "shared" / "data"))
REAL = SHARED / "piano-real"
RECORDED_SEED = 17000  # the rooms and microphones of the recorded set (training draws its own at random)


def _write(folder: Path, data) -> list[tuple[Path, list[NoteEvent]]]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for rel, audio, ref in data:
        path = folder / (rel.replace("/", "__").rsplit(".", 1)[0] + ".wav")
        if not path.exists():
            sf.write(path, audio, RENDER_RATE, subtype="FLOAT")
        out.append((path, ref))
    return out


def heldout_files(font: str = "timgm6mb") -> list[tuple[Path, list[NoteEvent]]]:
    """The held-out renders as 44.1 kHz WAV files (cached), with their notes."""
    return _write(CACHE / f"files-heldout-{font}", heldout_set(font))


def recorded_files(font: str = "timgm6mb") -> list[tuple[Path, list[NoteEvent]]]:
    """The held-out renders played through a simulated room and microphone (``acoustics.record``, a fixed seed
    per piece), as 44.1 kHz WAV files (cached), with their notes."""
    data = [(rel, acoustics.record(audio, RENDER_RATE, np.random.default_rng(RECORDED_SEED + i)), ref)
            for i, (rel, audio, ref) in enumerate(heldout_set(font))]
    return _write(CACHE / f"files-recorded-{font}", data)


def midi_reference(path: Path, duration: float) -> list[NoteEvent]:
    """The notes of a performance MIDI file that start before ``duration`` (minus 50 ms), with sounding offsets:
    a key released under the sustain pedal sounds until the pedal rises (cut at ``duration``)."""
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(str(path))
    notes, pedal = [], []
    for inst in pm.instruments:
        notes += [NoteEvent(n.pitch, n.start, n.end, n.velocity) for n in inst.notes if n.start < duration - 0.05]
        down = None
        for cc in sorted((c for c in inst.control_changes if c.number == 64), key=lambda c: c.time):
            if cc.value >= 64 and down is None:
                down = cc.time
            elif cc.value < 64 and down is not None:
                pedal.append((down, cc.time))
                down = None
        if down is not None:
            pedal.append((down, pm.get_end_time()))
    out = sounding(notes, pedal)
    for n in out:
        n.offset = min(n.offset, duration)
    return out


def real_files(root: Path = REAL) -> list[tuple[Path, list[NoteEvent]]]:
    """Every ``root/*.wav`` with the notes of its ``.mid``/``.midi`` file; empty when the folder is absent."""
    out = []
    for wav in sorted(root.glob("*.wav")) if root.is_dir() else []:
        mid = next((p for p in (wav.with_suffix(".mid"), wav.with_suffix(".midi")) if p.exists()), None)
        if mid is not None:
            out.append((wav, midi_reference(mid, sf.info(str(wav)).duration)))
    return out
