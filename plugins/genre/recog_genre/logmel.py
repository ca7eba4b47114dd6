"""musicnn's input, streamed: 16 kHz audio -> log-compressed 96-band mel patches of 187 frames (3 s)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import numpy as np

SR = 16000
N_FFT = 512
HOP = 256
N_MELS = 96
FRAMES = 187  # musicnn's input: librosa.time_to_frames(3 s) + 1
STEP = FRAMES * HOP  # samples between the starts of consecutive patches (2.992 s)
SPAN = (FRAMES - 1) * HOP + N_FFT  # samples one patch's frames read
MIN_TAIL = SR  # a last partial patch is scored when it adds at least 1 s


@cache
def _threadpools():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread():
    """A context with BLAS on one thread: the spare OpenBLAS thread spins between the small matrix products of the
    recipe and of the mel banks, which cost a quarter more CPU for the same analysis (133 s file, 2 cores)."""
    return _threadpools().limit(limits=1, user_api="blas")


@cache
def _bank() -> tuple[np.ndarray, np.ndarray]:
    import librosa

    window = librosa.filters.get_window("hann", N_FFT, fftbins=True).astype(np.float32)
    return window, librosa.filters.mel(sr=SR, n_fft=N_FFT, n_mels=N_MELS).astype(np.float32)


def mel_power(y: np.ndarray) -> np.ndarray:
    """(frames, 96) mel power of ``y`` as librosa computes it (frames not centred: frame i starts at sample i*HOP)."""
    window, mel = _bank()
    frames = np.lib.stride_tricks.sliding_window_view(y.astype(np.float32), N_FFT)[::HOP]
    power = np.abs(np.fft.rfft(frames * window, axis=1)).astype(np.float32) ** 2
    return power @ mel.T


def logmel(y: np.ndarray, power: np.ndarray | None = None) -> np.ndarray:
    """(frames, 96) log10(1 + 10000 mel power) of ``y``, the input musicnn was trained on.

    Computed in float32: musicnn's own extractor casts the mel power to float16 first, where 10000 x overflows
    to inf for power above 6.55 (loud music), and the network then answers NaN.
    """
    power = mel_power(y) if power is None else power
    return np.log10(10000.0 * power + 1.0).astype(np.float32)


class PatchStream:
    """The sample windows of consecutive non-overlapping patches of a 16 kHz mono stream, as librosa's centred
    frames would cut them (pass each to :func:`logmel`).

    ``push`` takes samples in any block sizes and returns the windows completed, each with its start in seconds;
    ``end`` returns the last one: the final 3 s when the stream leaves at least 1 s unscored, or the whole
    stream repeated to 3 s when it is shorter than one patch. Memory: one window of samples.
    """

    def __init__(self):
        self.buf = np.zeros(N_FFT // 2, np.float32)  # librosa's centring pads 256 zeros in front
        self.done = 0  # windows emitted
        self.seen = 0  # samples pushed
        self.tail = np.zeros(0, np.float32)  # the last SPAN samples pushed

    def push(self, y: np.ndarray) -> Iterator[tuple[float, np.ndarray]]:
        y = np.asarray(y, np.float32)
        self.seen += len(y)
        self.tail = np.concatenate([self.tail, y])[-SPAN:]
        self.buf = np.concatenate([self.buf, y])
        while len(self.buf) >= SPAN:
            yield self.done * STEP / SR, self.buf[:SPAN]
            self.done += 1
            self.buf = self.buf[STEP:]

    def end(self) -> Iterator[tuple[float, np.ndarray]]:
        left = self.seen - self.done * STEP
        if self.done == 0 and self.seen > 0:
            yield 0.0, np.resize(self.tail, SPAN)  # repeated to length, as musicnn's training padded
        elif left >= MIN_TAIL:  # the last 187 of librosa's centred frames: the last one is centred on seen // HOP
            last = self.seen // HOP * HOP
            lo = last - (FRAMES - 1) * HOP - N_FFT // 2  # the window ends N_FFT // 2 after the last centre
            w = np.zeros(SPAN, np.float32)
            have = self.tail[lo - (self.seen - len(self.tail)):]
            w[: len(have)] = have
            yield (last - (FRAMES - 1) * HOP) / SR, w
        self.buf = np.zeros(0, np.float32)
