"""Fixtures: short performances rendered with FluidSynth (installed from plugins/piano/apt.txt)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from recog_piano import fixtures
from recog_piano.synth import render

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """name -> (wav path at 44.1 kHz stereo, reference notes), rendered once per session with FluidR3."""
    folder = tmp_path_factory.mktemp("piano")
    out = {}
    for name in ("scale", "chord", "repeated"):
        notes = getattr(fixtures, name)()
        audio = render(notes, font="fluidr3", sample_rate=44100, gain=0.6)
        path = folder / f"{name}.wav"
        sf.write(path, np.stack([audio, audio], axis=1), 44100, subtype="PCM_16")
        out[name] = (path, notes)
    return out
