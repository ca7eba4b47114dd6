"""Several CRNNs merged into one ONNX file: the same frames as each member alone, read by the reader as one model."""

import numpy as np
import onnxruntime as ort
import pytest
import torch

from recog_digits.ensemble import merge
from recog_digits.nets import CRNN
from recog_digits.reader import Model


def export(net: torch.nn.Module, path) -> None:
    net.eval()
    torch.onnx.export(net, torch.zeros(1, 1, 32, 64), str(path), input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {3: "width"}, "logits": {1: "frames"}}, dynamo=False)


@pytest.fixture(scope="module")
def members(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("members")
    paths = []
    for seed, channels in ((0, (8, 8, 8, 8, 8)), (1, (8, 16, 16, 16, 16))):
        torch.manual_seed(seed)
        paths.append(tmp / f"m{seed}.onnx")
        export(CRNN(channels, hidden=16), paths[-1])
    return paths


def test_merged_model_stacks_each_members_frames(members, tmp_path):
    merged = merge(members, tmp_path / "ensemble.onnx")
    x = np.random.default_rng(0).random((1, 1, 32, 96), np.float32)
    got = ort.InferenceSession(str(merged)).run(None, {"input": x})[0]
    assert got.shape == (2, 24, 11)
    for k, path in enumerate(members):
        alone = ort.InferenceSession(str(path)).run(None, {"input": x})[0][0]
        np.testing.assert_allclose(got[k], alone, atol=1e-6)
    session = ort.InferenceSession(str(merged))
    model = Model(lambda a: session.run(None, {"input": a})[0], "ensemble")
    assert model.kind == "sequence" and model.frames(x[0, 0]).shape == (2, 24, 11)


def test_merge_refuses_a_lone_member_and_foreign_graphs(members, tmp_path):
    with pytest.raises(ValueError, match="at least two"):
        merge(members[:1], tmp_path / "one.onnx")
    other = tmp_path / "other.onnx"
    torch.onnx.export(torch.nn.Flatten(), torch.zeros(1, 4), str(other), input_names=["x"], output_names=["y"],
                      dynamo=False)
    with pytest.raises(ValueError, match="other.onnx: expected one input 'input'"):
        merge([members[0], other], tmp_path / "bad.onnx")
