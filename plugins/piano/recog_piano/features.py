"""The model's input: log-mel frames of 16 kHz audio (2048-sample window, 32 ms hop), offline or streamed."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

SAMPLE_RATE = 16000
N_FFT = 2048
HOP = 512
N_MELS = 229
FMIN, FMAX = 30.0, 8000.0
FPS = SAMPLE_RATE / HOP  # 31.25 frames per second
FLOOR = np.log(1e-5)  # log-mel of digital silence


@lru_cache(maxsize=1)
def _mel_basis() -> np.ndarray:
    import librosa

    return librosa.filters.mel(sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=N_MELS, fmin=FMIN, fmax=FMAX).astype(np.float32)


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    return np.hanning(N_FFT + 1)[:-1].astype(np.float32)


def _frames(padded: np.ndarray, count: int) -> np.ndarray:
    """Log-mel of ``count`` windows starting every HOP samples in ``padded``."""
    if count <= 0:
        return np.zeros((0, N_MELS), np.float32)
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(count)[:, None]
    spec = np.abs(np.fft.rfft(padded[idx] * _window(), axis=1)).astype(np.float32)
    mel = spec @ _mel_basis().T
    return np.log(np.maximum(mel, 1e-5)).astype(np.float32)


def logmel(audio: np.ndarray) -> np.ndarray:
    """(frames, 229) log-mel of mono 16 kHz audio; frame i is centred at i * HOP samples."""
    audio = np.asarray(audio, np.float32)
    count = len(audio) // HOP + 1
    padded = np.pad(audio, (N_FFT // 2, N_FFT // 2 + HOP))
    return _frames(padded, count)


class StreamingLogMel:
    """Log-mel frames from audio arriving in chunks; yields exactly the frames :func:`logmel` gives offline.

    A frame centred at sample c needs audio up to c + N_FFT/2, so frames lag the input by 64 ms.
    """

    def __init__(self):
        self._buf = np.zeros(N_FFT // 2, np.float32)  # the zero padding before the first sample
        self._start = -(N_FFT // 2)  # absolute sample index of _buf[0]
        self.frames_out = 0

    def push(self, audio: np.ndarray) -> np.ndarray:
        """Add mono 16 kHz samples; returns the frames that became complete."""
        self._buf = np.concatenate([self._buf, np.asarray(audio, np.float32)])
        return self._drain()

    def finish(self) -> np.ndarray:
        """Pad the end as :func:`logmel` does and return the remaining frames."""
        total = self._start + len(self._buf)  # samples received
        count = total // HOP + 1 - self.frames_out
        self._buf = np.concatenate([self._buf, np.zeros(N_FFT // 2 + HOP, np.float32)])
        return self._drain(limit=count)

    def _drain(self, limit: int | None = None) -> np.ndarray:
        first = self.frames_out * HOP - N_FFT // 2 - self._start  # offset of the next window in _buf
        count = max(0, (len(self._buf) - first - N_FFT) // HOP + 1)
        if limit is not None:
            count = min(count, limit)
        out = _frames(self._buf[first:], count)
        self.frames_out += count
        drop = first + count * HOP
        self._buf = self._buf[drop:]
        self._start += drop
        return out
