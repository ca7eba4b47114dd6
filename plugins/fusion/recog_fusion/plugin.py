"""Hook implementations of the fusion plugin."""

from __future__ import annotations

from platform_core import Kind, ModelSpec, PreprocessorSpec, RendererSpec, hookimpl


@hookimpl
def recog_kinds():
    return [Kind("take", "Take: a video's hands per frame and the keyboard found in it"),
            Kind("fingering", "Fingering: notes with hand and finger, the audio-video offset, hands in keyboard "
                              "coordinates")]


@hookimpl
def recog_preprocessors():
    return [
        PreprocessorSpec(id="fusion.take", version="0.1.0",
                         summary="A video's hands per frame and its keyboard (keys and pitches), at the end",
                         consumes=("image", "hands"), produces=("take",), params="recog_fusion.params:TakeParams",
                         factory="recog_fusion.stages:TakeStage"),
        PreprocessorSpec(id="fusion.collect", version="0.1.0", summary="All the notes of a take, at the end",
                         consumes=("notes",), produces=("notes",), params="recog_fusion.params:CollectParams",
                         factory="recog_fusion.stages:Collect"),
    ]


@hookimpl
def recog_models():
    return [
        ModelSpec(id="fusion.fingering", version="0.1.0",
                  summary="Hand and finger of each note from a take and its notes (audio-video offset estimated)",
                  consumes=("take", "notes"), produces=("fingering",), params="recog_fusion.params:FingeringParams",
                  factory="recog_fusion.stages:FingeringStage"),
        ModelSpec(id="fusion.fingering-notes", version="0.1.0",
                  summary="A plausible hand and finger for each note from the notes alone (cost model)",
                  consumes=("notes",), produces=("fingering",), params="recog_fusion.params:NotesFingeringParams",
                  factory="recog_fusion.stages:NotesFingeringStage"),
    ]


def _renderer(id_: str, summary: str, writer: str, params: str = "FileParams") -> RendererSpec:
    return RendererSpec(id=id_, version="0.1.0", summary=summary, consumes=("fingering",),
                        params=f"recog_fusion.params:{params}", factory=f"recog_fusion.renderers:{writer}")


@hookimpl
def recog_renderers():
    return [
        _renderer("fusion.jsonl", "One line per note with hand and finger (<stem>.fingering.jsonl)", "JsonlWriter"),
        _renderer("fusion.midi", "Two-track MIDI, fingers as text events (<stem>.fingered.mid)", "MidiWriter"),
        _renderer("fusion.musicxml", "Piano score with fingering marks (<stem>.fingered.musicxml)", "MusicXmlWriter"),
        _renderer("fusion.keyframes", "Joints per hand per frame in keyboard metres, press/release events "
                                      "(<stem>.keyframes.json)", "KeyframesWriter"),
        _renderer("fusion.bvh", "A BVH per hand on the hands plugin's skeleton (<stem>.left.bvh, .right.bvh)",
                  "BvhWriter"),
        _renderer("fusion.overlay", "The video with keys, sounding keys and fingers drawn (<stem>.overlay.mp4)",
                  "OverlayWriter", "OverlayParams"),
    ]
