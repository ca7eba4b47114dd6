"""Hook implementations of the brightness plugin: declarations only; components load when a pipeline builds them."""

from __future__ import annotations

from platform_core import Kind, ModelSpec, hookimpl


@hookimpl
def recog_kinds():
    return [Kind("brightness.level", "Level: mean brightness (0-255) of an image and a label, dark or bright",
                 console="recog_brightness.level:show")]


@hookimpl
def recog_models():
    return [ModelSpec(id="brightness.level", version="0.1.0", summary="How bright an image is: mean level and a label",
                      consumes=("image",), produces=("brightness.level",),
                      params="recog_brightness.params:LevelParams", factory="recog_brightness.level:LevelStage")]
