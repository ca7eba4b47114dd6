"""The omr plugin's runtime components: the page transcriber, score file writers and the note list."""

from __future__ import annotations

from pathlib import Path

from platform_core.errors import InputError
from platform_core.kinds import ImageFrame, Score
from platform_core.specs import Context
from recog_omr.params import FileParams, NotesParams, TranscribeParams


class Transcribe:
    """image -> score, one page per frame."""

    def __init__(self, params: TranscribeParams, context: Context):
        from recog_omr.transcribe import Transcriber

        self.transcriber = Transcriber(params.model)
        self.context = context

    def __call__(self, frame: ImageFrame) -> Score:
        if not isinstance(frame, ImageFrame):
            name = self.context.input or "input"
            raise InputError(f"{name}: omr.transcribe reads images, not {type(frame).__name__}")
        return self.transcriber(frame.image, frame.source or self.context.input or "image")


class ScoreFile:
    """Writes the last score of the run to one file at close."""

    suffix = ""

    def __init__(self, params: FileParams, context: Context):
        self.params, self.context, self.score = params, context, None

    def __call__(self, score: Score) -> None:
        self.score = score

    def close(self) -> None:
        path = self.context.output_path(self.suffix, self.params.path)
        if path is None or self.score is None:
            return
        self.write(self.score, Path(path))
        self.context.wrote(path)


class MusicXMLFile(ScoreFile):
    suffix = ".musicxml"

    def write(self, score: Score, path: Path) -> None:
        from recog_omr.writers import write_musicxml

        write_musicxml(score, path)


class MidiFile(ScoreFile):
    suffix = ".mid"

    def write(self, score: Score, path: Path) -> None:
        from recog_omr.writers import write_midi

        write_midi(score, path)


class AbcFile(ScoreFile):
    suffix = ".abc"

    def write(self, score: Score, path: Path) -> None:
        from recog_omr.writers import to_abc

        path.write_text(to_abc(score, title=self.context.stem))


class OverlayFile:
    """<stem>.overlay.png: the page with symbols boxed by class, unsure ones in red, labels where they fit, a legend."""

    def __init__(self, params: FileParams, context: Context):
        self.path = context.output_path(".overlay.png", params.path)
        self.context, self.image = context, None

    def __call__(self, frame: ImageFrame, score: Score) -> None:
        if self.path is not None:
            from recog_omr.overlay import draw_overlay

            self.image = draw_overlay(frame.image, score)[0]

    def close(self) -> None:
        if self.path is None or self.image is None:
            return
        import cv2

        if not cv2.imwrite(str(self.path), self.image):
            raise OSError(f"omr.overlay: cannot write {self.path}")
        self.context.wrote(self.path)
        self.path = None


class NoteList:
    """Prints each note in order: part, measure, name with octave, duration in beats; rests likewise."""

    def __init__(self, params: NotesParams, context: Context):
        self.context = context

    def __call__(self, score: Score) -> None:
        from recog_omr.writers import note_lines

        print(f"# {self.context.input or self.context.stem}")
        for line in note_lines(score):
            print(line)
        for s in score.symbols:
            if s.get("symbol") == "unread":
                print(f"# staff at {s['box']} (x, y, w, h) not read: notes unsure (mean confidence {s['confidence']})")
