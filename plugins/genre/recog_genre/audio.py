"""Audio in: decoding files, mixing to mono, resampling to the recipe's rate and refusing unusable signals."""

from __future__ import annotations

from pathlib import Path

import librosa
import numpy as np

from platform_core.errors import InputError
from recog_genre.features import SR
from recog_io.audio_file import read_audio

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


def load(path: str | Path) -> np.ndarray:
    """A file's audio as mono float32 at :data:`SR`, decoded by the io plugin (soundfile, or ffmpeg)."""
    samples, rate = read_audio(path)
    return prepare(samples, rate, str(path))
