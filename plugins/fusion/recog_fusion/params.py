"""Parameters of the fusion plugin's components (light: imported to validate a pipeline)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from platform_core import Params


class TakeParams(Params):
    keyboard_every_s: float = Field(1.0, gt=0, description="seconds between the frames kept to find the keyboard")
    keyboard_frames: int = Field(25, ge=2, description="most frames kept to find the keyboard (their median)")



class CollectParams(Params):
    pass



class FingeringParams(Params):
    offset_s: float | None = Field(None, description="audio time minus video time, seconds (None: estimate it)")
    max_offset_s: float = Field(1.0, gt=0, le=10, description="the estimate searches offsets within +- this")
    rule: Literal["constraints", "nearest"] = Field(
        "constraints", description="constraints: distance along and across the keys, distinct fingers per chord, "
                                   "one key per finger at a time; nearest: the fingertip nearest the key (baseline)")
    chord_s: float = Field(0.05, ge=0, description="notes with onsets this close form a chord")



class NotesFingeringParams(Params):
    split: int | None = Field(None, ge=21, le=108, description="lowest pitch of the right hand (None: chosen per "
                                                               "passage by the cost model)")
    fps: float = Field(30.0, gt=0, le=240, description="frame rate of the keyframes")



class FileParams(Params):
    path: str | None = Field(None, description="output file; may use {stem} and {out} (default: <out>/<stem><suffix>)")



class OverlayParams(FileParams):
    fps: float | None = Field(None, gt=0, description="frame rate (None: the video's)")

