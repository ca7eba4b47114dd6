"""Digits benchmark: MNIST test accuracy, held-out ORAND-CAR-A whole-string accuracy and speed, beside anchors.

    python bench/digits.py

Needs ../shared/data (MNIST and ORAND-CAR-A). Anchors are published figures; speeds are measured in this run.
"""

from __future__ import annotations

import os
import platform

from recog_digits.evaluate import mnist_accuracy, orand_accuracy

SEED_CNN = 0.9913  # the seed report's Keras CNN on MNIST test
BEST_SINGLE = 0.998  # best published single models on MNIST test, about
RESNET_BILSTM_CTC = 0.8975  # ResNet+BiLSTM-CTC on ORAND-CAR-A (published)


def main() -> None:
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
    print(f"# digits benchmark on {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          "single image per call, ONNX Runtime")
    w = max(len(r[0]) for r in rows)
    print(f"{'metric':<{w}}  {'ours':>16}  anchor")
    for name, ours, anchor in rows:
        print(f"{name:<{w}}  {ours:>16}  {anchor}")


if __name__ == "__main__":
    main()
