"""recog hooks of the omr plugin: the page transcriber, score writers, the note list and train/eval tasks."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from platform_core import hookimpl
from platform_core.errors import InputError
from platform_core.kinds import ImageFrame, Score
from platform_core.specs import Context, ModelSpec, Params, RendererSpec, TaskSpec
from recog_omr.recognizer import MODEL_ID

VERSION = "0.2.0"


class TranscribeParams(Params):
    model: str = Field(MODEL_ID, description="model card id of the staff recognizer, or a path to an .onnx file")


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


class FileParams(Params):
    path: str | None = Field(None, description="output file; default <out>/<stem><suffix>; {stem} and {out} expand")


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


class NotesParams(Params):
    pass


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


@hookimpl
def recog_models():
    return [ModelSpec(id="omr.transcribe", version=VERSION,
                      summary="Printed sheet music page -> score (staves, clefs, keys, times, notes, rests)",
                      consumes=("image",), produces=("score",), params=TranscribeParams, models=(MODEL_ID,),
                      factory=Transcribe)]


@hookimpl
def recog_renderers():
    def spec(ident, cls, params, summary):
        return RendererSpec(id=ident, version=VERSION, summary=summary, consumes=("score",), params=params,
                            factory=cls)

    return [spec("omr.musicxml", MusicXMLFile, FileParams, "<stem>.musicxml: the score as MusicXML"),
            spec("omr.midi", MidiFile, FileParams, "<stem>.mid: the score as a MIDI file"),
            spec("omr.abc", AbcFile, FileParams, "<stem>.abc: the score in ABC notation"),
            spec("omr.notes", NoteList, NotesParams, "Each note printed: measure, name with octave, beats"),
            RendererSpec(id="omr.overlay", version=VERSION, consumes=("image", "score"), params=FileParams,
                         factory=OverlayFile, summary="<stem>.overlay.png: symbols boxed by class, unsure ones red, "
                         "labels where they fit, a legend")]


@hookimpl
def recog_tasks():
    from recog_omr import evaluate, train

    return [TaskSpec(name="omr", summary="Staff recognizer: engrave pages with verovio, train the CRNN, export ONNX",
                     train=train.main, evaluate=evaluate.main)]
