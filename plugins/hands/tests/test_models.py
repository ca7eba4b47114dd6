"""The shipped .task bundles: hash-verified, reproducible from their two models, refused when corrupt; the pose
bundle's landmark model is the wheel's model plus the metadata the Tasks API needs, and nothing else."""

import hashlib
import zipfile

import pytest

from platform_core import models
from platform_core.errors import ModelError
from recog_hands import bundle, landmarker
from recog_hands.landmarker import MODEL_IDS, POSE_MODEL_ID, Landmarker


@pytest.mark.parametrize("variant", ["full", "lite"])
def test_bundle_is_verified_and_rebuilds_to_the_same_hash(variant, tmp_path):
    card = models.card(MODEL_IDS[variant])
    path = models.path(card.id)  # raises when the file fails its hash check
    assert card.license == "Apache-2.0" and card.size == path.stat().st_size
    with zipfile.ZipFile(path) as z:
        assert tuple(z.namelist()) == bundle.MEMBERS
        detector, landmarks = (z.read(m) for m in bundle.MEMBERS)
    rebuilt = bundle.write_task(detector, landmarks, tmp_path / "x.task")
    assert hashlib.sha256(rebuilt.read_bytes()).hexdigest() == card.sha256


def test_pose_bundle_is_verified_rebuilds_and_carries_the_input_normalization(tmp_path):
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta
    from mediapipe.tasks.metadata import schema_py_generated as schema

    card = models.card(POSE_MODEL_ID)
    path = models.path(card.id)
    assert card.license == "Apache-2.0" and card.size == path.stat().st_size
    with zipfile.ZipFile(path) as z:
        assert tuple(z.namelist()) == bundle.POSE_MEMBERS
        detector, landmarks = (z.read(m) for m in bundle.POSE_MEMBERS)
    rebuilt = bundle.write_task(detector, landmarks, tmp_path / "x.task", bundle.POSE_MEMBERS)
    assert hashlib.sha256(rebuilt.read_bytes()).hexdigest() == card.sha256
    # the landmark model is a model without metadata plus exactly what pose_landmarks_model adds
    assert bundle.pose_landmarks_model(bundle.without_metadata(landmarks)) == landmarks
    model = schema.Model.GetRootAsModel(landmarks, 0)
    (buffer,) = [model.Metadata(i).Buffer() for i in range(model.MetadataLength())
                 if model.Metadata(i).Name() == b"TFLITE_METADATA"]
    md = meta.ModelMetadataT.InitFromObj(meta.ModelMetadata.GetRootAsModelMetadata(
        model.Buffers(buffer).DataAsNumpy().tobytes(), 0))
    (image,) = md.subgraphMetadata[0].inputTensorMetadata
    (norm,) = image.processUnits
    assert norm.optionsType == meta.ProcessUnitOptions.NormalizationOptions
    assert list(norm.options.mean) == [0.0] and list(norm.options.std) == [255.0]
    assert len(md.subgraphMetadata[0].outputTensorMetadata) == model.Subgraphs(0).OutputsLength() == 5
    with pytest.raises(ValueError, match="already"):
        bundle.with_metadata(landmarks, b"")


def test_corrupt_task_file_is_a_model_error(tmp_path, monkeypatch):
    bad = tmp_path / "bad.task"
    bad.write_bytes(b"PK\x03\x04 not a model bundle")
    monkeypatch.setattr(landmarker.models, "path", lambda model_id: bad)
    with pytest.raises(ModelError, match="bad.task"):
        Landmarker("full", "image")


def test_unknown_variant_is_a_model_error():
    with pytest.raises(ModelError, match="full or lite"):
        Landmarker("huge", "image")
