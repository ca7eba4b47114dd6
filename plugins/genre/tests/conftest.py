"""Shared fixtures: the committed 5 s GTZAN excerpt and the full clip when ../shared/data is present."""

from pathlib import Path

import pytest
import soundfile as sf

from recog_genre.features import warm_up

HERE = Path(__file__).parent
EXCERPT = HERE / "country.00000.5s.flac"  # seconds 10-15 of GTZAN country.00000 (research data, test fixture only)
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "gtzan"


@pytest.fixture(scope="session", autouse=True)
def compiled_kernels():
    """Each test worker compiles librosa's kernels under the shared lock before any test calls librosa itself."""
    warm_up()


@pytest.fixture(scope="session")
def excerpt():
    y, sr = sf.read(EXCERPT, dtype="float32")
    return y, sr
