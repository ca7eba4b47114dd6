"""Digits benchmark: MNIST test accuracy, held-out ORAND-CAR-A whole-string accuracy and speed, beside anchors.

    python bench/digits.py [--files-only] [--models digits.cnn digits.crnn] [--mnist-files 10000]

Needs ../shared/data (MNIST and ORAND-CAR-A). Anchors are published figures; speeds are measured in this run.
The rows on files run `recog run pipelines/digits.yaml --input DIR --out OUT` (with `--set digits.model=...`) on
PNG files written here: the 10,000 MNIST test digits, and scikit-learn's 1,797 8x8 digits (other writers, other
scanning) scaled to 0-255, inverted to dark ink on white and upsampled 4x to 32x32 (bicubic); the anchor in the
same run is digits.cnn fed MNIST's arrays directly. The non-digit rows run the default pipeline on photos
that hold no digits (the hand photos of ../shared/data/hands-photos and the phone photos of printed music of
omr-real/photos) and count what is read as digits, beside the MNIST files read at the same confidence.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

from recog_digits.data import mnist
from recog_digits.evaluate import mnist_accuracy, orand_accuracy

ROOT = Path(__file__).resolve().parents[1]

SEED_CNN = 0.9913  # the seed report's Keras CNN on MNIST test
BEST_SINGLE = 0.998  # best published single models on MNIST test, about
RESNET_BILSTM_CTC = 0.8975  # ResNet+BiLSTM-CTC on ORAND-CAR-A (published)


def write_sets(tmp: Path, n_mnist: int = 10_000) -> dict[str, dict[str, str]]:
    """PNG files of the first ``n_mnist`` MNIST test digits and of scikit-learn's digits; {set: {stem: label}}."""
    from sklearn.datasets import load_digits

    d, sk = mnist(), load_digits()
    sets = {"mnist": (d["x_test"][:n_mnist], d["y_test"][:n_mnist]),
            "sklearn": ([255 - cv2.resize(np.uint8(np.clip(im * 16, 0, 255)), (32, 32), interpolation=cv2.INTER_CUBIC)
                         for im in sk.images], sk.target)}
    labels = {}
    for name, (images, ys) in sets.items():
        (tmp / name).mkdir()
        labels[name] = {}
        for i, (im, y) in enumerate(zip(images, ys, strict=True)):
            cv2.imwrite(str(tmp / name / f"{name}{i:05d}.png"), im)
            labels[name][f"{name}{i:05d}"] = str(y)
    return labels


def read_files(folder: Path, model: str, out: Path) -> dict[str, tuple[str, float]]:
    """{file stem: (text, confidence)} through `recog run pipelines/digits.yaml` (failed inputs read "")."""
    run = subprocess.run([sys.executable, "-m", "platform_core", "run", str(ROOT / "pipelines" / "digits.yaml"),
                          "--input", str(folder), "--out", str(out), "--set", f"digits.model={model}"],
                         capture_output=True, text=True)
    if run.returncode not in (0, 1):
        raise SystemExit(f"recog run failed ({run.returncode}): {run.stderr[-2000:]}")
    records = map(json.loads, (out / "results.jsonl").read_text().splitlines())
    return {Path(r["input"]).stem: (r["result"]["text"], r["result"]["confidence"]) if r["ok"] else ("", 0.0)
            for r in records}


def non_digit_rows(tmp: Path, mnist_read: dict[str, tuple[str, float]], labels: dict[str, str]):
    """Photos without digits read by the default pipeline, beside MNIST files kept at the same confidence."""
    shared = ROOT.parent / "shared" / "data"
    photos = [*sorted(shared.glob("hands-photos/*/*.jpg")), *sorted(shared.glob("omr-real/photos/*.jpg"))]
    folder = tmp / "non-digits"
    folder.mkdir()
    for i, f in enumerate(photos):
        (folder / f"{i:03d}{f.suffix}").write_bytes(f.read_bytes())
    read = read_files(folder, "digits.crnn", tmp / "out-non-digits")
    rows = []
    for floor in (0.3, 0.8, 0.9):
        kept = sum(bool(text) and conf >= floor for text, conf in read.values())
        right = sum(text == labels[s] and conf >= floor for s, (text, conf) in mnist_read.items())
        rows.append((f"photos without digits ({len(photos)}) read as digits, string confidence >= {floor}",
                     f"{kept / len(photos):.0%}", f"MNIST files read right at >= {floor}: {right / len(labels):.2%}"))
    return rows


