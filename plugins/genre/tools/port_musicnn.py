"""Port musicnn's MTT and MSD taggers (TensorFlow 1 checkpoints in the `musicnn` wheel) to one ONNX file.

Build-time only (needs tensorflow, `pip install --no-deps musicnn` and torch): reads every variable of the two
checkpoints, rebuilds the network in PyTorch (musicnn/models.py: front-end, mid-end, back-end), exports
``recog_genre/models/musicnn_tagger.onnx`` and writes reference outputs of the ORIGINAL TensorFlow graph
(musicnn.models.define_model restored from the same checkpoint, tf-keras) on the test fixture's patches to
``tests/musicnn_reference.npz``. Run from the project root:

    TF_USE_LEGACY_KERAS=1 python plugins/genre/tools/port_musicnn.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

PLUGIN = Path(__file__).resolve().parents[1]
OUT = PLUGIN / "recog_genre" / "models" / "musicnn_tagger.onnx"
REFERENCE = PLUGIN / "tests" / "musicnn_reference.npz"
MODELS = ("MTT_musicnn", "MSD_musicnn")
EPS = 1e-3  # tf.compat.v1.layers.batch_normalization's default


def checkpoint(name: str) -> dict[str, np.ndarray]:
    import musicnn
    import tensorflow as tf

    reader = tf.compat.v1.train.NewCheckpointReader(str(Path(musicnn.__file__).parent / name) + "/")
    return {k: reader.get_tensor(k) for k in reader.get_variable_to_shape_map() if "Adam" not in k}


class BN(nn.Module):
    """Inference batch normalisation over the last axis with TF's moving statistics."""

    def __init__(self, v: dict, name: str):
        super().__init__()
        scale = v[f"{name}/gamma"] / np.sqrt(v[f"{name}/moving_variance"] + EPS)
        self.register_buffer("scale", torch.tensor(scale))
        self.register_buffer("shift", torch.tensor(v[f"{name}/beta"] - v[f"{name}/moving_mean"] * scale))

    def forward(self, x):
        return x * self.scale + self.shift


def conv2d(v: dict, name: str) -> nn.Conv2d:
    k = v[f"{name}/kernel"]  # (kh, kw, in, out)
    c = nn.Conv2d(k.shape[2], k.shape[3], k.shape[:2])
    c.weight.data = torch.tensor(k.transpose(3, 2, 0, 1).copy())
    c.bias.data = torch.tensor(v[f"{name}/bias"])
    return c


