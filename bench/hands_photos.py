"""Annotated hand photos for the hands benchmark: ground truth in MediaPipe's 21-point order, and PCK@0.2.

Reads ../shared/data/hands-photos (COCO-WholeBody people, InterHand2.6M studio crops, rendered RHD hands; validation
only) and makes a tight crop of ../shared/data/hands/hands.jpg around its first hand (the hand fills the frame).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
PHOTOS = SHARED / "hands-photos"
HANDS_JPG = SHARED / "hands" / "hands.jpg"
MIN_COCO_SCORE = 0.5  # COCO-WholeBody hand keypoints carry a score: hands scored lower are guesses, not truth
# InterHand2.6M orders each hand tip-to-root per finger with the wrist last; MediaPipe: wrist, then root-to-tip
INTERHAND_TO_MP = [20, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 19, 18, 17, 16]
RHD_TO_MP = [0, 4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9, 16, 15, 14, 13, 20, 19, 18, 17]  # RHD: wrist, then tip-to-root


@dataclass
class Photo:
    path: Path  # the image file to give `recog run`
    hands: list[np.ndarray]  # per hand (21, 2) pixel keypoints in MediaPipe's order
    source: str  # coco, interhand2.6m, rhd or crop


def available() -> bool:
    return PHOTOS.is_dir() and HANDS_JPG.is_file()


def coco() -> list[Photo]:
    d = json.loads((PHOTOS / "coco" / "test_coco_wholebody.json").read_text())
    hands: dict[int, list[np.ndarray]] = {}
    for a in d["annotations"]:
        for side in ("lefthand", "righthand"):
            k = np.array(a[f"{side}_kpts"], float).reshape(21, 3)
            if a[f"{side}_valid"] and k[:, 2].min() >= MIN_COCO_SCORE:
                hands.setdefault(a["image_id"], []).append(k[:, :2])
    return [Photo(PHOTOS / "coco" / im["file_name"], hands[im["id"]], "coco")
            for im in d["images"] if im["id"] in hands]


def interhand() -> list[Photo]:
    folder = PHOTOS / "interhand2.6m"
    data = json.loads((folder / "test_interhand2.6m_data.json").read_text())
    cams = json.loads((folder / "test_interhand2.6m_camera.json").read_text())
    joints = json.loads((folder / "test_interhand2.6m_joint_3d.json").read_text())
    anns = {a["image_id"]: a for a in data["annotations"]}
    out = []
    for im in data["images"]:
        cap, cam = str(im["capture"]), str(im["camera"])
        c = cams[cap]
        world = np.array(joints[cap][str(im["frame_idx"])]["world_coord"], float)  # (42, 3) mm
        rot, pos = np.array(c["camrot"][cam]), np.array(c["campos"][cam])
        xyz = (rot @ (world - pos).T).T
        px = xyz[:, :2] / xyz[:, 2:] * np.array(c["focal"][cam]) + np.array(c["princpt"][cam])
        valid = np.array(json.loads(anns[im["id"]]["joint_valid"]) if isinstance(anns[im["id"]]["joint_valid"], str)
                         else anns[im["id"]]["joint_valid"]).reshape(42) > 0
        hands = [px[s:s + 21][INTERHAND_TO_MP] for s in (0, 21) if valid[s:s + 21].all()]
        out.append(Photo(folder / im["file_name"], hands, "interhand2.6m"))
    return out


def rhd() -> list[Photo]:
    d = json.loads((PHOTOS / "rhd" / "test_rhd.json").read_text())
    anns = {a["image_id"]: a for a in d["annotations"]}
    out = []
    for im in d["images"]:
        k = anns[im["id"]]["keypoints"]
        k = np.array(json.loads(k) if isinstance(k, str) else k, float).reshape(21, 3)
        out.append(Photo(PHOTOS / "rhd" / im["file_name"], [k[RHD_TO_MP, :2]], "rhd"))
    return out


def crop(folder: Path) -> Photo:
    """The first hand of hands.jpg cropped to its keypoints' box plus 4 % (written into ``folder``)."""
    truth = np.array(json.loads(HANDS_JPG.with_name("hands.expected.json").read_text())["hands_xy"][0], float)
    image = cv2.imread(str(HANDS_JPG))
    (x0, y0), (x1, y1) = truth.min(0), truth.max(0)
    m = 0.04 * max(x1 - x0, y1 - y0)
    x0, y0 = int(max(0, x0 - m)), int(max(0, y0 - m))
    x1, y1 = int(min(image.shape[1], x1 + m)), int(min(image.shape[0], y1 + m))
    path = folder / "hands_tight_crop.png"
    cv2.imwrite(str(path), image[y0:y1, x0:x1])
    return Photo(path, [truth - (x0, y0)], "crop")


def photos(folder: Path) -> list[Photo]:
    """Every annotated photo, with the crop written into ``folder``."""
    return coco() + interhand() + rhd() + [crop(folder)]


def pck(truth: list[np.ndarray], found: list[np.ndarray], alpha: float = 0.2) -> tuple[int, int, int]:
    """(keypoints within ``alpha`` x the hand's box side, keypoints, hands matched) for one photo.

    True and found hands are paired one to one so that the paired hands' mean keypoint distances add up to the least
    (every pairing is tried: a photo holds a few hands); a true hand left unpaired, or with no keypoint within the
    radius, scores 0. (Until 2026-12-01 each true hand in turn took the nearest found hand left, which made two
    clasped hands depend on the order of the annotations.)
    """
    if not truth or not found:
        return 0, 21 * len(truth), 0
    err = np.array([[np.linalg.norm(f[:, :2] - t, axis=1) for f in found] for t in truth])  # (truth, found, 21)
    pairs = (zip(range(len(truth)), p) for p in itertools.permutations(range(len(found)), len(truth))) \
        if len(truth) <= len(found) else (zip(p, range(len(found))) for p in
                                          itertools.permutations(range(len(truth)), len(found)))
    best = min((list(p) for p in pairs), key=lambda p: sum(err[t, f].mean() for t, f in p))
    correct = matched = 0
    for t, f in best:
        ok = int((err[t, f] <= alpha * float((truth[t].max(0) - truth[t].min(0)).max())).sum())
        correct += ok
        matched += ok > 0
    return correct, 21 * len(truth), matched
