"""Segmentation of a digit string into digit images: connected components, merging of broken digits,
splitting of touching digits at column-projection minima."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass
class Piece:
    """A candidate digit: its box in the ink map and its mask-limited ink."""

    box: tuple[int, int, int, int]  # x, y, w, h
    ink: np.ndarray


def components(ink: np.ndarray, threshold: float = 0.35) -> tuple[list[Piece], float]:
    """Digit-sized ink groups left to right (broken strokes merged, punctuation dropped) and the digit height."""
    mask = (ink > threshold).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    comps = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= 4]
    if not comps:
        return [], 0.0
    tallest = max(stats[i, cv2.CC_STAT_HEIGHT] for i in comps)
    big = [stats[i, cv2.CC_STAT_HEIGHT] for i in comps if stats[i, cv2.CC_STAT_HEIGHT] >= 0.5 * tallest]
    height = float(np.median(big))
    groups: list[list[int]] = []
    for i in sorted(comps, key=lambda i: stats[i, 0]):
        x0, w = stats[i, 0], stats[i, 2]
        if groups:
            gx0 = min(stats[j, 0] for j in groups[-1])
            gx1 = max(stats[j, 0] + stats[j, 2] for j in groups[-1])
            overlap = min(gx1, x0 + w) - max(gx0, x0)
            if overlap >= 0.5 * min(w, gx1 - gx0):
                groups[-1].append(i)
                continue
        groups.append([i])
    pieces = []
    for g in groups:
        x0 = min(stats[j, 0] for j in g)
        y0 = min(stats[j, 1] for j in g)
        x1 = max(stats[j, 0] + stats[j, 2] for j in g)
        y1 = max(stats[j, 1] + stats[j, 3] for j in g)
        if y1 - y0 < 0.45 * height:  # dots, dashes, specks
            continue
        keep = np.isin(labels[y0:y1, x0:x1], g)
        pieces.append(Piece((x0, y0, x1 - x0, y1 - y0), np.where(keep, ink[y0:y1, x0:x1], 0)))
    return pieces, height


def split(piece: Piece, parts: int) -> list[Piece]:
    """``piece`` cut into ``parts`` at the weakest columns near the even cut positions."""
    if parts == 1:
        return [piece]
    x, y, w, h = piece.box
    profile = piece.ink.sum(0)
    cuts = [0]
    for k in range(1, parts):
        centre = round(k * w / parts)
        lo, hi = max(cuts[-1] + 2, centre - w // (3 * parts)), min(w - 2, centre + w // (3 * parts))
        cuts.append(lo + int(profile[lo:hi + 1].argmin()) if hi > lo else centre)
    cuts.append(w)
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        sub = piece.ink[:, a:b]
        rows = np.nonzero(sub.max(1) > 0.1)[0]
        if len(rows) == 0:
            continue
        r0, r1 = rows[0], rows[-1] + 1
        out.append(Piece((x + a, y + r0, b - a, r1 - r0), sub[r0:r1]))
    return out


def split_options(piece: Piece, height: float, digit_aspect: float = 0.55) -> list[list[Piece]]:
    """Ways to read ``piece`` as 1..k digits, k up to its width over the narrowest likely digit width;
    options with a part narrower than 0.3 or lower than 0.45 of the digit height are left out."""
    k_max = int(np.clip(round(piece.box[2] / (digit_aspect * height)), 1, 6))
    options = [split(piece, k) for k in range(1, k_max + 1)]
    return [o for i, o in enumerate(options)
            if i == 0 or min(min(p.box[2] / 0.3, p.box[3] / 0.45) for p in o) >= height]
