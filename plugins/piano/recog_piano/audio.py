"""Audio loading for the piano plugin: any file soundfile or ffmpeg reads, down-mixed and resampled to 16 kHz."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from platform_core.errors import InputError


def to_mono(samples: np.ndarray) -> np.ndarray:
    """Float32 mono samples from (n,) or (n, channels) audio."""
    a = np.asarray(samples, np.float32)
    return a.mean(axis=1) if a.ndim == 2 else a


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """``samples`` (mono) at ``target`` Hz."""
    if rate == target:
        return np.asarray(samples, np.float32)
    return soxr.resample(np.asarray(samples, np.float32), rate, target, quality="HQ").astype(np.float32)


def load_audio(path: str | Path, rate: int) -> np.ndarray:
    """Mono float32 samples of an audio file (or a video's audio track) at ``rate`` Hz.

    Raises InputError naming the file when it is missing, empty or not decodable.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such audio file")
    if p.stat().st_size == 0:
        raise InputError(f"{p}: the file is empty")
    try:
        data, sr = sf.read(str(p), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError) as e:
        data, sr = _ffmpeg(p, str(e))
    if len(data) == 0:
        raise InputError(f"{p}: the audio file holds no samples")
    return resample(to_mono(data), sr, rate)


def _ffmpeg(p: Path, why: str) -> tuple[np.ndarray, int]:
    if shutil.which("ffmpeg") is None:
        raise InputError(f"{p}: not a readable audio file ({why})")
    rate = 44100
    run = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(p), "-map", "0:a:0", "-ac", "1",
                          "-ar", str(rate), "-f", "f32le", "-"], capture_output=True)
    if run.returncode != 0 or not run.stdout:
        msg = run.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"{p}: not a readable audio file ({why}; ffmpeg: {msg[-1] if msg else 'no audio'})")
    return np.frombuffer(run.stdout, np.float32).reshape(-1, 1).copy(), rate
