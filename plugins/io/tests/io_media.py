"""Helpers for the io tests: making media with OpenCV and ffmpeg, crafted headers, spectra."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import cv2
import numpy as np

RATE = 16000
FPS = 10


def ffmpeg(*args: str) -> None:
    """Run the ffmpeg program (an install step of this plugin: apt.txt lists it)."""
    assert shutil.which("ffmpeg"), "ffmpeg is missing: scripts/install installs it from plugins/io/apt.txt"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


def write_video(path: Path, frames: list[np.ndarray], fourcc: str, fps: float = FPS) -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (w, h))
    assert writer.isOpened(), f"cannot write {path} with {fourcc}"
    for f in frames:
        writer.write(f)
    writer.release()
    return path


def _chunk(kind: bytes, data: bytes, crc: int | None = None) -> bytes:
    crc = zlib.crc32(kind + data) if crc is None else crc
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose header declares ``width`` x ``height`` (the pixel data is a stub)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"\0" * 16))
                     + _chunk(b"IEND", b""))
    return path


def png_bomb(path: Path, width: int = 20000, height: int = 20000) -> Path:
    """A small, fully decodable 1-bit PNG of ``width`` x ``height`` with a bad CRC in a text chunk: Pillow refuses
    its header, libpng only warns and would decode every pixel."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    z = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)
    data = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"tEXt", b"Comment\0x", crc=1)
                     + _chunk(b"IDAT", data) + _chunk(b"IEND", b""))
    return path


def dominant_hz(x: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spectrum) * rate / len(x))
