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


def brute_force_likelihood(probs: np.ndarray, labels: list[int]) -> float:
    """p(labels) summed over every frame path that collapses to them (small T only)."""
    import itertools

    total = 0.0
    for path in itertools.product(range(11), repeat=len(probs)):
        collapsed = [c for i, c in enumerate(path) if c != BLANK and (i == 0 or path[i - 1] != c)]
        if collapsed == labels:
            total += float(np.prod(probs[np.arange(len(path)), path]))
    return total


def test_log_likelihood_sums_every_path():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.full(11, 0.5), size=5)
    for labels in ([], [3], [3, 3], [3, 7], [1, 2, 1]):
        assert np.isclose(np.exp(ctc.log_likelihood(probs, labels)), brute_force_likelihood(probs, labels))
    assert ctc.log_likelihood(probs, [1, 1, 1, 1]) == -np.inf  # four equal digits need seven frames


def test_align_places_each_digit_on_its_most_likely_frames():
    b = BLANK
    probs = frames([b, 4, b, b, 4, 4, b, 9, b])
    got = ctc.align(probs, [4, 4, 9])
    assert [(e.label, e.start, e.end) for e in got] == [(4, 4, 8), (4, 16, 24), (9, 28, 32)]
    # a label the frames never favour still gets a place, with its low probability as confidence
    forced = ctc.align(probs, [4, 5, 9])
    assert [e.label for e in forced] == [4, 5, 9] and forced[1].confidence < 0.05
    assert ctc.align(frames([4, b]), [4, 4, 4]) == []  # too few frames


def test_consensus_follows_the_readings_that_are_sure():
    b = BLANK
    sure = frames([b, 2, b, 6, b], p=0.98)
    unsure_a = frames([b, 2, b, 5, b], p=0.4)
    unsure_b = frames([b, 2, b, 5, b], p=0.4)
    assert ctc.consensus([sure]) == [2, 6]
    assert ctc.consensus([unsure_a, unsure_b, sure]) == [2, 6]
    assert ctc.consensus([frames([b] * 4)]) == []
