"""`recog train genre` and `recog eval genre`: the seed's three models and the feature model, split by track."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import yaml

from platform_core.errors import InputError, RecogError
from platform_core.models import sha256_of
from recog_genre import dataset, feature_model, mel, metrics, table, validation
from recog_genre.audio import load
from recog_genre.features import analyse

SPECTROGRAM_MODELS = ("knn-pca", "cnn", "bilstm")
ALL_MODELS = (*SPECTROGRAM_MODELS, "features")


def _windows(a, length: float = 30.0) -> list[np.ndarray]:
    """Recipe rows over consecutive ``length``-second windows (the whole track when shorter)."""
    n = max(1, int(a.duration // length))
    return [a.features(i * length, a.duration if i == n - 1 else (i + 1) * length) for i in range(n)]


def extract(tracks: list[dataset.Track]) -> list[dict]:
    """Per track: its log-mel segments and its recipe rows."""
    out = []
    for t in tracks:
        y = load(t.path)
        out.append({"track": t, "mel": mel.segments(y), "rows": np.stack(_windows(analyse(y)))})
    return out


def _stack(items: list[dict], key: str, labels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    X = np.concatenate([it[key] for it in items])
    y = np.concatenate([[labels.index(it["track"].label)] * len(it[key]) for it in items])
    return X, y


def _track_predictions(items: list[dict], key: str, proba, labels: list[str]) -> list[str]:
    """One label per track: the mean of its segments' (or windows') probabilities."""
    return [labels[int(np.argmax(proba(it[key]).mean(axis=0)))] for it in items]


def write_card(path: Path, model_id: str, onnx: Path, inputs: dict, labels: list[str], training_data: str,
               rep: dict | None, command: str) -> Path:
    card = {
        "id": model_id, "task": "music genre classification", "version": "0.1.0",
        "file": {"package": None, "path": str(onnx.resolve())}, "sha256": sha256_of(onnx),
        "size": onnx.stat().st_size, "inputs": inputs, "labels": list(labels), "training_data": training_data,
        "metrics": [] if rep is None else [{"name": "test accuracy (tracks)", "value": round(rep["accuracy"], 4),
                                            "command": command}],
        "license": "same as the training data",
    }
    path.write_text(yaml.safe_dump(card, sort_keys=False))
    return path


def _fit_spectrogram(name: str, Xtr, ytr, n_classes: int, epochs: int, seed: int, out: Path):
    """A fitted spectrogram model: its probability function and its exported ONNX file."""
    onnx = out / f"genre_{name.replace('-', '_')}.onnx"
    if name == "knn-pca":
        from skl2onnx import to_onnx
        from sklearn.decomposition import PCA
        from sklearn.neighbors import KNeighborsClassifier
        from sklearn.pipeline import make_pipeline

        flat = Xtr.reshape(len(Xtr), -1)
        m = make_pipeline(PCA(min(50, len(flat) - 1), random_state=seed), KNeighborsClassifier(min(5, len(flat))))
        m.fit(flat, ytr)
        onx = to_onnx(m, flat[:1], options={id(m.steps[-1][1]): {"zipmap": False}}, target_opset=17)
        onnx.write_bytes(onx.SerializeToString())
        return (lambda X: m.predict_proba(X.reshape(len(X), -1))), onnx
    from recog_genre import nets

    model = nets.fit(nets.build(name, n_classes), Xtr, ytr, epochs, seed)
    nets.export_onnx(model, onnx)
    return (lambda X: nets.predict_proba(model, X)), onnx


def train_table(path: str, out: Path, name: str) -> int:
    """Refit a feature model on a GTZAN feature table (this is how the shipped model is made)."""
    t = table.read(path)
    rep = validation.repeated(name, t.X, t.labels, t.blocks())
    rand, _ = validation.cross_validate(name, t.X, t.labels, None)
    print(f"{name}: blocked 10-fold accuracy {rep.mean():.3f} (mean of {len(rep)} fold assignments), "
          f"random 10-fold {rand:.3f} ({len(t.labels)} rows)")
    onnx = feature_model.export_onnx(feature_model.fit(name, t.X, t.labels), out / "genre_features.onnx")
    print(f"wrote {onnx} (sha256 {sha256_of(onnx)}, {onnx.stat().st_size} bytes)")
    return 0


def train_folder(data: str, out: Path, names: list[str], epochs: int, test_fraction: float, seed: int) -> int:
    tracks, labels = dataset.scan(data)
    tr, te = dataset.split(tracks, test_fraction, seed)
    both = {t.group for t in tr} & {t.group for t in te}
    if both:
        raise RecogError(f"split error: groups on both sides: {sorted(both)[:5]}")
    if not te:
        raise InputError(f"{data}: too few tracks to hold any out for testing")
    (out / "split.json").write_text(json.dumps({"train": [str(t.path) for t in tr], "test": [str(t.path) for t in te],
                                                "labels": labels}, indent=1))
    print(f"{len(tracks)} tracks, {len(labels)} labels: {len(tr)} train, {len(te)} test (split by track group)")
    items_tr, items_te = extract(tr), extract(te)
    truth = [it["track"].label for it in items_te]
    summary = {}
    for name in names:
        if name == "features":
            Xtr, ytr = _stack(items_tr, "rows", labels)
            m = feature_model.fit(feature_model.DEFAULT, Xtr, np.array([labels[i] for i in ytr]))
            onnx = feature_model.export_onnx(m, out / "genre_features.onnx")
            from recog_genre.design import DESIGN_NAMES, design

            pred = _track_predictions(items_te, "rows", lambda X, m=m: m.predict_proba(design(X)), labels)
            inputs = {"design": f"rows of recog_genre.design.design(recipe features), float32 (n, {len(DESIGN_NAMES)})"}
        else:
            Xtr, ytr = _stack(items_tr, "mel", labels)
            proba, onnx = _fit_spectrogram(name, Xtr, ytr, len(labels), epochs, seed, out)
            pred = _track_predictions(items_te, "mel", proba, labels)
            inputs = {"mel": "standardised log-mel segments (n, 128, 64): n_fft 2048, hop 1024, 22050 Hz"}
        rep = metrics.report(truth, pred, labels)
        metrics.confusion_png(rep, out / f"confusion_{name}.png", name)
        write_card(out / f"genre_{name.replace('-', '_')}.yaml", f"genre.{name}", onnx, inputs, labels,
                   f"{data}: {len(tr)} train tracks", rep, f"recog train genre --data {data}")
        print(metrics.format_report(name, rep))
        summary[name] = rep
    (out / "metrics.json").write_text(json.dumps(summary, indent=1))
    return 0


def train(args: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="recog train genre", description=__doc__)
    ap.add_argument("--data", help="labelled audio: DIR/<genre>/<files> (wav, flac, ogg, mp3, m4a, video)")
    ap.add_argument("--table", help="a GTZAN feature table (CSV): refit the default feature model from it")
    ap.add_argument("--out", default="runs/genre", help="folder for models, cards, metrics and confusion matrices")
    ap.add_argument("--models", default=",".join(ALL_MODELS), help=f"comma-separated subset of {ALL_MODELS}")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--test-fraction", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(args)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    if a.table:
        return train_table(a.table, out, feature_model.DEFAULT)
    if not a.data:
        ap.error("give --data DIR (labelled audio) or --table CSV (a GTZAN feature table)")
    names = [n.strip() for n in a.models.split(",") if n.strip()]
    unknown = set(names) - set(ALL_MODELS)
    if unknown:
        ap.error(f"unknown models {sorted(unknown)}; choose from {ALL_MODELS}")
    return train_folder(a.data, out, names, a.epochs, a.test_fraction, a.seed)


def evaluate(args: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="recog eval genre", description="accuracy of a genre feature model")
    ap.add_argument("--data", help="labelled audio DIR/<genre>/<files>: score every file")
    ap.add_argument("--table", help="GTZAN feature table: random and repeated blocked 10-fold cross-validation")
    ap.add_argument("--model", default="genre.features", help="card id or .onnx from `recog train genre`")
    ap.add_argument("--out", default="runs/genre-eval")
    a = ap.parse_args(args)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    if a.table:
        t = table.read(a.table)
        for name in feature_model.CANDIDATES:
            rand, _ = validation.cross_validate(name, t.X, t.labels, None)
            rep = validation.repeated(name, t.X, t.labels, t.blocks())
            print(f"{name:10s} random 10-fold {rand:.3f}  blocked 10-fold {rep.mean():.3f} "
                  f"(mean of {len(rep)} fold assignments, {rep.min():.3f}-{rep.max():.3f})")
        return 0
    if not a.data:
        ap.error("give --data DIR or --table CSV")
    from recog_genre.classifier import FeatureClassifier

    clf = FeatureClassifier(a.model)
    tracks, labels = dataset.scan(a.data)
    truth, pred = [], []
    for t in tracks:
        rows = np.stack(_windows(analyse(load(t.path))))
        truth.append(t.label)
        pred.append(clf.labels[int(np.argmax(clf.predict_proba(rows).mean(axis=0)))])
    names = sorted(set(labels) | set(clf.labels))
    rep = metrics.report(truth, pred, names)
    metrics.confusion_png(rep, out / "confusion.png", a.model)
    (out / "metrics.json").write_text(json.dumps(rep, indent=1))
    print(metrics.format_report(a.model, rep))
    return 0
