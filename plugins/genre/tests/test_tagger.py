"""The ONNX tagger against the original TensorFlow musicnn, its streamed input, and tags on clear cases."""

from pathlib import Path

import librosa
import numpy as np
import pytest

from conftest import SHARED
from recog_genre.logmel import FRAMES, SR, PatchStream, logmel
from recog_genre.tagger import Tagger

REFERENCE = Path(__file__).parent / "musicnn_reference.npz"  # tools/port_musicnn.py: the TF graph's outputs


def patches(y: np.ndarray, block: int) -> list[tuple[float, np.ndarray]]:
    s = PatchStream()
    out = [w for i in range(0, len(y), block) for w in s.push(y[i:i + block])]
    return out + list(s.end())


@pytest.fixture(scope="module")
def fixture16(excerpt):
    y, sr = excerpt
    return librosa.resample(y, orig_sr=sr, target_sr=SR)


def test_onnx_reproduces_tensorflow(fixture16):
    """Tolerance: 1e-4 on tag probabilities, 1e-3 on embeddings (measured at port time: 2e-6 and 8e-6)."""
    ref = np.load(REFERENCE)
    x = np.stack([logmel(w) for _, w in patches(fixture16, 10_000)])
    tags, emb = Tagger().run(x)
    assert tags.shape == (2, 100) and emb.shape == (2, 400)
    assert np.abs(tags[:, :50] - ref["MTT_musicnn_tags"]).max() < 1e-4
    assert np.abs(tags[:, 50:] - ref["MSD_musicnn_tags"]).max() < 1e-4
    assert np.abs(emb[:, :200] - ref["MTT_musicnn_embedding"]).max() < 1e-3
    assert np.abs(emb[:, 200:] - ref["MSD_musicnn_embedding"]).max() < 1e-3


def test_streamed_patches_are_librosas_frames(fixture16):
    ref = np.log10(10000 * librosa.feature.melspectrogram(y=fixture16, sr=SR, n_fft=512, hop_length=256,
                                                          n_mels=96).T + 1)
    for block in (1, 333, 48_128, len(fixture16)):
        got = patches(fixture16[: 48_000 if block == 1 else None], block)
        assert got[0][0] == 0.0
        assert np.abs(logmel(got[0][1]) - ref[:FRAMES]).max() < 1e-4
    last = patches(fixture16, 4096)[-1]  # the last 3 s, ending with librosa's last frame
    assert last[0] == pytest.approx((len(fixture16) // 256 - 186) * 256 / SR)
    assert np.abs(logmel(last[1]) - ref[-FRAMES:]).max() < 1e-4


def test_short_input_is_repeated_to_one_patch():
    y = np.sin(np.arange(SR) * 0.1).astype(np.float32)
    (t, w), = patches(y, 1000)
    assert t == 0.0 and len(w) == 48_128 and np.array_equal(w[SR:2 * SR], y)


@pytest.mark.skipif(not (SHARED / "validation").is_dir(), reason="needs ../shared/data/gtzan/validation")
@pytest.mark.parametrize("clip, expected", [
    ("classical.00007", {"mtt:classical", "mtt:violin", "mtt:strings"}),  # a string ensemble
    ("metal.00007", {"mtt:metal", "mtt:rock"}),
])
def test_clear_cases(clip, expected):
    y, _ = librosa.load(SHARED / "validation" / f"{clip}.wav", sr=SR)
    t = Tagger()
    tags, _ = t.run(np.stack([logmel(w / np.abs(w).max()) for _, w in patches(y, SR)]))
    top = {t.tags[i] for i in np.argsort(-tags.mean(axis=0))[:4]}
    assert expected <= top
