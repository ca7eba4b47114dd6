"""Small sample media written with the standard library only: a solid-colour PNG, a sine-tone WAV."""

from __future__ import annotations

import math
import struct
import wave
import zlib
from pathlib import Path


def write_image(path: str | Path, width: int = 64, height: int = 48,
                color: tuple[int, int, int] = (255, 255, 255)) -> Path:
    """A solid-colour RGB PNG (written without any imaging library)."""
    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    row = b"\x00" + bytes(color) * width
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
    return path


def write_audio(path: str | Path, seconds: float = 1.0, rate: int = 16000, freq: float = 440.0,
                amplitude: float = 0.5) -> Path:
    """A mono 16-bit WAV sine tone."""
    n = int(seconds * rate)
    frames = b"".join(struct.pack("<h", int(amplitude * 32767 * math.sin(2 * math.pi * freq * i / rate)))
                      for i in range(n))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return path
