"""Hook implementations of the genre plugin."""

from __future__ import annotations

from platform_core import ModelSpec, RendererSpec, TaskSpec, hookimpl


@hookimpl
def recog_models():
    return [ModelSpec(id="genre.classify", version="0.2.0",
                      summary="Music genre (GTZAN's 10) of an audio input, as a whole and per window; "
                      "says 'not music' for silence, noise and speech",
                      consumes=("audio",), produces=("classification",), params="recog_genre.params:ClassifyParams",
                      models=("genre.features", "genre.musicnn"), factory="recog_genre.classify:genre_classifier"),
            ModelSpec(id="genre.tags", version="0.1.0",
                      summary="Music tags (musicnn: 50 MagnaTagATune + 50 Million Song Dataset) per input and per 3 s",
                      consumes=("audio",), produces=("classification",), params="recog_genre.params:TagsParams",
                      models=("genre.musicnn",), factory="recog_genre.tags:MusicTagger")]


@hookimpl
def recog_renderers():
    return [RendererSpec(id="genre.timeline", version="0.1.0", summary="Genre scores over time as <stem>.genre.png",
                         consumes=("classification",),
                         params="recog_genre.params:TimelineParams", factory="recog_genre.timeline:Timeline")]


@hookimpl
def recog_tasks():
    return [TaskSpec(name="genre", summary="genre models: kNN+PCA, CNN, BiLSTM on mel spectrograms, and the "
                     "feature model; --data DIR/<genre>/<files> or --table features.csv",
                     train="recog_genre.train:train", evaluate="recog_genre.train:evaluate")]