def file_rows(models: list[str], n_mnist: int = 10_000) -> list[tuple[str, str, str]]:
    arrays = mnist_accuracy("digits.cnn")
    rows = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        labels = write_sets(tmp, n_mnist)
        reads = {}
        for model in models:
            for name, what, target in (("mnist", f"MNIST test as PNG files ({n_mnist})", "99.6 %"),
                                       ("sklearn", "scikit-learn digits 32x32 PNG (other writers)", "97 %")):
                read = reads[model, name] = read_files(tmp / name, model, tmp / f"out-{model}-{name}")
                acc = sum(read[s][0] == label for s, label in labels[name].items()) / len(labels[name])
                rows.append((f"{what}, recog run digits.yaml, model {model}", f"{acc:.2%}",
                             f"digits.cnn on MNIST arrays {arrays:.2%} (this run); target >= {target}"))
        if "digits.crnn" in models:
            rows += non_digit_rows(tmp, reads["digits.crnn", "mnist"], labels["mnist"])
    return rows


def print_rows(rows: list[tuple[str, str, str]]) -> None:
    print(f"# digits benchmark on {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          "single image per call, ONNX Runtime")
    w = max(len(r[0]) for r in rows)
    print(f"{'metric':<{w}}  {'ours':>16}  anchor")
    for name, ours, anchor in rows:
        print(f"{name:<{w}}  {ours:>16}  {anchor}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files-only", action="store_true", help="only the rows through recog run on files")
    ap.add_argument("--models", nargs="+", default=["digits.cnn", "digits.crnn"], help="models of the file rows")
    ap.add_argument("--mnist-files", type=int, default=10_000, help="the first N MNIST test digits as files")
    a = ap.parse_args()
    if a.files_only:
        print_rows(file_rows(a.models, a.mnist_files))
        return
    mnist = mnist_accuracy("digits.cnn")
    crnn = orand_accuracy("digits.crnn")
    once = orand_accuracy("digits.crnn", readings="one")
    seg = orand_accuracy("digits.cnn")
    rows = [
        ("MNIST test accuracy, digits.cnn", f"{mnist:.2%}",
         f"seed CNN {SEED_CNN:.2%}; best single models ~{BEST_SINGLE:.1%}; target >= 99.6 %"),
        (f"ORAND-CAR-A held-out ({crnn.strings} strings), digits.crnn", f"{crnn.accuracy:.2%}",
         f"ResNet+BiLSTM-CTC {RESNET_BILSTM_CTC:.2%}; target >= 90 %"),
        ("  same, one reading per strip (readings: one)", f"{once.accuracy:.2%}", "same anchor (ablation)"),
        ("ORAND-CAR-A held-out, segmentation + digits.cnn", f"{seg.accuracy:.2%}", "same anchor (baseline of ours)"),
        ("digit boxes with IoU >= 0.5 (strings read right)", f"{crnn.boxes:.2%}", "ORAND-CAR-A's annotated boxes"),
        ("throughput, digits.read with digits.crnn", f"{crnn.digits_per_s:.0f} digits/s", "measured here"),
        ("  same, one reading per strip", f"{once.digits_per_s:.0f} digits/s", "measured here"),
        ("throughput, digits.read with digits.cnn", f"{seg.digits_per_s:.0f} digits/s", "measured here"),
    ]
    print_rows(rows + file_rows(a.models, a.mnist_files))


if __name__ == "__main__":
    main()
