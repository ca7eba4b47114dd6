"""Blank, corrupt and huge inputs, and broken models: empty answers with a warning or clear errors."""

import numpy as np
import pytest

from platform_core import ImageFrame
from platform_core.errors import InputError, ModelError
from recog_digits.reader import DigitReader, NoDigitsWarning, ReadParams


@pytest.fixture(scope="module")
def reader():
    return DigitReader(ReadParams())


@pytest.mark.parametrize("value", [0, 128, 255])
def test_blank_image_is_an_empty_string_with_a_warning(reader, value):
    with pytest.warns(NoDigitsWarning, match="blank.png: no digits found"):
        got = reader(ImageFrame(np.full((60, 200, 3), value, np.uint8), source="blank.png"))
    assert (got.text, got.digits, got.confidence) == ("", [], 0.0)


def test_faint_noise_is_not_read_as_digits(reader):
    rng = np.random.default_rng(0)
    noise = (200 + rng.normal(0, 3, (80, 240))).clip(0, 255).astype(np.uint8)
    with pytest.warns(NoDigitsWarning):
        assert reader(noise).text == ""


@pytest.mark.parametrize("bad, message", [
    (np.zeros((0, 0, 3), np.uint8), "too small"),
    (np.zeros((4, 4), np.uint8), "too small"),
    (np.zeros((40, 40, 7), np.uint8), "shape"),
    (np.zeros((40, 40), np.int64), "pixel type"),
    (np.full((40, 40), np.nan, np.float32), "pixel type"),
    (b"\x89PNG\r\n garbage", "expected an image array"),
])
def test_corrupt_frames_name_the_input(reader, bad, message):
    with pytest.raises(InputError, match=f"scan.png: .*{message}"):
        reader(ImageFrame(bad, source="scan.png"))


def test_huge_image_is_refused_before_work():
    reader = DigitReader(ReadParams(max_pixels=1_000_000))
    with pytest.raises(InputError, match=r"big.png: image of 2000x1000 pixels exceeds the limit"):
        reader(ImageFrame(np.zeros((1000, 2000, 3), np.uint8), source="big.png"))


def test_corrupt_file_through_the_io_reader(tmp_path):
    from recog_io.image_file import read_image

    bad = tmp_path / "torn.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(InputError, match="torn.png"):
        read_image(bad)


def test_missing_and_unknown_models(tmp_path):
    with pytest.raises(ModelError, match="missing"):
        DigitReader(ReadParams(model=str(tmp_path / "none.onnx")))
    with pytest.raises(ModelError, match="no model card"):
        DigitReader(ReadParams(model="digits.nothing"))
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="not a valid ONNX model"):
        DigitReader(ReadParams(model=str(junk)))
