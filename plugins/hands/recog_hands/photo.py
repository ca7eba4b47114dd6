"""Hands in still photos: MediaPipe's image mode on several views of the photo, the hands found mapped back to the
photo and merged.

- Always (``more_views``): the photo itself, the photo turned by +45 and -45 degrees (the palm detector misses some
  hands at odd angles) and overlapping tiles on 2x2 and 3x3 grids (each tile is 1.5 / n of the photo's side, so hands
  up to half the size the photo alone allows are seen).
- People (``pose``): MediaPipe's pose model finds people, and each arm whose wrist it sees gives a square view
  around the hand (from the wrist, index and pinky keypoints and the forearm's length), upscaled to 256 px, as
  MediaPipe Holistic does. A hand found there is kept only where the pose puts it: its wrist near the pose's wrist,
  its size a plausible share of the view.
- Second look (``second_look``), only when nothing was found: the photo padded (a hand that fills the frame loses
  the arm and wrist the palm detector looks for), then turned by quarter turns (hands upside down).

One hand found in several views is kept once (:func:`same_hand`): as the photo itself shows it when it does, else
as the view where MediaPipe's handedness score was highest. A hand seen in one view only, not the photo itself, is
kept when a view centred on it finds it again (:func:`confirmed`). Hands in the photo itself come first, then those
seen in more views.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import cv2
import numpy as np

from recog_hands.landmarker import Detection

View = tuple[np.ndarray, np.ndarray]  # (view image, photo-to-view 2x3 affine)
PAD = 0.5  # padding on each side, as a share of the photo's longer side
TILES = (2, 3)  # grids of overlapping tiles (each tile 1.5 / n of the photo's side)
TILT = 45.0  # degrees: the photo is also looked at turned by +TILT and -TILT
SAME_HAND = 0.3  # one hand when the keypoints lie this share of the larger hand's size apart, on average
PART = 0.6  # ... or when one, under this share of the other's size, lies inside the other's box
CROP = 256  # side in pixels of the upscaled view around a hand the pose points at
MIN_WRIST_VISIBILITY = 0.5  # arms whose wrist the pose model sees less surely give no view
# A hand found in the view around an arm must fit the pose: its wrist within this share of the view's side from the
# pose's wrist, and its size (the longer side of its keypoint box) within these shares of the view's side.
ARM_WRIST = 0.4
ARM_SIZE = (0.3, 0.9)
# (pose keypoint indices) elbow, wrist, pinky, index of the left and of the right arm
ARMS = ((13, 15, 17, 19), (14, 16, 18, 20))
CONFIRM = (2.0, 3.0)  # sides (x the hand's size) of the views that must find again a hand seen in one view only


def _warp(bgr: np.ndarray, m: np.ndarray, size: tuple[int, int], flags: int = cv2.INTER_LINEAR) -> np.ndarray:
    step = max(1, int(np.sqrt(bgr.shape[0] * bgr.shape[1] / 1e5)))  # the median of about 100k pixels
    fill = tuple(int(v) for v in np.median(bgr[::step, ::step].reshape(-1, 3), axis=0))
    return cv2.warpAffine(bgr, m, size, flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def padded(bgr: np.ndarray) -> Iterator[View]:
    """The photo in the middle of a larger canvas of its median colour; (view, photo-to-view affine)."""
    h, w = bgr.shape[:2]
    p = round(PAD * max(w, h))
    m = np.float32([[1, 0, p], [0, 1, p]])
    yield _warp(bgr, m, (w + 2 * p, h + 2 * p)), m


def tiles(bgr: np.ndarray) -> Iterator[View]:
    """Overlapping crops of the photo on each grid of TILES; (view, photo-to-view affine)."""
    h, w = bgr.shape[:2]
    for n in TILES:
        tw, th = round(1.5 * w / n), round(1.5 * h / n)
        for y in np.linspace(0, h - th, n).round().astype(int):
            for x in np.linspace(0, w - tw, n).round().astype(int):
                yield bgr[y:y + th, x:x + tw], np.float32([[1, 0, -x], [0, 1, -y]])


def turns(bgr: np.ndarray) -> Iterator[View]:
    """The photo turned by 90, 180 and 270 degrees; (view, photo-to-view affine)."""
    h, w = bgr.shape[:2]
    for code, m in ((cv2.ROTATE_90_CLOCKWISE, [[0, -1, h - 1], [1, 0, 0]]),
                    (cv2.ROTATE_180, [[-1, 0, w - 1], [0, -1, h - 1]]),
                    (cv2.ROTATE_90_COUNTERCLOCKWISE, [[0, 1, 0], [-1, 0, w - 1]])):
        yield cv2.rotate(bgr, code), np.float32(m)


def tilted(bgr: np.ndarray) -> Iterator[View]:
    """The photo turned by +TILT and -TILT degrees on a canvas that holds all of it; (view, photo-to-view affine)."""
    h, w = bgr.shape[:2]
    for deg in (TILT, -TILT):
        a = np.deg2rad(deg)
        vw = round(abs(w * np.cos(a)) + abs(h * np.sin(a)))
        vh = round(abs(w * np.sin(a)) + abs(h * np.cos(a)))
        m = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
        m[:, 2] += (vw / 2 - w / 2, vh / 2 - h / 2)
        m = np.float32(m)
        yield _warp(bgr, m, (vw, vh)), m


def around(bgr: np.ndarray, centre: np.ndarray, side: float, size: int = CROP) -> View:
    """A ``size`` x ``size`` view of the square of ``side`` pixels centred on ``centre`` (scaled, usually up)."""
    s = size / side
    m = np.float32([[s, 0, size / 2 - s * centre[0]], [0, s, size / 2 - s * centre[1]]])
    return _warp(bgr, m, (size, size), cv2.INTER_CUBIC), m


def to_photo(d: Detection, m: np.ndarray) -> Detection:
    """A detection made in a view, in the photo's pixels (``m``: the photo-to-view affine, a turn, shift and scale)."""
    inv = cv2.invertAffineTransform(m)
    a = inv[:, :2]
    scale = float(np.sqrt(abs(np.linalg.det(a))))
    px = d.landmarks.copy()
    px[:, :2] = px[:, :2] @ a.T + inv[:, 2]
    px[:, 2] *= scale  # z is in the view's pixels
    world = d.world_landmarks.copy()
    world[:, :2] = world[:, :2] @ (a / scale).T  # a turn turns the hand's own frame too; shifts and scales do not
    return Detection(d.handedness, d.score, px, world)


