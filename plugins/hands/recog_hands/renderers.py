"""Renderers: hand landmarks as JSON lines (one record per frame) and as BVH skeletons (one file per track)."""

from __future__ import annotations

import json

import numpy as np

from platform_core import Context, HandsFrame, Packet
from platform_core.errors import InputError
from recog_hands.bvh import to_bvh_axes, write_bvh
from recog_hands.params import BvhParams, JsonlParams


def _hands_frame(packet: Packet, who: str) -> HandsFrame:
    if not isinstance(packet.data, HandsFrame):
        raise InputError(f"{who} takes hands frames, got {type(packet.data).__name__}")
    return packet.data


def frame_record(t: float, frame: HandsFrame) -> dict:
    """The JSON record of one frame: t, frame, size and hands with their landmarks."""
    return {
        "t": round(float(t), 6), "frame": frame.frame, "width": frame.width, "height": frame.height,
        "hands": [{"track_id": h.track_id, "handedness": h.handedness, "score": round(float(h.score), 4),
                   "landmarks": np.round(np.asarray(h.landmarks, dtype=float), 2).tolist(),
                   "world_landmarks": np.round(np.asarray(h.world_landmarks, dtype=float), 5).tolist()}
                  for h in frame.hands],
    }


class LandmarksJsonl:
    """Writes ``<stem>.landmarks.jsonl``: one line per frame, empty ``hands`` when no hand is in view."""

    wants_packets = True

    def __init__(self, params: JsonlParams, context: Context):
        self.context = context
        self.path = context.output_path(".landmarks.jsonl", params.path)
        self._file = open(self.path, "w", buffering=1) if self.path else None  # line-buffered: live readers

    def __call__(self, packet: Packet) -> None:
        record = frame_record(packet.t, _hands_frame(packet, "hands.landmarks-jsonl"))
        if self._file:
            self._file.write(json.dumps(record) + "\n")

    def close(self) -> None:
        if self._file:
            self._file.close()
            self._file = None
            self.context.wrote(self.path)


class HandsBvh:
    """Writes ``<stem>.hand<track_id>.bvh`` for each track; frames where the hand is missing hold its last pose."""

    wants_packets = True

    def __init__(self, params: BvhParams, context: Context):
        self.params, self.context = params, context
        self._times: list[float] = []
        self._tracks: dict[int, list[tuple[float, np.ndarray]]] = {}

    def __call__(self, packet: Packet) -> None:
        frame = _hands_frame(packet, "hands.bvh")
        self._times.append(packet.t)
        for h in frame.hands:
            if self.params.space == "world":
                points = to_bvh_axes(h.world_landmarks, 100.0)
            else:
                points = to_bvh_axes(h.landmarks, 1.0)
            self._tracks.setdefault(h.track_id, []).append((packet.t, points))

    def close(self) -> None:
        if self.context.out_dir is None:
            return
        if self.params.fps:
            step = 1.0 / self.params.fps
        else:
            dts = np.diff(self._times)
            step = float(np.median(dts[dts > 0])) if np.any(dts > 0) else 1 / 30
        for tid, samples in sorted(self._tracks.items()):
            if len(samples) < self.params.min_frames:
                continue
            t0 = samples[0][0]
            n = int(round((samples[-1][0] - t0) / step)) + 1
            frames = np.zeros((n, 21, 3))
            filled = np.zeros(n, bool)
            for t, points in samples:
                k = min(int(round((t - t0) / step)), n - 1)
                frames[k], filled[k] = points, True
            for k in range(1, n):
                if not filled[k]:
                    frames[k] = frames[k - 1]
            path = self.context.output_path(f".hand{tid}.bvh")
            write_bvh(path, frames, step)
            self.context.wrote(path)
