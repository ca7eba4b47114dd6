"""Classification report: accuracy, per-class precision, recall and F1, and a confusion-matrix PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def report(y_true, y_pred, labels: list[str] | tuple[str, ...]) -> dict:
    """Accuracy, the confusion matrix (rows: true, columns: predicted) and per-class P/R/F1."""
    idx = {g: i for i, g in enumerate(labels)}
    cm = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(y_true, y_pred):
        cm[idx[t], idx[p]] += 1
    tp = np.diag(cm).astype(float)
    prec = np.divide(tp, cm.sum(axis=0), out=np.zeros_like(tp), where=cm.sum(axis=0) > 0)
    rec = np.divide(tp, cm.sum(axis=1), out=np.zeros_like(tp), where=cm.sum(axis=1) > 0)
    f1 = np.divide(2 * prec * rec, prec + rec, out=np.zeros_like(tp), where=(prec + rec) > 0)
    return {
        "accuracy": float(tp.sum() / max(1, cm.sum())),
        "n": int(cm.sum()),
        "per_class": {g: {"precision": float(prec[i]), "recall": float(rec[i]), "f1": float(f1[i]),
                          "support": int(cm[i].sum())} for i, g in enumerate(labels)},
        "confusion": cm.tolist(),
        "labels": list(labels),
    }


def confusion_png(rep: dict, path: Path, title: str) -> Path:
    """Draw ``rep['confusion']`` with counts in the cells."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cm = np.asarray(rep["confusion"])
    labels = rep["labels"]
    fig, ax = plt.subplots(figsize=(1.0 + 0.55 * len(labels), 0.8 + 0.5 * len(labels)), dpi=100)
    ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set(xlabel="predicted", ylabel="true", title=f"{title}: accuracy {rep['accuracy']:.3f}")
    for i in range(len(labels)):
        for j in range(len(labels)):
            if cm[i, j]:
                ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if cm[i, j] > cm.max() / 2 else "black")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def format_report(name: str, rep: dict) -> str:
    lines = [f"{name}: accuracy {rep['accuracy']:.3f} on {rep['n']}",
             f"  {'class':12s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>4s}"]
    for g, m in rep["per_class"].items():
        lines.append(f"  {g:12s} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['support']:4d}")
    return "\n".join(lines)
