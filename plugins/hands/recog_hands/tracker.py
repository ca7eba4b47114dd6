"""Stable track ids for hands across frames, independent of the detector.

Each frame, live tracks are matched to detections by the optimal assignment of a cost: the mean
keypoint distance to the track's position predicted at constant velocity, in units of the hand's size,
plus a penalty when the handedness differs. Detections left over are re-identified with tracks lost
in the last ``reid_seconds`` of the same handedness whose bone lengths (from the world landmarks, so
independent of the distance to the camera) match; anything else starts a new track.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from recog_hands.skeleton import PARENTS

_BONES = [(p, i) for i, p in enumerate(PARENTS) if p >= 0]


def hand_size(landmarks: np.ndarray) -> float:
    """Diagonal of the keypoints' bounding box in pixels (at least 1)."""
    xy = landmarks[:, :2]
    return max(float(np.linalg.norm(xy.max(axis=0) - xy.min(axis=0))), 1.0)


def bone_lengths(world: np.ndarray) -> np.ndarray:
    """The 20 bone lengths of a hand in metres: a signature that does not change with its position."""
    return np.array([np.linalg.norm(world[i] - world[p]) for p, i in _BONES])


@dataclass
class Track:
    id: int
    landmarks: np.ndarray  # (21, 3) pixels, last seen
    t: float  # time last seen
    velocity: np.ndarray = field(default_factory=lambda: np.zeros((21, 3)))  # pixels per second
    votes: dict[str, float] = field(default_factory=dict)  # handedness -> decayed sum of scores
    bones: np.ndarray | None = None  # running mean of bone lengths
    seen: int = 0

    @property
    def handedness(self) -> str:
        return max(self.votes, key=self.votes.get) if self.votes else ""

    def predict(self, t: float) -> np.ndarray:
        return self.landmarks + self.velocity * min(t - self.t, 0.5)


class HandTracker:
    """Assigns a ``track_id`` to each detection of each frame; call :meth:`update` once per frame in time order."""

    def __init__(self, max_cost: float = 1.0, handedness_penalty: float = 0.3, lost_seconds: float = 0.5,
                 reid_seconds: float = 10.0, reid_tolerance: float = 0.2):
        self.max_cost, self.handedness_penalty = max_cost, handedness_penalty
        self.lost_seconds, self.reid_seconds, self.reid_tolerance = lost_seconds, reid_seconds, reid_tolerance
        self.tracks: list[Track] = []
        self._next_id = 1

    def _cost(self, track: Track, t: float, landmarks: np.ndarray, handedness: str) -> float:
        predicted = track.predict(t)
        scale = max(hand_size(predicted), hand_size(landmarks))
        dist = float(np.linalg.norm(predicted[:, :2] - landmarks[:, :2], axis=1).mean()) / scale
        return dist + (self.handedness_penalty if track.handedness and track.handedness != handedness else 0.0)

    def _reid_cost(self, track: Track, handedness: str, world: np.ndarray | None) -> float:
        if track.handedness != handedness:
            return np.inf
        if world is None or track.bones is None:
            return 0.0
        return float(np.mean(np.abs(bone_lengths(world) - track.bones) / np.maximum(track.bones, 1e-4)))

    def update(self, t: float, hands: list[tuple[np.ndarray, str, float, np.ndarray | None]]) -> list[int]:
        """Track ids for ``hands`` = [(landmarks (21,3) px, handedness, score, world (21,3) or None)] at time ``t``."""
        self.tracks = [tr for tr in self.tracks if t - tr.t <= self.reid_seconds]
        live = [tr for tr in self.tracks if t - tr.t <= self.lost_seconds]
        ids: list[int | None] = [None] * len(hands)
        costs = np.array([[self._cost(tr, t, lm, hd) for lm, hd, _, _ in hands] for tr in live]).reshape(
            len(live), len(hands))
        for r, c in _assign(costs, self.max_cost):
            ids[c] = live[r].id
        taken = {i for i in ids if i is not None}
        for c, (_, hd, _, world) in enumerate(hands):
            if ids[c] is not None:
                continue
            lost = [tr for tr in self.tracks if tr.id not in taken and tr.t < t]
            scored = [(self._reid_cost(tr, hd, world), -tr.t, tr.id) for tr in lost]
            scored = [s for s in scored if s[0] <= self.reid_tolerance]
            if scored:
                ids[c] = min(scored)[2]
            else:
                ids[c] = self._next_id
                self._next_id += 1
            taken.add(ids[c])
        for tid, (lm, hd, score, world) in zip(ids, hands, strict=True):
            self._observe(tid, t, lm, hd, score, world)
        return ids

    def _observe(self, tid: int, t: float, landmarks: np.ndarray, handedness: str, score: float,
                 world: np.ndarray | None) -> None:
        track = next((tr for tr in self.tracks if tr.id == tid), None)
        landmarks = np.asarray(landmarks, dtype=np.float64)
        if track is None:
            track = Track(tid, landmarks.copy(), t)
            self.tracks.append(track)
        else:
            dt = t - track.t
            gap_ok = 0 < dt <= self.lost_seconds
            track.velocity = (landmarks - track.landmarks) / dt if gap_ok else np.zeros_like(landmarks)
            track.landmarks, track.t = landmarks.copy(), t
        for k in track.votes:
            track.votes[k] *= 0.9
        track.votes[handedness] = track.votes.get(handedness, 0.0) + score
        if world is not None:
            b = bone_lengths(world)
            track.bones = b if track.bones is None else track.bones + (b - track.bones) / min(track.seen + 1, 30)
        track.seen += 1


def _assign(costs: np.ndarray, max_cost: float) -> list[tuple[int, int]]:
    """Row-column pairs minimising the total cost, leaving out pairs costlier than ``max_cost``."""
    rows, cols = costs.shape
    if rows == 0 or cols == 0:
        return []
    if min(rows, cols) > 6:  # more hands than any frame holds in practice: greedy is enough
        pairs, used_r, used_c = [], set(), set()
        for r, c in sorted(np.ndindex(rows, cols), key=lambda rc: costs[rc]):
            if r not in used_r and c not in used_c and costs[r, c] <= max_cost:
                pairs.append((r, c))
                used_r.add(r)
                used_c.add(c)
        return pairs
    best, best_pairs = np.inf, []
    gated = np.where(costs <= max_cost, costs, np.inf)
    if rows <= cols:
        options = ((list(range(rows)), list(p)) for p in itertools.permutations(range(cols), rows))
    else:
        options = ((list(p), list(range(cols))) for p in itertools.permutations(range(rows), cols))
    for rs, cs in options:
        pairs = [(r, c) for r, c in zip(rs, cs, strict=True) if np.isfinite(gated[r, c])]
        # prefer more matches, then lower total cost
        total = sum(gated[r, c] for r, c in pairs) - 1000.0 * len(pairs)
        if total < best:
            best, best_pairs = total, pairs
    return best_pairs
