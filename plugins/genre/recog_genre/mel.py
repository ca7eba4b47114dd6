"""Log-mel segments for the spectrogram models: n_fft 2048, hop 1024, 128 mels, 64 frames (about 3 s)."""

from __future__ import annotations

import librosa
import numpy as np

from recog_genre.features import SR

N_FFT = 2048
HOP = 1024
N_MELS = 128
FRAMES = 64


def segments(y: np.ndarray) -> np.ndarray:
    """(n, N_MELS, FRAMES) float32 log-mel segments, each standardised (so level-free); at least one, zero-padded."""
    mel = librosa.feature.melspectrogram(y=y, sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS)
    db = librosa.power_to_db(mel, ref=np.max, top_db=80.0)
    n = max(1, db.shape[1] // FRAMES)
    if db.shape[1] < FRAMES:
        db = np.pad(db, ((0, 0), (0, FRAMES - db.shape[1])), constant_values=db.min())
    seg = np.stack([db[:, i * FRAMES:(i + 1) * FRAMES] for i in range(n)])
    mu = seg.mean(axis=(1, 2), keepdims=True)
    sd = seg.std(axis=(1, 2), keepdims=True) + 1e-6
    return ((seg - mu) / sd).astype(np.float32)
