"""MediaPipe HandLandmarker (Tasks API) in image, video or live-stream mode, and PoseLandmarker in image mode (to find
the hands of people in photos), returning plain arrays."""

from __future__ import annotations

import atexit
import threading
import weakref
from dataclasses import dataclass

import cv2
import numpy as np

from platform_core import models
from platform_core.errors import InputError, ModelError

MODES = ("image", "video", "live")
MODEL_IDS = {"full": "hands.landmarker-full", "lite": "hands.landmarker-lite"}
POSE_MODEL_ID = "hands.pose-landmarker-full"
# MediaPipe closes a task from its __del__, and a close run by the garbage collector can deadlock on MediaPipe's
# dispatcher thread. So every task stays referenced here until it is closed in ordinary code: by close(), by
# the next Landmarker created after its owner was dropped unclosed (a run stopped by an error), or at exit.
_OPEN: set = set()
_ORPHANS: list = []


def _reap() -> None:
    while _ORPHANS:
        task = _ORPHANS.pop()
        if task in _OPEN:
            _OPEN.discard(task)
            task.close()


@atexit.register
def _close_all() -> None:
    _ORPHANS.extend(_OPEN)
    _reap()


class _Task:
    """Owner of one MediaPipe task, opened and closed through the bookkeeping above."""

    def _open(self, create, options, task) -> None:
        _reap()
        try:
            self._task = create(options)
        except Exception as e:  # MediaPipe raises plain runtime errors for bad model files
            raise ModelError(f"hands: MediaPipe cannot load {task}: {e}") from e
        _OPEN.add(self._task)
        self._finalizer = weakref.finalize(self, _ORPHANS.append, self._task)
        self._finalizer.atexit = False

    def close(self) -> None:
        self._finalizer.detach()
        if self._task in _OPEN:
            _OPEN.discard(self._task)
            self._task.close()


@dataclass
class Detection:
    """One hand found in one image, before tracking."""

    handedness: str  # "Left" or "Right", for a non-mirrored image
    score: float
    landmarks: np.ndarray  # (21, 3): x, y in pixels, z relative (same scale as x)
    world_landmarks: np.ndarray  # (21, 3) in metres, origin near the hand's centre


def check_image(image: np.ndarray, name: str) -> np.ndarray:
    """The image as contiguous uint8 H x W x 3, or an InputError naming ``name``."""
    if not isinstance(image, np.ndarray):
        raise InputError(f"{name}: expected an image array, got {type(image).__name__}")
    if image.ndim != 3 or image.shape[2] != 3:
        raise InputError(f"{name}: expected an H x W x 3 colour image, got shape {image.shape}")
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise InputError(f"{name}: the image is empty ({image.shape[1]} x {image.shape[0]} pixels)")
    if image.dtype != np.uint8:
        raise InputError(f"{name}: expected 8-bit pixels, got {image.dtype}")
    return np.ascontiguousarray(image)


