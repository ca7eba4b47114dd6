"""CTC best-path decoding with per-digit alignment: labels, confidences and boxes from the CRNN's frames."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recog_digits.nets import BLANK
from recog_digits.preprocess import STRIDE


@dataclass
class Emission:
    label: int
    confidence: float
    peak: float  # strip x of the run's most confident frame centre
    start: float  # strip x where the run begins
    end: float  # strip x where the run ends


def softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def best_path(probs: np.ndarray) -> list[Emission]:
    """Digits of the best CTC path through (T, 11) frame probabilities, each with its frames' place."""
    best = probs.argmax(-1)
    out: list[Emission] = []
    t = 0
    while t < len(best):
        c = int(best[t])
        u = t
        while u + 1 < len(best) and best[u + 1] == c:
            u += 1
        if c != BLANK:
            run = probs[t:u + 1, c]
            peak = t + int(run.argmax())
            out.append(Emission(c, float(run.max()), (peak + 0.5) * STRIDE, t * STRIDE, (u + 1) * STRIDE))
        t = u + 1
    return out


def columns(emissions: list[Emission], width: int) -> list[tuple[float, float]]:
    """The strip column range each digit owns: split half-way between neighbouring peaks."""
    if not emissions:
        return []
    peaks = [e.peak for e in emissions]
    gaps = np.diff(peaks)
    half = float(np.median(gaps)) / 2 if len(gaps) else width / 2
    bounds = [max(0.0, peaks[0] - 1.2 * half)]
    bounds += [(a + b) / 2 for a, b in zip(peaks, peaks[1:], strict=False)]
    bounds.append(min(float(width), peaks[-1] + 1.2 * half))
    return list(zip(bounds, bounds[1:], strict=False))
