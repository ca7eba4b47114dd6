"""Standard MIDI files of note lists, and reading them back."""

from __future__ import annotations

from pathlib import Path

from platform_core.errors import InputError
from platform_core.kinds import NoteEvent

TICKS = 960  # per quarter note at 120 bpm: 1920 ticks a second, 0.52 ms resolution


def write(notes: list[NoteEvent], path: str | Path, program: int = 0) -> Path:
    """Write notes as a one-track piano MIDI file at 120 bpm (times rounded to 1/1920 s)."""
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(resolution=TICKS, initial_tempo=120.0)
    inst = pretty_midi.Instrument(program=program, name="piano")
    for n in sorted(notes, key=lambda n: (n.onset, n.pitch)):
        inst.notes.append(pretty_midi.Note(velocity=int(n.velocity), pitch=int(n.pitch),
                                           start=float(n.onset), end=float(n.offset)))
    pm.instruments.append(inst)
    pm.write(str(path))
    return Path(path)


def read(path: str | Path) -> list[NoteEvent]:
    """The notes of a MIDI file (all non-drum tracks), sorted by onset then pitch."""
    import pretty_midi

    try:
        pm = pretty_midi.PrettyMIDI(str(path))
    except Exception as e:  # mido and pretty_midi raise many types on a bad file
        raise InputError(f"{path}: not a readable MIDI file ({e})") from e
    notes = [NoteEvent(n.pitch, n.start, n.end, n.velocity)
             for inst in pm.instruments if not inst.is_drum for n in inst.notes]
    return sorted(notes, key=lambda n: (n.onset, n.pitch))
