"""The `genre.timeline` renderer: genre scores over time as a stacked-area PNG (`<stem>.genre.png`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from platform_core import Context, jsonable
from recog_genre.labels import GENRES
from recog_genre.params import TimelineParams


def draw(answer: dict, path: Path, title: str = "") -> Path:
    """Write the stacked scores of ``answer['segments']`` over time (a bar of ``scores`` if it has none)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    segs = answer.get("segments") or [{"start": 0.0, "end": 1.0, "scores": answer["scores"]}]
    labels = [g for g in GENRES if g in answer["scores"]] + [g for g in answer["scores"] if g not in GENRES]
    t = np.array([[s["start"], s["end"]] for s in segs]).ravel()
    v = np.array([[s["scores"][g] for g in labels] for s in segs]).repeat(2, axis=0).T
    fig, ax = plt.subplots(figsize=(10, 3.2), dpi=100)
    colors = plt.get_cmap("tab10").colors
    ax.stackplot(t, v, labels=labels, colors=[colors[i % 10] for i in range(len(labels))])
    ax.set(xlim=(t[0], t[-1]), ylim=(0, 1), xlabel="time (s)", ylabel="score")
    score = answer["scores"].get(answer["label"])  # none for "not music"
    label = answer["label"] if score is None else f"{answer['label']} ({score:.2f})"
    ax.set_title(f"{title}  {label}".strip())
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


class Timeline:
    """Keeps the last classification of the stream; writes the PNG at the end when the run has somewhere to write."""

    def __init__(self, params: TimelineParams, context: Context):
        self.params = params
        self.context = context
        self.answer: dict | None = None

    def __call__(self, data) -> None:
        self.answer = jsonable(data)

    def close(self) -> None:
        path = self.context.output_path(".genre.png", self.params.path)
        if path is None or self.answer is None:
            return
        draw(self.answer, path, self.context.stem)
        self.context.wrote(path)
