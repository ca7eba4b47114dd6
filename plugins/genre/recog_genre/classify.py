"""The `genre.classify` model: whole-input genre scores and scores per window, from the GTZAN feature recipe."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from platform_core import AudioChunk, Classification, Context
from platform_core.errors import InputError
from recog_genre.audio import prepare
from recog_genre.classifier import FeatureClassifier
from recog_genre.features import Analysis, analyse
from recog_genre.params import ClassifyParams


@dataclass
class GenreResult(Classification):
    """A classification with its per-window view: ``segments`` holds start, end, label and scores."""

    duration: float = 0.0
    segments: list[dict] = field(default_factory=list)


def _windows(duration: float, length: float, hop: float) -> list[tuple[float, float]]:
    if duration <= length:
        return [(0.0, duration)]
    starts = np.arange(0.0, duration - length + 1e-9, hop).tolist()
    if starts[-1] + length < duration:
        starts.append(duration - length)
    return [(s, s + length) for s in starts]


def _around(start: float, end: float, context: float, duration: float) -> tuple[float, float]:
    """A window of ``context`` seconds centred on [start, end), shifted to lie inside the input."""
    if duration <= context:
        return 0.0, duration
    a = min(max(0.0, (start + end - context) / 2), duration - context)
    return a, a + context


def genre_classifier(params: ClassifyParams, context: Context):
    """The component for ``params.method``."""
    if params.method == "features":
        return GenreClassifier(params, context)
    from recog_genre.combined import CombinedClassifier

    return CombinedClassifier(params, context)


class GenreClassifier:
    """Collects the audio of one input; at the end scores it as a whole and per window."""

    def __init__(self, params: ClassifyParams, context: Context):
        self.params = params
        self.source = context.input or context.step or "audio"
        self.model = FeatureClassifier(params.model)
        self.chunks: list[np.ndarray] = []
        self.rate = 0
        self.answer: GenreResult | None = None

    def __call__(self, chunk: AudioChunk) -> None:
        if not isinstance(chunk, AudioChunk):
            raise InputError(f"{self.source}: genre.classify takes audio chunks, got {type(chunk).__name__}")
        if self.rate and chunk.sample_rate != self.rate:
            raise InputError(f"{self.source}: sample rate changed from {self.rate} to {chunk.sample_rate} Hz")
        self.rate = chunk.sample_rate
        self.source = chunk.source or self.source
        s = np.asarray(chunk.samples)
        self.chunks.append(s.mean(axis=1) if s.ndim == 2 else s)
        return None

    def flush(self) -> GenreResult:
        if not self.chunks:
            raise InputError(f"{self.source}: no audio reached genre.classify")
        y = prepare(np.concatenate(self.chunks), self.rate, self.source)
        self.chunks = []
        self.answer = self.classify(analyse(y))
        return self.answer

    def classify(self, a: Analysis) -> GenreResult:
        p = self.params
        d = a.duration
        clips = _windows(d, p.clip, p.clip / 2)
        scores = self.model.predict_proba(np.stack([a.features(s, e) for s, e in clips])).mean(axis=0)
        segs = [(s, min(d, s + p.segment)) for s in np.arange(0.0, d, p.segment).tolist()]
        segs = [(s, e) for s, e in segs if e - s >= 0.5] or [(0.0, d)]
        probs = self.model.predict_proba(np.stack([a.features(*_around(s, e, p.context, d)) for s, e in segs]))
        labels = self.model.labels
        segments = [
            {"start": round(s, 3), "end": round(e, 3), "label": labels[int(np.argmax(q))],
             "scores": dict(zip(labels, q.tolist()))}
            for (s, e), q in zip(segs, probs)
        ]
        return GenreResult(labels[int(np.argmax(scores))], dict(zip(labels, scores.tolist())), round(d, 3), segments)

    def result(self) -> GenreResult | None:
        return self.answer
