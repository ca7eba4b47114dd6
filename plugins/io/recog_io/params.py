"""Parameters of the io plugin's components (light: imported to validate a pipeline)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from platform_core import Params


class ImageFileParams(Params):
    path: str | None = Field(None, description="image file (png, jpg, bmp, tif, webp), or a video file whose "
                                               "frames are read in turn; --input overrides it")


class VideoFileParams(Params):
    path: str | None = Field(None, description="video file (mp4, avi, mov, mkv, webm), or a still image read as "
                                               "one frame at t=0; --input overrides it")
    start_s: float = Field(0.0, ge=0, description="first media time to read, seconds")
    end_s: float | None = Field(None, gt=0, description="stop before this media time, seconds (None: to the end)")
    every_nth: int = Field(1, ge=1, description="keep one frame in every_nth, counted from start_s")

    @model_validator(mode="after")
    def _range(self):
        if self.end_s is not None and self.end_s <= self.start_s:
            raise ValueError(f"end_s ({self.end_s}) must be after start_s ({self.start_s})")
        return self


class AudioFileParams(Params):
    path: str | None = Field(None, description="audio file (wav, flac, ogg, mp3, m4a) or a video's audio track "
                                               "(mp4, mkv, mov, webm); --input overrides it")
    sample_rate: int | None = Field(None, gt=0, description="resample to this rate in Hz (None: the file's rate)")
    mono: bool = Field(False, description="average the channels into one")
    chunk_s: float | None = Field(None, gt=0, description="chunk length in seconds (None: the whole file at t=0, "
                                                         "up to 30 minutes)")


class WebcamParams(Params):
    device: int | str = Field(0, description="camera index (0 = first camera) or a stream URL (rtsp://, http://)")
    width: int | None = Field(None, gt=0, description="requested frame width in pixels (None: the camera's)")
    height: int | None = Field(None, gt=0, description="requested frame height in pixels (None: the camera's)")
    fps: float | None = Field(None, gt=0, description="requested frame rate (None: the camera's)")


class MicrophoneParams(Params):
    device: int | str | None = Field(None, description="input device index or name (None: the default input)")
    sample_rate: int = Field(16000, gt=0, description="sample rate in Hz")
    channels: int = Field(1, ge=1, description="number of channels")
    chunk_s: float = Field(0.1, gt=0, description="length of each packet in seconds")


class ReplayParams(Params):
    path: str | None = Field(None, description="image, video or audio file; --input overrides it")
    speed: float = Field(1.0, gt=0, description="playback speed: 2.0 plays twice as fast as real time")
    media: Literal["auto", "image", "video", "audio"] = Field(
        "auto", description="what to replay: auto picks by extension (video files give their frames); "
                            "'audio' replays a video's audio track")
    chunk_s: float = Field(0.1, gt=0, description="audio chunk length in seconds")


class ConsoleParams(Params):
    top: int = Field(5, ge=1, description="how many scores to list for a classification")
    max_rows: int = Field(200, ge=1, description="rows shown per table (notes, score events); the rest are counted")


class FileParams(Params):
    path: str | None = Field(None, description="output file; may use {stem} and {out} (default: <out>/<stem>"
                                               "<suffix>, nothing when the run has no --out)")


class OverlayParams(Params):
    path: str | None = Field(None, description="output file; may use {stem} and {out} (default: <out>/<stem>"
                                               ".overlay.png for a still image, <out>/<stem>.overlay.mp4 for a "
                                               "video's frames; nothing when the run has no --out)")
    fps: float | None = Field(None, gt=0, description="frame rate of an MP4 (None: from the first two frames' "
                                                      "times, 30 for a single frame)")
    codec: Literal["auto", "avc1", "mp4v"] = Field("auto", description="MP4 codec; auto: H.264 when available, "
                                                                       "else MPEG-4")


class PlotParams(Params):
    path_fields: ClassVar[tuple[str, ...]] = ("kind",)  # output path template fields beyond {stem} and {out}
    path: str | None = Field(None, description="output PNG; may use {stem}, {out} and {kind} (default: "
                                               "<out>/<stem>.<kind>.png, nothing when the run has no --out)")
    width: float = Field(10.0, gt=0, description="figure width in inches")
    height: float = Field(4.0, gt=0, description="figure height in inches")
    dpi: int = Field(100, ge=20, le=600, description="dots per inch")

