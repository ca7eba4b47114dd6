"""Checks against the full data sets in ../shared/data, where this machine has them."""

import pytest

from recog_digits import data
from recog_digits.evaluate import mnist_accuracy, orand_accuracy

pytestmark = pytest.mark.skipif(not (data.MNIST.is_file() and (data.ORAND / "labels.csv").is_file()),
                                reason="../shared/data (MNIST, ORAND-CAR-A) is not on this machine")


def test_held_out_split_is_fixed_and_disjoint():
    train, held = data.orand("train"), data.orand("held-out")
    assert (len(train), len(held)) == (864, 216)
    assert not {s.path for s in train} & {s.path for s in held}
    assert held[0].path.name == "a_car_000158.jpg" and held[0].text == "200"
    assert all(len(s.boxes) == len(s.text) for s in held[:20])


def test_shipped_models_keep_their_card_metrics():
    assert mnist_accuracy("digits.cnn") >= 0.995
    score = orand_accuracy("digits.crnn")
    assert score.strings == 216 and score.accuracy >= 0.85 and score.boxes >= 0.9
