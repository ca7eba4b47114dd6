"""The data the fusion stages pass on: a take (a video's hands and keyboard) and a fingering."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from recog_fusion.keyboard import Keyboard

TIPS = (4, 8, 12, 16, 20)  # MediaPipe landmarks of the thumb (finger 1) to the little finger (5)


@dataclass
class Take:
    """What the video holds: per frame its time and hands (track id, side, 21 landmarks in pixels with relative
    depth), and the keyboard found in it (or why none)."""

    source: str
    width: int
    height: int
    times: np.ndarray  # (n,) video time of each frame
    hands: list[list[tuple[int, str, np.ndarray]]]  # per frame: (track_id, "Left"/"Right", (21, 3))
    keyboard: Keyboard | None = None
    keyboard_error: str | None = None

    @property
    def fps(self) -> float:
        dts = np.diff(self.times)
        return float(1.0 / np.median(dts[dts > 0])) if np.any(dts > 0) else 30.0


@dataclass
class FingeredNote:
    """A played note with the hand and finger that played it (``None`` when no hand was near its key)."""

    pitch: int
    name: str
    onset: float
    offset: float
    velocity: int
    hand: str | None = None  # "left" / "right"
    finger: int | None = None  # 1 thumb .. 5 little finger
    confidence: float = 0.0
    key: list | None = None  # the key's outline in image pixels at the onset frame
    x: float | None = None
    y: float | None = None
    track_id: int | None = None

    def record(self) -> dict:
        return {"pitch": int(self.pitch), "name": self.name, "onset": round(float(self.onset), 4),
                "offset": round(float(self.offset), 4), "velocity": int(self.velocity), "hand": self.hand,
                "finger": None if self.finger is None else int(self.finger),
                "confidence": round(self.confidence, 3), "key": self.key,
                "x": None if self.x is None else round(self.x, 1), "y": None if self.y is None else round(self.y, 1),
                "track_id": None if self.track_id is None else int(self.track_id)}


@dataclass
class Fingering:
    """The fingered notes of a take, with what animation needs: per hand per frame the 21 joints in keyboard
    metres (``frames``: side -> (n, 21, 3), NaN where the hand is missing) at ``frame_times`` (audio time)."""

    notes: list[FingeredNote]
    source: str = ""
    from_video: bool = True
    offset_s: float = 0.0  # audio time minus video time
    offset_estimated: bool = False
    keyboard: Keyboard | None = None
    frame_times: np.ndarray = field(default_factory=lambda: np.zeros(0))
    frames: dict[str, np.ndarray] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0  # time spent in the fusion stage
    take: Take | None = None  # the video's hands, for the overlay

    def result(self) -> dict:
        with_finger = sum(n.finger is not None for n in self.notes)
        out = {"notes": len(self.notes), "with_finger": with_finger, "without_finger": len(self.notes) - with_finger,
               "left": sum(n.hand == "left" for n in self.notes), "right": sum(n.hand == "right" for n in self.notes),
               "source": "video" if self.from_video else "notes"}
        if self.from_video:
            out["offset_s"] = round(self.offset_s, 4)
            out["offset_estimated"] = self.offset_estimated
            out["keyboard"] = self.keyboard.summary() if self.keyboard is not None else None
        out["warnings"] = self.warnings
        out["fusion_seconds"] = round(self.seconds, 3)
        return out
