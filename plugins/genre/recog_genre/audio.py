"""Audio in: decoding files, mixing to mono, resampling to the recipe's rate and refusing unusable signals."""

from __future__ import annotations

import subprocess
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf

from platform_core.errors import InputError
from recog_genre.features import SR

MIN_SECONDS = 1.0
SILENCE_RMS = 1e-4  # about -80 dBFS

AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".m4a", ".aac", ".aiff", ".aif", ".au",
                    ".wma", ".mp4", ".mkv", ".webm", ".mov", ".avi")


def prepare(samples: np.ndarray, sample_rate: int, source: str) -> np.ndarray:
    """Mono float32 at :data:`SR` from samples shaped (n,) or (n, channels); refuses empty, short or silent audio."""
    x = np.asarray(samples)
    if x.size == 0:
        raise InputError(f"{source}: no audio samples")
    if x.ndim == 2:
        x = x.mean(axis=1)
    elif x.ndim != 1:
        raise InputError(f"{source}: audio must be shaped (n,) or (n, channels), got {x.shape}")
    if np.issubdtype(x.dtype, np.integer):
        x = x / float(np.iinfo(x.dtype).max)
    x = x.astype(np.float32)
    if not np.all(np.isfinite(x)):
        raise InputError(f"{source}: audio holds NaN or infinite samples")
    if sample_rate <= 0:
        raise InputError(f"{source}: invalid sample rate {sample_rate}")
    if len(x) / sample_rate < MIN_SECONDS:
        raise InputError(f"{source}: audio is {len(x) / sample_rate:.2f} s long; genre needs at least {MIN_SECONDS} s")
    if float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) < SILENCE_RMS:
        raise InputError(f"{source}: audio is silent (RMS below -80 dBFS)")
    if sample_rate != SR:
        x = librosa.resample(x, orig_sr=sample_rate, target_sr=SR).astype(np.float32)
    return x


def _ffmpeg(path: Path) -> np.ndarray:
    cmd = ["ffmpeg", "-v", "error", "-nostdin", "-i", str(path), "-vn", "-ac", "1", "-ar", str(SR), "-f", "f32le", "-"]
    try:
        out = subprocess.run(cmd, capture_output=True, check=False, timeout=600)
    except FileNotFoundError as e:
        raise InputError(f"{path}: cannot decode this format without ffmpeg (apt-get install ffmpeg)") from e
    if out.returncode != 0:
        msg = out.stderr.decode(errors="replace").strip().splitlines()
        raise InputError(f"{path}: not a readable audio file ({msg[-1] if msg else 'ffmpeg failed'})")
    return np.frombuffer(out.stdout, dtype=np.float32)


def load(path: str | Path) -> np.ndarray:
    """A file's audio as mono float32 at :data:`SR` (soundfile, or ffmpeg for mp3/m4a/video and the rest)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    if p.stat().st_size == 0:
        raise InputError(f"{p}: file is empty")
    try:
        x, sr = sf.read(str(p), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError):
        return prepare(_ffmpeg(p), SR, str(p))
    return prepare(x, sr, str(p))
