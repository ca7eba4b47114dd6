"""Parameters of the piano plugin's components (light: imported to validate a pipeline)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from platform_core import Params
from recog_piano.plugin import MODEL_ID


class TranscribeParams(Params):
    model: str = Field(MODEL_ID, description="model card id or a path to an ONNX file with the same inputs")
    onset_threshold: float | None = Field(None, gt=0, lt=1, description="onset probability that starts a note "
                                                                        "(None: the value tuned for the model)")
    frame_threshold: float | None = Field(None, gt=0, lt=1, description="frame probability that keeps a note "
                                                                        "sounding (None: the tuned value)")



class BasicPitchParams(Params):
    mode: Literal["offline"] = Field("offline", description="Basic Pitch runs on the whole take at the end")



class MidiParams(Params):
    path: str | None = Field(None, description="output file (default: <out>/<stem>.mid); {stem} and {out} expand")
    program: int = Field(0, ge=0, le=127, description="General MIDI program (0: acoustic grand piano)")



class RollParams(Params):
    path: str | None = Field(None, description="output file (default: <out>/<stem>.pianoroll.png)")



class PrintParams(Params):
    pass

