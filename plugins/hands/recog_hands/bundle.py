"""Build the HandLandmarker and PoseLandmarker ``.task`` bundles from the models inside the ``mediapipe==0.10.21``
wheel.

A hand ``.task`` file is a zip of ``hand_detector.tflite`` and ``hand_landmarks_detector.tflite``; a pose one of
``pose_detector.tflite`` and ``pose_landmarks_detector.tflite``. The zip is written with fixed dates and no
compression, so the same models always give the same sha256.

The wheel's ``pose_landmark_full.tflite`` carries no TFLite metadata, and the Tasks API refuses a float image input
without the metadata's input normalization ("requires specifying NormalizationOptions metadata"). :func:`with_metadata`
adds the metadata the Tasks API reads: one RGB image input scaled to [0, 1] (mean 0, std 255, as MediaPipe's own
pose landmark graph fed this model) and the names of the five outputs. The model's tensors and weights are untouched.

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
POSE_DETECTOR = "mediapipe/modules/pose_detection/pose_detection.tflite"  # has its metadata
POSE_LANDMARKS = "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"  # has none: see with_metadata
POSE_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
POSE_OUTPUTS = ("landmarks", "pose presence", "segmentation", "heatmap", "world landmarks")


def write_task(detector: bytes, landmarks: bytes, out: Path, members: tuple[str, str] = MEMBERS) -> Path:
    """Write a reproducible ``.task`` zip holding the two models."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in zip(members, (detector, landmarks), strict=True):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return out


def image_metadata(name: str, outputs: tuple[str, ...], mean: float = 0.0, std: float = 255.0) -> bytes:
    """A TFLite ``ModelMetadata`` buffer: one RGB image input normalized as (pixel - mean) / std, named outputs."""
    import flatbuffers
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta

    image = meta.TensorMetadataT()
    image.name = "image"
    image.content = meta.ContentT()
    image.content.contentPropertiesType = meta.ContentProperties.ImageProperties
    image.content.contentProperties = meta.ImagePropertiesT()
    image.content.contentProperties.colorSpace = meta.ColorSpaceType.RGB
    norm = meta.ProcessUnitT()
    norm.optionsType = meta.ProcessUnitOptions.NormalizationOptions
    norm.options = meta.NormalizationOptionsT()
    norm.options.mean, norm.options.std = [mean], [std]
    image.processUnits = [norm]
    image.stats = meta.StatsT()
    image.stats.min, image.stats.max = [(0.0 - mean) / std], [(255.0 - mean) / std]
    tensors = []
    for out in outputs:
        t = meta.TensorMetadataT()
        t.name = out
        t.content = meta.ContentT()
        t.content.contentPropertiesType = meta.ContentProperties.FeatureProperties
        t.content.contentProperties = meta.FeaturePropertiesT()
        tensors.append(t)
    graph = meta.SubGraphMetadataT()
    graph.inputTensorMetadata, graph.outputTensorMetadata = [image], tensors
    model = meta.ModelMetadataT()
    model.name, model.minParserVersion, model.subgraphMetadata = name, "1.0.0", [graph]
    b = flatbuffers.Builder(0)
    b.Finish(model.Pack(b), b"M001")
    return bytes(b.Output())


def with_metadata(model: bytes, metadata: bytes) -> bytes:
    """The TFLite ``model`` with ``metadata`` added as its ``TFLITE_METADATA`` buffer (as TFLite's metadata
    populator does: the flatbuffer is unpacked and packed again, tensors and weights unchanged)."""
    import flatbuffers
    import numpy as np
    from mediapipe.tasks.metadata import schema_py_generated as schema

    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    if any(md.name == b"TFLITE_METADATA" for md in m.metadata or []):
        raise ValueError("the model already carries TFLITE_METADATA")
    buf = schema.BufferT()
    buf.data = np.frombuffer(metadata, np.uint8)
    m.buffers.append(buf)
    entry = schema.MetadataT()
    entry.name, entry.buffer = "TFLITE_METADATA", len(m.buffers) - 1
    m.metadata = [*(m.metadata or []), entry]
    b = flatbuffers.Builder(0)
    b.Finish(m.Pack(b), b"TFL3")
    return bytes(b.Output())


def without_metadata(model: bytes) -> bytes:
    """The TFLite ``model`` with its ``TFLITE_METADATA`` entry and buffer removed: the inverse of with_metadata,
    for checking that a shipped model is a wheel model plus metadata and nothing else."""
    import flatbuffers
    from mediapipe.tasks.metadata import schema_py_generated as schema

    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    (entry,) = [md for md in m.metadata or [] if md.name == b"TFLITE_METADATA"]
    if entry.buffer != len(m.buffers) - 1:
        raise ValueError("TFLITE_METADATA is not the model's last buffer")
    m.buffers.pop()
    m.metadata = [md for md in m.metadata if md is not entry]
    b = flatbuffers.Builder(0)
    b.Finish(m.Pack(b), b"TFL3")
    return bytes(b.Output())


def pose_landmarks_model(wheel_model: bytes) -> bytes:
    """The wheel's pose landmark model with the metadata the Tasks API needs."""
    return with_metadata(wheel_model, image_metadata("PoseLandmarksDetector", POSE_OUTPUTS))


def from_wheel(wheel: Path, out_dir: Path) -> list[Path]:
    """Extract the models from the mediapipe wheel and write ``hand_landmarker_{full,lite}.task`` and
    ``pose_landmarker_full.task``."""
    with zipfile.ZipFile(wheel) as w:
        detector = w.read(DETECTOR)
        out = [write_task(detector, w.read(member), out_dir / f"hand_landmarker_{variant}.task")
               for variant, member in LANDMARKS.items()]
        out.append(write_task(w.read(POSE_DETECTOR), pose_landmarks_model(w.read(POSE_LANDMARKS)),
                              out_dir / "pose_landmarker_full.task", POSE_MEMBERS))
    return out


if __name__ == "__main__":
    for p in from_wheel(Path(sys.argv[1]), Path(sys.argv[2])):
        print(p)
