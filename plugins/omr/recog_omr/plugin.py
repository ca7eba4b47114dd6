"""recog hooks of the omr plugin: the page transcriber, score writers, the note list and train/eval tasks."""

from __future__ import annotations

from platform_core import ModelSpec, RendererSpec, TaskSpec, hookimpl

VERSION = "0.2.0"
MODEL_ID = "omr.crnn"  # the staff recognizer shipped in cards/


@hookimpl
def recog_models():
    return [ModelSpec(id="omr.transcribe", version=VERSION,
                      summary="Printed sheet music page -> score (staves, clefs, keys, times, notes, rests)",
                      consumes=("image",), produces=("score",), models=(MODEL_ID,),
                      params="recog_omr.params:TranscribeParams", factory="recog_omr.components:Transcribe")]


@hookimpl
def recog_renderers():
    def spec(ident, cls, params, summary):
        return RendererSpec(id=ident, version=VERSION, summary=summary, consumes=("score",),
                            params=f"recog_omr.params:{params}", factory=f"recog_omr.components:{cls}")

    return [spec("omr.musicxml", "MusicXMLFile", "FileParams", "<stem>.musicxml: the score as MusicXML"),
            spec("omr.midi", "MidiFile", "FileParams", "<stem>.mid: the score as a MIDI file"),
            spec("omr.abc", "AbcFile", "FileParams", "<stem>.abc: the score in ABC notation"),
            spec("omr.notes", "NoteList", "NotesParams", "Each note printed: measure, name with octave, beats"),
            RendererSpec(id="omr.overlay", version=VERSION, consumes=("image", "score"),
                         params="recog_omr.params:FileParams", factory="recog_omr.components:OverlayFile",
                         summary="<stem>.overlay.png: symbols boxed by class, unsure ones red, labels where they "
                                 "fit, a legend")]


@hookimpl
def recog_tasks():
    return [TaskSpec(name="omr", summary="Staff recognizer: engrave pages with verovio, train the CRNN, export ONNX",
                     train="recog_omr.train:main", evaluate="recog_omr.evaluate:main")]
