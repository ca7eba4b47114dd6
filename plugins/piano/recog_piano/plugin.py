"""recog's piano plugin: 88-key notes from piano audio (files or live), MIDI and piano-roll output."""

from __future__ import annotations

from platform_core import ModelSpec, RendererSpec, TaskSpec, hookimpl

VERSION = "0.1.0"
MODEL_ID = "piano.onsets-frames"  # the transcriber shipped in cards/


@hookimpl
def recog_models():
    return [
        ModelSpec(id="piano.transcribe", version=VERSION,
                  summary="Piano notes (pitch, onset, offset, velocity) from audio; streams chunk by chunk",
                  consumes=("audio",), produces=("notes",), params="recog_piano.params:TranscribeParams",
                  models=(MODEL_ID,), factory="recog_piano.stages:Transcriber"),
        ModelSpec(id="piano.basic-pitch", version=VERSION,
                  summary="Basic Pitch's notes from audio (comparison backend, whole take at the end)",
                  consumes=("audio",), produces=("notes",), params="recog_piano.params:BasicPitchParams",
                  factory="recog_piano.stages:BasicPitch"),
    ]


@hookimpl
def recog_renderers():
    return [
        RendererSpec(id="piano.midi", version=VERSION, summary="<stem>.mid: the notes as a standard MIDI file",
                     consumes=("notes",),
                     params="recog_piano.params:MidiParams", factory="recog_piano.renderers:MidiWriter"),
        RendererSpec(id="piano.roll", version=VERSION, summary="<stem>.pianoroll.png: a piano-roll picture",
                     consumes=("notes",),
                     params="recog_piano.params:RollParams", factory="recog_piano.renderers:RollWriter"),
        RendererSpec(id="piano.print", version=VERSION, summary="Each note printed as it starts (live view)",
                     consumes=("notes",),
                     params="recog_piano.params:PrintParams", factory="recog_piano.renderers:NotePrinter"),
    ]


@hookimpl
def recog_tasks():
    return [TaskSpec(name="piano", summary="Train the piano transcriber on FluidSynth renders; evaluate it "
                                           "against Basic Pitch on held-out pieces",
                     train="recog_piano.training:main", evaluate="recog_piano.evaluation:main")]
