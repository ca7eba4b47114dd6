"""The sustain pedal in generated performances: legato pedalling changed at note onsets, and the sounding
offsets it gives (a note released under the pedal sounds until the pedal rises or its key is struck again)."""

from __future__ import annotations

import numpy as np

from platform_core.kinds import NoteEvent
from recog_piano.notes import monophonic_per_key


def pedalling(notes: list[NoteEvent], rng: np.random.Generator) -> list[tuple[float, float]]:
    """(down, up) times of the pedal: pressed 60-250 ms after an onset, changed at an onset every 0.8-4 s
    (lifted up to 60 ms after it), lifted for good after the last note's release."""
    onsets = sorted({round(n.onset, 2) for n in notes})
    if not onsets:
        return []
    end = max(n.offset for n in notes)
    down = onsets[0] + float(rng.uniform(0.06, 0.25))
    hold = float(rng.uniform(0.8, 4.0))
    out = []
    for t in onsets[1:]:
        if t - down >= hold:
            up = t + float(rng.uniform(0.0, 0.06))
            out.append((down, up))
            down, hold = up + float(rng.uniform(0.06, 0.25)), float(rng.uniform(0.8, 4.0))
    if down < end:
        out.append((down, end + float(rng.uniform(0.1, 1.0))))
    return out


def sounding(notes: list[NoteEvent], pedal: list[tuple[float, float]]) -> list[NoteEvent]:
    """Copies of ``notes`` whose offsets last until the pedal rises when their key is released under it, cut
    where the same key is struck again."""
    out = []
    for n in notes:
        end = n.offset
        for down, up in pedal:
            if down <= n.offset < up:
                end = up
        out.append(NoteEvent(n.pitch, n.onset, end, n.velocity, n.confidence))
    return monophonic_per_key(out)
