"""The committed fixtures: images and the readings expected of them."""

import json
from pathlib import Path

import cv2

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())


def image(name: str):
    """A fixture image as the io plugin delivers it: BGR uint8."""
    img = cv2.imread(str(FIXTURES / name))
    assert img is not None, name
    return img
