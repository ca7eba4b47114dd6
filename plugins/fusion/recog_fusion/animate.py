"""A posed hand that follows a fingering, for animation from notes alone: per hand per frame the 21 joints in
keyboard metres, the hand moved so that each playing finger is over its key, the finger down while its key
sounds."""

from __future__ import annotations

import numpy as np

from recog_fusion.keyboard import WHITE_KEY_M, white_index
from recog_fusion.model import FingeredNote, Fingering

# right hand at rest over the keys, metres: x from the middle finger, y from the keys' front edge (towards their
# back), z up. Per finger: base (MCP), middle (PIP), end (DIP), tip; the thumb's chain starts at its CMC.
_TIP_X = np.array([-2.0, -1.0, 0.0, 1.0, 2.0]) * WHITE_KEY_M
_TIP_Y = np.array([0.015, 0.045, 0.05, 0.045, 0.03])
_HOVER = 0.012  # fingertips above the keys when not pressing
_BLACK_Y, _BLACK_Z = 0.06, 0.012  # a black key is further back and higher


def _rest(tip_z: np.ndarray, tip_y: np.ndarray) -> np.ndarray:
    """(21, 3) right-hand joints for given fingertip heights and depths."""
    j = np.zeros((21, 3))
    j[0] = (0.0, -0.13, 0.05)  # wrist
    bases = [(-0.025, -0.10, 0.035)] + [(x * 0.8, -0.04, 0.05) for x in _TIP_X[1:]]
    for f in range(5):
        base = np.array(bases[f])
        tip = np.array([_TIP_X[f], tip_y[f], tip_z[f]])
        knee = (base + tip) / 2 + (0, 0, 0.02)
        chain = [base, (2 * base + knee) / 3 if f == 0 else knee, (knee + 2 * tip) / 3, tip]
        j[1 + 4 * f: 5 + 4 * f] = chain
    return j


def _key_x(pitch: int) -> float:
    return (white_index(pitch) - white_index(21) + 0.5) * WHITE_KEY_M


def animate(notes: list[FingeredNote], fps: float = 30.0) -> Fingering:
    """A fingering with keyframes of a posed hand per side (``from_video`` False)."""
    end = max((n.offset for n in notes), default=0.0) + 0.5
    times = np.arange(0.0, end, 1.0 / fps)
    out = Fingering(notes, from_video=False, frame_times=times)
    for side in ("left", "right"):
        mine = sorted((n for n in notes if n.hand == side and n.finger is not None), key=lambda n: n.onset)
        if not mine:
            continue
        mirror = -1.0 if side == "left" else 1.0
        # the hand's x at each onset puts the playing finger over its key; between onsets it glides
        anchor_t = np.array([n.onset for n in mine])
        anchor_x = np.array([_key_x(n.pitch) - mirror * _TIP_X[n.finger - 1] for n in mine])
        hand_x = np.interp(times, anchor_t, anchor_x)
        frames = np.zeros((len(times), 21, 3))
        for i, t in enumerate(times):
            tip_z, tip_y = np.full(5, _HOVER), _TIP_Y.copy()
            for n in mine:
                if n.onset <= t < n.offset:
                    black = n.pitch % 12 in (1, 3, 6, 8, 10)
                    tip_z[n.finger - 1] = _BLACK_Z if black else 0.0
                    tip_y[n.finger - 1] += _BLACK_Y if black else 0.0
            pose = _rest(tip_z, tip_y)
            pose[:, 0] = pose[:, 0] * mirror + hand_x[i]
            frames[i] = pose
        out.frames[side] = frames
    return out
