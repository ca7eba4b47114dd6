"""Blocked, repeated and nested cross-validation on synthetic tables, and the default model's ONNX export."""

import numpy as np

from recog_genre import feature_model, validation
from recog_genre.classifier import FeatureClassifier
from recog_genre.design import design
from recog_genre.features import FEATURE_NAMES

MEANS = [i for i, n in enumerate(FEATURE_NAMES) if n.startswith("mfcc") and n.endswith("_mean")]


def _table(class_signal: float, n_groups: int = 15, size: int = 6, seed: int = 0):
    """Rows in groups ("artists") with their own strong offset; labels 3 per group cycle, ``class_signal`` apart."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.5, 1.5, size=(n_groups * size, len(FEATURE_NAMES)))
    labels = np.repeat(np.array(["a", "b", "c"])[np.arange(n_groups) % 3], size)
    groups = np.repeat([f"g{i}" for i in range(n_groups)], size)
    artist = np.repeat(rng.normal(0, 20, size=(n_groups, len(MEANS))), size, axis=0)
    onehot = (labels[:, None] == np.array(["a", "b", "c"])).astype(float)
    signal = class_signal * onehot @ rng.normal(0, 1, (3, len(MEANS)))
    X[:, MEANS] = artist + signal + rng.normal(0, 0.5, size=(len(labels), len(MEANS)))
    return X, labels, groups


def test_blocked_folds_keep_groups_on_one_side():
    _, y, g = _table(0.0)
    for seed in (None, 0, 1):
        splits = validation.folds(y, g, seed)
        assert sorted(np.concatenate([te for _, te in splits])) == list(range(len(y)))
        for tr, te in splits:
            assert set(g[tr]).isdisjoint(g[te])
    assert any((a[1] != b[1]).any() for a, b in zip(validation.folds(y, g, 0), validation.folds(y, g, 1)))


def test_random_folds_leak_groups_and_blocked_folds_do_not():
    X, y, g = _table(0.0)  # the label is a property of the group only: nothing to learn across groups
    rand, _ = validation.cross_validate("knn-pca", X, y, None)
    blocked = validation.repeated("knn-pca", X, y, g, repeats=3)
    assert rand > 0.75 and blocked.mean() < 0.5, (rand, blocked)


def test_nested_selects_inside_and_scores_a_learnable_table():
    X, y, g = _table(40.0)
    out = validation.nested(X, y, g, names=("logreg", "knn-pca"), repeats=1, inner=3)
    assert set(out["per_candidate"]) == {"logreg", "knn-pca"}
    assert sum(out["picks"].values()) == validation.FOLDS
    assert out["selected"] > 0.8 and out["per_candidate"]["logreg"] > 0.8, out


def test_default_exports_to_onnx_with_the_same_probabilities(tmp_path):
    X, y, _ = _table(40.0)
    model = feature_model.fit(feature_model.DEFAULT, X, y)
    path = feature_model.export_onnx(model, tmp_path / "m.onnx", ["a", "b", "c"])
    clf = FeatureClassifier(str(path))
    assert clf.labels == ("a", "b", "c")
    np.testing.assert_allclose(clf.predict_proba(X), model.predict_proba(design(X)), atol=1e-4)
