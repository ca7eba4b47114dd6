"""The file sources on the project's real media in ../shared/data, when that folder is present."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from io_media import dominant_hz

from platform_core import Context
from recog_io.audio_file import AudioFileParams, AudioFileSource
from recog_io.image_file import read_image
from recog_io.video_file import VideoFileParams, VideoFileSource

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is not on this machine")


@needs_data
def test_real_video_frames_and_times():
    path = DATA / "hands" / "asl_hand.25fps.mp4"
    packets = list(VideoFileSource(VideoFileParams(path=str(path), every_nth=25), Context()).packets())
    assert len(packets) == 13  # 325 frames at 25 fps, one per second
    assert [p.data.index for p in packets] == list(range(0, 325, 25))
    assert [p.t for p in packets] == pytest.approx(list(range(13)))
    h, w = packets[0].data.image.shape[:2]
    assert packets[0].data.image.dtype == np.uint8 and h > 100 and w > 100


@needs_data
def test_real_photo():
    image = read_image(DATA / "hands" / "hands.jpg")
    assert image.ndim == 3 and image.shape[2] == 3 and image.std() > 10


@needs_data
def test_real_gtzan_clip():
    path = DATA / "gtzan" / "country.00000.wav"
    (p,) = AudioFileSource(AudioFileParams(path=str(path)), Context()).packets()
    assert p.data.sample_rate == 22050 and p.data.samples.shape[1] == 1
    assert len(p.data.samples) == 663300  # 30.08 s, as its header says
    chunks = list(AudioFileSource(AudioFileParams(path=str(path), sample_rate=16000, chunk_s=1.0),
                                  Context()).packets())
    assert len(chunks) == 31 and [c.t for c in chunks] == pytest.approx(list(range(31)))
    assert all(c.data.samples.shape == (16000, 1) for c in chunks[:-1])
    assert sum(len(c.data.samples) for c in chunks) == round(663300 * 16000 / 22050)
    assert dominant_hz(p.data.samples[:, 0], 22050) < 5000  # music, not noise
