"""The default genre.classify (feature model x tagger): streamed chunks, not-music answers, and both pipelines."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from conftest import EXCERPT
from platform_core import AudioChunk, Context
from platform_core.errors import InputError
from recog_genre.classify import ClassifyParams, genre_classifier
from recog_genre.combined import NOT_MUSIC, CombinedClassifier
from recog_genre.labels import GENRES

ROOT = Path(__file__).resolve().parents[3]
SR = 22050


def classify(y: np.ndarray, rate: int = SR, block: int | None = None, **params):
    c = genre_classifier(ClassifyParams(**params), Context(input="test"))
    block = block or len(y)
    for i in range(0, len(y), block):
        assert c(AudioChunk(np.asarray(y[i:i + block], np.float32)[:, None], rate, "test")) is None
    return c.flush()


def noise(alpha: float, seconds: float = 8.0) -> np.ndarray:
    n = int(seconds * SR)
    f = np.fft.rfftfreq(n)
    spec = np.random.default_rng(1).standard_normal(len(f)) + 1j * np.random.default_rng(2).standard_normal(len(f))
    spec[1:] /= f[1:] ** (alpha / 2)
    spec[0] = 0
    x = np.fft.irfft(spec, n)
    return (0.3 * x / np.abs(x).max()).astype(np.float32)


@pytest.fixture(scope="module")
def music(excerpt):
    y, sr = excerpt
    return classify(y, sr)


def test_music_gets_a_genre(music):
    assert music.music and music.reason is None and music.label in GENRES
    assert abs(sum(music.scores.values()) - 1) < 1e-9 and music.label == max(music.scores, key=music.scores.get)
    assert [s["start"] for s in music.segments] == [0.0, pytest.approx(2.016)]  # a patch, then the last 3 s
    assert all(s["label"] in GENRES for s in music.segments) and len(music.tags) == 10


def test_chunk_size_does_not_matter(excerpt, music):
    y, sr = excerpt
    r = classify(y, sr, block=4000)
    assert r.scores == pytest.approx(music.scores, abs=1e-4)


def test_default_is_combined():
    assert isinstance(genre_classifier(ClassifyParams(), Context()), CombinedClassifier)


@pytest.mark.parametrize("signal, reason", [
    (np.zeros(6 * SR, np.float32), "silence"),
    (1e-4 * noise(0), "silence"),  # -80 dBFS peak
    (noise(0), "noise"),
    (noise(1), "noise"),
    (noise(2), "noise"),
])
def test_not_music(signal, reason):
    r = classify(signal)
    assert (r.label, r.music, r.reason) == (NOT_MUSIC, False, reason)
    assert max(r.scores.values()) == pytest.approx(0.1)  # no genre is favoured


def test_speech_is_not_music(tmp_path):
    wav = tmp_path / "speech.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), "The meeting starts at nine. Please bring the report, and the "
                    "figures for the second quarter, so that we can discuss them before lunch."], check=True)
    y, sr = sf.read(wav, dtype="float32")
    r = classify(y, sr)
    assert (r.label, r.reason) == (NOT_MUSIC, "speech")


@pytest.mark.parametrize("samples, why", [
    (np.full(3 * SR, np.nan), "NaN"),
    (0.1 * np.ones(1000), "at least"),
])
def test_bad_audio(samples, why):
    with pytest.raises(InputError, match=why):
        classify(samples)


def recog(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "platform_core", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_pipelines(tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copy(EXCERPT, tmp_path / "in" / "clip.flac")
    (tmp_path / "in" / "broken.wav").write_bytes(b"RIFF garbage")
    proc = recog("run", "pipelines/genre.yaml", "--input", tmp_path / "in", "--out", tmp_path / "g")
    assert proc.returncode == 1, proc.stderr  # one input failed, the other is answered
    records = {Path(r["input"]).name: r for r in map(json.loads, (tmp_path / "g" / "results.jsonl").open())}
    assert not records["broken.wav"]["ok"] and "broken.wav" in records["broken.wav"]["error"]
    r = records["clip.flac"]
    assert r["ok"] and r["result"]["label"] in GENRES and r["result"]["music"] is True
    assert (tmp_path / "g" / "clip.genre.png").stat().st_size > 0
    proc = recog("run", "pipelines/genre-tags.yaml", "--input", EXCERPT, "--out", tmp_path / "t")
    assert proc.returncode == 0, proc.stderr
    (r,) = map(json.loads, (tmp_path / "t" / "results.jsonl").open())
    assert len(r["result"]["scores"]) == 10 and r["result"]["label"] == next(iter(r["result"]["scores"]))
    assert all(t.startswith(("mtt:", "msd:")) for t in r["result"]["scores"])
    assert [round(s["start"], 3) for s in r["result"]["segments"]] == [0.0, 2.016]
