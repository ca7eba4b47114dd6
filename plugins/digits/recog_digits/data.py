"""Training and evaluation data: MNIST and the ORAND-CAR-A strings with their fixed held-out split."""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from platform_core.errors import InputError

SHARED = Path(os.environ.get("RECOG_SHARED_DATA", Path(__file__).resolve().parents[3].parent / "shared" / "data"))
MNIST = SHARED / "mnist" / "mnist.npz"
ORAND = SHARED / "digit-strings" / "orand-car-a-train"
HELD_OUT_EVERY = 5  # every 5th string (sorted by file name) is held out: 20 %, never trained on


def mnist(path: Path = MNIST) -> dict[str, np.ndarray]:
    """MNIST as uint8 arrays: x_train (60000, 28, 28), y_train, x_test (10000, 28, 28), y_test."""
    if not path.is_file():
        raise InputError(f"{path}: MNIST not found (set RECOG_SHARED_DATA to the folder holding mnist/mnist.npz)")
    with np.load(path) as d:
        return {k: d[k] for k in ("x_train", "y_train", "x_test", "y_test")}


@dataclass
class OrandString:
    path: Path
    text: str
    boxes: list[tuple[str, tuple[int, int, int, int]]]  # (digit, (x, y, w, h)) left to right


def orand(split: str, root: Path = ORAND) -> list[OrandString]:
    """ORAND-CAR-A strings of ``split``: ``train`` (80 %) or ``held-out`` (20 %, every 5th by file name)."""
    if split not in ("train", "held-out"):
        raise ValueError(f"unknown split {split!r}: use 'train' or 'held-out'")
    labels = root / "labels.csv"
    if not labels.is_file():
        raise InputError(f"{labels}: ORAND-CAR-A labels not found (set RECOG_SHARED_DATA)")
    with open(labels, newline="") as f:
        rows = sorted((r["image"], r["digits"]) for r in csv.DictReader(f))
    coco = json.loads((root / "boxes.coco.json").read_text())
    names = {c["id"]: c["name"] for c in coco["categories"]}
    ids = {im["file_name"]: im["id"] for im in coco["images"]}
    per_image: dict[int, list] = {}
    for a in coco["annotations"]:
        per_image.setdefault(a["image_id"], []).append((names[a["category_id"]], tuple(int(v) for v in a["bbox"])))
    out = []
    for i, (name, text) in enumerate(rows):
        if (i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1) == (split == "held-out"):
            boxes = sorted(per_image.get(ids.get(name, -1), []), key=lambda b: b[1][0])
            out.append(OrandString(root / "images" / name, text, boxes))
    return out