def conv1d(v: dict, name: str) -> nn.Conv1d:
    """A TF conv2d whose kernel spans the whole feature axis, as a 1-D convolution over time."""
    k = v[f"{name}/kernel"][:, :, 0, :]  # (7, features, out)
    c = nn.Conv1d(k.shape[1], k.shape[2], k.shape[0], padding=k.shape[0] // 2)
    c.weight.data = torch.tensor(k.transpose(2, 1, 0).copy())
    c.bias.data = torch.tensor(v[f"{name}/bias"])
    return c


def linear(v: dict, name: str) -> nn.Linear:
    k = v[f"{name}/kernel"]
    lin = nn.Linear(*k.shape)
    lin.weight.data = torch.tensor(k.T.copy())
    lin.bias.data = torch.tensor(v[f"{name}/bias"])
    return lin


class Musicnn(nn.Module):
    """musicnn (Pons & Serra 2019) at inference: (batch, 187, 96) log-mel -> (tag probabilities, penultimate)."""

    def __init__(self, v: dict):
        super().__init__()
        self.bn_in = BN(v, "batch_normalization")
        self.timbral = nn.ModuleList([conv2d(v, "conv2d"), conv2d(v, "conv2d_1")])
        self.temporal = nn.ModuleList([conv2d(v, f"conv2d_{i}") for i in (2, 3, 4)])
        self.bn_front = nn.ModuleList([BN(v, f"batch_normalization_{i}") for i in range(1, 6)])
        self.mid = nn.ModuleList([conv1d(v, f"conv2d_{i}") for i in (5, 6, 7)])
        self.bn_mid = nn.ModuleList([BN(v, f"batch_normalization_{i}") for i in (6, 7, 8)])
        self.bn_pool = BN(v, "batch_normalization_9")
        self.dense = linear(v, "dense")
        self.bn_dense = BN(v, "batch_normalization_10")
        self.out = linear(v, "dense_1")

    def forward(self, x):
        x = self.bn_in(x.unsqueeze(-1)).squeeze(-1).unsqueeze(1)  # (B, 1, T, F)
        front = []
        padded = nn.functional.pad(x, (0, 0, 3, 3))  # time only, "valid" over frequency
        for conv, bn in zip(self.timbral, self.bn_front[:2]):
            front.append(self._pool(bn, torch.relu(conv(padded))))
        for conv, bn in zip(self.temporal, self.bn_front[2:]):
            k = conv.kernel_size[0]  # TF "same" for an even kernel: (k-1)//2 before, k//2 after
            front.append(self._pool(bn, torch.relu(conv(nn.functional.pad(x, (0, 0, (k - 1) // 2, k // 2))))))
        f = torch.cat(front, dim=2).transpose(1, 2)  # (B, 561, T)
        m1 = self._bn_ch(self.bn_mid[0], torch.relu(self.mid[0](f)))
        m2 = self._bn_ch(self.bn_mid[1], torch.relu(self.mid[1](m1))) + m1
        m3 = self._bn_ch(self.bn_mid[2], torch.relu(self.mid[2](m2))) + m2
        feats = torch.cat([f, m1, m2, m3], dim=1)  # (B, 753, T)
        # TF concatenates (B, 753, 1) max and mean on the last axis and flattens: max and mean interleave
        pooled = self.bn_pool(torch.stack([feats.amax(dim=2), feats.mean(dim=2)], dim=2).flatten(1))
        penultimate = self.bn_dense(torch.relu(self.dense(pooled)))
        return torch.sigmoid(self.out(penultimate)), penultimate

    @staticmethod
    def _pool(bn, c):  # c: (B, C, T, F') -> BN over channels, max over frequency -> (B, T, C)
        return bn(c.permute(0, 2, 3, 1)).amax(dim=2)

    @staticmethod
    def _bn_ch(bn, c):  # c: (B, C, T)
        return bn(c.transpose(1, 2)).transpose(1, 2)


class Tagger(nn.Module):
    """Both taggers on one input: MTT tags, MSD tags, and each model's 200-d penultimate layer."""

    def __init__(self):
        super().__init__()
        self.mtt, self.msd = (Musicnn(checkpoint(n)) for n in MODELS)

    def forward(self, logmel):
        a, ea = self.mtt(logmel)
        b, eb = self.msd(logmel)
        return a, b, ea, eb


def tf_reference(name: str, patches: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The original graph (musicnn.models.define_model) restored from the checkpoint, on the same patches."""
    import musicnn
    import tensorflow as tf
    from musicnn import models

    tf.compat.v1.disable_eager_execution()
    tf.compat.v1.reset_default_graph()
    with tf.name_scope("model"):
        x = tf.compat.v1.placeholder(tf.float32, [None, 187, 96])
        training = tf.compat.v1.placeholder(tf.bool)
        out = models.define_model(x, training, name, 50)
        y, penultimate = tf.nn.sigmoid(out[0]), out[-1]
    with tf.compat.v1.Session() as s:
        tf.compat.v1.train.Saver().restore(s, str(Path(musicnn.__file__).parent / name) + "/")
        return s.run([y, penultimate], {x: patches, training: False})


def main() -> int:
    sys.path.insert(0, str(PLUGIN))
    import librosa
    import onnx
    import soundfile as sf
    from musicnn.configuration import MSD_LABELS, MTT_LABELS

    from recog_genre.logmel import FRAMES, N_MELS, SR, PatchStream, logmel

    torch.set_grad_enabled(False)
    tagger = Tagger().eval()
    dummy = torch.zeros(2, FRAMES, N_MELS)
    torch.onnx.export(tagger, (dummy,), OUT, input_names=["logmel"],
                      output_names=["mtt_tags", "msd_tags", "mtt_embedding", "msd_embedding"],
                      dynamic_axes={n: {0: "batch"} for n in ("logmel", "mtt_tags", "msd_tags", "mtt_embedding",
                                                               "msd_embedding")},
                      opset_version=17, dynamo=False)
    m = onnx.load(OUT)
    for k, v in {"mtt_labels": json.dumps(MTT_LABELS), "msd_labels": json.dumps(MSD_LABELS),
                 "source": "musicnn 0.1.0 (PyPI, ISC): MTT_musicnn and MSD_musicnn checkpoints"}.items():
        m.metadata_props.add(key=k, value=v)
    onnx.save(m, OUT)

    y, sr = sf.read(PLUGIN / "tests" / "country.00000.5s.flac", dtype="float32")
    stream = PatchStream()
    y16 = librosa.resample(y, orig_sr=sr, target_sr=SR)
    patches = np.stack([logmel(w) for _, w in [*stream.push(y16), *stream.end()]])
    ref = {}
    for name in MODELS:
        ref[f"{name}_tags"], ref[f"{name}_embedding"] = tf_reference(name, patches)
    np.savez_compressed(REFERENCE, **ref)  # the test recomputes the patches from the fixture
    ours = [o.numpy() for o in tagger(torch.tensor(patches))]
    for k, o in zip(("MTT_musicnn_tags", "MSD_musicnn_tags", "MTT_musicnn_embedding", "MSD_musicnn_embedding"), ours):
        print(f"{k}: max |torch - tensorflow| {np.abs(o - ref[k]).max():.2e}")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) and {REFERENCE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
