"""Fingertip tracks of a take on the keyboard: per frame and hand track, the five fingertips in keyboard
coordinates, interpolated at any video time, and each track's side."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recog_fusion.keyboard import Keyboard
from recog_fusion.model import TIPS, Take


@dataclass
class TipTracks:
    times: np.ndarray  # (n,) video time of each frame
    track_ids: list[int]
    sides: list[str]  # "left" / "right" per track
    joints: np.ndarray  # (n, K, 21, 3) image pixels and relative depth, NaN where the track is missing
    uv: np.ndarray  # (n, K, 21, 2) canonical keyboard coordinates

    @property
    def tips_uv(self) -> np.ndarray:
        return self.uv[:, :, TIPS]

    def at(self, tv: np.ndarray, what: np.ndarray) -> np.ndarray:
        """``what`` (n, ...) linearly interpolated at video times ``tv`` (m,); the nearer frame where a neighbour
        is missing; NaN outside the frames."""
        tv = np.asarray(tv, dtype=float)
        n = len(self.times)
        f = np.interp(tv, self.times, np.arange(n), left=np.nan, right=np.nan)
        bad = np.isnan(f)
        f = np.where(bad, 0, f)
        i0 = np.clip(np.floor(f).astype(int), 0, n - 1)
        i1 = np.clip(i0 + 1, 0, n - 1)
        a = (f - i0).reshape((-1,) + (1,) * (what.ndim - 1))
        p0, p1 = what[i0], what[i1]
        out = (1 - a) * p0 + a * p1
        out = np.where(np.isnan(p0), p1, np.where(np.isnan(p1), p0, out))
        out[bad] = np.nan
        return out


def tip_tracks(take: Take, keyboard: Keyboard) -> TipTracks:
    """The take's hands as arrays over (frame, track), with each track's side."""
    ids = sorted({tid for frame in take.hands for tid, _, _ in frame})
    col = {tid: k for k, tid in enumerate(ids)}
    n, k = len(take.times), len(ids)
    joints = np.full((n, k, 21, 3), np.nan)
    labels: dict[int, list[str]] = {tid: [] for tid in ids}
    for i, frame in enumerate(take.hands):
        for tid, side, pts in frame:
            joints[i, col[tid]] = pts
            labels[tid].append(side)
    uv = keyboard.to_canon(joints[..., :2]) if k else np.zeros((n, 0, 21, 2))
    return TipTracks(take.times, ids, _sides(ids, labels, uv), joints, uv)


def _sides(ids: list[int], labels: dict[int, list[str]], uv: np.ndarray) -> list[str]:
    """Each track's side: the hand nearer the bass when two hands are in view is the left one; a track never seen
    beside another takes the hand detector's vote."""
    sides = []
    wrist_u = uv[:, :, 0, 0] if len(ids) else np.zeros((len(uv), 0))
    for k, tid in enumerate(ids):
        bass = treble = 0
        for j in range(len(ids)):
            if j == k:
                continue
            both = ~np.isnan(wrist_u[:, k]) & ~np.isnan(wrist_u[:, j])
            bass += int(np.sum(wrist_u[both, k] < wrist_u[both, j]))
            treble += int(np.sum(wrist_u[both, k] > wrist_u[both, j]))
        if bass + treble >= 5:
            sides.append("left" if bass > treble else "right")
        else:
            votes = labels[tid]
            sides.append("left" if votes.count("Left") > votes.count("Right") else "right")
    return sides
