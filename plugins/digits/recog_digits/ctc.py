"""CTC best-path decoding with per-digit alignment: labels, confidences and boxes from the CRNN's frames."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
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


def boxes(emissions: list[Emission], mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """A box (x0, y0, x1, y1) in strip pixels per digit, from the ink components its peak falls in.

    A component holding one peak goes whole to that digit; one holding several (touching digits) is cut
    half-way between their peaks; a digit-tall component holding none (a broken stroke) joins the nearest
    peak; small ones without a peak (dots, dashes) belong to no digit.
    """
    owner = np.full(mask.shape, -1, np.int32)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    peaks = np.array([e.peak for e in emissions])
    tall = stats[1:, cv2.CC_STAT_HEIGHT].max() if n > 1 else 0
    for c in range(1, n):
        x, _, w, h, _ = stats[c]
        inside = np.nonzero((peaks >= x) & (peaks < x + w))[0]
        if len(inside) == 0:
            if h < 0.5 * tall or len(peaks) == 0:
                continue
            inside = [int(np.abs(peaks - (x + w / 2)).argmin())]
        cols = np.arange(mask.shape[1])
        cuts = [(peaks[a] + peaks[b]) / 2 for a, b in zip(inside, inside[1:], strict=False)]
        which = np.asarray(inside)[np.searchsorted(cuts, cols)]
        sel = labels == c
        owner[sel] = np.broadcast_to(which, mask.shape)[sel]
    out = []
    for k, (a, b) in enumerate(columns(emissions, mask.shape[1])):
        ys, xs = np.nonzero(owner == k)
        if len(xs) == 0:  # no ink of its own: the frames' columns, full height
            out.append((int(a), 0, int(np.ceil(b)), mask.shape[0]))
        else:
            out.append((int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1))
    return out
