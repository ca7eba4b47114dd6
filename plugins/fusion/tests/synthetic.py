"""A drawn keyboard (C3 to C6 by default) and hands placed over its keys, with exact pixel positions."""

from __future__ import annotations

import numpy as np

WHITE_PCS = (0, 2, 4, 5, 7, 9, 11)
X0, Y0, WHITE_W, KEY_L = 40, 100, 40, 160  # left edge, back edge, white key width, key length (pixels)
SIZE = (1000, 330)  # width, height


def _whites(low: int, high: int) -> list[int]:
    return [p for p in range(low, high + 1) if p % 12 in WHITE_PCS]


def keyboard_image(low: int = 48, high: int = 84, upside_down: bool = False) -> np.ndarray:
    """A BGR image of a keyboard from ``low`` to ``high`` (white keys at both ends), seen from the player's side."""
    import cv2

    img = np.full((SIZE[1], SIZE[0], 3), 45, np.uint8)
    whites = _whites(low, high)
    for i, _ in enumerate(whites):
        x = X0 + i * WHITE_W
        cv2.rectangle(img, (x, Y0), (x + WHITE_W - 2, Y0 + KEY_L), (235, 235, 235), -1)
    for p in range(low, high + 1):
        if p % 12 not in WHITE_PCS:
            c = key_x(p, low)
            cv2.rectangle(img, (int(c - 12), Y0), (int(c + 12), Y0 + 100), (25, 25, 25), -1)
    return img[::-1, ::-1].copy() if upside_down else img


def key_x(pitch: int, low: int = 48) -> float:
    """Image x of a key's centre (a black key sits on the boundary of its white neighbours)."""
    whites = _whites(low, 127)
    if pitch % 12 in WHITE_PCS:
        return X0 + whites.index(pitch) * WHITE_W + WHITE_W / 2
    return X0 + whites.index(pitch + 1) * WHITE_W


def hand(tips_x: list[float], tip_y: float = Y0 + 140) -> np.ndarray:
    """(21, 3) landmarks with the fingertips (thumb to little finger) at ``tips_x``, the wrist towards the player."""
    pts = np.zeros((21, 3))
    tips_x = np.asarray(tips_x, float)
    centre = float(tips_x.mean())
    pts[0] = (centre, tip_y + 150, 0)
    for f in range(5):
        x = tips_x[f]
        base = (centre + (x - centre) * 0.7, tip_y + 70)
        for j in range(4):
            a = (j + 1) / 4
            pts[1 + 4 * f + j] = (base[0] + (x - base[0]) * a, base[1] + (tip_y - base[1]) * a, 0)
    return pts
