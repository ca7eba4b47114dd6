"""Video files: frames as ``image`` packets stamped with their media time."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import cv2

from platform_core.errors import InputError
from platform_core.kinds import ImageFrame, Packet
from platform_core.specs import Context
from recog_io.image_file import image_packets
from recog_io.params import VideoFileParams
from recog_io.paths import IMAGE_EXTENSIONS, existing_file, require_path


def open_video(path: str | Path) -> tuple[cv2.VideoCapture, float]:
    """An opened capture of the video file at ``path`` and its frame rate (0 when the file gives none)."""
    p = existing_file(path)
    cap = cv2.VideoCapture(str(p), cv2.CAP_FFMPEG)
    if not cap.isOpened():
        cap.release()
        raise InputError(f"{p}: not a readable video (corrupt file or unsupported codec)")
    fps = cap.get(cv2.CAP_PROP_FPS)
    if not (math.isfinite(fps) and 0 < fps <= 1000):
        fps = 0.0
    return cap, fps


def video_packets(path: str | Path, start_s: float = 0.0, end_s: float | None = None,
                  every_nth: int = 1) -> Iterator[Packet]:
    """Frames of ``path`` from ``start_s`` to ``end_s`` (seconds), keeping every ``every_nth``.

    ``t`` is the frame's media time (frame index / fps, or the container's timestamp when the file
    declares no frame rate) and ``index`` its frame number in the file.
    """
    cap, fps = open_video(path)
    index = kept = 0
    first = None  # index of the first frame at or after start_s; every_nth counts from it
    last_t = 0.0
    try:
        while cap.grab():
            t = index / fps if fps else cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            t = last_t = max(t, last_t)  # timestamps never run backwards
            if end_s is not None and t >= end_s:
                break
            if t >= start_s:
                first = index if first is None else first
                if (index - first) % every_nth == 0:
                    ok, frame = cap.retrieve()
                    if not ok or frame is None:
                        raise InputError(f"{path}: frame {index} cannot be decoded (corrupt video)")
                    kept += 1
                    yield Packet(t, ImageFrame(frame, source=str(path), index=index), "image")
            index += 1
    finally:
        cap.release()
    if index == 0:
        raise InputError(f"{path}: no video frames could be decoded (corrupt or empty video)")
    if kept == 0:
        raise InputError(f"{path}: no frames from start_s={start_s} s (the video has {index} frames, "
                         f"{last_t:.3f} s)")


class VideoFileSource:
    """A video file as ``image`` packets, one per frame, stamped with media time (a still image: one frame)."""

    def __init__(self, params: VideoFileParams, context: Context):
        self.params = params

    def packets(self) -> Iterator[Packet]:
        p = self.params
        path = require_path(p.path, "video-file")
        if Path(path).suffix.lower() in IMAGE_EXTENSIONS:
            yield from image_packets(path)
        else:
            yield from video_packets(path, p.start_s, p.end_s, p.every_nth)
