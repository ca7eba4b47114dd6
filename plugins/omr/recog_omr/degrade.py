"""Scan and photo degradations of rendered pages: skew, perspective, uneven light, blur, noise, JPEG."""

from __future__ import annotations

import random

import cv2
import numpy as np


def degrade(gray: np.ndarray, rng: random.Random) -> np.ndarray:
    """A randomly degraded copy of a grey page (uint8)."""
    img = gray.astype(np.float32)
    h, w = img.shape
    pad = int(0.04 * max(h, w))
    img = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    h, w = img.shape
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    j = 0.015 * min(h, w) if rng.random() < 0.5 else 0.0
    dst = src + np.float32([[rng.uniform(-j, j), rng.uniform(-j, j)] for _ in range(4)])
    angle = rng.uniform(-3, 3)
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    dst = cv2.transform(dst[None], rot)[0].astype(np.float32)
    img = cv2.warpPerspective(img, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=255)
    if rng.random() < 0.7:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        a, b = rng.uniform(-1, 1), rng.uniform(-1, 1)
        light = 1 - rng.uniform(0.1, 0.45) * ((a * xx / w + b * yy / h) - min(0, a) - min(0, b)) / (abs(a) + abs(b))
        img = img * light
    img = img * rng.uniform(0.8, 1.0) + rng.uniform(0, 30)
    if rng.random() < 0.6:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 1.3))
    if rng.random() < 0.7:
        img = img + np.random.default_rng(rng.randrange(1 << 30)).normal(0, rng.uniform(2, 14), img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.7:
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(25, 90)])
        img = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return img
