"""Overlay renderers: results drawn on their image (``<stem>.overlay.png``) or on every video frame
(``<stem>.overlay.mp4``)."""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from platform_core.errors import InputError
from platform_core.kinds import ImageFrame
from platform_core.specs import Context
from recog_io.draw import draw
from recog_io.params import ImageOverlayParams, VideoOverlayParams
from recog_io.records import unpack


def _split(items: tuple, renderer: str) -> tuple[float | None, ImageFrame, list]:
    t, _, frame = unpack(items[0])
    if not isinstance(frame, ImageFrame):
        raise InputError(f"{renderer}: its first input must be an image stream, got {type(frame).__name__}")
    return t, frame, [unpack(i)[2] for i in items[1:]]


class ImageOverlay:
    """Draws every other input on the image (input 1) and writes the last drawn image as PNG at the end."""

    wants_packets = True

    def __init__(self, params: ImageOverlayParams, context: Context):
        self.context = context
        self.path = context.output_path(".overlay.png", params.path)
        self.image: np.ndarray | None = None

    def __call__(self, *items: Any) -> None:
        if self.path is None:
            return
        _, frame, results = _split(items, "image-overlay")
        self.image = draw(frame, *results)

    def close(self) -> None:
        if self.path is None or self.image is None:
            return
        ok, buf = cv2.imencode(".png", self.image)
        if not ok:
            raise OSError(f"image-overlay: cannot encode {self.path}")
        buf.tofile(str(self.path))
        self.context.wrote(self.path)
        self.path = None


@contextmanager
def _quiet_stderr():
    """Silence file descriptor 2 (FFmpeg's own log) for the duration of a codec probe."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


@cache
def fourcc_works(code: str) -> bool:
    """Whether OpenCV can write an MP4 with the ``code`` codec here (probed once per process)."""
    with tempfile.TemporaryDirectory() as d, _quiet_stderr():
        w = cv2.VideoWriter(str(Path(d) / "probe.mp4"), cv2.VideoWriter_fourcc(*code), 10, (64, 64))
        ok = w.isOpened()
        if ok:
            w.write(np.zeros((64, 64, 3), np.uint8))
        w.release()
    return ok


def pick_codec(codec: str) -> str:
    """``codec``, or for ``auto`` H.264 ('avc1') when this OpenCV build can encode it, else MPEG-4 ('mp4v')."""
    if codec != "auto":
        return codec
    return "avc1" if fourcc_works("avc1") else "mp4v"


class VideoOverlay:
    """Draws every other input on each frame of the image stream (input 1) into an MP4; ``close()`` finalises it."""

    wants_packets = True

    def __init__(self, params: VideoOverlayParams, context: Context):
        self.params, self.context = params, context
        self.path = context.output_path(".overlay.mp4", params.path)
        self.writer: cv2.VideoWriter | None = None
        self.size: tuple[int, int] | None = None
        self.pending: tuple[float | None, np.ndarray] | None = None  # first frame, held until the rate is known
        self.frames = 0

    def __call__(self, *items: Any) -> None:
        if self.path is None:
            return
        t, frame, results = _split(items, "video-overlay")
        image = draw(frame, *results)
        if self.writer is None:
            if self.pending is None and self.params.fps is None:
                self.pending = (t, image)
                return
            fps = self.params.fps or self._rate(self.pending[0], t)
            self._open(fps, self.pending[1] if self.pending else image)
        self._write(image)

    @staticmethod
    def _rate(t0: float | None, t1: float | None) -> float:
        if t0 is None or t1 is None or t1 <= t0:
            return 30.0
        return float(min(max(1.0 / (t1 - t0), 1.0), 240.0))

    def _open(self, fps: float, first: np.ndarray) -> None:
        h, w = first.shape[:2]
        self.size = (w, h)
        codec = pick_codec(self.params.codec)
        with _quiet_stderr():
            self.writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter_fourcc(*codec), fps, self.size)
        if not self.writer.isOpened():
            raise OSError(f"video-overlay: cannot write {self.path} with codec {codec!r}")
        if self.pending is not None:
            self._write(self.pending[1])
            self.pending = None

    def _write(self, image: np.ndarray) -> None:
        if (image.shape[1], image.shape[0]) != self.size:
            image = cv2.resize(image, self.size, interpolation=cv2.INTER_AREA)
        self.writer.write(image)
        self.frames += 1

    def close(self) -> None:
        if self.path is None:
            return
        if self.writer is None and self.pending is not None:
            self._open(self.params.fps or 30.0, self.pending[1])
        if self.writer is not None:
            self.writer.release()
            self.context.wrote(self.path)
        self.path = self.writer = None
