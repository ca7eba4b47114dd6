"""Cross-validation of feature models: random, blocked (artist proxy), repeated blocked and nested.

Accuracy is that of the argmax of ``predict_proba``, as the plugin labels audio. Blocked folds keep each group
(:meth:`recog_genre.table.Table.blocks`, 10 consecutive tracks of a genre) on one side. One blocked fold
assignment is a draw: ``repeated`` averages over several; ``nested`` also picks each candidate's
hyper-parameters (and the candidate) inside the training folds, so its figure carries no selection on the
rows it scores.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold, StratifiedKFold

from recog_genre import feature_model
from recog_genre.design import design

FOLDS = 10
REPEATS = 10


def folds(y: np.ndarray, groups: np.ndarray | None, seed: int | None = None, n: int = FOLDS) -> list:
    """(train, test) index pairs: stratified random folds without ``groups``; with them, ``GroupKFold`` when
    ``seed`` is None (the fixed assignment), else genre-stratified group folds shuffled by ``seed``."""
    idx = np.zeros((len(y), 1))
    if groups is None:
        return list(StratifiedKFold(n, shuffle=True, random_state=0 if seed is None else seed).split(idx, y))
    if seed is None:
        return list(GroupKFold(n).split(idx, y, groups))
    return list(StratifiedGroupKFold(n, shuffle=True, random_state=seed).split(idx, y, groups))


def _predict(model, Z: np.ndarray) -> np.ndarray:
    return model.classes_[np.argmax(model.predict_proba(Z), axis=1)]


def cross_validate(name: str, X: np.ndarray, y: np.ndarray, groups: np.ndarray | None, seed: int | None = None,
                   transform=None, **params) -> tuple[float, np.ndarray]:
    """Accuracy and out-of-fold predictions of candidate ``name`` on recipe rows ``X`` over :func:`folds`.

    ``transform(X_test)`` perturbs each test fold (the training folds stay clean).
    """
    pred = np.empty(len(y), dtype=object)
    for tr, te in folds(y, groups, seed):
        m = feature_model.fit(name, X[tr], y[tr], **params)
        pred[te] = _predict(m, design(transform(X[te]) if transform else X[te]))
    return float(np.mean(pred == y)), pred


def repeated(name: str, X: np.ndarray, y: np.ndarray, groups: np.ndarray, repeats: int = REPEATS,
             **params) -> np.ndarray:
    """Blocked accuracy over ``repeats`` shuffled assignments of the same groups to folds (seeds 0, 1, ...)."""
    return np.array([cross_validate(name, X, y, groups, seed=s, **params)[0] for s in range(repeats)])


def nested(X: np.ndarray, y: np.ndarray, groups: np.ndarray, names=feature_model.CANDIDATES, repeats: int = 2,
           inner: int = 5) -> dict:
    """Nested blocked accuracy: per outer fold, every setting of every candidate in ``names`` is scored by
    ``inner``-fold blocked cross-validation on the training groups only; the best setting of each candidate
    (and the best overall) is refitted on them and scores the outer test fold.

    Returns ``{"per_candidate": {name: accuracy}, "selected": accuracy, "picks": Counter of (name, setting)}``,
    accuracies averaged over ``repeats`` outer assignments (seeds 0, 1, ...).
    """
    Z = design(X)
    settings = [(n, p) for n in names for p in feature_model.GRIDS[n]]
    per = {n: [] for n in names}
    selected, picks = [], Counter()
    for s in range(repeats):
        pred = {n: np.empty(len(y), dtype=object) for n in (*names, None)}
        for tr, te in folds(y, groups, seed=s):
            score = np.zeros(len(settings))
            for itr, ite in folds(y[tr], groups[tr], seed=s, n=inner):
                a, b = tr[itr], tr[ite]
                for i, (n, p) in enumerate(settings):
                    m = feature_model.candidate(n, len(a), **p).fit(Z[a], y[a])
                    score[i] += np.mean(_predict(m, Z[b]) == y[b])
            best = {n: max((i for i, (m, _) in enumerate(settings) if m == n), key=score.__getitem__) for n in names}
            overall = int(np.argmax(score))
            picks[(settings[overall][0], tuple(settings[overall][1].items()))] += 1
            for n, i in best.items():
                m = feature_model.candidate(n, len(tr), **settings[i][1]).fit(Z[tr], y[tr])
                pred[n][te] = _predict(m, Z[te])
                if i == overall:
                    pred[None][te] = pred[n][te]
        for n in names:
            per[n].append(np.mean(pred[n] == y))
        selected.append(np.mean(pred[None] == y))
    return {"per_candidate": {n: float(np.mean(v)) for n, v in per.items()}, "selected": float(np.mean(selected)),
            "picks": picks}