def size(landmarks: np.ndarray) -> float:
    """A hand's size: the longer side of its keypoint box."""
    return float(np.ptp(landmarks[:, :2], axis=0).max())


def same_hand(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two detections (21 keypoints each) are one hand: their keypoints lie on average less than SAME_HAND x
    the larger hand's size apart (two hands clasped together overlap in their boxes, but not so), or the smaller is
    under PART x the larger's size with the centre of its box inside the larger's box (a part of the hand)."""
    sa, sb = size(a), size(b)
    if max(sa, sb) <= 0:
        return False
    if float(np.linalg.norm(a[:, :2] - b[:, :2], axis=1).mean()) < SAME_HAND * max(sa, sb):
        return True
    small, big = (a, b) if sa < sb else (b, a)
    centre = (small[:, :2].min(axis=0) + small[:, :2].max(axis=0)) / 2
    inside = bool(((centre >= big[:, :2].min(axis=0)) & (centre <= big[:, :2].max(axis=0))).all())
    return inside and min(sa, sb) < PART * max(sa, sb)


def arm_views(person: np.ndarray) -> Iterator[tuple[np.ndarray, float, np.ndarray]]:
    """(centre, side, wrist) of a square around each hand of a person (33 pose keypoints: x, y, visibility).

    As MediaPipe Holistic: the hand's middle is (2 x index + pinky) / 3, the square's side 2.7 x twice the
    wrist-to-middle distance; at least 1.2 x the forearm (elbow to wrist), which holds better when the pose model
    puts the small hand keypoints badly."""
    for elbow, wrist, pinky, index in ARMS:
        if person[wrist, 2] < MIN_WRIST_VISIBILITY:
            continue
        w = person[wrist, :2]
        middle = (2 * person[index, :2] + person[pinky, :2]) / 3
        side = max(5.4 * float(np.linalg.norm(middle - w)), 1.2 * float(np.linalg.norm(w - person[elbow, :2])))
        if side >= 4:
            yield middle, side, w


def fits_arm(d: Detection, wrist: np.ndarray, side: float) -> bool:
    """Whether a hand found in the view around an arm is where, and as large as, the pose says."""
    near = np.linalg.norm(d.landmarks[0, :2] - wrist) <= ARM_WRIST * side
    return bool(near and ARM_SIZE[0] * side <= size(d.landmarks) <= ARM_SIZE[1] * side)


def confirmed(detect: Callable[[np.ndarray], list[Detection]], bgr: np.ndarray, d: Detection) -> bool:
    """Whether a view centred on a hand (CONFIRM x its size, upscaled to CROP pixels) finds the same hand again."""
    lo, hi = d.landmarks[:, :2].min(axis=0), d.landmarks[:, :2].max(axis=0)
    for k in CONFIRM:
        view, m = around(bgr, (lo + hi) / 2, k * max(size(d.landmarks), 1.0))
        if any(same_hand(to_photo(e, m).landmarks, d.landmarks) for e in detect(view)):
            return True
    return False


def detect_photo(detect: Callable[[np.ndarray], list[Detection]], bgr: np.ndarray, num_hands: int,
                 more_views: bool = True, second_look: bool = True,
                 people: Callable[[np.ndarray], list[np.ndarray]] | None = None) -> list[Detection]:
    """Hands in a still photo (see the module's docstring); ``detect`` finds hands in one image, ``people`` (when
    given) returns the pose keypoints of each person in the photo."""
    groups: list[list[Detection]] = []  # one list per hand: its detections in each view

    def look(views: Iterator[View], keep: Callable[[Detection], bool] | None = None) -> None:
        for view, m in views:
            for d in detect(view):
                d = to_photo(d, m)
                if keep is not None and not keep(d):
                    continue
                group = next((g for g in groups if same_hand(g[0].landmarks, d.landmarks)), None)
                if group is None:
                    groups.append([d])
                else:
                    group.append(d)

    look(iter([(bgr, np.float32([[1, 0, 0], [0, 1, 0]]))]))
    in_photo = {id(g) for g in groups}  # the hands seen in the photo itself
    if more_views:
        look(tilted(bgr))
        look(tiles(bgr))
    for person in people(bgr) if people is not None else []:
        for centre, side, wrist in arm_views(person):
            look(iter([around(bgr, centre, side)]), lambda d, w=wrist, s=side: fits_arm(d, w, s))
    if second_look:
        for views in (padded, turns) if more_views else (padded, tiles, turns, tilted):
            if groups:
                break
            look(views(bgr))
    # a hand seen in one view only, not the photo itself, must be seen again in a view centred on it
    groups = [g for g in groups if len(g) > 1 or id(g) in in_photo or confirmed(detect, bgr, g[0])]
    groups.sort(key=lambda g: (id(g) not in in_photo, -len(g), -max(d.score for d in g)))
    # each hand as the photo itself shows it, else as the view where its handedness score is highest
    return [g[0] if id(g) in in_photo else max(g, key=lambda d: d.score) for g in groups][:num_hands]
