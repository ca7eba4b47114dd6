"""Photos: each view's affine matches its pixels and detections map back to the photo; one hand seen in several
views is kept once, clasped hands stay two; a hand seen in one zoomed view only must be seen again; the pose model
finds people, and the view around a person's hand finds a hand too small for the photo alone."""

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from recog_hands import photo
from recog_hands.landmarker import Detection, Landmarker, PoseLandmarker
from recog_hands.photo import around, padded, same_hand, tiles, tilted, to_photo, turns

FIXTURES = Path(__file__).parent / "fixtures"
RNG = np.random.default_rng(3)
PHOTO = RNG.integers(0, 256, (30, 44, 3), dtype=np.uint8)


def _hand(centre, side, angle=0.0) -> np.ndarray:
    """21 keypoints on a circle (a stand-in hand of size ``side``), x, y, z."""
    a = np.linspace(0, 2 * np.pi, 21, endpoint=False) + angle
    lm = np.zeros((21, 3), np.float32)
    lm[:, 0], lm[:, 1] = centre[0] + side / 2 * np.cos(a), centre[1] + side / 2 * np.sin(a)
    return lm


@pytest.mark.parametrize("views", [padded, tiles, turns, tilted,
                                   lambda im: iter([around(im, np.array([20.0, 11.0]), 16.0, size=64)])])
def test_view_pixels_sit_where_the_affine_puts_them_and_map_back(views):
    pts = np.array([[0, 0], [43, 0], [0, 29], [43, 29], [20, 11]], float)
    exact = views in (padded, tiles, turns)  # pure shifts and quarter turns: pixels copied as they are
    for view, m in views(PHOTO):
        at = pts @ m[:, :2].T + m[:, 2]
        inside = (at[:, 0] >= 1) & (at[:, 1] >= 1) & (at[:, 0] < view.shape[1] - 1) & (at[:, 1] < view.shape[0] - 1)
        for (x, y), (u, v) in zip(pts[inside].astype(int), np.rint(at[inside]).astype(int), strict=True):
            if exact:
                assert (view[v, u] == PHOTO[y, x]).all()
        lm = np.zeros((21, 3), np.float32)
        lm[:5, :2] = at
        lm[:5, 2] = 7.0
        world = np.tile(np.float32([[0.03, 0.0, 0.01]]), (21, 1))
        back = to_photo(Detection("Left", 0.9, lm, world), m)
        np.testing.assert_allclose(back.landmarks[:5, :2], pts, atol=1e-3)
        scale = float(np.sqrt(abs(np.linalg.det(m[:, :2]))))
        np.testing.assert_allclose(back.landmarks[:5, 2], 7.0 / scale, rtol=1e-5)  # z: view pixels -> photo pixels
        np.testing.assert_allclose(np.linalg.norm(back.world_landmarks[:, :2], axis=1), 0.03, rtol=1e-5)  # metres


def test_tilted_views_turn_the_photo_by_45_degrees_and_hold_all_of_it():
    bgr = np.zeros((30, 44, 3), np.uint8)
    bgr[14:16, :] = 255  # a horizontal bar
    for view, m in tilted(bgr):
        corners = np.array([[0, 0], [43, 0], [0, 29], [43, 29]], float) @ m[:, :2].T + m[:, 2]
        assert (corners >= -0.5).all() and (corners[:, 0] <= view.shape[1] + 0.5).all()
        assert (corners[:, 1] <= view.shape[0] + 0.5).all()
        ys, xs = np.nonzero(view[:, :, 0] > 128)
        slope = np.polyfit(xs, ys, 1)[0]
        assert abs(abs(slope) - 1.0) < 0.15


def test_same_hand_merges_one_hand_and_keeps_clasped_hands_apart():
    a = _hand((100, 100), 100)
    assert same_hand(a, _hand((110, 95), 100, angle=0.2))  # the same hand, a little off
    assert not same_hand(a, _hand((140, 100), 100, angle=1.5))  # another hand overlapping it (clasped hands)
    assert same_hand(a, _hand((120, 110), 40))  # a part of it: small, inside its box
    assert not same_hand(a, _hand((300, 100), 40))


def test_arm_views_and_fit_follow_the_pose():
    person = np.zeros((33, 3), np.float32)
    person[13] = (100, 300, 1)  # left elbow
    person[15] = (100, 200, 1)  # left wrist
    person[17], person[19] = (90, 170, 1), (110, 170, 1)  # pinky, index: a hand pointing up
    person[16, 2] = 0.1  # the right wrist is not seen: no view
    ((centre, side, wrist),) = photo.arm_views(person)
    np.testing.assert_allclose(centre, (103.33, 170), atol=0.01)
    assert side == pytest.approx(max(5.4 * np.hypot(3.33, 30), 120), rel=1e-3)
    hand = _hand((100, 160), 0.5 * side)
    hand[0, :2] = wrist
    assert photo.fits_arm(Detection("Left", 0.9, hand, hand), wrist, side)
    far = hand.copy()
    far[:, 0] += 0.5 * side
    assert not photo.fits_arm(Detection("Left", 0.9, far, far), wrist, side)  # not where the pose says
    tiny = _hand((100, 195), 0.1 * side)
    assert not photo.fits_arm(Detection("Left", 0.9, tiny, tiny), wrist, side)  # far too small for this arm


