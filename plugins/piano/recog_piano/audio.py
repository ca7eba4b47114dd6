"""Audio for the piano plugin: files through the io plugin's decoder, down-mixing and resampling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soxr

from recog_io.audio_file import read_audio


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

    Decoded by the io plugin; raises InputError naming the file when it is missing, empty or not decodable.
    """
    samples, _ = read_audio(path, rate, mono=True)
    return samples[:, 0]
