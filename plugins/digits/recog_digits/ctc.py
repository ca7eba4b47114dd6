"""CTC decoding of the CRNN's frames: best path, likelihood of a given string, consensus of several readings, and
per-digit alignment with labels, confidences and boxes."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from recog_digits.nets import BLANK
from recog_digits.preprocess import STRIDE

LOG_FLOOR = -1e4  # a reading with too few frames for a candidate votes strongly against it, not infinitely


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


def _lattice(probs: np.ndarray, labels: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CTC's lattice for ``labels``: its states (the labels with blanks around and between them), the log frame
    probabilities, and which states a path may reach by skipping the blank before them (a label unlike the last)."""
    ext = np.full(2 * len(labels) + 1, BLANK)
    ext[1::2] = labels
    skip = np.zeros(len(ext), bool)
    skip[2:] = (ext[2:] != BLANK) & (ext[2:] != ext[:-2])
    return ext, np.log(np.maximum(probs, 1e-30)), skip


def log_likelihood(probs: np.ndarray, labels: list[int]) -> float:
    """log p(labels | frames): CTC's forward sum over every path through (T, 11) frame probabilities."""
    ext, logp, skip = _lattice(probs, labels)
    alpha = np.full(len(ext), -np.inf)
    alpha[:2] = logp[0, ext[:2]]
    for t in range(1, len(logp)):
        prev = alpha.copy()
        alpha[1:] = np.logaddexp(alpha[1:], prev[:-1])
        alpha[skip] = np.logaddexp(alpha[skip], prev[:-2][skip[2:]])
        alpha += logp[t, ext]
    return float(np.logaddexp(alpha[-1], alpha[-2]) if len(ext) > 1 else alpha[-1])


def align(probs: np.ndarray, labels: list[int]) -> list[Emission]:
    """The digits of ``labels`` placed on their most likely CTC path (Viterbi) through (T, 11) frames."""
    ext, logp, skip = _lattice(probs, labels)
    n, steps = len(ext), len(logp)
    if steps < len(labels):
        return []
    score = np.full(n, -np.inf)
    score[:2] = logp[0, ext[:2]]
    back = np.zeros((steps, n), np.int8)  # how many states back each state came from
    for t in range(1, steps):  # CTC lattice: stay, step to the next state, or skip the blank before it
        stay, one, two = score, np.full(n, -np.inf), np.full(n, -np.inf)
        one[1:] = score[:-1]
        two[2:][skip[2:]] = score[:-2][skip[2:]]
        options = np.stack([stay, one, two])
        back[t] = options.argmax(0)
        score = options.max(0) + logp[t, ext]
    if not np.isfinite(score[-min(2, n):]).any():
        return []  # too few frames for these labels
    state = n - 1 if n == 1 or score[-1] >= score[-2] else n - 2
    path = np.empty(steps, int)
    for t in range(steps - 1, -1, -1):
        path[t] = state
        state -= back[t, state]
    out = []
    for k, label in enumerate(labels):
        ts = np.nonzero(path == 2 * k + 1)[0]
        run = probs[ts, label]
        peak = ts[0] + int(run.argmax())
        out.append(Emission(label, float(run.max()), (peak + 0.5) * STRIDE, ts[0] * STRIDE, (ts[-1] + 1) * STRIDE))
    return out


def consensus(readings: list[np.ndarray]) -> list[int]:
    """The labels most likely under all readings together (several models, several strips of one image).

    Candidates are each reading's best path; the one with the largest summed CTC log-likelihood wins, so a
    reading that is sure of a digit outweighs several that hesitate.
    """
    candidates = {tuple(e.label for e in best_path(r)) for r in readings}
    if len(candidates) == 1:
        return list(candidates.pop())
    scores = {c: sum(max(LOG_FLOOR, log_likelihood(r, list(c))) for r in readings) for c in sorted(candidates)}
    return list(max(scores, key=scores.get))


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
