"""Short reference performances used by the tests and the bundled example (rendered with FluidSynth)."""

from __future__ import annotations

from platform_core.kinds import NoteEvent


def scale(start: float = 0.3) -> list[NoteEvent]:
    """C major scale C4-C5, eighth notes at 100 bpm, velocities rising."""
    steps = (60, 62, 64, 65, 67, 69, 71, 72)
    return [NoteEvent(p, start + 0.3 * i, start + 0.3 * i + 0.27, 50 + 8 * i) for i, p in enumerate(steps)]


def chord(start: float = 0.3) -> list[NoteEvent]:
    """A C major triad with the bass octave (C3 C4 E4 G4) held for a second, then an F major triad."""
    return ([NoteEvent(p, start, start + 1.0, 80) for p in (48, 60, 64, 67)]
            + [NoteEvent(p, start + 1.3, start + 2.3, 70) for p in (53, 65, 69, 72)])


def repeated(start: float = 0.3) -> list[NoteEvent]:
    """A4 struck six times at 5 per second, then D3 four times."""
    return ([NoteEvent(69, start + 0.2 * i, start + 0.2 * i + 0.12, 90) for i in range(6)]
            + [NoteEvent(50, start + 1.4 + 0.25 * i, start + 1.4 + 0.25 * i + 0.15, 75) for i in range(4)])


def example() -> list[NoteEvent]:
    """The bundled example: a scale, a two-hand cadence and repeated notes (about 8 s)."""
    notes = scale(0.3)
    t = 2.9
    for bass, chord_notes in ((36, (60, 64, 67)), (41, (60, 65, 69)), (43, (59, 62, 67)), (36, (60, 64, 72))):
        notes.append(NoteEvent(bass, t, t + 0.75, 70))
        notes += [NoteEvent(p, t + 0.02, t + 0.7, 85) for p in chord_notes]
        t += 0.8
    notes += [NoteEvent(76, t + 0.15 * i, t + 0.15 * i + 0.1, 95) for i in range(8)]
    return notes
