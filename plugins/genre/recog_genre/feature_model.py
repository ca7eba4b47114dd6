"""Feature-model candidates, their hyper-parameter grids, fitting, and ONNX export of the chosen one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from recog_genre.design import DESIGN_NAMES, design

DEFAULT = "svc+logreg"
CANDIDATES = ("svc+logreg", "svc", "logreg", "knn-pca")
# hyper-parameters each candidate may take; the first of each is its default (bench/genre.py selects among them
# inside inner folds for the nested estimate)
GRIDS: dict[str, list[dict]] = {
    "svc+logreg": [{"C": c, "gamma": g, "weight": w} for c, g in ((10, 0.04), (5, 0.03)) for w in (0.2, 0.1, 0.3)],
    "svc": [{"C": c, "gamma": g} for c, g in ((3, 0.02), (3, 0.04), (10, 0.02), (10, 0.04))],
    "logreg": [{"C": 0.3}, {"C": 0.1}],
    "knn-pca": [{"k": 5}, {"k": 15}],
}


def candidate(name: str, n_rows: int = 1000, **params) -> Pipeline:
    """A fresh, unfitted classifier over :func:`recog_genre.design.design` rows; ``params`` override the default.

    ``svc+logreg`` (the default): one scaler, then the soft vote of an RBF SVC (Platt probabilities, weight
    ``1 - weight``) and a logistic regression (C 0.3, weight ``weight``). ``svc``: the v0.2 model.
    """
    if name not in GRIDS:
        raise ValueError(f"unknown feature model {name!r} ({', '.join(CANDIDATES)})")
    p = {**GRIDS[name][0], **params}
    if name == "svc+logreg":
        members = [("svc", SVC(C=p["C"], gamma=p["gamma"], probability=True, random_state=0)),
                   ("logreg", LogisticRegression(C=0.3, max_iter=3000))]
        weights = np.array([1 - p["weight"], p["weight"]])  # an array: skl2onnx's converter needs one
        vote = VotingClassifier(members, voting="soft", weights=weights, flatten_transform=False)
        return make_pipeline(StandardScaler(), vote)
    if name == "svc":
        return make_pipeline(StandardScaler(), SVC(C=p["C"], gamma=p["gamma"], probability=True, random_state=0))
    if name == "logreg":
        return make_pipeline(StandardScaler(), LogisticRegression(C=p["C"], max_iter=3000))
    k = max(1, min(p["k"], n_rows // 2))  # the seed's kNN on PCA, on the feature table
    return make_pipeline(StandardScaler(), PCA(min(20, n_rows - 1, len(DESIGN_NAMES))), KNeighborsClassifier(k))


def fit(name: str, X: np.ndarray, y: np.ndarray, **params) -> Pipeline:
    """``candidate(name, **params)`` fitted on the design of recipe rows ``X``."""
    return candidate(name, len(y), **params).fit(design(X), y)


def export_onnx(model: Pipeline, path: Path, labels: list[str] | None = None) -> Path:
    """Write ``model`` as ONNX (input ``design``; outputs: label, then probabilities) with its labels."""
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType

    onx = to_onnx(model, initial_types=[("design", FloatTensorType([None, len(DESIGN_NAMES)]))],
                  options={id(model.steps[-1][1]): {"zipmap": False}}, target_opset=17)
    used = {i for node in onx.graph.node for i in node.input}
    unused = [init for init in onx.graph.initializer if init.name not in used]  # e.g. the vote's classes_ind
    for init in unused:
        onx.graph.initializer.remove(init)
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
