"""Replay: a file's packets paced at real time, so live behaviour (bounded queues, drops) runs without hardware."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

from platform_core.errors import InputError
from platform_core.kinds import Packet
from platform_core.specs import Context
from recog_io import audio_file, image_file, video_file
from recog_io.params import ReplayParams
from recog_io.paths import AUDIO_EXTENSIONS, IMAGE_EXTENSIONS, VIDEO_EXTENSIONS, require_path
from recog_io.paths import REPLAY_EXTENSIONS as EXTENSIONS


def media_of(path: str | Path) -> str:
    """``image``, ``video`` or ``audio``, by the file's extension."""
    suffix = Path(path).suffix.lower()
    for media, exts in (("image", IMAGE_EXTENSIONS), ("video", VIDEO_EXTENSIONS), ("audio", AUDIO_EXTENSIONS)):
        if suffix in exts:
            return media
    raise InputError(f"{path}: replay cannot tell the media type of {suffix or 'a file without extension'!r} "
                     f"(known: {', '.join(EXTENSIONS)}); set media: image, video or audio")


def file_packets(path: str, media: str, chunk_s: float) -> Iterator[Packet]:
    """The packets the matching file source yields for ``path``."""
    if media == "image":
        return image_file.image_packets(path)
    if media == "video":
        return video_file.video_packets(path)
    return audio_file.audio_packets(path, chunk_s=chunk_s)


def paced(packets: Iterator[Packet], speed: float = 1.0, clock: Callable[[], float] = time.monotonic,
          sleep: Callable[[float], None] = time.sleep) -> Iterator[Packet]:
    """``packets`` released no earlier than ``start + t / speed`` (start: when the first packet is ready)."""
    start = None
    for p in packets:
        if start is None:
            start = clock() - p.t / speed
        delay = start + p.t / speed - clock()
        if delay > 0:
            sleep(delay)
        yield p


class ReplaySource:
    """A file replayed at real time (or ``speed`` times faster) as a live source."""

    def __init__(self, params: ReplayParams, context: Context):
        self.params = params

    def packets(self) -> Iterator[Packet]:
        p = self.params
        path = require_path(p.path, "replay")
        media = media_of(path) if p.media == "auto" else p.media
        yield from paced(file_packets(path, media, p.chunk_s), p.speed)
