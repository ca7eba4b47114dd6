"""Metrics of the shipped models: MNIST test accuracy, whole-string accuracy on held-out ORAND-CAR-A, speed."""

from __future__ import annotations

import argparse
import json
import time
import warnings

import cv2
import numpy as np

from recog_digits.data import mnist, orand
from recog_digits.reader import DigitReader, NoDigitsWarning, ReadParams, load


def mnist_accuracy(model: str = "digits.cnn") -> float:
    """Top-1 accuracy of a classifier on the 10,000 MNIST test digits, fed exactly as MNIST stores them."""
    m, d = load(model), mnist()
    right = 0
    for i in range(0, len(d["x_test"]), 500):
        probs = m.classify(d["x_test"][i:i + 500].astype(np.float32) / 255)
        right += int((probs.argmax(1) == d["y_test"][i:i + 500]).sum())
    return right / len(d["x_test"])


def orand_accuracy(model: str = "digits.crnn", min_confidence: float = 0.3) -> tuple[float, float, int]:
    """Whole-string accuracy and digits read per second on the held-out ORAND-CAR-A strings (20 %)."""
    reader = DigitReader(ReadParams(model=model, min_confidence=min_confidence))
    strings = orand("held-out")
    images = [cv2.imread(str(s.path)) for s in strings]
    right, digits = 0, 0
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoDigitsWarning)
        for s, image in zip(strings, images, strict=True):
            got = reader(image)
            right += got.text == s.text
            digits += len(got.digits)
    elapsed = time.perf_counter() - start
    return right / len(strings), digits / elapsed, len(strings)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="recog eval digits", description=__doc__)
    ap.add_argument("--cnn", default="digits.cnn", help="classifier: card id or model path")
    ap.add_argument("--crnn", default="digits.crnn", help="string reader: card id or model path")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    a = ap.parse_args(argv)
    acc = mnist_accuracy(a.cnn)
    s_acc, speed, n = orand_accuracy(a.crnn)
    seg_acc, seg_speed, _ = orand_accuracy(a.cnn)
    out = {"mnist_test_accuracy": acc, "orand_held_out_string_accuracy": s_acc, "orand_held_out_strings": n,
           "crnn_digits_per_s": speed, "segmentation_cnn_string_accuracy": seg_acc,
           "segmentation_cnn_digits_per_s": seg_speed}
    if a.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k}: {v:.4f}" if isinstance(v, float) else f"{k}: {v}")
    return 0
