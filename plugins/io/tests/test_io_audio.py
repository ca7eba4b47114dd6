"""audio-file: exact samples from WAV/FLAC, MP3/M4A/video tracks through their decoders, chunking, resampling,
down-mixing; truncated, corrupt, empty and missing files raise InputError naming the file."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from io_media import RATE, dominant_hz

from platform_core import Context
from platform_core.errors import InputError
from recog_io.audio_file import AudioFileParams, AudioFileSource, audio_packets


def read(path, **params):
    return list(AudioFileSource(AudioFileParams(path=str(path), **params), Context()).packets())


@pytest.mark.parametrize("name", ["wav", "flac"])
def test_whole_file_is_exact(request, stereo, name):
    path = request.getfixturevalue(name)
    (p,) = read(path)
    assert (p.t, p.kind, p.data.sample_rate, p.data.source) == (0.0, "audio", RATE, str(path))
    assert p.data.samples.dtype == np.float32 and p.data.samples.shape == (RATE, 2)
    assert np.array_equal(p.data.samples, stereo)


def test_chunks_are_consecutive_and_stamped(wav, stereo):
    packets = read(wav, chunk_s=0.3)
    assert [p.t for p in packets] == pytest.approx([0.0, 0.3, 0.6, 0.9])
    assert [len(p.data.samples) for p in packets] == [4800, 4800, 4800, 1600]
    assert np.array_equal(np.concatenate([p.data.samples for p in packets]), stereo)


def test_mono_is_the_channel_mean(wav, stereo):
    (p,) = read(wav, mono=True)
    assert p.data.samples.shape == (RATE, 1)
    np.testing.assert_allclose(p.data.samples[:, 0], stereo.mean(axis=1), atol=1e-7)


def test_resampling_keeps_length_and_pitch(wav):
    (p,) = read(wav, sample_rate=8000)
    assert p.data.sample_rate == 8000 and p.data.samples.shape == (8000, 2)
    assert dominant_hz(p.data.samples[:, 0], 8000) == pytest.approx(440, abs=2)
    assert dominant_hz(p.data.samples[:, 1], 8000) == pytest.approx(1000, abs=2)
    chunks = read(wav, sample_rate=22050, chunk_s=0.25)
    assert sum(len(c.data.samples) for c in chunks) == 22050
    assert all(c.data.sample_rate == 22050 for c in chunks)


def test_mp3(mp3):
    (p,) = read(mp3)
    assert p.data.sample_rate == 44100 and p.data.samples.shape[1] == 2
    assert abs(len(p.data.samples) - 88200) <= 1152  # within one MP3 frame of 2 s
    assert dominant_hz(p.data.samples[:, 0], 44100) == pytest.approx(440, abs=2)


def test_m4a_through_ffmpeg(m4a):
    (p,) = read(m4a, mono=True)
    assert p.data.sample_rate == 48000 and p.data.samples.shape[1] == 1
    assert abs(len(p.data.samples) - 48000) <= 2048  # AAC frames are 1024 samples
    assert dominant_hz(p.data.samples[:, 0], 48000) == pytest.approx(660, abs=2)


def test_audio_track_of_a_video(av_mp4):
    packets = read(av_mp4, sample_rate=16000, chunk_s=0.5)
    assert [p.t for p in packets[:4]] == pytest.approx([0.0, 0.5, 1.0, 1.5])
    samples = np.concatenate([p.data.samples for p in packets])
    assert abs(len(samples) - 32000) <= 700
    assert dominant_hz(samples[:, 0], 16000) == pytest.approx(440, abs=2)


def test_video_without_audio(mp4_video):
    with pytest.raises(InputError, match=r"flat\.mp4: the file has no audio track"):
        read(mp4_video)


def test_truncated_wav(tmp_path, wav):
    data = wav.read_bytes()
    (tmp_path / "cut.wav").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.wav: truncated audio file"):
        read(tmp_path / "cut.wav")


def test_truncated_flac(tmp_path, flac):
    data = flac.read_bytes()
    (tmp_path / "cut.flac").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.flac: corrupt audio data"):
        read(tmp_path / "cut.flac")


def test_truncated_m4a(tmp_path, m4a):
    data = m4a.read_bytes()
    (tmp_path / "cut.m4a").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.m4a: "):
        read(tmp_path / "cut.m4a")


def test_header_without_samples(tmp_path):
    sf.write(tmp_path / "silent.wav", np.zeros((0, 1), np.float32), RATE)
    with pytest.raises(InputError, match=r"silent\.wav: the audio file holds no samples"):
        read(tmp_path / "silent.wav")


def test_garbage_empty_and_missing(tmp_path):
    (tmp_path / "junk.wav").write_bytes(b"RIFF" + bytes(range(200)))
    with pytest.raises(InputError, match=r"junk\.wav: not a readable audio file"):
        read(tmp_path / "junk.wav")
    (tmp_path / "empty.flac").write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.flac: file is empty"):
        read(tmp_path / "empty.flac")
    with pytest.raises(InputError, match=r"gone\.mp3: no such file"):
        list(audio_packets(tmp_path / "gone.mp3"))


def test_truncated_mp3(tmp_path, mp3):
    data = mp3.read_bytes()
    (tmp_path / "cut.mp3").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.mp3: truncated audio file"):
        read(tmp_path / "cut.mp3")


def test_whole_file_reading_has_a_length_limit(tmp_path, monkeypatch):
    from recog_io import audio_file

    path = tmp_path / "long.wav"
    sf.write(path, np.zeros(3 * RATE, np.float32), RATE)
    monkeypatch.setattr(audio_file, "MAX_WHOLE_S", 2)
    with pytest.raises(InputError, match=r"long\.wav: longer than 2 s"):
        list(audio_packets(path))
    assert sum(len(p.data.samples) for p in audio_packets(path, chunk_s=1.0)) == 3 * RATE  # chunks: no limit
