"""Feature-model candidates, blocked and random cross-validation, and ONNX export of the chosen one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from recog_genre.design import DESIGN_NAMES, design

DEFAULT = "svc"


def candidate(name: str, n_rows: int = 1000) -> Pipeline:
    """A fresh, unfitted classifier over :func:`recog_genre.design.design` rows."""
    if name == "svc":  # chosen by blocked cross-validation (bench/genre.py)
        return make_pipeline(StandardScaler(), SVC(C=3, gamma=0.02, probability=True, random_state=0))
    if name == "logreg":
        return make_pipeline(StandardScaler(), LogisticRegression(C=0.3, max_iter=3000))
    if name == "knn-pca":  # the seed's kNN on PCA, on the feature table
        k = max(1, min(5, n_rows // 2))
        return make_pipeline(StandardScaler(), PCA(min(20, n_rows - 1, len(DESIGN_NAMES))), KNeighborsClassifier(k))
    raise ValueError(f"unknown feature model {name!r} (svc, logreg, knn-pca)")


CANDIDATES = ("svc", "logreg", "knn-pca")


def cross_validate(name: str, X: np.ndarray, y: np.ndarray, groups: np.ndarray | None, folds: int = 10,
                   transform=None) -> tuple[float, np.ndarray]:
    """Mean accuracy and out-of-fold predictions; ``groups`` given: grouped folds, else stratified random ones.

    ``transform(X_test)`` perturbs each test fold (the training folds stay clean).
    """
    if groups is None:
        splits = StratifiedKFold(folds, shuffle=True, random_state=0).split(X, y)
    else:
        splits = GroupKFold(folds).split(X, y, groups)
    pred = np.empty(len(y), dtype=object)
    for tr, te in splits:
        m = candidate(name, len(tr)).fit(design(X[tr]), y[tr])
        pred[te] = m.predict(design(transform(X[te]) if transform else X[te]))
    return float(np.mean(pred == y)), pred


def fit(name: str, X: np.ndarray, y: np.ndarray) -> Pipeline:
    return candidate(name, len(y)).fit(design(X), y)


def export_onnx(model: Pipeline, path: Path, labels: list[str] | None = None) -> Path:
    """Write ``model`` as ONNX (input ``design``; outputs: label, then probabilities) with its labels."""
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType

    onx = to_onnx(model, initial_types=[("design", FloatTensorType([None, len(DESIGN_NAMES)]))],
                  options={id(model.steps[-1][1]): {"zipmap": False}}, target_opset=17)
    classes = [str(c) for c in model.classes_]
    if labels is not None and classes != list(labels):
        raise ValueError(f"model classes {classes} differ from labels {labels}")
    entry = onx.metadata_props.add()
    entry.key, entry.value = "labels", json.dumps(classes)
    entry = onx.metadata_props.add()
    entry.key, entry.value = "design", json.dumps(list(DESIGN_NAMES))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(onx.SerializeToString())
    return path
