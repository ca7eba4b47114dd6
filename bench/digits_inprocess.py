"""The digits-from-files rows of bench/digits.py, in-process: much faster than `recog run`, same reading.

    python bench/digits_inprocess.py [--set mnist|sklearn] [--model digits.crnn] [--first N] [--shard K/N]

Writes each image as the PNG file bench/digits.py writes, decodes it with the io plugin's `image-file` reader
(`read_image`, as `recog run` does) and reads it with `DigitReader` under the pipeline's defaults (`digits.read`,
`single: digits.cnn` for a CTC model). Prints the accuracy and the errors by kind: read as two or more digits,
a wrong digit, nothing. `--shard K/N` reads every N-th image from the K-th (run N processes, add their counts).
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from pathlib import Path

import cv2
import numpy as np

from recog_digits.data import mnist
from recog_digits.reader import DigitReader, NoDigitsWarning, ReadParams
from recog_io.image_file import read_image


def images(name: str) -> tuple[list[np.ndarray], np.ndarray]:
    """The images of a set as bench/digits.py writes them, and their labels."""
    if name == "mnist":
        d = mnist()
        return list(d["x_test"]), d["y_test"]
    from sklearn.datasets import load_digits

    sk = load_digits()
    return ([255 - cv2.resize(np.uint8(np.clip(im * 16, 0, 255)), (32, 32), interpolation=cv2.INTER_CUBIC)
             for im in sk.images], sk.target)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", choices=["mnist", "sklearn"], default="mnist")
    ap.add_argument("--model", default="digits.crnn")
    ap.add_argument("--first", type=int, default=None, help="only the first N images")
    ap.add_argument("--shard", default="0/1", help="K/N: every N-th image from the K-th")
    a = ap.parse_args()
    k, n = map(int, a.shard.split("/"))
    xs, ys = images(a.set)
    picks = list(range(len(ys) if a.first is None else min(a.first, len(ys))))[k::n]
    reader = DigitReader(ReadParams(model=a.model))
    kinds: dict[str, list[str]] = {"two or more digits": [], "wrong digit": [], "nothing": []}
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", NoDigitsWarning)
        for i in picks:
            path = Path(tmp) / f"{a.set}{i:05d}.png"
            cv2.imwrite(str(path), xs[i])
            text, label = reader(read_image(path)).text, str(ys[i])
            path.unlink()
            if text != label:
                kind = "nothing" if not text else "two or more digits" if len(text) > 1 else "wrong digit"
                kinds[kind].append(f"{i}:{label}->{text}")
    wrong = sum(len(v) for v in kinds.values())
    print(f"{a.set} {a.model} shard {a.shard}: {len(picks) - wrong} of {len(picks)} right "
          f"({(len(picks) - wrong) / max(1, len(picks)):.2%})")
    for kind, errors in kinds.items():
        print(f"  {kind}: {len(errors)}  {' '.join(errors)}")


if __name__ == "__main__":
    main()
