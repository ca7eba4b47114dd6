"""Exact readings of the committed fixtures by the shipped models, with boxes where the digits are."""

import warnings

import cv2
import numpy as np
import pytest
from digits_testdata import EXPECTED, image

from platform_core import Context, ImageFrame
from recog_digits.reader import DigitReader, NoDigitsWarning, ReadParams

SINGLES = [f"single_{k}.png" for k in range(10)]
STRINGS = ["touching.png", "photo.jpg", "light_on_dark.png"]


@pytest.fixture(scope="module")
def crnn():
    return DigitReader(ReadParams(), Context())


@pytest.fixture(scope="module")
def cnn():
    return DigitReader(ReadParams(model="digits.cnn"), Context())


def overlap(a, b) -> float:
    """Intersection over the smaller box's area."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = min(ax + aw, bx + bw) - max(ax, bx)
    h = min(ay + ah, by + bh) - max(ay, by)
    return max(0, w) * max(0, h) / min(aw * ah, bw * bh)


@pytest.mark.parametrize("name", SINGLES)
def test_single_digits_both_models(name, crnn, cnn):
    for reader in (crnn, cnn):
        got = reader(ImageFrame(image(name), source=name))
        assert got.text == EXPECTED[name]["text"], (reader.params.model, got)
        assert len(got.digits) == 1 and 0.5 < got.digits[0].confidence <= 1


@pytest.mark.parametrize("name", STRINGS)
def test_strings_exact_with_boxes(name, crnn):
    img = image(name)
    got = crnn(ImageFrame(img, source=name))
    want = EXPECTED[name]
    assert got.text == want["text"]
    assert [d.label for d in got.digits] == list(want["text"])
    assert 0 < got.confidence <= min(d.confidence for d in got.digits) + 1e-9
    xs = [d.box[0] for d in got.digits]
    assert xs == sorted(xs)
    for d, truth in zip(got.digits, want["boxes"], strict=True):
        x, y, w, h = d.box
        assert 0 <= x and 0 <= y and x + w <= img.shape[1] + 1 and y + h <= img.shape[0] + 1
        assert overlap(d.box, truth) > 0.5, (d, truth)


@pytest.mark.parametrize("name", ["photo.jpg", "light_on_dark.png"])
def test_separated_strings_by_segmentation(name, cnn):
    got = cnn(image(name))
    assert got.text == EXPECTED[name]["text"]
    for d, truth in zip(got.digits, EXPECTED[name]["boxes"], strict=True):
        assert overlap(d.box, truth) > 0.7, (d, truth)


def widened(name: str, aspect: float) -> np.ndarray:
    """A single-digit fixture stretched sideways until its ink is about ``aspect`` times as wide as tall."""
    g = image(name)
    ys, xs = np.nonzero(g.min(2) < 128)
    w, h = np.ptp(xs) + 1, np.ptp(ys) + 1
    wide = cv2.resize(g, (round(g.shape[1] * aspect * h / w), g.shape[0]), interpolation=cv2.INTER_CUBIC)
    return cv2.copyMakeBorder(wide, 0, 0, 4, 4, cv2.BORDER_REPLICATE)


@pytest.mark.parametrize(("name", "aspect"), [("single_0.png", 2.0), ("single_5.png", 2.2), ("single_7.png", 2.2),
                                              ("single_8.png", 2.2), ("single_9.png", 2.2)])
def test_flat_digit_in_one_piece_is_read_as_one(name, aspect, cnn):
    """Ink in one piece wider than 1.5x its height (a flat digit) is read whole when that reading is surer: the
    segmenter alone split these into two digits."""
    got = cnn(widened(name, aspect))
    assert got.text == EXPECTED[name]["text"] and len(got.digits) == 1, got


def test_light_on_dark_is_the_inverse_of_dark_on_light(crnn):
    img = image("light_on_dark.png")
    a, b = crnn(img), crnn(255 - img)
    assert a.text == b.text
    assert [d.box for d in a.digits] == [d.box for d in b.digits]


def test_forced_wrong_polarity_reads_differently():
    reader = DigitReader(ReadParams(polarity="dark", min_confidence=0.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoDigitsWarning)
        got = reader(image("light_on_dark.png"))
    assert got.text != EXPECTED["light_on_dark.png"]["text"]


def test_upscaled_image_reads_the_same_with_scaled_boxes(crnn):
    img = image("photo.jpg")
    big = np.repeat(np.repeat(img, 3, axis=0), 3, axis=1)
    a, b = crnn(img), crnn(big)
    assert b.text == a.text == EXPECTED["photo.jpg"]["text"]
    for da, db in zip(a.digits, b.digits, strict=True):
        assert abs(db.box[0] - 3 * da.box[0]) <= 9
