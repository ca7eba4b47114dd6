"""Build the HandLandmarker ``.task`` bundles from the models inside the ``mediapipe==0.10.21`` wheel.

A ``.task`` file is a zip of ``hand_detector.tflite`` and ``hand_landmarks_detector.tflite``. The zip is
written with fixed dates and no compression, so the same models always give the same sha256.

    pip download --no-deps mediapipe==0.10.21 -d /tmp/mp
    python -m recog_hands.bundle /tmp/mp/mediapipe-0.10.21-*.whl recog_hands/models
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

WHEEL_VERSION = "0.10.21"
DETECTOR = "mediapipe/modules/palm_detection/palm_detection_full.tflite"
# The wheel's palm_detection_lite.tflite carries no input-normalization metadata, which the Tasks API
# requires, so both variants use the full palm detector and differ in the landmark model.
LANDMARKS = {
    "full": "mediapipe/modules/hand_landmark/hand_landmark_full.tflite",
    "lite": "mediapipe/modules/hand_landmark/hand_landmark_lite.tflite",
}
MEMBERS = ("hand_detector.tflite", "hand_landmarks_detector.tflite")


def write_task(detector: bytes, landmarks: bytes, out: Path) -> Path:
    """Write a reproducible ``.task`` zip holding the two models."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in zip(MEMBERS, (detector, landmarks), strict=True):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return out


def from_wheel(wheel: Path, out_dir: Path) -> list[Path]:
    """Extract the models from the mediapipe wheel and write ``hand_landmarker_{full,lite}.task``."""
    with zipfile.ZipFile(wheel) as w:
        detector = w.read(DETECTOR)
        return [write_task(detector, w.read(member), out_dir / f"hand_landmarker_{variant}.task")
                for variant, member in LANDMARKS.items()]


if __name__ == "__main__":
    for p in from_wheel(Path(sys.argv[1]), Path(sys.argv[2])):
        print(p)
