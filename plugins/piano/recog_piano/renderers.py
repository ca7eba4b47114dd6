"""The plugin's renderers: MIDI file, piano-roll picture and live note printing."""

from __future__ import annotations

import sys

from platform_core.kinds import NoteEvent, NoteEvents
from platform_core.specs import Context
from recog_piano import midi, roll
from recog_piano.notes import note_name
from recog_piano.params import PrintParams


def _collect(data, into: list[NoteEvent]) -> None:
    if isinstance(data, NoteEvents):
        into.extend(data.notes)


class _NotesFile:
    """Collects every note of the stream and writes one file ``<stem><suffix>`` at the end."""

    suffix = ""

    def __init__(self, params, context: Context):
        self.params, self.context = params, context
        self.notes: list[NoteEvent] = []

    def __call__(self, data) -> None:
        _collect(data, self.notes)

    def close(self) -> None:
        path = self.context.output_path(self.suffix, self.params.path)
        if path is not None:
            self.write(path)
            self.context.wrote(path)


class MidiWriter(_NotesFile):
    """``piano.midi``: every note of the stream written to ``<stem>.mid`` at the end."""

    suffix = ".mid"

    def write(self, path) -> None:
        midi.write(self.notes, path, self.params.program)


class RollWriter(_NotesFile):
    """``piano.roll``: a piano-roll PNG of the stream's notes, ``<stem>.pianoroll.png``."""

    suffix = ".pianoroll.png"

    def write(self, path) -> None:
        roll.draw(self.notes, path, title=f"{self.context.stem}: {len(self.notes)} notes")


class NotePrinter:
    """``piano.print``: one line per note as it starts (the live view), flushed at once."""

    def __init__(self, params: PrintParams, context: Context):
        self.count = 0

    def __call__(self, data) -> None:
        for n in getattr(data, "started", None) or []:
            self.count += 1
            print(f"{n.onset:8.2f}s  {note_name(n.pitch):>4}  (MIDI {n.pitch:3d})  velocity {n.velocity:3d}",
                  file=sys.stdout, flush=True)

    def close(self) -> None:
        print(f"{self.count} notes", flush=True)
