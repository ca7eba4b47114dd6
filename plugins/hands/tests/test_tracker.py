"""Track ids on synthetic sequences: crossing hands, occlusion at the crossing, leaving and re-entering."""

import json
from pathlib import Path

import numpy as np

from recog_hands.tracker import HandTracker, bone_lengths

FIXTURES = Path(__file__).parent / "fixtures"


def _template(k: int, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """A real hand shape from the photo's reference keypoints, centred, with z = 0, and its 'world' points."""
    xy = np.array(json.loads((FIXTURES / "hands.expected.json").read_text())["hands_xy"][k], float)
    xy = (xy - xy.mean(axis=0)) * 0.5 * scale
    px = np.c_[xy, np.zeros(21)]
    return px, px / 1000.0  # world landmarks: metres, with a bone signature of their own per hand


def _crossing(n: int = 40, hidden: range = range(0, 0)):
    """Two hands moving across each other; the left hand is not detected during ``hidden`` frames."""
    left, left_w = _template(0)
    right, right_w = _template(1, scale=1.3)
    frames = []
    for i in range(n):
        x = 100 + 400 * i / (n - 1)
        dets = [(left + [x, 200, 0], "Left", 0.9, left_w), (right + [600 - x, 220, 0], "Right", 0.9, right_w)]
        if i in hidden:
            dets = dets[1:]
        frames.append(dets[::-1] if i % 2 else dets)  # detector order changes from frame to frame
    return frames


def _run(frames, fps=25.0, tracker=None):
    tracker = tracker or HandTracker()
    out = []
    for i, dets in enumerate(frames):
        ids = tracker.update(i / fps, dets)
        out.append({hd: tid for (_, hd, _, _), tid in zip(dets, ids, strict=True)})
    return out


def test_crossing_tracks_keep_their_ids():
    out = _run(_crossing())
    assert out[0]["Left"] != out[0]["Right"]
    assert all(o == out[0] for o in out)


def test_crossing_with_wrong_handedness_keeps_ids_by_motion():
    frames = _crossing()
    for dets in frames[18:22]:  # the detector swaps the labels while the hands overlap
        for k, (lm, hd, sc, w) in enumerate(dets):
            dets[k] = (lm, "Right" if hd == "Left" else "Left", sc, w)
    tracker = HandTracker()
    ids = [tracker.update(i / 25, dets) for i, dets in enumerate(frames)]
    # tell the hands apart by their size (the left one is the smaller template): each keeps one id
    smaller = [min(zip(dets, frame_ids, strict=True), key=lambda d: np.ptp(d[0][0][:, 0]))[1]
               for dets, frame_ids in zip(frames, ids, strict=True)]
    assert len(set(smaller)) == 1
    assert all(len(set(frame_ids)) == 2 for frame_ids in ids)


def test_hand_hidden_at_the_crossing_regains_its_id():
    out = _run(_crossing(hidden=range(15, 25)))
    assert all(o["Right"] == out[0]["Right"] for o in out)
    assert all(o["Left"] == out[0]["Left"] for o in out if "Left" in o)
    assert sum("Left" not in o for o in out) == 10


def test_hand_leaving_and_reentering_elsewhere_regains_its_id():
    hand, world = _template(0)
    tracker = HandTracker(reid_seconds=5.0)
    first = tracker.update(0.0, [(hand + [100, 100, 0], "Left", 0.9, world)])
    tracker.update(0.04, [(hand + [110, 100, 0], "Left", 0.9, world)])
    for k in range(2, 50):  # two seconds with no hand
        assert tracker.update(k * 0.04, []) == []
    back = tracker.update(2.0, [(hand + [600, 300, 0], "Left", 0.9, world)])
    assert back == first


def test_different_hand_entering_gets_a_new_id():
    hand, world = _template(0)
    other, other_w = _template(1, scale=1.6)
    tracker = HandTracker()
    first = tracker.update(0.0, [(hand, "Left", 0.9, world)])
    tracker.update(1.0, [])
    assert tracker.update(2.0, [(other + [300, 0, 0], "Right", 0.9, other_w)]) != first
    assert not np.allclose(bone_lengths(world), bone_lengths(other_w))


def test_no_hands_gives_no_ids():
    assert HandTracker().update(0.0, []) == []
