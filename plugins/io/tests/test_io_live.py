"""replay paces a file's packets at real time; webcam and microphone fail clearly without hardware."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from platform_core import Context
from platform_core.errors import InputError
from recog_io.audio_file import audio_packets
from recog_io.live import MicrophoneParams, MicrophoneSource, WebcamParams, WebcamSource
from recog_io.replay import ReplayParams, ReplaySource, media_of, paced
from recog_io.video_file import video_packets


class FakeClock:
    """A clock that only moves when slept on, to read the pacing without waiting."""

    def __init__(self):
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.sleeps.append(s)
        self.now += s


def test_paced_releases_each_packet_at_start_plus_t_over_speed(wav):
    clock = FakeClock()
    released = []
    for p in paced(audio_packets(wav, chunk_s=0.25), speed=2.0, clock=clock, sleep=clock.sleep):
        released.append((p.t, clock.now - 100.0))
    assert [t for t, _ in released] == pytest.approx([0.0, 0.25, 0.5, 0.75])
    assert [at for _, at in released] == pytest.approx([0.0, 0.125, 0.25, 0.375])


def test_paced_does_not_sleep_when_behind():
    clock = FakeClock()

    class Slow:
        def __iter__(self):
            from platform_core.kinds import Packet
            for t in (0.0, 0.1, 0.2):
                clock.now += 0.5  # each packet takes longer to make than its duration
                yield Packet(t, None)

    assert len(list(paced(iter(Slow()), clock=clock, sleep=clock.sleep))) == 3
    assert clock.sleeps == []


def test_replay_audio_yields_the_file_packets(wav):
    source = ReplaySource(ReplayParams(path=str(wav), speed=20.0, chunk_s=0.1), Context())
    start = time.monotonic()
    got = list(source.packets())
    elapsed = time.monotonic() - start
    expected = list(audio_packets(wav, chunk_s=0.1))
    assert [p.t for p in got] == pytest.approx([p.t for p in expected]) and len(got) == 10
    assert all(np.array_equal(a.data.samples, b.data.samples) for a, b in zip(got, expected, strict=True))
    assert elapsed >= 0.9 * 0.9 / 20.0  # sanity: the last chunk (t=0.9) cannot come before 0.9 s / speed


def test_replay_video_and_image(lossless_video, frames, tmp_path):
    got = list(ReplaySource(ReplayParams(path=str(lossless_video), speed=50.0), Context()).packets())
    assert [p.data.index for p in got] == [p.data.index for p in video_packets(lossless_video)]
    assert all(np.array_equal(p.data.image, f) for p, f in zip(got, frames, strict=True))
    cv2.imwrite(str(tmp_path / "still.png"), frames[0])
    (still,) = ReplaySource(ReplayParams(path=str(tmp_path / "still.png")), Context()).packets()
    assert still.t == 0.0 and np.array_equal(still.data.image, frames[0])


def test_replay_audio_track_of_a_video(av_mp4):
    got = list(ReplaySource(ReplayParams(path=str(av_mp4), media="audio", speed=100.0, chunk_s=0.5),
                            Context()).packets())
    assert got[0].kind == "audio" and [p.t for p in got[:4]] == pytest.approx([0.0, 0.5, 1.0, 1.5])


def test_replay_unknown_extension(tmp_path):
    with pytest.raises(InputError, match=r"data\.xyz: replay cannot tell the media type"):
        media_of(tmp_path / "data.xyz")


def test_replay_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"nope\.wav: no such file"):
        list(ReplaySource(ReplayParams(path=str(tmp_path / "nope.wav")), Context()).packets())


def test_webcam_missing_camera():
    cap = cv2.VideoCapture(7)
    if cap.isOpened():
        cap.release()
        pytest.skip("this machine has a camera at index 7")
    with pytest.raises(InputError, match="webcam: no camera at index 7"):
        next(WebcamSource(WebcamParams(device=7), Context()).packets())


def test_microphone_missing_device():
    with pytest.raises(InputError, match=r"microphone: no microphone 'no such microphone'"):
        next(MicrophoneSource(MicrophoneParams(device="no such microphone"), Context()).packets())
