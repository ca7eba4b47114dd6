"""Media files made once per test session: images, lossless and lossy videos, audio in several containers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from io_media import RATE, ffmpeg, write_video


@pytest.fixture(scope="session")
def media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def frames() -> list[np.ndarray]:
    rng = np.random.default_rng(1)
    return [rng.integers(0, 256, (48, 64, 3), dtype=np.uint8) for _ in range(12)]


@pytest.fixture(scope="session")
def lossless_video(media, frames) -> Path:
    """12 random frames at 10 fps, FFV1 in Matroska: decodes to the exact pixels."""
    return write_video(media / "clip.mkv", frames, "FFV1")


@pytest.fixture(scope="session")
def mp4_video(media) -> Path:
    """8 flat grey frames (0, 30, ..., 210) at 10 fps, MPEG-4 in MP4, no audio."""
    return write_video(media / "flat.mp4", [np.full((64, 80, 3), 30 * i, np.uint8) for i in range(8)], "mp4v")


@pytest.fixture(scope="session")
def stereo() -> np.ndarray:
    """1 s of stereo at 16 kHz, exactly representable in 16-bit PCM: 440 Hz left, 1 kHz right."""
    t = np.arange(RATE) / RATE
    x = np.stack([0.5 * np.sin(2 * np.pi * 440 * t), 0.25 * np.sin(2 * np.pi * 1000 * t)], axis=1)
    return (np.round(x * 32767) / 32768).astype(np.float32)


@pytest.fixture(scope="session")
def wav(media, stereo) -> Path:
    sf.write(media / "tone.wav", stereo, RATE, subtype="PCM_16")
    return media / "tone.wav"


@pytest.fixture(scope="session")
def flac(media, stereo) -> Path:
    sf.write(media / "tone.flac", stereo, RATE, subtype="PCM_16")
    return media / "tone.flac"


@pytest.fixture(scope="session")
def mp3(media) -> Path:
    """2 s of a 440 Hz sine at 44.1 kHz, stereo MP3."""
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2:sample_rate=44100", "-ac", "2", "-b:a", "128k",
           str(media / "sine.mp3"))
    return media / "sine.mp3"


@pytest.fixture(scope="session")
def m4a(media) -> Path:
    """1 s of a 660 Hz sine at 48 kHz, mono AAC in M4A."""
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=660:duration=1:sample_rate=48000", "-c:a", "aac",
           str(media / "sine.m4a"))
    return media / "sine.m4a"


@pytest.fixture(scope="session")
def av_mp4(media) -> Path:
    """2 s of video (20 frames at 10 fps, 64x48) with a 2 s 440 Hz audio track at 48 kHz."""
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=2", "-f", "lavfi", "-i",
           "sine=frequency=440:duration=2:sample_rate=48000", "-c:v", "mpeg4", "-c:a", "aac", "-shortest",
           str(media / "av.mp4"))
    return media / "av.mp4"
