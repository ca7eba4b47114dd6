"""BVH export: the file parses and its forward kinematics reproduce the hand's joints."""

import json
from pathlib import Path

import numpy as np

from recog_hands.bvh import to_bvh_axes, write_bvh
from recog_hands.skeleton import JOINTS, PARENTS

FIXTURES = Path(__file__).parent / "fixtures"


def _rot(axis: str, deg: float) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return {"X": np.array([[1, 0, 0], [0, c, -s], [0, s, c]]),
            "Y": np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]),
            "Z": np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])}[axis]


def parse_bvh(text: str):
    """Joint names, parents, offsets, channels per joint, frame time and motion rows."""
    names, parents, offsets, channels, stack = [], [], [], [], []
    lines = iter(text.splitlines())
    for line in lines:
        w = line.split()
        if not w:
            continue
        if w[0] in ("ROOT", "JOINT"):
            names.append(w[1])
            parents.append(stack[-1] if stack else -1)
        elif w[0] == "End":
            next(lines), next(lines), next(lines)  # {, OFFSET, }
        elif w[0] == "{":
            stack.append(len(names) - 1)
        elif w[0] == "}":
            stack.pop()
        elif w[0] == "OFFSET":
            offsets.append([float(v) for v in w[1:4]])
        elif w[0] == "CHANNELS":
            channels.append(w[2:])
        elif w[0] == "MOTION":
            break
    n = int(next(lines).split()[1])
    frame_time = float(next(lines).split()[2])
    motion = np.array([[float(v) for v in next(lines).split()] for _ in range(n)])
    return names, parents, np.array(offsets), channels, frame_time, motion


def forward_kinematics(parents, offsets, channels, row):
    pos, rot, k = np.zeros((len(parents), 3)), np.zeros((len(parents), 3, 3)), 0
    for j, parent in enumerate(parents):
        local, translation = np.eye(3), offsets[j].copy()
        for ch in channels[j]:
            if ch.endswith("position"):
                translation["XYZ".index(ch[0])] = row[k]
            else:
                local = local @ _rot(ch[0], row[k])
            k += 1
        if parent < 0:
            pos[j], rot[j] = translation, local
        else:
            pos[j] = pos[parent] + rot[parent] @ translation
            rot[j] = rot[parent] @ local
    return pos


def _flexing_hand(n: int = 12) -> np.ndarray:
    """A rigid-boned hand from real proportions that turns, moves and curls its fingers."""
    xy = np.array(json.loads((FIXTURES / "hands.expected.json").read_text())["hands_xy"][0], float)
    rest = np.c_[xy - xy[0], np.zeros(21)] * 0.05  # centimetres-ish
    frames = []
    for f in range(n):
        curl = 40.0 * f / n
        pts = np.zeros((21, 3))
        for i in range(1, 21):
            parent = PARENTS[i]
            bone = rest[i] - rest[parent]
            depth = (i - 1) % 4  # 0 at a finger's base
            bend = _rot("X", curl * depth)
            pts[i] = pts[parent] + bend @ bone if parent else bone
        turn = _rot("Y", 5.0 * f) @ _rot("Z", 3.0 * f)
        frames.append(pts @ turn.T + [f, 2 * f, 0])
    return np.array(frames)


def test_bvh_round_trip_reproduces_joints(tmp_path):
    frames = _flexing_hand()
    path = write_bvh(tmp_path / "hand.bvh", frames, 1 / 25)
    names, parents, offsets, channels, frame_time, motion = parse_bvh(path.read_text())
    assert names == list(JOINTS) and parents == list(PARENTS)
    assert len(motion) == len(frames) and abs(frame_time - 0.04) < 1e-6
    assert len(motion[0]) == 6 + 20 * 3
    for row, want in zip(motion, frames, strict=True):
        got = forward_kinematics(parents, offsets, channels, row)
        assert np.abs(got - want).max() < 1e-3


def test_bvh_axes_turn_y_up():
    p = to_bvh_axes(np.array([[1.0, 2.0, 3.0]]), 100.0)
    assert np.allclose(p, [[100.0, -200.0, -300.0]])


def test_bvh_refuses_wrong_shape(tmp_path):
    import pytest

    with pytest.raises(ValueError, match=r"\(n, 21, 3\)"):
        write_bvh(tmp_path / "x.bvh", np.zeros((3, 20, 3)), 0.04)
