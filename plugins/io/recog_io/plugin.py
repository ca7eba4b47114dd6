"""The io plugin's hooks: generic sources and renderers under bare ids (``image-file``, ``jsonl``, ...)."""

from __future__ import annotations

from platform_core import RendererSpec, SourceSpec, hookimpl
from platform_core.kinds import ANY
from recog_io import audio_file, image_file, live, replay, video_file
from recog_io.console import ConsoleParams, ConsoleRenderer
from recog_io.files import CsvRenderer, FileParams, JsonlRenderer, JsonRenderer
from recog_io.overlay import ImageOverlay, OverlayParams, VideoOverlay
from recog_io.plot import PlotParams, PlotRenderer

VERSION = "0.1.0"


@hookimpl
def recog_sources():
    return [
        SourceSpec(id="image-file", version=VERSION,
                   summary="An image file as one BGR frame at t=0 (a video: its frames)",
                   produces=("image",), params=image_file.ImageFileParams, factory=image_file.ImageFileSource,
                   extensions=image_file.EXTENSIONS + video_file.EXTENSIONS),
        SourceSpec(id="video-file", version=VERSION,
                   summary="A video file's frames, stamped with media time (a still image: one frame)",
                   produces=("image",), params=video_file.VideoFileParams, factory=video_file.VideoFileSource,
                   extensions=video_file.EXTENSIONS + image_file.EXTENSIONS),
        SourceSpec(id="audio-file", version=VERSION,
                   summary="An audio file or a video's audio track: whole, or in chunks; resampled, mono on request",
                   produces=("audio",), params=audio_file.AudioFileParams, factory=audio_file.AudioFileSource,
                   extensions=audio_file.EXTENSIONS),
        SourceSpec(id="webcam", version=VERSION, summary="Live frames from a camera index or a stream URL",
                   produces=("image",), params=live.WebcamParams, factory=live.WebcamSource,
                   live=True, input_param=None),
        SourceSpec(id="microphone", version=VERSION, summary="Live audio chunks from a microphone",
                   produces=("audio",), params=live.MicrophoneParams, factory=live.MicrophoneSource,
                   live=True, input_param=None),
        SourceSpec(id="replay", version=VERSION,
                   summary="An image, video or audio file replayed at real time, as a live source",
                   produces=(ANY,), params=replay.ReplayParams, factory=replay.ReplaySource,
                   live=True, input_param="path", extensions=replay.EXTENSIONS),
    ]


@hookimpl
def recog_renderers():
    return [
        RendererSpec(id="console", version=VERSION, summary="Each packet printed readably to stdout (Rich)",
                     consumes=(ANY,), params=ConsoleParams, factory=ConsoleRenderer),
        RendererSpec(id="json", version=VERSION, summary="<stem>.json: the single result or a list of {t, data}",
                     consumes=(ANY,), params=FileParams, factory=JsonRenderer),
        RendererSpec(id="jsonl", version=VERSION, summary="<stem>.jsonl: one flushed line {t, ...data} per packet",
                     consumes=(ANY,), params=FileParams, factory=JsonlRenderer),
        RendererSpec(id="csv", version=VERSION,
                     summary="<stem>.csv: flat rows (one per hand per frame, per note, per score event)",
                     consumes=(ANY,), params=FileParams, factory=CsvRenderer),
        RendererSpec(id="image-overlay", version=VERSION,
                     summary="<stem>.overlay.png: results (inputs 2...) drawn on the image (input 1); "
                             "<stem>.overlay.mp4 for a video file's frames",
                     consumes=("image", ANY), params=OverlayParams, factory=ImageOverlay),
        RendererSpec(id="video-overlay", version=VERSION,
                     summary="<stem>.overlay.mp4: results (inputs 2...) drawn on every frame (input 1); "
                             "<stem>.overlay.png for a still image",
                     consumes=("image", ANY), params=OverlayParams, factory=VideoOverlay),
        RendererSpec(id="plot", version=VERSION,
                     summary="<stem>.<kind>.png: piano roll, classification scores over time, or numbers over time",
                     consumes=(ANY,), params=PlotParams, factory=PlotRenderer),
    ]
