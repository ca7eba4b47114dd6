"""Hands in still photos: MediaPipe's image mode, and a second look at other views of the photo when the first
finds no hand: the photo padded (a hand that fills the frame loses the arm and wrist the palm
detector looks for), overlapping tiles (hands small in a wide scene) and quarter turns (hands upside down)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import cv2
import numpy as np

from recog_hands.landmarker import Detection

PAD = 0.5  # padding on each side, as a share of the photo's longer side
TILES = (2, 3)  # grids of overlapping tiles (each tile 1.5 / n of the photo's side)
SAME_HAND = 0.5  # two detections are one hand when this share of the smaller one's keypoint box overlaps the other


def _warp(bgr: np.ndarray, m: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    fill = tuple(int(v) for v in np.median(bgr.reshape(-1, 3), axis=0))
    return cv2.warpAffine(bgr, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def padded(bgr: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The photo in the middle of a larger canvas of its median colour; (view, photo-to-view affine)."""
    h, w = bgr.shape[:2]
    p = round(PAD * max(w, h))
    m = np.float32([[1, 0, p], [0, 1, p]])
    yield _warp(bgr, m, (w + 2 * p, h + 2 * p)), m


def tiles(bgr: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Overlapping crops of the photo on each grid of TILES; (view, photo-to-view affine)."""
    h, w = bgr.shape[:2]
    for n in TILES:
        tw, th = round(1.5 * w / n), round(1.5 * h / n)
        for y in np.linspace(0, h - th, n).round().astype(int):
            for x in np.linspace(0, w - tw, n).round().astype(int):
                yield bgr[y:y + th, x:x + tw], np.float32([[1, 0, -x], [0, 1, -y]])


def turns(bgr: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The photo turned by 90, 180 and 270 degrees; (view, photo-to-view affine)."""
    h, w = bgr.shape[:2]
    for code, m in ((cv2.ROTATE_90_CLOCKWISE, [[0, -1, h - 1], [1, 0, 0]]),
                    (cv2.ROTATE_180, [[-1, 0, w - 1], [0, -1, h - 1]]),
                    (cv2.ROTATE_90_COUNTERCLOCKWISE, [[0, 1, 0], [-1, 0, w - 1]])):
        yield cv2.rotate(bgr, code), np.float32(m)


def to_photo(d: Detection, m: np.ndarray) -> Detection:
    """A detection made in a view, in the photo's pixels (``m``: the photo-to-view affine)."""
    inv = cv2.invertAffineTransform(m)
    px = d.landmarks.copy()
    px[:, :2] = px[:, :2] @ inv[:, :2].T + inv[:, 2]
    world = d.world_landmarks.copy()
    world[:, :2] = world[:, :2] @ inv[:, :2].T  # a turn turns the hand's own frame too; shifts leave it alone
    return Detection(d.handedness, d.score, px, world)


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection of the boxes around two hands' keypoints over the smaller box."""
    (ax0, ay0), (ax1, ay1) = a[:, :2].min(0), a[:, :2].max(0)
    (bx0, by0), (bx1, by1) = b[:, :2].min(0), b[:, :2].max(0)
    inter = max(0.0, min(ax1, bx1) - max(ax0, bx0)) * max(0.0, min(ay1, by1) - max(ay0, by0))
    smaller = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
    return float(inter / smaller) if smaller > 0 else 0.0


def detect_photo(detect: Callable[[np.ndarray], list[Detection]], bgr: np.ndarray,
                 num_hands: int) -> list[Detection]:
    """Hands in a still photo: ``detect`` on the photo; when it finds none, on the padded, then tiled, then turned
    views, until some view finds a hand. A hand found in several views of one kind is kept once."""
    found = detect(bgr)
    for views in (padded, tiles, turns):
        if found:
            break
        for view, m in views(bgr):
            for d in detect(view):
                d = to_photo(d, m)
                if all(overlap(d.landmarks, f.landmarks) < SAME_HAND for f in found):
                    found.append(d)
    return found[:num_hands]
