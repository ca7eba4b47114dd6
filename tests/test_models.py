import sys

import numpy as np
import onnx
import pytest
import torch
import yaml
from onnx import TensorProto, helper

from platform_core import models
from platform_core.errors import ModelError


def write_onnx(path):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 3])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "relu", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8  # readable by every supported onnxruntime
    onnx.save(model, path)


@pytest.fixture
def registry_dir(tmp_path, monkeypatch):
    """An installed plugin distribution `toymodels` that ships relu.onnx and its card in toymodels/cards/."""
    site = tmp_path / "site"
    pkg = site / "toymodels"
    (pkg / "cards").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "plugin.py").write_text("")
    info = site / "toymodels-1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toymodels\nVersion: 1\n")
    (info / "entry_points.txt").write_text("[recog.plugins]\ntoymodels = toymodels.plugin\n")
    write_onnx(pkg / "relu.onnx")
    card = {"id": "toy.relu", "task": "test", "version": "1", "license": "MIT", "size": 0,
            "file": {"package": "toymodels", "path": "relu.onnx"}, "sha256": models.sha256_of(pkg / "relu.onnx")}
    (pkg / "cards" / "toy.relu.yaml").write_text(yaml.safe_dump(card))
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "toymodels", raising=False)
    models._verified.clear()
    return pkg / "cards", pkg


def test_session_is_verified_and_shared(registry_dir):
    s1 = models.onnx_session("toy.relu")
    assert s1 is models.onnx_session("toy.relu")
    out = s1.run(None, {"x": np.array([[-1, 0, 2]], np.float32)})[0]
    assert out.tolist() == [[0, 0, 2]]


def test_hash_mismatch_is_refused_naming_file_and_hash(registry_dir):
    reg, pkg = registry_dir
    expected = models.card("toy.relu").sha256
    with open(pkg / "relu.onnx", "ab") as f:
        f.write(b"tampered")
    with pytest.raises(ModelError) as e:
        models.path("toy.relu")
    assert str(pkg / "relu.onnx") in str(e.value) and expected in str(e.value)


def test_missing_card_and_file(registry_dir, tmp_path):
    with pytest.raises(ModelError, match="no model card 'toy.nope'"):
        models.card("toy.nope")
    with pytest.raises(ModelError, match="missing"):
        models.load_user_model(tmp_path / "nope.onnx")
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"garbage")
    with pytest.raises(ModelError, match="not a valid ONNX model"):
        models.load_user_model(bad)(np.zeros((1, 3)))


def test_user_models_onnx_and_torchscript_agree(tmp_path):
    write_onnx(tmp_path / "m.onnx")
    lin = torch.nn.Sequential(torch.nn.ReLU())
    torch.jit.script(lin).save(str(tmp_path / "m.pt"))
    x = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    a = models.load_user_model(tmp_path / "m.onnx")(x)
    b = models.load_user_model(tmp_path / "m.pt")(x)
    np.testing.assert_allclose(a, np.maximum(x, 0))
    np.testing.assert_allclose(b, a)
    with pytest.raises(ModelError, match="unknown format"):
        (tmp_path / "m.bin").write_bytes(b"x")
        models.load_user_model(tmp_path / "m.bin")


def test_a_user_model_by_path_is_announced_with_its_hash(tmp_path):
    path = tmp_path / "mine.onnx"
    write_onnx(path)
    with pytest.warns(models.UserModelWarning, match=f"mine.onnx is a user model.*{models.sha256_of(path)}"):
        models.load_user_model(path)
