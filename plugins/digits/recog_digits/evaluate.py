"""Metrics of the shipped models: MNIST test accuracy, whole-string accuracy on held-out ORAND-CAR-A, speed."""

from __future__ import annotations

import argparse
import json
import time
import warnings
from typing import NamedTuple

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


class OrandScore(NamedTuple):
    accuracy: float  # whole strings read exactly
    digits_per_s: float
    strings: int
    boxes: float  # digits of exactly read strings whose box has IoU >= 0.5 with the annotated one


def iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    inter = max(0, w) * max(0, h)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def orand_accuracy(model: str = "digits.crnn", min_confidence: float = 0.3, readings: str = "all") -> OrandScore:
    """Whole-string accuracy, box placement and digits read per second on the held-out ORAND-CAR-A strings (20 %)."""
    reader = DigitReader(ReadParams(model=model, min_confidence=min_confidence, readings=readings))
    strings = orand("held-out")
    images = [cv2.imread(str(s.path)) for s in strings]
    right, digits, placed, boxed = 0, 0, 0, 0
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoDigitsWarning)
        results = [reader(image) for image in images]
    elapsed = time.perf_counter() - start
    for s, got in zip(strings, results, strict=True):
        digits += len(got.digits)
        if got.text == s.text:
            right += 1
            if len(s.boxes) == len(got.digits):
                boxed += len(got.digits)
                placed += sum(iou(d.box, truth) >= 0.5 for d, (_, truth) in zip(got.digits, s.boxes, strict=True))
    return OrandScore(right / len(strings), digits / elapsed, len(strings), placed / max(1, boxed))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="recog eval digits", description=__doc__)
    ap.add_argument("--cnn", default="digits.cnn", help="classifier: card id or model path")
    ap.add_argument("--crnn", default="digits.crnn", help="string reader: card id or model path")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    a = ap.parse_args(argv)
    acc = mnist_accuracy(a.cnn)
    crnn, crnn_once, seg = orand_accuracy(a.crnn), orand_accuracy(a.crnn, readings="one"), orand_accuracy(a.cnn)
    out = {"mnist_test_accuracy": acc, "orand_held_out_string_accuracy": crnn.accuracy,
           "orand_held_out_strings": crnn.strings, "orand_boxes_iou_0.5": crnn.boxes,
           "crnn_digits_per_s": crnn.digits_per_s, "crnn_one_reading_string_accuracy": crnn_once.accuracy,
           "crnn_one_reading_digits_per_s": crnn_once.digits_per_s, "segmentation_cnn_string_accuracy": seg.accuracy,
           "segmentation_cnn_digits_per_s": seg.digits_per_s}
    if a.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k}: {v:.4f}" if isinstance(v, float) else f"{k}: {v}")
    return 0
