"""The ``hands.landmarks`` component: frames in, tracked (and optionally smoothed) hands out."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from platform_core import Context, Hand, HandsFrame, ImageFrame, Packet, Packets
from platform_core.errors import InputError
from recog_hands.landmarker import Detection, Landmarker, PoseLandmarker, check_image
from recog_hands.one_euro import OneEuroFilter
from recog_hands.params import LandmarksParams
from recog_hands.photo import detect_photo
from recog_hands.tracker import HandTracker

POSES = 4  # most people whose hands a photo's pose-guided views look at
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}


class HandLandmarks:
    """Runs MediaPipe on each frame, assigns track ids and smooths the landmarks when asked."""

    wants_packets = True
    emits_packets = True  # live mode returns the results MediaPipe has finished so far

    def __init__(self, params: LandmarksParams, context: Context):
        self.params, self.context = params, context
        self.tracker = HandTracker(reid_seconds=params.reid_seconds)
        self._landmarkers: dict[str, Landmarker] = {}
        self._pose: PoseLandmarker | None = None  # photos: loaded with the first photo
        self._filters: dict[int, tuple[OneEuroFilter, OneEuroFilter]] = {}
        self._last_ms = -1
        self._times: dict[int, tuple[float, int, int, int]] = {}  # live: timestamp_ms -> (t, frame, w, h)
        self.frames = 0
        self._track_frames: dict[int, int] = {}
        self._track_hands: dict[int, str] = {}
        self._last: HandsFrame | None = None
        self._with_hands = 0
        self._landmarker(self._mode(context.input or ""))  # load the model now, not on the first (live) frame

    def _landmarker(self, mode: str) -> Landmarker:
        if mode not in self._landmarkers:
            p = self.params
            detection, presence = ((p.photo_confidence,) * 2 if mode == "image"
                                   else (p.min_detection_confidence, p.min_presence_confidence))
            self._landmarkers[mode] = Landmarker(p.variant, mode, p.num_hands, detection, presence,
                                                 p.min_tracking_confidence, p.mirror)
        return self._landmarkers[mode]

    def _mode(self, source: str) -> str:
        if self.params.mode != "auto":
            return self.params.mode
        if Path(source).suffix.lower() in IMAGE_SUFFIXES:
            return "image"
        return "live" if self.context.live else "video"

    def __call__(self, packet: Packet):
        frame = packet.data
        if not isinstance(frame, ImageFrame):
            raise InputError(f"{self.context.input or 'hands'}: hands.landmarks takes image frames, "
                             f"got {type(frame).__name__}")
        name = f"{frame.source or self.context.input or 'frame'} (frame {frame.index})"
        check_image(frame.image, name)
        mode = self._mode(frame.source)
        landmarker = self._landmarker(mode)
        ts = max(int(round(packet.t * 1000)), self._last_ms + 1)  # MediaPipe needs increasing timestamps
        self._last_ms = ts
        if mode != "live":
            h, w = frame.image.shape[:2]
            p = self.params
            photo = mode == "image" and Path(frame.source or "").suffix.lower() in IMAGE_SUFFIXES
            if photo and (p.more_views or p.pose or p.second_look):
                if p.pose and self._pose is None:
                    self._pose = PoseLandmarker(num_poses=POSES)
                people = (lambda image: self._pose.detect(image, name)) if p.pose else None
                found = detect_photo(lambda image: landmarker.detect(image, ts, name), frame.image, p.num_hands,
                                     p.more_views, p.second_look, people)
            else:
                found = landmarker.detect(frame.image, ts, name)
            return self._frame(packet.t, frame.index, w, h, found)
        self._times[ts] = (packet.t, frame.index, frame.image.shape[1], frame.image.shape[0])
        landmarker.submit(frame.image, ts, name)
        return self._collected(landmarker)

    def _collected(self, landmarker: Landmarker) -> Packets | None:
        out = Packets()
        for ts, detections in landmarker.collect():
            t, index, w, h = self._times.pop(ts)
            for old in [k for k in self._times if k < ts]:  # frames MediaPipe dropped
                del self._times[old]
            out.append(Packet(t, self._frame(t, index, w, h, detections), "hands"))
        return out or None

    def flush(self):
        """End of stream: wait for live results still in MediaPipe, then release the landmarkers."""
        live = self._landmarkers.get("live")
        rest = None
        if live is not None:
            deadline = time.monotonic() + 5.0
            while live.pending() and time.monotonic() < deadline:
                time.sleep(0.005)
            rest = self._collected(live)
        for lm in self._landmarkers.values():
            lm.close()
        self._landmarkers.clear()
        if self._pose is not None:
            self._pose.close()
            self._pose = None
        return rest

    def _frame(self, t: float, index: int, width: int, height: int, detections: list[Detection]) -> HandsFrame:
        ids = self.tracker.update(t, [(d.landmarks, d.handedness, d.score, d.world_landmarks) for d in detections])
        hands = []
        for tid, d in zip(ids, detections, strict=True):
            track = next(tr for tr in self.tracker.tracks if tr.id == tid)
            landmarks, world = d.landmarks, d.world_landmarks
            if self.params.smoothing:
                f_px, f_world = self._filters.setdefault(tid, self._new_filters())
                landmarks = f_px(landmarks, t).astype(np.float32)
                world = f_world(world, t).astype(np.float32)
            # the handedness classifier is binary: its score for the track's side when the frame said the other
            score = d.score if d.handedness == track.handedness else 1.0 - d.score
            hands.append(Hand(track_id=tid, handedness=track.handedness, score=score, landmarks=landmarks,
                              world_landmarks=world))
            self._track_frames[tid] = self._track_frames.get(tid, 0) + 1
            self._track_hands[tid] = track.handedness
        self.frames += 1
        self._with_hands += bool(hands)
        self._last = HandsFrame(frame=index, hands=hands, width=width, height=height)
        return self._last

    def _new_filters(self) -> tuple[OneEuroFilter, OneEuroFilter]:
        p = self.params
        # world landmarks are in metres, pixels are ~1000x larger: scale beta to keep one behaviour
        return (OneEuroFilter(p.min_cutoff, p.beta, p.d_cutoff), OneEuroFilter(p.min_cutoff, p.beta * 1000, p.d_cutoff))

    def result(self):
        """One frame: that HandsFrame; several: counts per track."""
        if self.frames == 1:
            return self._last
        return {"frames": self.frames, "frames_with_hands": self._with_hands,
                "tracks": [{"track_id": tid, "handedness": self._track_hands[tid], "frames": n}
                           for tid, n in sorted(self._track_frames.items())]}
