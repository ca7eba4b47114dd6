"""The musicnn tagger (MagnaTagATune and Million Song Dataset models, ported to ONNX) over a stream of audio."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from platform_core import models
from recog_genre.logmel import SR, PatchStream, logmel, mel_power, one_blas_thread

MODEL = "genre.musicnn"
BATCH = 1  # patches per ONNX call: each one more costs about 150 MB of front-end buffers, and is no faster
PEAK_FLOOR = 1e-4  # each patch is scaled to peak 1, by at most 80 dB


class Tagger:
    """One shared ONNX session; ``run`` maps (n, 187, 96) log-mel patches to (n, 100) tag probabilities
    (the 50 MagnaTagATune tags, then the 50 Million Song Dataset tags) and (n, 400) embeddings (each model's
    200-unit penultimate layer)."""

    def __init__(self):
        self.session = models.onnx_session(MODEL, threads=1)  # batch runs parallelise over inputs
        meta = self.session.get_modelmeta().custom_metadata_map
        self.mtt: list[str] = json.loads(meta["mtt_labels"])
        self.msd: list[str] = json.loads(meta["msd_labels"])
        self.tags = [f"mtt:{t}" for t in self.mtt] + [f"msd:{t}" for t in self.msd]

    def run(self, patches: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a, b, ea, eb = self.session.run(None, {"logmel": patches.astype(np.float32)})
        return np.concatenate([a, b], axis=1), np.concatenate([ea, eb], axis=1)


@dataclass
class Patch:
    """One scored 3 s patch: its start, level, the cues of :func:`cues`, and its tag probabilities."""

    start: float
    peak: float
    rms: float
    low_energy: float
    variation: float
    tags: np.ndarray = field(repr=False)


def cues(w: np.ndarray, power: np.ndarray) -> tuple[float, float]:
    """Two classic speech/music/noise cues of one patch (samples ``w``, mel power ``power``).

    ``low_energy``: the share of 20 ms frames below half the patch's mean RMS (speech pauses between syllables
    and words; Scheirer and Slaney 1997). ``variation``: the median over mel bands of the standard deviation, in
    dB, of the band's power averaged over 0.5 s blocks (stationary noise hardly varies; notes and beats do).
    """
    frames = w[: len(w) // 320 * 320].reshape(-1, 320).astype(np.float64)
    rms = np.sqrt((frames**2).mean(axis=1))
    low = float(np.mean(rms < 0.5 * rms.mean())) if rms.mean() > 0 else 1.0
    blocks = power[: len(power) // 31 * 31].reshape(-1, 31, power.shape[1]).mean(axis=1).astype(np.float64)
    variation = float(np.median((10 * np.log10(blocks + 1e-10)).std(axis=0)))
    return low, variation


class TagStream:
    """Mono audio at any rate in, tagged patches out, in bounded memory (a batch of patches at a time)."""

    def __init__(self, tagger: Tagger, rate: int):
        import soxr

        self.tagger = tagger
        self.resampler = soxr.ResampleStream(rate, SR, 1, dtype="float32", quality="HQ") if rate != SR else None
        self.stream = PatchStream()
        self.pending: list[tuple] = []
        self.patches: list[Patch] = []

    def push(self, y: np.ndarray) -> None:
        x = self.resampler.resample_chunk(y.astype(np.float32)) if self.resampler else y
        with one_blas_thread():
            for t, w in self.stream.push(x):
                self._add(t, w)

    def end(self) -> list[Patch]:
        with one_blas_thread():
            return self._end()

    def _end(self) -> list[Patch]:
        if self.resampler:
            for t, w in self.stream.push(self.resampler.resample_chunk(np.zeros(0, np.float32), last=True)):
                self._add(t, w)
        for t, w in self.stream.end():
            self._add(t, w)
        self._run()
        return self.patches

    def _add(self, t: float, w: np.ndarray) -> None:
        peak = float(np.abs(w).max())
        x = w / max(peak, PEAK_FLOOR)
        power = mel_power(x)
        rms = float(np.sqrt(np.mean(w.astype(np.float64) ** 2)))
        self.pending.append((t, peak, rms, *cues(x, power), logmel(x, power)))
        if len(self.pending) >= BATCH:
            self._run()

    def _run(self) -> None:
        if not self.pending:
            return
        tags, _ = self.tagger.run(np.stack([p[-1] for p in self.pending]))
        self.patches += [Patch(*p[:-1], q) for p, q in zip(self.pending, tags)]
        self.pending = []
