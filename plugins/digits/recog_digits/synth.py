"""Synthetic digit strings from MNIST digits, and photometric/geometric degradation of string images."""

from __future__ import annotations

import cv2
import numpy as np

LENGTHS = np.array([1, 2, 3, 4, 5, 6, 7, 8])
LENGTH_P = np.array([0.07, 0.07, 0.13, 0.2, 0.23, 0.15, 0.09, 0.06])


def _digit_crop(d: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(d > 30)
    return d[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32) / 255


def _mark(kind: str, h: int, rng: np.random.Generator) -> np.ndarray:
    """Punctuation found on cheques: a dot, a comma, a dash or an equals sign (ink bright, float)."""
    t = max(2, round(h * rng.uniform(0.07, 0.12)))
    if kind in ".,":
        m = np.zeros((h, 2 * t + 2), np.float32)
        cv2.circle(m, (t + 1, h - t - 2), t, 1.0, -1)
        if kind == ",":
            cv2.line(m, (t + 1, h - t - 2), (0, h - 1), 1.0, max(1, t // 2))
        return m
    w = round(h * rng.uniform(0.3, 0.7))
    m = np.zeros((h, w + 2), np.float32)
    ys = [h // 2] if kind == "-" else [h // 2 - t - 1, h // 2 + t + 1]
    for y in ys:
        cv2.line(m, (1, y), (w, y + int(rng.integers(-2, 3))), 1.0, t)
    return m


def compose(x: np.ndarray, y: np.ndarray, rng: np.random.Generator,
            length: int | None = None) -> tuple[np.ndarray, str]:
    """A string of random MNIST digits (touching, spaced, with punctuation) as ink in [0, 1], and its label."""
    n = int(rng.choice(LENGTHS, p=LENGTH_P)) if length is None else length
    idx = rng.integers(0, len(x), n)
    height = 40
    parts, text = [], ""
    for k, i in enumerate(idx):
        c = _digit_crop(x[i])
        dh = round(height * rng.uniform(0.8, 1.05))
        dw = max(2, round(c.shape[1] * dh / c.shape[0] * rng.uniform(0.85, 1.15)))
        parts.append(("d", cv2.resize(c, (dw, dh), interpolation=cv2.INTER_LINEAR)))
        text += str(int(y[i]))
        if k < n - 1 and rng.random() < 0.08:
            parts.append(("p", _mark(str(rng.choice([".", ","])), height, rng)))
    if rng.random() < 0.3:
        parts.append(("p", _mark(str(rng.choice([".", "-", "="])), height, rng)))
    widths = [p.shape[1] for _, p in parts]
    canvas = np.zeros((height + 16, sum(widths) + 40 * len(parts) + 20), np.float32)
    cx = 8
    for kind, p in parts:
        gap = rng.uniform(-0.3, 0.45) * height * 0.5 if kind == "d" else rng.uniform(0, 0.2) * height
        cx = max(0, cx + round(gap))
        top = 8 + (height - p.shape[0]) // 2 + int(rng.integers(-3, 4)) if kind == "d" else 8
        top = int(np.clip(top, 0, canvas.shape[0] - p.shape[0]))
        region = canvas[top:top + p.shape[0], cx:cx + p.shape[1]]
        np.maximum(region, p[:, :region.shape[1]], out=region)
        cx += p.shape[1]
    canvas = canvas[:, :cx + 8]
    return canvas, text


def thickness(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Thicken or thin strokes at random."""
    r = rng.random()
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    if r < 0.25:
        return cv2.dilate(ink, k, iterations=int(rng.integers(1, 3)))
    if r < 0.4:
        return cv2.erode(ink, k)
    return ink


def geometry(img: np.ndarray, rng: np.random.Generator, border: int) -> np.ndarray:
    """Random rotation, shear and horizontal scale, filling with ``border``."""
    h, w = img.shape
    a = np.radians(rng.uniform(-4, 4))
    sh = rng.uniform(-0.3, 0.3)
    sx = rng.uniform(0.85, 1.15)
    m = np.array([[sx * np.cos(a), -np.sin(a) + sh, 0], [np.sin(a), np.cos(a), 0]], np.float32)
    corners = np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1]], np.float32) @ m.T
    m[:, 2] = -corners.min(0)
    size = np.ceil(corners.max(0) - corners.min(0)).astype(int)
    return cv2.warpAffine(img, m, (int(size[0]), int(size[1])), borderValue=border, flags=cv2.INTER_LINEAR)


def paper(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Render ink onto paper: background level, texture, lighting gradient, blur, noise; sometimes light on dark."""
    h, w = ink.shape
    bg = rng.uniform(140, 250)
    fg = rng.uniform(0, bg - 70)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    page = np.full((h, w), bg, np.float32)
    if rng.random() < 0.5:  # security-pattern texture
        f, ang = rng.uniform(0.15, 0.6), rng.uniform(0, np.pi)
        page += rng.uniform(3, 18) * np.sin(f * (xx * np.cos(ang) + yy * np.sin(ang)) + 3 * np.sin(0.05 * xx))
    if rng.random() < 0.5:  # uneven light
        page += rng.uniform(-30, 30) * (xx / w) + rng.uniform(-15, 15) * (yy / h)
    if rng.random() < 0.15:  # a printed line under or over the amount
        y = int(rng.choice([rng.integers(0, 4), rng.integers(h - 5, h)]))
        page[max(0, y):y + 2] -= rng.uniform(40, 100)
    img = page - ink * (bg - fg)
    if rng.random() < 0.5:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 1.2))
    img += rng.normal(0, rng.uniform(0, 10), img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    return 255 - img if rng.random() < 0.15 else img


def synthetic(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """A grey uint8 image of a synthetic digit string and its label."""
    ink, text = compose(x, y, rng)
    ink = thickness(ink, rng)
    return paper(geometry(ink, rng, 0), rng), text


def degrade(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Augment a real grey string image: geometry, stroke thickness, blur, contrast, noise, inversion."""
    border = int(np.median(g))
    g = geometry(g, rng, border)
    r = rng.random()
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    if r < 0.15:
        g = cv2.erode(g, k)  # dark ink grows
    elif r < 0.3:
        g = cv2.dilate(g, k)
    f = g.astype(np.float32)
    f = (f - border) * rng.uniform(0.6, 1.2) + border + rng.uniform(-30, 30)
    if rng.random() < 0.3:
        f = cv2.GaussianBlur(f, (0, 0), rng.uniform(0.3, 1.0))
    f += rng.normal(0, rng.uniform(0, 8), f.shape)
    g = np.clip(f, 0, 255).astype(np.uint8)
    return 255 - g if rng.random() < 0.1 else g
