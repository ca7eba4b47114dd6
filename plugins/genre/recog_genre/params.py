"""Parameters of the genre plugin's components (light: imported to validate a pipeline)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from platform_core import Params

# Softmax temperature of the combined log-scores: the one number fitted on the 30 validation excerpts (negative
# log-likelihood; bench/genre.py: fitted on two tracks per genre and scored on the third, 0.79-0.92, held-out NLL
# 0.828 against 0.833 at T = 1). This is the fit on all 30. It moves no label.
TEMPERATURE = 0.84


class ClassifyParams(Params):
    method: Literal["combined", "tags", "features"] = Field(
        "combined", description="combined: the feature model and the musicnn tagger (streamed, with a not-music "
        "verdict); tags: the tagger's genre tags alone (streamed); features: the feature model alone over the "
        "whole input (v0.1)")
    model: str = Field("genre.features", description="model card id, or an .onnx from `recog train genre`")
    temperature: float = Field(TEMPERATURE, gt=0, description="softmax temperature of the combined scores")
    segment: float = Field(3.0, gt=0, description="length in seconds of the windows reported in `segments`")
    context: float = Field(10.0, ge=1, description="seconds of audio around each segment whose statistics score it "
                           "(method features; combined scores 3 s tagger patches)")
    clip: float = Field(30.0, ge=1, description="length in seconds of the feature model's windows (features: 15 s "
                        "hop; combined: consecutive)")


class TimelineParams(Params):
    path: str | None = Field(None, description="output file; default <out>/<stem>.genre.png; may use {stem} and {out}")


class TagsParams(Params):
    top: int = Field(10, ge=1, le=100, description="how many tags to report, for the input and for each patch")
