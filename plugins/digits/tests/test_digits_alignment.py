"""CTC best-path decoding, column ownership and the segmentation of touching digits, on constructed inputs."""

import numpy as np

from recog_digits import ctc, segment
from recog_digits.nets import BLANK
from recog_digits.preprocess import STRIDE, dark_ink, mnist_like


def frames(path: list[int], p: float = 0.9) -> np.ndarray:
    probs = np.full((len(path), 11), (1 - p) / 10)
    probs[np.arange(len(path)), path] = p
    return probs


def test_best_path_collapses_repeats_and_keeps_blank_separated_doubles():
    b = BLANK
    got = ctc.best_path(frames([b, 3, 3, b, 3, b, 7, 7, 7, b]))
    assert [e.label for e in got] == [3, 3, 7]
    assert [e.start for e in got] == [1 * STRIDE, 4 * STRIDE, 6 * STRIDE]
    assert [e.end for e in got] == [3 * STRIDE, 5 * STRIDE, 9 * STRIDE]
    assert all(abs(e.confidence - 0.9) < 1e-9 for e in got)


def test_all_blank_is_empty():
    assert ctc.best_path(frames([BLANK] * 6)) == []


def test_columns_split_half_way_between_peaks():
    es = [ctc.Emission(1, 0.9, 10, 8, 12), ctc.Emission(2, 0.9, 30, 28, 32)]
    assert ctc.columns(es, 50) == [(0.0, 20.0), (20.0, 42.0)]


def test_touching_blobs_are_split_at_the_neck():
    ink = np.zeros((40, 80), np.float32)
    ink[5:35, 5:38] = 1
    ink[5:35, 42:75] = 1
    ink[18:22, 38:42] = 1  # a thin bridge makes them one component
    pieces, height = segment.components(ink)
    assert len(pieces) == 1 and height == 30
    two = segment.split(pieces[0], 2)
    assert [p.box[0] for p in two] == [5, 38] or [p.box[0] for p in two] == [5, 39]
    assert len(segment.split_options(pieces[0], height)) == 4


def test_dots_and_dashes_are_not_digits():
    ink = np.zeros((40, 120), np.float32)
    ink[5:35, 5:20] = 1
    ink[30:34, 30:34] = 1  # a dot
    ink[18:21, 50:70] = 1  # a dash
    ink[5:35, 90:105] = 1
    pieces, _ = segment.components(ink)
    assert [p.box[0] for p in pieces] == [5, 90]


def test_polarity_and_mnist_normalisation():
    page = np.full((50, 50), 230, np.uint8)
    page[10:40, 20:26] = 20
    assert dark_ink(page) and not dark_ink(255 - page)
    ink = np.zeros((60, 60), np.float32)
    ink[10:50, 28:34] = 1
    digit = mnist_like(ink)
    assert digit.shape == (28, 28)
    ys, xs = np.nonzero(digit > 0.5)
    assert ys.max() - ys.min() + 1 in (19, 20, 21)
    assert abs(xs.mean() - 13.5) < 1.5
