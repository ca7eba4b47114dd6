"""Note helpers: names, cleaning overlaps and the JSON form of a note list."""

from __future__ import annotations

from platform_core.kinds import NoteEvent

NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
LOWEST, HIGHEST = 21, 108  # A0 and C8, the 88 keys


def note_name(pitch: int) -> str:
    """Scientific pitch name of a MIDI number: 60 -> C4, 21 -> A0."""
    return f"{NAMES[pitch % 12]}{pitch // 12 - 1}"


def monophonic_per_key(notes: list[NoteEvent], min_duration: float = 0.03) -> list[NoteEvent]:
    """Sort notes and cut each where the same key is struck again, so one key never sounds twice at once."""
    out: list[NoteEvent] = []
    last: dict[int, NoteEvent] = {}
    for n in sorted(notes, key=lambda n: (n.onset, n.pitch)):
        prev = last.get(n.pitch)
        if prev is not None and prev.offset > n.onset:
            if n.onset - prev.onset < min_duration:
                continue
            prev.offset = n.onset
        if n.offset - n.onset < min_duration:
            n.offset = n.onset + min_duration
        out.append(n)
        last[n.pitch] = n
    return out


def as_record(n: NoteEvent) -> dict:
    """One note as the plugin's JSON result: pitch, name, onset, offset, velocity, confidence."""
    return {"pitch": int(n.pitch), "name": note_name(n.pitch), "onset": round(float(n.onset), 4),
            "offset": round(float(n.offset), 4), "velocity": int(n.velocity),
            "confidence": round(float(n.confidence), 3)}
