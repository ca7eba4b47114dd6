"""video-file: every frame decoded with its media time and index; range and stride; bad files raise InputError."""

from __future__ import annotations

import numpy as np
import pytest
from io_media import FPS
from pydantic import ValidationError

from platform_core import Context
from platform_core.errors import InputError
from recog_io.video_file import VideoFileParams, VideoFileSource, video_packets


def read(path, **params):
    return list(VideoFileSource(VideoFileParams(path=str(path), **params), Context()).packets())


def test_lossless_frames_times_and_indices(lossless_video, frames):
    packets = read(lossless_video)
    assert len(packets) == len(frames)
    for i, (p, expected) in enumerate(zip(packets, frames, strict=True)):
        assert p.kind == "image" and p.data.index == i and p.data.source == str(lossless_video)
        assert p.t == pytest.approx(i / FPS)
        assert np.array_equal(p.data.image, expected)


def test_range_and_stride(lossless_video, frames):
    packets = read(lossless_video, start_s=0.3, end_s=0.9, every_nth=2)
    assert [p.data.index for p in packets] == [3, 5, 7]
    assert [p.t for p in packets] == pytest.approx([0.3, 0.5, 0.7])
    assert all(np.array_equal(p.data.image, frames[p.data.index]) for p in packets)


def test_mp4_frames(mp4_video):
    packets = read(mp4_video)
    assert len(packets) == 8
    ts = [p.t for p in packets]
    assert ts == sorted(ts) and ts[1] == pytest.approx(0.1)
    for i, p in enumerate(packets):
        assert p.data.image.shape == (64, 80, 3)
        assert abs(float(p.data.image.mean()) - 30 * i) < 4  # lossy codec: flat grey within a few levels


def test_start_after_the_end(lossless_video):
    with pytest.raises(InputError, match=r"clip\.mkv: no frames from start_s=5.0 s \(the video has 12 frames"):
        read(lossless_video, start_s=5.0)


def test_bad_range_is_a_parameter_error():
    with pytest.raises(ValidationError, match="end_s"):
        VideoFileParams(path="x.mp4", start_s=2.0, end_s=1.0)


def test_corrupt_video(tmp_path):
    (tmp_path / "junk.mp4").write_bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8).tobytes())
    with pytest.raises(InputError, match=r"junk\.mp4: not a readable video"):
        list(video_packets(tmp_path / "junk.mp4"))


def test_truncated_video(tmp_path, mp4_video):
    data = mp4_video.read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: len(data) // 3])
    with pytest.raises(InputError, match=r"cut\.mp4: "):
        list(video_packets(tmp_path / "cut.mp4"))


def test_empty_and_missing(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.mp4: file is empty"):
        read(tmp_path / "empty.mp4")
    with pytest.raises(InputError, match=r"gone\.mp4: no such file"):
        read(tmp_path / "gone.mp4")
