"""Print-and-capture degradations of staff crops for training, as they look after the page's light flattening and
the crop's resampling: paper texture, faded ink, ink bleed or thin print, blur, low resolution, residual bends,
JPEG."""

from __future__ import annotations

import cv2
import numpy as np


def _smooth_field(shape: tuple[int, int], scale: float, rng: np.random.Generator) -> np.ndarray:
    """Low-frequency noise in [-1, 1] whose features are about ``scale`` pixels wide."""
    h, w = shape
    small = rng.uniform(-1, 1, (max(2, int(h / scale) + 2), max(2, int(w / scale) + 2))).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC).clip(-1, 1)


def _bend(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Columns shifted up and down smoothly by up to 1.5 rows: a staff the page dewarp did not fully straighten."""
    h, w = x.shape
    dy = _smooth_field((1, w), rng.uniform(40, 200), rng)[0] * rng.uniform(0.3, 1.5)
    map_x = np.broadcast_to(np.arange(w, dtype=np.float32)[None], (h, w))
    map_y = (np.arange(h, dtype=np.float32)[:, None] + dy[None, :]).astype(np.float32)
    return cv2.remap(x, map_x, np.ascontiguousarray(map_y), cv2.INTER_LINEAR, borderValue=0)


def capture(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A degraded copy of a staff crop (ink 1 on paper 0, float32) as a phone photo or an old scan might give."""
    x = ink.astype(np.float32)
    h, w = x.shape
    if rng.random() < 0.4:
        x = _bend(x, rng)
    if rng.random() < 0.4:  # thick (ink bleed, heavy engraving) or thin print
        k = np.ones((2, 2), np.uint8)
        x = cv2.dilate(x, k) if rng.random() < 0.5 else cv2.erode(x, k) * 0.5 + x * 0.5
    if rng.random() < 0.3:  # low resolution
        f = rng.uniform(0.45, 0.8)
        small = cv2.resize(x, (max(4, int(w * f)), max(4, int(h * f))), interpolation=cv2.INTER_AREA)
        x = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.5:
        x = cv2.GaussianBlur(x, (0, 0), rng.uniform(0.4, 1.3))
    # faded ink and paper texture, as left by the page's light flattening (which divides out shading)
    x = x * rng.uniform(0.75, 1.0)
    paper = rng.uniform(0, 0.07) * (0.5 + 0.5 * _smooth_field((h, w), rng.uniform(2, 20), rng))
    x = x + (1 - x) * paper
    x = x + rng.normal(0, rng.uniform(0, 0.04), x.shape).astype(np.float32)
    x = np.clip(x, 0, 1)
    if rng.random() < 0.4:
        ok, buf = cv2.imencode(".jpg", (255 * (1 - x)).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY,
                                                                           int(rng.integers(20, 85))])
        x = 1 - cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE).astype(np.float32) / 255
    return x
