"""Drawing results on images: digit boxes, hand skeletons, score symbols, labels.

``draw(image, data)`` dispatches on the kind of ``data`` and returns a new BGR image. A third-party kind takes
part by giving its data class a ``draw(image) -> image`` method, which ``draw`` calls.
"""

from __future__ import annotations

import json
from typing import Any

import cv2
import numpy as np

from platform_core.kinds import Classification, DigitString, HandsFrame, ImageFrame, Score
from recog_io.records import to_record

# MediaPipe's 21-point hand topology: thumb, index, middle, ring, pinky, and the palm
HAND_CONNECTIONS = (
    (0, 1), (1, 2), (2, 3), (3, 4),
    (0, 5), (5, 6), (6, 7), (7, 8),
    (9, 10), (10, 11), (11, 12),
    (13, 14), (14, 15), (15, 16),
    (0, 17), (17, 18), (18, 19), (19, 20),
    (5, 9), (9, 13), (13, 17),
)
PALETTE = ((0, 200, 255), (255, 120, 0), (80, 220, 80), (200, 60, 220), (0, 90, 255), (220, 220, 0))
FONT = cv2.FONT_HERSHEY_SIMPLEX


def _scale(image: np.ndarray) -> float:
    """Line and text scale for an image: 1 at 400 px on the short side."""
    return max(0.5, min(image.shape[:2]) / 400.0)


def label(image: np.ndarray, text: str, org: tuple[int, int], color=(0, 0, 255), scale: float | None = None) -> None:
    """Write ``text`` with its baseline-left corner at ``org`` on a filled box, in place, kept inside the image."""
    s = scale or _scale(image)
    font_scale, thick = 0.5 * s, max(1, round(s))
    (w, h), base = cv2.getTextSize(text, FONT, font_scale, thick)
    x = int(min(max(org[0], 0), max(0, image.shape[1] - w - 2)))
    y = int(min(max(org[1], h + 2), image.shape[0] - base - 1))
    cv2.rectangle(image, (x - 1, y - h - 2), (x + w + 1, y + base), (255, 255, 255), -1)
    cv2.putText(image, text, (x, y), FONT, font_scale, color, thick, cv2.LINE_AA)


def box(image: np.ndarray, xywh, color=(0, 0, 255), text: str | None = None) -> None:
    """Draw the rectangle ``(x, y, w, h)`` and its label above it, in place."""
    x, y, w, h = (int(round(float(v))) for v in xywh)
    cv2.rectangle(image, (x, y), (x + w, y + h), color, max(1, round(_scale(image))))
    if text:
        label(image, text, (x, y - 3), color)


def headline(image: np.ndarray, text: str, row: int = 0, color=(0, 0, 0)) -> None:
    """Write ``text`` on line ``row`` of the top-left corner, in place."""
    s = _scale(image)
    (_, h), base = cv2.getTextSize("Ag", FONT, 0.5 * s, max(1, round(s)))
    label(image, text, (4, (row + 1) * (h + base + 4)), color)


def draw_digits(image: np.ndarray, digits: DigitString, row: int = 0) -> np.ndarray:
    """A box per digit with its label and confidence, and the whole string on line ``row`` at the top left."""
    for d in digits.digits:
        box(image, d.box, (0, 0, 255), f"{d.label} {d.confidence:.2f}")
    headline(image, f"{digits.text} ({digits.confidence:.2f})", row, (0, 0, 160))
    return image


def draw_hands(image: np.ndarray, hands: HandsFrame, row: int = 0) -> np.ndarray:
    """Each hand's 21 landmarks and skeleton in its track's colour, labelled with track id and handedness."""
    s = _scale(image)
    for hand in hands.hands:
        color = PALETTE[hand.track_id % len(PALETTE)]
        pts = np.asarray(hand.landmarks, float)[:, :2]
        ipts = [(int(round(x)), int(round(y))) for x, y in pts]
        for a, b in HAND_CONNECTIONS:
            cv2.line(image, ipts[a], ipts[b], color, max(1, round(2 * s)), cv2.LINE_AA)
        for p in ipts:
            cv2.circle(image, p, max(2, round(3 * s)), (255, 255, 255), -1, cv2.LINE_AA)
            cv2.circle(image, p, max(2, round(3 * s)), color, 1, cv2.LINE_AA)
        x0, y0 = pts.min(axis=0)
        label(image, f"#{hand.track_id} {hand.handedness} {hand.score:.2f}", (int(x0), int(y0) - 6), color)
    return image


def draw_score(image: np.ndarray, score: Score, row: int = 0) -> np.ndarray:
    """A box and label for every recognised symbol that carries ``box: [x, y, w, h]`` and ``label``."""
    for sym in score.symbols:
        if isinstance(sym, dict) and sym.get("box") is not None:
            box(image, sym["box"], (200, 0, 200), str(sym.get("label", "")) or None)
    return image


def draw_classification(image: np.ndarray, c: Classification, row: int = 0) -> np.ndarray:
    """The label and its score on line ``row`` at the top left."""
    score = c.scores.get(c.label)
    headline(image, f"{c.label} {score:.2f}" if score is not None else c.label, row, (0, 120, 0))
    return image


def draw_caption(image: np.ndarray, data: Any, row: int = 0) -> np.ndarray:
    """A one-line summary of data no drawer knows, on line ``row`` at the top left."""
    text = json.dumps(to_record(data), separators=(",", ":"))
    headline(image, f"{type(data).__name__}: {text[:80]}{'...' if len(text) > 80 else ''}", row, (60, 60, 60))
    return image


_DRAWERS = {DigitString: draw_digits, HandsFrame: draw_hands, Score: draw_score,
            Classification: draw_classification}


def draw(image: np.ndarray | ImageFrame, *items: Any) -> np.ndarray:
    """A copy of ``image`` with every item drawn on it, in order."""
    out = np.ascontiguousarray((image.image if isinstance(image, ImageFrame) else image).copy())
    row = 0  # top-left text lines used so far
    for data in items:
        if data is None:
            continue
        drawer = next((f for cls, f in _DRAWERS.items() if isinstance(data, cls)), None)
        if callable(getattr(data, "draw", None)) and drawer is None:
            drawn = data.draw(out)
            out = out if drawn is None else np.ascontiguousarray(drawn)
            continue
        out = (drawer or draw_caption)(out, data, row)
        row += drawer not in (draw_hands, draw_score)
    return out
