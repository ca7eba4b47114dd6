"""The trainers end to end on a tiny synthesized labelled set, and the split by track."""

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import soundfile as sf
import yaml

from recog_genre import dataset
from recog_genre.train import evaluate, train

SR = 22050


def synth(kind: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(3.2 * SR)) / SR
    if kind == "tones":
        return 0.3 * np.sin(2 * np.pi * rng.uniform(200, 800) * t)
    if kind == "noise":
        return 0.3 * rng.normal(size=len(t)) * (np.sin(2 * np.pi * 2 * t) > 0)
    return 0.3 * np.sign(np.sin(2 * np.pi * rng.uniform(60, 120) * t)) * np.exp(-(t % 0.25) * 20)  # clicks


def make_set(root: Path) -> Path:
    for kind in ("clicks", "noise", "tones"):
        (root / kind).mkdir(parents=True)
        for i in range(4):
            sf.write(root / kind / f"{kind}{i}.wav", synth(kind, i), SR)
    return root


def test_train_and_eval_end_to_end(tmp_path):
    data, out = make_set(tmp_path / "data"), tmp_path / "out"
    assert train(["--data", str(data), "--out", str(out), "--epochs", "2", "--test-fraction", "0.25"]) == 0
    split = json.loads((out / "split.json").read_text())
    assert split["labels"] == ["clicks", "noise", "tones"]
    assert not set(split["train"]) & set(split["test"]) and len(split["test"]) == 3
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics) == {"knn-pca", "cnn", "bilstm", "features"}
    for name in metrics:
        stem = name.replace("-", "_")
        assert (out / f"confusion_{name}.png").read_bytes()[:4] == b"\x89PNG"
        card = yaml.safe_load((out / f"genre_{stem}.yaml").read_text())
        assert card["labels"] == split["labels"] and card["size"] == (out / f"genre_{stem}.onnx").stat().st_size
        assert set(metrics[name]["per_class"]["tones"]) == {"precision", "recall", "f1", "support"}
        ort.InferenceSession(str(out / f"genre_{stem}.onnx"))
    # tones and noise bursts are told apart by the recipe's features alone
    assert metrics["features"]["accuracy"] == 1.0
    model = str(out / "genre_features.onnx")
    assert evaluate(["--data", str(data), "--model", model, "--out", str(tmp_path / "e")]) == 0
    assert json.loads((tmp_path / "e" / "metrics.json").read_text())["accuracy"] >= 0.9


def test_split_keeps_track_groups_on_one_side(tmp_path):
    tracks = [dataset.Track(Path(f"/d/{g}/{g}.{i:05d}.wav"), g) for g in ("blues", "jazz") for i in range(40)]
    tracks += [dataset.Track(Path(f"/d/pop/song{i}.mp3"), "pop") for i in range(10)]
    train_, test = dataset.split(tracks, 0.25, seed=3)
    assert {t.group for t in train_}.isdisjoint({t.group for t in test})
    assert len(train_) + len(test) == len(tracks)
    blues_test = sorted(int(t.path.stem.split(".")[1]) for t in test if t.label == "blues")
    assert len(blues_test) == 10 and blues_test[-1] - blues_test[0] == 9  # one whole block of 10
    assert sum(t.label == "pop" for t in test) == 2
