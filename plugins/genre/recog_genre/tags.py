"""The `genre.tags` model: the musicnn tagger's top tags for a whole input and per 3 s patch."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from platform_core import AudioChunk, Classification, Context
from platform_core.errors import InputError
from recog_genre.params import TagsParams
from recog_genre.tagger import Tagger, TagStream


@dataclass
class TagsResult(Classification):
    """``label`` and ``scores``: the top tags of the whole input (mean over patches); ``segments``: per patch."""

    duration: float = 0.0
    segments: list[dict] = field(default_factory=list)


class MusicTagger:
    """Streams audio chunks through the tagger (bounded memory); answers at the end of the input."""

    def __init__(self, params: TagsParams, context: Context):
        self.params = params
        self.source = context.input or context.step or "audio"
        self.tagger = Tagger()
        self.stream: TagStream | None = None
        self.rate = 0
        self.samples = 0
        self.answer: TagsResult | None = None

    def __call__(self, chunk: AudioChunk) -> None:
        if not isinstance(chunk, AudioChunk):
            raise InputError(f"{self.source}: genre.tags takes audio chunks, got {type(chunk).__name__}")
        self.source = chunk.source or self.source
        if self.rate and chunk.sample_rate != self.rate:
            raise InputError(f"{self.source}: sample rate changed from {self.rate} to {chunk.sample_rate} Hz")
        y = np.asarray(chunk.mono() if np.ndim(chunk.samples) == 2 else chunk.samples, dtype=np.float32)
        if not np.all(np.isfinite(y)):
            raise InputError(f"{self.source}: audio holds NaN or infinite samples")
        if self.stream is None:
            self.rate = chunk.sample_rate
            self.stream = TagStream(self.tagger, self.rate)
        self.samples += len(y)
        self.stream.push(y)

    def flush(self) -> TagsResult:
        if self.stream is None or self.samples == 0:
            raise InputError(f"{self.source}: no audio reached genre.tags")
        patches = self.stream.end()
        names, k = self.tagger.tags, self.params.top

        def top(q: np.ndarray) -> dict[str, float]:
            return {names[i]: round(float(q[i]), 4) for i in np.argsort(-q)[:k]}

        duration = self.samples / self.rate
        segments = [{"start": round(p.start, 3), "end": round(min(duration, p.start + 2.992), 3), "tags": top(p.tags)}
                    for p in patches]
        scores = top(np.mean([p.tags for p in patches], axis=0))
        self.answer = TagsResult(next(iter(scores)), scores, round(duration, 3), segments)
        return self.answer

    def result(self) -> TagsResult | None:
        return self.answer
