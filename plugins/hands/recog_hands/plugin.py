"""Hook implementations of the hands plugin."""

from __future__ import annotations

from platform_core import ModelSpec, RendererSpec, hookimpl


@hookimpl
def recog_models():
    return [ModelSpec(
        id="hands.landmarks", version="0.1.0",
        summary="Hand landmarks (21 points, handedness, world coordinates) with stable track ids (MediaPipe)",
        consumes=("image",), produces=("hands",),
        params="recog_hands.params:LandmarksParams", factory="recog_hands.stage:HandLandmarks",
        models=("hands.landmarker-full", "hands.landmarker-lite", "hands.pose-landmarker-full"))]


@hookimpl
def recog_renderers():
    return [
        RendererSpec(id="hands.landmarks-jsonl", version="0.1.0",
                     summary="Hand landmarks per frame as JSON lines (<stem>.landmarks.jsonl)",
                     consumes=("hands",),
                     params="recog_hands.params:JsonlParams", factory="recog_hands.renderers:LandmarksJsonl"),
        RendererSpec(id="hands.bvh", version="0.1.0",
                     summary="Hand skeleton animation per track as BVH (<stem>.hand<id>.bvh)",
                     consumes=("hands",),
                     params="recog_hands.params:BvhParams", factory="recog_hands.renderers:HandsBvh"),
    ]
