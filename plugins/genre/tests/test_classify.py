"""genre.classify on real audio, its robustness to level and rate, bad inputs, and the timeline renderer."""

import numpy as np
import pytest
import soundfile as sf

from conftest import EXCERPT
from platform_core import AudioChunk, Context
from platform_core.errors import InputError, ModelError
from recog_genre.audio import load
from recog_genre.classify import ClassifyParams, GenreClassifier
from recog_genre.labels import GENRES
from recog_genre.plugin import recog_models, recog_renderers, recog_tasks
from recog_genre.timeline import Timeline, TimelineParams


def classify(samples, rate, **params):
    c = GenreClassifier(ClassifyParams(**params), Context(input="test"))
    c(AudioChunk(np.asarray(samples, dtype=np.float32), rate, "test"))
    return c.flush()


@pytest.fixture(scope="module")
def answer(excerpt):
    y, sr = excerpt
    return classify(y[:, None], sr)


def test_result_shape(answer):
    assert set(answer.scores) == set(GENRES)
    assert abs(sum(answer.scores.values()) - 1) < 1e-9
    assert answer.label == max(answer.scores, key=answer.scores.get)
    assert [s["start"] for s in answer.segments] == [0.0, 3.0]
    assert answer.segments[-1]["end"] == pytest.approx(5.0)
    for s in answer.segments:
        assert abs(sum(s["scores"].values()) - 1) < 1e-9 and s["label"] in GENRES


def test_level_does_not_move_scores(excerpt, answer):
    y, sr = excerpt
    quieter = classify(0.25 * y, sr)
    for g in GENRES:
        assert quieter.scores[g] == pytest.approx(answer.scores[g], abs=0.02)


@pytest.mark.parametrize("rate", [8000, 48000])
def test_other_rates_and_stereo(excerpt, rate):
    import librosa

    y, sr = excerpt
    z = librosa.resample(y, orig_sr=sr, target_sr=rate)
    r = classify(np.stack([z, 0.5 * z], axis=1), rate)
    assert abs(sum(r.scores.values()) - 1) < 1e-9 and r.duration == pytest.approx(5.0, abs=0.01)


def test_chunks_are_joined(excerpt, answer):
    y, sr = excerpt
    c = GenreClassifier(ClassifyParams(), Context(input="test"))
    for i in range(0, len(y), sr):
        assert c(AudioChunk(y[i:i + sr, None], sr, "test")) is None
    r = c.flush()
    assert r.scores == pytest.approx(answer.scores)


@pytest.mark.parametrize("samples, why", [
    (np.zeros((0, 1)), "no audio samples"),
    (np.zeros((22050 * 3, 2)), "silent"),
    (np.full((22050 * 3, 1), np.nan), "NaN"),
    (0.1 * np.ones((1000, 1)), "at least"),
])
def test_bad_audio(samples, why):
    with pytest.raises(InputError, match=why):
        classify(samples, 22050)


def test_bad_files(tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt garbage" * 10)
    for p, why in [(empty, "empty"), (corrupt, "not a readable audio file"), (tmp_path / "none.wav", "no such")]:
        with pytest.raises(InputError, match=why) as e:
            load(p)
        assert str(p) in str(e.value)


def test_load_reads_flac_and_resamples(tmp_path, excerpt):
    y, sr = excerpt
    p = tmp_path / "a.ogg"
    sf.write(p, np.stack([y, y], 1), sr, format="OGG", subtype="VORBIS")
    x = load(p)
    assert x.ndim == 1 and abs(len(x) - len(y)) < sr // 10
    assert len(load(EXCERPT)) == len(y)


def test_missing_model():
    with pytest.raises(ModelError, match="missing"):
        GenreClassifier(ClassifyParams(model="/nowhere/model.onnx"), Context())


def test_timeline_png(tmp_path, answer):
    r = Timeline(TimelineParams(), Context(out_dir=tmp_path, stem="clip"))
    r(answer)
    r.close()
    png = tmp_path / "clip.genre.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert r.context.outputs == [str(png)]


def test_hooks():
    assert [s.id for s in recog_models()] == ["genre.classify", "genre.tags"]
    assert [s.id for s in recog_renderers()] == ["genre.timeline"]
    assert recog_tasks()[0].name == "genre"
