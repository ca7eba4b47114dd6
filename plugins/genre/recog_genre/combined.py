"""The default `genre.classify`: the feature model and the musicnn tagger combined, streamed in bounded memory."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from platform_core import AudioChunk, Context
from platform_core.errors import InputError
from recog_genre.audio import MIN_SECONDS
from recog_genre.classifier import FeatureClassifier
from recog_genre.classify import ClassifyParams, GenreResult
from recog_genre.features import SR, analyse
from recog_genre.fusion import SILENCE_RMS, combine, evidence, not_music
from recog_genre.labels import GENRES
from recog_genre.tagger import Tagger, TagStream

MIN_BLOCK_S = 10.0  # a last feature window shorter than this is left to the tagger (unless it is all there is)
NOT_MUSIC = "not music"


@dataclass
class CombinedResult(GenreResult):
    """A genre answer with ``music`` (False with ``reason`` silence, noise or speech) and the clip's top ``tags``."""

    music: bool = True
    reason: str | None = None
    tags: dict[str, float] | None = None


class CombinedClassifier:
    """Streams one input: 3 s patches go to the tagger, 30 s windows (at 22,050 Hz) to the feature model; at the
    end the two are combined per clip and per patch. Memory: one window of audio and one batch of patches."""

    def __init__(self, params: ClassifyParams, context: Context):
        self.params = params
        self.source = context.input or context.step or "audio"
        self.model = FeatureClassifier(params.model)
        self.tagger = Tagger()
        self.rate = 0
        self.samples = 0
        self.tags: TagStream | None = None
        self.resampler = None
        self.window: list[np.ndarray] = []
        self.held = 0  # samples in self.window
        self.start = 0  # samples at SR before self.window
        self.blocks: list[tuple[float, float, np.ndarray]] = []  # start s, end s, feature-model probabilities
        self.answer: CombinedResult | None = None

    def __call__(self, chunk: AudioChunk) -> None:
        if not isinstance(chunk, AudioChunk):
            raise InputError(f"{self.source}: genre.classify takes audio chunks, got {type(chunk).__name__}")
        self.source = chunk.source or self.source
        if self.rate and chunk.sample_rate != self.rate:
            raise InputError(f"{self.source}: sample rate changed from {self.rate} to {chunk.sample_rate} Hz")
        if chunk.sample_rate <= 0:
            raise InputError(f"{self.source}: invalid sample rate {chunk.sample_rate}")
        y = np.asarray(chunk.mono() if np.ndim(chunk.samples) == 2 else chunk.samples, dtype=np.float32)
        if not np.all(np.isfinite(y)):
            raise InputError(f"{self.source}: audio holds NaN or infinite samples")
        if not self.rate:
            import soxr

            self.rate = chunk.sample_rate
            self.tags = TagStream(self.tagger, self.rate)
            self.resampler = soxr.ResampleStream(self.rate, SR, 1, dtype="float32") if self.rate != SR else None
        self.samples += len(y)
        self.tags.push(y)
        if self.params.method == "combined":
            self._hold(self.resampler.resample_chunk(y) if self.resampler else y)

    def _hold(self, y: np.ndarray) -> None:
        self.window.append(y)
        self.held += len(y)
        size = int(self.params.clip * SR)
        while self.held >= size:
            x = np.concatenate(self.window)
            self._score(x[:size])
            self.window, self.held = [x[size:]], len(x) - size

    def _score(self, x: np.ndarray) -> None:
        a, b = self.start / SR, (self.start + len(x)) / SR
        self.start += len(x)
        if float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) >= SILENCE_RMS:
            self.blocks.append((a, b, self.model.predict_proba(analyse(x).features()[None])[0]))

    def flush(self) -> CombinedResult:
        if self.tags is None:
            raise InputError(f"{self.source}: no audio reached genre.classify")
        if self.resampler and self.params.method == "combined":
            self._hold(self.resampler.resample_chunk(np.zeros(0, np.float32), last=True))
        x = np.concatenate(self.window) if self.window else np.zeros(0, np.float32)
        duration = self.samples / self.rate
        if duration < MIN_SECONDS:
            raise InputError(f"{self.source}: audio is {duration:.2f} s long; genre needs at least {MIN_SECONDS} s")
        if len(x) >= MIN_BLOCK_S * SR or (not self.blocks and len(x) >= MIN_SECONDS * SR):
            self._score(x)
        self.window, self.held = [], 0
        patches = self.tags.end()
        self.answer = self._answer(patches, duration)
        return self.answer

    def _answer(self, patches, duration: float) -> CombinedResult:
        names = self.tagger.tags
        tags = np.stack([p.tags for p in patches])
        rms = np.array([p.rms for p in patches])
        reason = not_music(rms, np.array([p.low_energy for p in patches]), np.array([p.variation for p in patches]))
        clip_tags = tags.mean(axis=0)
        top = {names[i]: round(float(clip_tags[i]), 4) for i in np.argsort(-clip_tags)[:10]}
        uniform = np.full(len(GENRES), 1.0 / len(GENRES))
        p_feat = np.mean([b[2] for b in self.blocks], axis=0) if self.blocks else uniform
        scores = combine(p_feat, evidence(clip_tags, names), self.params.temperature)
        segments = []
        for p, e in zip(patches, evidence(tags, names)):
            end = min(duration, p.start + 2.992)
            q = combine(self._features_at((p.start + end) / 2, uniform), e, self.params.temperature)
            label = GENRES[int(np.argmax(q))] if p.rms >= SILENCE_RMS else NOT_MUSIC
            segments.append({"start": round(p.start, 3), "end": round(end, 3), "label": label,
                             "scores": dict(zip(GENRES, q.round(6).tolist()))})
        if reason:
            return CombinedResult(NOT_MUSIC, dict(zip(GENRES, uniform.tolist())), round(duration, 3), segments,
                                  music=False, reason=reason, tags=top)
        return CombinedResult(GENRES[int(np.argmax(scores))], dict(zip(GENRES, scores.tolist())), round(duration, 3),
                              segments, tags=top)

    def _features_at(self, t: float, default: np.ndarray) -> np.ndarray:
        for a, b, p in self.blocks:
            if a <= t < b:
                return p
        return self.blocks[-1][2] if self.blocks else default

    def result(self) -> CombinedResult | None:
        return self.answer
