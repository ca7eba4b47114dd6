"""JSONL and BVH renderers on real landmarks from the bundled example video."""

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from test_bvh import forward_kinematics, parse_bvh

from platform_core import Context, Hand, HandsFrame, ImageFrame, Packet
from platform_core.errors import InputError
from recog_hands.bvh import to_bvh_axes
from recog_hands.renderers import BvhParams, HandsBvh, JsonlParams, LandmarksJsonl
from recog_hands.stage import HandLandmarks, LandmarksParams

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "hands" / "asl_hand.mp4"


@pytest.fixture(scope="module")
def packets():
    """Twelve frames of the example through hands.landmarks, with two empty frames at the end."""
    cap = cv2.VideoCapture(str(EXAMPLE))
    stage = HandLandmarks(LandmarksParams(), Context(input=str(EXAMPLE)))
    out = []
    for i in range(12):
        ok, image = cap.read()
        assert ok
        out.append(Packet(i / 25, stage(Packet(i / 25, ImageFrame(image, str(EXAMPLE), i), "image")), "hands"))
    stage.flush()
    out += [Packet(k / 25, HandsFrame(frame=k, width=620, height=1080), "hands") for k in (12, 13)]
    return out


def test_jsonl_has_one_line_per_frame(packets, tmp_path):
    ctx = Context(out_dir=tmp_path, stem="clip")
    r = LandmarksJsonl(JsonlParams(), ctx)
    for p in packets:
        r(p)
    r.close()
    assert ctx.outputs == [str(tmp_path / "clip.landmarks.jsonl")]
    lines = [json.loads(s) for s in (tmp_path / "clip.landmarks.jsonl").read_text().splitlines()]
    assert [x["frame"] for x in lines] == list(range(14))
    assert lines[-1]["hands"] == [] and abs(lines[-1]["t"] - 0.52) < 1e-9
    hand = lines[3]["hands"][0]
    assert hand["track_id"] == 1 and hand["handedness"] == "Right"
    want = packets[3].data.hands[0]
    assert np.allclose(hand["landmarks"], want.landmarks, atol=0.01)
    assert np.allclose(hand["world_landmarks"], want.world_landmarks, atol=1e-5)


def test_bvh_of_a_real_track_reproduces_its_joints(packets, tmp_path):
    ctx = Context(out_dir=tmp_path, stem="clip")
    r = HandsBvh(BvhParams(), ctx)
    for p in packets:
        r(p)
    r.close()
    assert ctx.outputs == [str(tmp_path / "clip.hand1.bvh")]
    names, parents, offsets, channels, frame_time, motion = parse_bvh((tmp_path / "clip.hand1.bvh").read_text())
    assert len(names) == 21 and len(motion) == 12 and abs(frame_time - 0.04) < 1e-6
    for row, p in zip(motion, packets, strict=False):
        want = to_bvh_axes(p.data.hands[0].world_landmarks, 100.0)
        got = forward_kinematics(parents, offsets, channels, row)
        err = np.linalg.norm(got - want, axis=1)
        assert err.mean() < 1.0 and err.max() < 2.5  # centimetres: bones keep their median lengths
        for i, parent in enumerate(parents):
            if parent > 0:  # finger bones point exactly where the landmarks do
                a, b = got[i] - got[parent], want[i] - want[parent]
                cos = a.dot(b) / np.linalg.norm(a) / np.linalg.norm(b)
                assert cos > np.cos(np.radians(0.5))


def test_renderers_refuse_other_kinds(tmp_path):
    with pytest.raises(InputError, match="hands frames"):
        LandmarksJsonl(JsonlParams(), Context(out_dir=tmp_path))(Packet(0.0, "text"))
    hand = Hand(1, "Left", 0.9, np.zeros((21, 3)), np.zeros((21, 3)))
    HandsBvh(BvhParams(), Context())(Packet(0.0, HandsFrame(0, [hand])))  # no --out: nothing to write
