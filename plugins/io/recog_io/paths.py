"""What the file sources share: the file types they pick from folders, and checks that a path was given and
names a non-empty, readable file."""

from __future__ import annotations

import os
from pathlib import Path

from platform_core.errors import InputError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
VIDEO_EXTENSIONS = (".mp4", ".avi", ".mov", ".mkv", ".webm")
AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3", ".m4a", ".mp4", ".mkv", ".mov", ".webm")
REPLAY_EXTENSIONS = tuple(dict.fromkeys(IMAGE_EXTENSIONS + VIDEO_EXTENSIONS + AUDIO_EXTENSIONS))


def require_path(path: str | None, source: str) -> str:
    """``path``, or an InputError saying the source was given none."""
    if not path:
        raise InputError(f"{source}: no file given (set path: in the pipeline or pass --input)")
    return path


def existing_file(path: str | Path) -> Path:
    """``path`` as a Path, or an InputError naming it when it is missing, not a file, empty or unreadable."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if not p.is_file():
        raise InputError(f"{p}: not a file")
    if p.stat().st_size == 0:
        raise InputError(f"{p}: file is empty (0 bytes)")
    if not os.access(p, os.R_OK):
        raise InputError(f"{p}: file is not readable (permission denied)")
    return p
