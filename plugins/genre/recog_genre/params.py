"""Parameters of the genre plugin's components (light: imported when components are declared)."""

from __future__ import annotations

from pydantic import Field

from platform_core import Params


class ClassifyParams(Params):
    model: str = Field("genre.features", description="model card id, or an .onnx from `recog train genre`")
    segment: float = Field(3.0, gt=0, description="length in seconds of the windows reported in `segments`")
    context: float = Field(10.0, ge=1, description="seconds of audio around each segment whose statistics score it")
    clip: float = Field(30.0, ge=1, description="length in seconds of the windows whose mean scores give the label")



class TimelineParams(Params):
    path: str | None = Field(None, description="output file; default <out>/<stem>.genre.png; may use {stem} and {out}")

