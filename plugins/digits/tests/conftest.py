import json
from pathlib import Path

import cv2
import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def expected() -> dict:
    return json.loads((FIXTURES / "expected.json").read_text())


def image(name: str):
    img = cv2.imread(str(FIXTURES / name))
    assert img is not None, name
    return img
