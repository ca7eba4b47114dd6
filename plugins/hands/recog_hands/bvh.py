"""BVH export of a hand: a 21-joint skeleton (wrist root, five finger chains) with per-frame rotations.

The rest pose is an open flat hand: each finger straight along the direction of its base joint, bone
lengths the track's medians. Each frame, the wrist takes the palm's orientation (the rotation that best
fits the five finger bases) and every finger joint the rotation that points its bone at the next keypoint, so forward
kinematics reproduces the finger directions exactly and the finger bases up to the palm's own bending.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from recog_hands.skeleton import CHILDREN, JOINTS, PARENTS

# MediaPipe's frames are x right, y down, z away from the camera; BVH is y up: turn 180 degrees about x.
_TO_BVH = np.diag([1.0, -1.0, -1.0])


def palm_frame(p: np.ndarray) -> np.ndarray:
    """Rotation (columns: axes) of the palm from wrist (0), index base (5), middle base (9) and pinky base (17)."""
    up = p[9] - p[0]
    up /= max(np.linalg.norm(up), 1e-9)
    normal = np.cross(p[5] - p[0], p[17] - p[0])
    normal -= normal.dot(up) * up
    normal /= max(np.linalg.norm(normal), 1e-9)
    return np.stack([np.cross(up, normal), up, normal], axis=1)


def _fit(rest: np.ndarray, now: np.ndarray) -> np.ndarray:
    """The rotation that best turns the ``rest`` vectors (k, 3) onto the ``now`` vectors (Kabsch)."""
    u, _, vt = np.linalg.svd(now.T @ rest)
    d = np.sign(np.linalg.det(u @ vt))
    return u @ np.diag([1.0, 1.0, d]) @ vt


def _align(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The smallest rotation turning direction ``a`` onto direction ``b``."""
    a = a / max(np.linalg.norm(a), 1e-12)
    b = b / max(np.linalg.norm(b), 1e-12)
    v, c = np.cross(a, b), float(a.dot(b))
    if c < -1 + 1e-9:  # opposite: half a turn about any axis normal to a
        axis = np.cross(a, [1.0, 0, 0]) if abs(a[0]) < 0.9 else np.cross(a, [0, 1.0, 0])
        axis /= np.linalg.norm(axis)
        return 2 * np.outer(axis, axis) - np.eye(3)
    vx = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + vx + vx @ vx / (1 + c)


def euler_zxy(r: np.ndarray) -> np.ndarray:
    """Angles (z, x, y) in degrees with ``r = Rz @ Rx @ Ry``: BVH's ``Zrotation Xrotation Yrotation``."""
    x = np.arcsin(np.clip(r[2, 1], -1, 1))
    z = np.arctan2(-r[0, 1], r[1, 1])
    y = np.arctan2(-r[2, 0], r[2, 2])
    return np.degrees([z, x, y])


def rest_offsets(frames: np.ndarray) -> np.ndarray:
    """(21, 3) joint offsets from their parents in the rest pose, from (n, 21, 3) positions."""
    offsets = np.zeros((21, 3))
    palm = np.stack([palm_frame(p).T @ (p - p[0]).T for p in frames]).transpose(0, 2, 1)  # (n, 21, 3)
    base = np.median(palm, axis=0)
    for i in range(1, 21):
        parent = PARENTS[i]
        if parent == 0:
            offsets[i] = base[i]
            continue
        root = i - (i - 1) % 4  # the finger's base joint
        length = np.median(np.linalg.norm(frames[:, i] - frames[:, parent], axis=1))
        offsets[i] = base[root] / max(np.linalg.norm(base[root]), 1e-9) * length
    return offsets


def pose_rotations(p: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """(21, 3, 3) global rotations of the joints for positions ``p`` (21, 3)."""
    glob = np.zeros((21, 3, 3))
    bases = list(CHILDREN[0])
    glob[0] = _fit(offsets[bases], p[bases] - p[0])
    for i in range(1, 21):
        parent = glob[PARENTS[i]]
        kids = CHILDREN[i]
        if not kids:
            glob[i] = parent
            continue
        c = kids[0]
        glob[i] = _align(parent @ offsets[c], p[c] - p[i]) @ parent
    return glob


def write_bvh(path: Path, frames: np.ndarray, frame_time: float) -> Path:
    """Write (n, 21, 3) joint positions (BVH axes, any unit) as a BVH file with ``frame_time`` seconds per frame."""
    frames = np.asarray(frames, dtype=np.float64)
    if frames.ndim != 3 or frames.shape[1:] != (21, 3) or len(frames) == 0:
        raise ValueError(f"BVH export needs (n, 21, 3) positions, got {frames.shape}")
    offsets = rest_offsets(frames)
    lines = ["HIERARCHY"]

    def joint(i: int, depth: int) -> None:
        pad = "  " * depth
        head = "ROOT" if i == 0 else "JOINT"
        lines.append(f"{pad}{head} {JOINTS[i]}")
        lines.append(f"{pad}{{")
        lines.append(f"{pad}  OFFSET {offsets[i][0]:.6f} {offsets[i][1]:.6f} {offsets[i][2]:.6f}")
        channels = "6 Xposition Yposition Zposition" if i == 0 else "3"
        lines.append(f"{pad}  CHANNELS {channels} Zrotation Xrotation Yrotation")
        for c in CHILDREN[i]:
            joint(c, depth + 1)
        if not CHILDREN[i]:
            end = offsets[i] * 0.5
            lines.extend([f"{pad}  End Site", f"{pad}  {{",
                          f"{pad}    OFFSET {end[0]:.6f} {end[1]:.6f} {end[2]:.6f}", f"{pad}  }}"])
        lines.append(f"{pad}}}")

    joint(0, 0)
    lines += ["MOTION", f"Frames: {len(frames)}", f"Frame Time: {frame_time:.6f}"]
    order = _dfs_order()
    for p in frames:
        glob = pose_rotations(p, offsets)
        values = list(p[0])
        for i in order:
            local = glob[i] if i == 0 else glob[PARENTS[i]].T @ glob[i]
            values += list(euler_zxy(local))
        lines.append(" ".join(f"{v:.5f}" for v in values))
    path.write_text("\n".join(lines) + "\n")
    return path


def _dfs_order() -> list[int]:
    order: list[int] = []

    def visit(i: int) -> None:
        order.append(i)
        for c in CHILDREN[i]:
            visit(c)

    visit(0)
    return order


def to_bvh_axes(points: np.ndarray, scale: float) -> np.ndarray:
    """MediaPipe coordinates (..., 3) to BVH's y-up axes, multiplied by ``scale``."""
    return np.asarray(points, dtype=np.float64) @ _TO_BVH * scale
