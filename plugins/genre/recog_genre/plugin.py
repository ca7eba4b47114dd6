"""Hook implementations of the genre plugin."""

from __future__ import annotations

from platform_core import ModelSpec, RendererSpec, TaskSpec, hookimpl
from recog_genre.params import ClassifyParams, TimelineParams


@hookimpl
def recog_models():
    return [ModelSpec(id="genre.classify", version="0.1.0",
                      summary="Music genre (GTZAN's 10) of an audio input, as a whole and per 3 s window",
                      consumes=("audio",), produces=("classification",), params=ClassifyParams,
                      models=("genre.features",), factory="recog_genre.classify:GenreClassifier")]


@hookimpl
def recog_renderers():
    return [RendererSpec(id="genre.timeline", version="0.1.0", summary="Genre scores over time as <stem>.genre.png",
                         consumes=("classification",), params=TimelineParams, factory="recog_genre.timeline:Timeline")]


@hookimpl
def recog_tasks():
    return [TaskSpec(name="genre", summary="genre models: kNN+PCA, CNN, BiLSTM on mel spectrograms, and the "
                     "feature model; --data DIR/<genre>/<files> or --table features.csv",
                     train="recog_genre.train:train", evaluate="recog_genre.train:evaluate")]
