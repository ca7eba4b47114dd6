"""Overlay renderers: results drawn on a still image (``<stem>.overlay.png``) or on every frame of a video
(``<stem>.overlay.mp4``), chosen by where the frames come from."""

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
from recog_io.params import OverlayParams
from recog_io.paths import IMAGE_EXTENSIONS, VIDEO_EXTENSIONS
from recog_io.records import unpack


def _split(items: tuple, renderer: str) -> tuple[float | None, ImageFrame, list]:
    t, _, frame = unpack(items[0])
    if not isinstance(frame, ImageFrame):
        raise InputError(f"{renderer}: its first input must be an image stream, got {type(frame).__name__}")
    return t, frame, [unpack(i)[2] for i in items[1:]]


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


def still_image(frame: ImageFrame, default: bool) -> bool:
    """Whether ``frame`` comes from a still image file (by its source's extension); ``default`` when unknown."""
    suffix = Path(frame.source).suffix.lower()
    if suffix in IMAGE_EXTENSIONS:
        return True
    return False if suffix in VIDEO_EXTENSIONS else default


class Overlay:
    """Draws every other input on each frame of the image stream (input 1): a still image becomes
    ``<stem>.overlay.png``, a video's frames ``<stem>.overlay.mp4`` (an explicit ``path:`` decides by its suffix).

    ``still_default`` settles frames of unknown origin (a camera): True keeps the last drawn frame as PNG.
    """

    wants_packets = True
    still_default = False

    def __init__(self, params: OverlayParams, context: Context):
        self.params, self.context = params, context
        self.writer: PngWriter | Mp4Writer | None = None
        self.done = False

    def __call__(self, *items: Any) -> None:
        if self.done:
            return
        t, frame, results = _split(items, "overlay")
        if self.writer is None:
            suffix = Path(self.params.path or "").suffix.lower()
            still = suffix in IMAGE_EXTENSIONS or (suffix not in VIDEO_EXTENSIONS
                                                   and still_image(frame, self.still_default))
            path = self.context.output_path(".overlay.png" if still else ".overlay.mp4", self.params.path)
            if path is None:
                self.done = True
                return
            self.writer = PngWriter(path) if still else Mp4Writer(path, self.params.fps, self.params.codec)
        self.writer.add(t, draw(frame, *results))

    def close(self) -> None:
        if self.writer is not None and self.writer.close():
            self.context.wrote(self.writer.path)
        self.writer, self.done = None, True


class ImageOverlay(Overlay):
    """``image-overlay``: a camera's frames keep the last one as PNG."""

    still_default = True


class VideoOverlay(Overlay):
    """``video-overlay``: a camera's frames become an MP4."""


class PngWriter:
    """Keeps the last drawn image and writes it as an image file (format by the suffix) at the end."""

    def __init__(self, path: Path):
        self.path = path
        self.image: np.ndarray | None = None

    def add(self, t: float | None, image: np.ndarray) -> None:
        self.image = image

    def close(self) -> bool:
        if self.image is None:
            return False
        ok, buf = cv2.imencode(self.path.suffix if self.path.suffix.lower() in IMAGE_EXTENSIONS else ".png",
                               self.image)
        if not ok:
            raise OSError(f"overlay: cannot encode {self.path}")
        buf.tofile(str(self.path))
        return True


class Mp4Writer:
    """Writes drawn frames into a video file at the rate their times give; ``close()`` finalises it."""

    def __init__(self, path: Path, fps: float | None, codec: str):
        self.path, self.fps, self.codec = path, fps, codec
        self.writer: cv2.VideoWriter | None = None
        self.size: tuple[int, int] | None = None
        self.pending: tuple[float | None, np.ndarray] | None = None  # first frame, held until the rate is known
        self.frames = 0

    def add(self, t: float | None, image: np.ndarray) -> None:
        if self.writer is None:
            if self.pending is None and self.fps is None:
                self.pending = (t, image)
                return
            fps = self.fps or self._rate(self.pending[0], t)
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
        codec = pick_codec(self.codec)
        with _quiet_stderr():
            self.writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter_fourcc(*codec), fps, self.size)
        if not self.writer.isOpened():
            raise OSError(f"overlay: cannot write {self.path} with codec {codec!r}")
        if self.pending is not None:
            self._write(self.pending[1])
            self.pending = None

    def _write(self, image: np.ndarray) -> None:
        if (image.shape[1], image.shape[0]) != self.size:
            image = cv2.resize(image, self.size, interpolation=cv2.INTER_AREA)
        self.writer.write(image)
        self.frames += 1

    def close(self) -> bool:
        if self.writer is None and self.pending is not None:
            self._open(self.fps or 30.0, self.pending[1])
        if self.writer is None:
            return False
        self.writer.release()
        return True
