"""The shipped .task bundles: hash-verified, reproducible from their two models, refused when corrupt."""

import hashlib
import zipfile

import pytest

from platform_core import models
from platform_core.errors import ModelError
from recog_hands import bundle, landmarker
from recog_hands.landmarker import MODEL_IDS, Landmarker


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


def test_corrupt_task_file_is_a_model_error(tmp_path, monkeypatch):
    bad = tmp_path / "bad.task"
    bad.write_bytes(b"PK\x03\x04 not a model bundle")
    monkeypatch.setattr(landmarker.models, "path", lambda model_id: bad)
    with pytest.raises(ModelError, match="bad.task"):
        Landmarker("full", "image")


def test_unknown_variant_is_a_model_error():
    with pytest.raises(ModelError, match="full or lite"):
        Landmarker("huge", "image")
