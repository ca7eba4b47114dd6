"""recog's core: hook specs, plugin manager, kinds, pipelines, runner, model store and CLI."""

from platform_core.hookspecs import hookimpl
from platform_core.jsonable import jsonable
from platform_core.kinds import (
    AudioChunk,
    Classification,
    Digit,
    DigitString,
    Hand,
    HandsFrame,
    ImageFrame,
    Kind,
    NoteEvent,
    NoteEvents,
    Packet,
    Packets,
    Score,
)
from platform_core.specs import (
    Context,
    ModelSpec,
    Params,
    PreprocessorSpec,
    RendererSpec,
    SourceSpec,
    TaskSpec,
)

__version__ = "0.1.0"

__all__ = [
    "AudioChunk", "Classification", "Context", "Digit", "DigitString", "Hand", "HandsFrame",
    "ImageFrame", "Kind", "ModelSpec", "NoteEvent", "NoteEvents", "Packet", "Packets", "Params",
    "PreprocessorSpec", "RendererSpec", "Score", "SourceSpec", "TaskSpec", "hookimpl", "jsonable",
]