class Landmarker(_Task):
    """A HandLandmarker for one running mode, fed BGR frames and returning :class:`Detection` lists.

    In ``live`` mode :meth:`submit` queues a frame and MediaPipe drops frames it cannot keep up with;
    finished results are collected with :meth:`collect`.
    """

    def __init__(self, variant: str = "full", mode: str = "video", num_hands: int = 2,
                 min_detection_confidence: float = 0.5, min_presence_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5, mirror: bool = False):
        if variant not in MODEL_IDS:
            raise ModelError(f"hands: unknown model variant {variant!r} (use full or lite)")
        if mode not in MODES:
            raise ValueError(f"hands: unknown mode {mode!r} (use {', '.join(MODES)})")
        import mediapipe as mp
        from mediapipe.tasks.python import BaseOptions, vision

        self._mp, self.mode, self.mirror = mp, mode, mirror
        self._sizes: dict[int, tuple[int, int]] = {}
        self._done: list[tuple[int, list[Detection]]] = []
        self._lock = threading.Lock()
        task = models.path(MODEL_IDS[variant])
        running = {"image": vision.RunningMode.IMAGE, "video": vision.RunningMode.VIDEO,
                   "live": vision.RunningMode.LIVE_STREAM}[mode]
        options = vision.HandLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(task)), running_mode=running, num_hands=num_hands,
            min_hand_detection_confidence=min_detection_confidence,
            min_hand_presence_confidence=min_presence_confidence,
            min_tracking_confidence=min_tracking_confidence,
            result_callback=self._on_result if mode == "live" else None)
        self._open(vision.HandLandmarker.create_from_options, options, task)

    def _image(self, bgr: np.ndarray, name: str):
        rgb = cv2.cvtColor(check_image(bgr, name), cv2.COLOR_BGR2RGB)
        return self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)

    def detect(self, bgr: np.ndarray, timestamp_ms: int = 0, name: str = "frame") -> list[Detection]:
        """Hands in one frame (image mode), or in the next frame of a video at ``timestamp_ms``."""
        image = self._image(bgr, name)
        if self.mode == "image":
            result = self._task.detect(image)
        elif self.mode == "video":
            result = self._task.detect_for_video(image, timestamp_ms)
        else:
            raise ValueError("hands: use submit() and collect() in live mode")
        return self._convert(result, bgr.shape[1], bgr.shape[0])

    def submit(self, bgr: np.ndarray, timestamp_ms: int, name: str = "frame") -> None:
        """Queue a frame in live mode; its result arrives later through :meth:`collect`."""
        with self._lock:
            self._sizes[timestamp_ms] = (bgr.shape[1], bgr.shape[0])
        self._task.detect_async(self._image(bgr, name), timestamp_ms)

    def _on_result(self, result, _image, timestamp_ms: int) -> None:
        with self._lock:
            w, h = self._sizes.pop(timestamp_ms, (0, 0))
            for t in [t for t in self._sizes if t < timestamp_ms]:  # frames MediaPipe dropped
                del self._sizes[t]
            self._done.append((timestamp_ms, self._convert(result, w, h)))

    def collect(self) -> list[tuple[int, list[Detection]]]:
        """Live results finished since the last call: (timestamp_ms, detections), oldest first."""
        with self._lock:
            done, self._done = self._done, []
        return done

    def pending(self) -> int:
        """Live frames submitted whose result has not arrived yet."""
        with self._lock:
            return len(self._sizes)

    def _convert(self, result, width: int, height: int) -> list[Detection]:
        out = []
        for lms, world, handed in zip(result.hand_landmarks, result.hand_world_landmarks, result.handedness,
                                      strict=True):
            px = np.array([(p.x * width, p.y * height, p.z * width) for p in lms], dtype=np.float32)
            wl = np.array([(p.x, p.y, p.z) for p in world], dtype=np.float32)
            label = handed[0].category_name
            if self.mirror:
                label = {"Left": "Right", "Right": "Left"}.get(label, label)
            out.append(Detection(label, float(handed[0].score), px, wl))
        return out


class PoseLandmarker(_Task):
    """MediaPipe's PoseLandmarker in image mode: people in one photo, each as 33 body keypoints."""

    def __init__(self, num_poses: int = 4, min_detection_confidence: float = 0.5,
                 min_presence_confidence: float = 0.5):
        import mediapipe as mp
        from mediapipe.tasks.python import BaseOptions, vision

        self._mp = mp
        task = models.path(POSE_MODEL_ID)
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(task)), running_mode=vision.RunningMode.IMAGE,
            num_poses=num_poses, min_pose_detection_confidence=min_detection_confidence,
            min_pose_presence_confidence=min_presence_confidence)
        self._open(vision.PoseLandmarker.create_from_options, options, task)

    def detect(self, bgr: np.ndarray, name: str = "photo") -> list[np.ndarray]:
        """People in the photo: per person a (33, 3) array of x, y in pixels and the keypoint's visibility."""
        rgb = cv2.cvtColor(check_image(bgr, name), cv2.COLOR_BGR2RGB)
        result = self._task.detect(self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb))
        h, w = bgr.shape[:2]
        return [np.array([(p.x * w, p.y * h, p.visibility or 0.0) for p in person], dtype=np.float32)
                for person in result.pose_landmarks]
