"""Rebuild the committed test fixtures and the bundled example from MNIST test digits (never trained on).

    python plugins/digits/tests/make_fixtures.py

Writes tests/fixtures/*.png with tests/fixtures/expected.json, and examples/digits/number.png.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from recog_digits.data import mnist

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
EXAMPLE = HERE.parents[2] / "examples" / "digits" / "number.png"


def place(x: np.ndarray, y: np.ndarray, picks: list[int], gaps: list[int], height: int, rng) -> tuple:
    """Ink canvas of MNIST test digits ``picks`` placed with ``gaps`` (negative: overlapping), and their boxes."""
    crops = []
    for i in picks:
        d = x[i]
        ys, xs = np.nonzero(d > 30)
        c = d[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32) / 255
        w = max(2, round(c.shape[1] * height / c.shape[0]))
        crops.append(cv2.resize(c, (w, height), interpolation=cv2.INTER_CUBIC))
    canvas = np.zeros((height * 2, sum(c.shape[1] for c in crops) + height * 2), np.float32)
    boxes, cx = [], height // 2
    for k, c in enumerate(crops):
        cx += gaps[k]
        top = height // 2 + int(rng.integers(-height // 10, height // 10 + 1))
        region = canvas[top:top + height, cx:cx + c.shape[1]]
        np.maximum(region, c, out=region)
        boxes.append([cx, top, c.shape[1], height])
        cx += c.shape[1]
    return canvas[:, :cx + height // 2], "".join(str(int(y[i])) for i in picks), boxes


def on_paper(ink: np.ndarray, rng, bg=235.0, fg=40.0, photo=False) -> np.ndarray:
    h, w = ink.shape
    img = bg - ink * (bg - fg)
    if photo:  # uneven light, blur, sensor noise, slight rotation, JPEG
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        img = img * (0.65 + 0.35 * xx / w) + 12 * np.sin(yy / 7.0)
        img = cv2.GaussianBlur(img, (0, 0), 1.3)
        img += rng.normal(0, 6, img.shape)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), -3, 1.0)
        img = cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE)
        ok, buf = cv2.imencode(".jpg", np.clip(img, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 60])
        return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return np.clip(img, 0, 255).astype(np.uint8)


def main() -> None:
    d = mnist()
    x, y = d["x_test"], d["y_test"]
    rng = np.random.default_rng(4)
    FIXTURES.mkdir(exist_ok=True)
    expected = {}
    for k in range(10):  # one MNIST test digit per class, exactly as MNIST stores it
        i = int(np.nonzero(y == k)[0][3])
        cv2.imwrite(str(FIXTURES / f"single_{k}.png"), x[i])
        expected[f"single_{k}.png"] = {"text": str(k)}
    picks = [int(np.nonzero(y == k)[0][10]) for k in (3, 8, 5, 9, 0, 2)]
    ink, text, boxes = place(x, y, picks, [0, -5, -6, -5, -6, -4], 56, rng)
    cv2.imwrite(str(FIXTURES / "touching.png"), on_paper(ink, rng))
    expected["touching.png"] = {"text": text, "boxes": boxes}
    picks = [int(np.nonzero(y == k)[0][20]) for k in (7, 1, 4, 6, 2)]
    ink, text, boxes = place(x, y, picks, [0, 12, 6, 14, 8], 48, rng)
    cv2.imwrite(str(FIXTURES / "photo.jpg"), on_paper(ink, rng, bg=200, fg=60, photo=True))
    expected["photo.jpg"] = {"text": text, "boxes": boxes}
    picks = [int(np.nonzero(y == k)[0][30]) for k in (5, 0, 9, 1)]
    ink, text, boxes = place(x, y, picks, [0, 10, 4, 8], 40, rng)
    cv2.imwrite(str(FIXTURES / "light_on_dark.png"), on_paper(ink, rng, bg=30, fg=220))
    expected["light_on_dark.png"] = {"text": text, "boxes": boxes}
    (FIXTURES / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    picks = [int(np.nonzero(y == k)[0][40]) for k in (4, 0, 7, 1, 9, 3)]
    ink, text, _ = place(x, y, picks, [0, 6, -4, 10, 2, -6], 72, rng)
    EXAMPLE.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(EXAMPLE), cv2.cvtColor(on_paper(ink, rng, bg=228, fg=35), cv2.COLOR_GRAY2BGR))
    print("example", EXAMPLE, text)


if __name__ == "__main__":
    main()
