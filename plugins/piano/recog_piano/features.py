"""The model's input: log-frequency spectrogram frames of 16 kHz audio (2048-sample window, 32 ms hop, two
bins per semitone from A-1 to 8 kHz, aligned so that every piano key has a bin a quarter tone below and above
its pitch), offline or streamed."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

SAMPLE_RATE = 16000
N_FFT = 2048
HOP = 512
BINS_PER_SEMITONE = 2
LOWEST_BIN = -24  # bins below A0 (27.5 Hz): the octave under the piano, for subharmonics
FMAX = 8000.0
N_BINS = int(np.floor(BINS_PER_SEMITONE * 12 * np.log2(FMAX / 27.5))) - LOWEST_BIN
FPS = SAMPLE_RATE / HOP  # 31.25 frames per second
FLOOR = np.log(1e-5)  # the value of digital silence


def bin_frequencies() -> np.ndarray:
    """Centre frequency of each bin: bin 2k - LOWEST_BIN and the next lie a quarter tone around key k."""
    return 27.5 * 2 ** ((np.arange(N_BINS) + LOWEST_BIN - 0.5) / (12 * BINS_PER_SEMITONE))


@lru_cache(maxsize=1)
def _basis():
    """(N_FFT/2 + 1, N_BINS) sparse triangular weights from STFT bins to log-frequency bins, each bin's summing
    to 1."""
    from scipy import sparse

    fft_f = np.arange(N_FFT // 2 + 1) * SAMPLE_RATE / N_FFT
    out = np.zeros((N_BINS, len(fft_f)), np.float32)
    step = 2 ** (1 / (12 * BINS_PER_SEMITONE)) - 1
    for i, f in enumerate(bin_frequencies()):
        width = max(f * step, SAMPLE_RATE / N_FFT)
        w = np.maximum(0.0, 1 - np.abs(fft_f - f) / width)
        out[i] = w / w.sum()
    return sparse.csr_matrix(out.T)


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    return np.hanning(N_FFT + 1)[:-1].astype(np.float32)


def _frames(padded: np.ndarray, count: int) -> np.ndarray:
    """Log-frequency magnitudes of ``count`` windows starting every HOP samples in ``padded``."""
    if count <= 0:
        return np.zeros((0, N_BINS), np.float32)
    from scipy import fft

    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(count)[:, None]
    spec = np.abs(fft.rfft(padded[idx] * _window(), axis=1))
    return np.log(np.maximum(spec @ _basis(), 1e-5)).astype(np.float32)


def logspec(audio: np.ndarray) -> np.ndarray:
    """(frames, N_BINS) log-frequency magnitudes of mono 16 kHz audio; frame i is centred at i * HOP samples."""
    audio = np.asarray(audio, np.float32)
    count = len(audio) // HOP + 1
    padded = np.pad(audio, (N_FFT // 2, N_FFT // 2 + HOP))
    return _frames(padded, count)


class StreamingLogSpec:
    """Frames from audio arriving in chunks; yields exactly the frames :func:`logspec` gives offline.

    A frame centred at sample c needs audio up to c + N_FFT/2, so frames lag the input by 64 ms.
    """

    def __init__(self):
        _frames(np.zeros(N_FFT, np.float32), 1)  # import scipy and build the basis now, not on the first live chunk
        self._buf = np.zeros(N_FFT // 2, np.float32)  # the zero padding before the first sample
        self._start = -(N_FFT // 2)  # absolute sample index of _buf[0]
        self.frames_out = 0

    def push(self, audio: np.ndarray) -> np.ndarray:
        """Add mono 16 kHz samples; returns the frames that became complete."""
        self._buf = np.concatenate([self._buf, np.asarray(audio, np.float32)])
        return self._drain()

    def finish(self) -> np.ndarray:
        """Pad the end as :func:`logspec` does and return the remaining frames."""
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
