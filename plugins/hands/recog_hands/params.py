"""Parameters of the hands plugin's components (light: imported to validate a pipeline)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from platform_core import Params


class LandmarksParams(Params):
    variant: Literal["full", "lite"] = Field("full", description="landmark model: full (more accurate) or lite")
    mode: Literal["auto", "image", "video", "live"] = Field(
        "auto", description="MediaPipe running mode; auto: image for still images, live for live sources, else video")
    num_hands: int = Field(2, ge=1, le=8, description="most hands found per frame")
    min_detection_confidence: float = Field(0.5, ge=0, le=1, description="palm detector threshold")
    min_presence_confidence: float = Field(0.5, ge=0, le=1, description="hand presence threshold")
    min_tracking_confidence: float = Field(0.5, ge=0, le=1, description="below this, video mode re-detects palms")
    photo_confidence: float = Field(0.2, ge=0, le=1, description="still images (image mode): palm detection and "
                                                                 "hand presence threshold")
    more_views: bool = Field(True, description="still images: also look at the photo turned by +-45 degrees and in "
                                               "overlapping 2x2 and 3x3 tiles (smaller hands); a hand seen in several "
                                               "views is kept once")
    pose: bool = Field(True, description="still images: find people with MediaPipe's pose model and look at an "
                                         "upscaled view around each of their hands")
    second_look: bool = Field(True, description="still images: when no hand is found, look again at the photo "
                                                "padded and turned by quarter turns (and, without more_views, tiled "
                                                "and turned by +-45 degrees)")
    mirror: bool = Field(False, description="the frames are mirrored (selfie camera): swap Left and Right")
    smoothing: bool = Field(False, description="smooth landmarks over time with a One Euro filter per track")
    min_cutoff: float = Field(1.0, gt=0, description="One Euro: cutoff at rest, Hz (lower: smoother, more lag)")
    beta: float = Field(0.05, ge=0, description="One Euro: cutoff increase per pixel/s of speed (higher: less lag)")
    d_cutoff: float = Field(1.0, gt=0, description="One Euro: cutoff of the speed estimate, Hz")
    reid_seconds: float = Field(10.0, ge=0, description="a hand re-entering within this time regains its track id")


class JsonlParams(Params):
    path: str | None = Field(None, description="output file; default <out>/<stem>.landmarks.jsonl ({stem}, {out})")



class BvhParams(Params):
    space: Literal["world", "image"] = Field(
        "world", description="world: metric world landmarks in centimetres (hand-centred); "
                             "image: pixels, following the hand across the frame")
    min_frames: int = Field(5, ge=1, description="tracks seen in fewer frames are not written")
    fps: float | None = Field(None, gt=0, description="frame rate of the BVH; default: the stream's median")