class Marker:
    """A stand-in hand detector: 21 red dots whose blue level numbers them are a hand's 21 keypoints (so, as with a
    real hand, each keypoint stays on its own spot of the photo in every view); views whose size is ``junk_shape``
    also hold a spurious hand in their top-left corner."""

    def __init__(self, junk_shape=None):
        self.junk_shape, self.calls = junk_shape, 0

    def __call__(self, view: np.ndarray) -> list[Detection]:
        self.calls += 1
        found = []
        b, g, r = (view[:, :, i].astype(int) for i in range(3))
        dots = [np.nonzero((r > 240) & (g < 10) & (abs(b - 20 - 10 * i) <= 3)) for i in range(21)]
        if all(len(ys) for ys, _ in dots):
            lm = np.zeros((21, 3), np.float32)
            lm[:, :2] = [(xs.mean(), ys.mean()) for ys, xs in dots]
            found.append(Detection("Left", 0.9, lm, np.zeros((21, 3), np.float32)))
        if view.shape[:2] == self.junk_shape:
            found.append(Detection("Right", 0.99, _hand((12, 12), 16), np.zeros((21, 3), np.float32)))
        return found


def _marker_photo() -> np.ndarray:
    bgr = np.full((200, 300, 3), 128, np.uint8)
    for i in range(21):
        x, y = 200 + 6 * (i % 5), 50 + 6 * (i // 5)
        bgr[y - 1:y + 2, x - 1:x + 2] = (20 + 10 * i, 0, 255)
    return bgr


def test_a_hand_seen_in_every_view_is_kept_once_as_the_photo_shows_it():
    detect = Marker()
    found = photo.detect_photo(detect, _marker_photo(), 4)
    assert len(found) == 1
    np.testing.assert_allclose(found[0].landmarks[0, :2], (200, 50), atol=0.01)  # from the photo itself
    assert detect.calls == 1 + 2 + 4 + 9  # the photo, two tilts, 2x2 and 3x3 tiles; no second look
    assert len(photo.detect_photo(Marker(), _marker_photo(), 4, more_views=False)) == 1


def test_a_hand_seen_in_one_zoomed_view_only_must_be_seen_again():
    bgr = _marker_photo()
    tile3 = (round(1.5 * 200 / 3), round(1.5 * 300 / 3))
    found = photo.detect_photo(Marker(junk_shape=tile3), bgr, 4)
    assert len(found) == 1 and found[0].handedness == "Left"  # the junk of single tiles is not confirmed
    empty = np.full((200, 300, 3), 128, np.uint8)
    detect = Marker()
    assert photo.detect_photo(detect, empty, 4) == []
    assert detect.calls == 1 + 2 + 4 + 9 + 1 + 3  # nothing found: the second look, padded and quarter turns


def test_pose_model_finds_the_skier_and_her_wrists():
    """The shipped pose bundle (the wheel's landmark model with the metadata added here) puts the wrists and elbows
    of a real photo where COCO's annotators did (coco_785_skier.jpg: COCO val2017 785, CC BY 2.0, halved)."""
    bgr = cv2.imread(str(FIXTURES / "coco_785_skier.jpg"))
    pose = PoseLandmarker()
    people = pose.detect(bgr)
    pose.close()
    assert len(people) == 1 and people[0].shape == (33, 3)
    coco = {13: (216.5, 71.0), 14: (170.5, 79.5), 15: (224.5, 82.5), 16: (154.5, 89.0)}  # COCO keypoints 7-10
    for i, xy in coco.items():
        assert np.linalg.norm(people[0][i, :2] - xy) < 10, i
        assert people[0][i, 2] > 0.5


def test_view_around_a_persons_hand_finds_a_hand_too_small_for_the_photo():
    """hands.jpg at a fifth of its size on a large canvas: MediaPipe finds neither hand in the photo itself; a pose
    (here made from the reference keypoints: wrist, index and pinky knuckles, an elbow below the wrist) points at
    each hand, and the upscaled view around it finds the hand where it is."""
    img = cv2.imread(str(FIXTURES / "hands.jpg"))
    expected = json.loads((FIXTURES / "hands.expected.json").read_text())["hands_xy"]
    s, (x0, y0) = 0.2, (300, 250)
    canvas = np.full((800, 800, 3), 200, np.uint8)
    small = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    canvas[y0:y0 + small.shape[0], x0:x0 + small.shape[1]] = small
    hands = [np.array(h) * s + (x0, y0) for h in expected]

    def people(_image):
        out = []
        for h in hands:
            p = np.zeros((33, 3), np.float32)
            p[15, :2], p[19, :2], p[17, :2] = h[0], h[5], h[17]
            p[13, :2] = h[0] + 2.5 * (h[0] - h[9])
            p[15, 2] = 1.0
            out.append(p)
        return out

    lm = Landmarker("full", "image", 2, 0.2, 0.2)
    try:
        assert lm.detect(canvas) == []
        found = photo.detect_photo(lm.detect, canvas, 2, more_views=False, second_look=False, people=people)
    finally:
        lm.close()
    assert len(found) == 2
    for h in hands:
        err = min(np.linalg.norm(d.landmarks[:, :2] - h, axis=1).mean() for d in found)
        assert err < 0.1 * photo.size(h)
