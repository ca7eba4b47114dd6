"""The io plugin's hooks: generic sources and renderers under bare ids (``image-file``, ``jsonl``, ...)."""

from __future__ import annotations

from platform_core import ANY, RendererSpec, SourceSpec, hookimpl
from recog_io import paths

VERSION = "0.1.0"


@hookimpl
def recog_sources():
    return [
        SourceSpec(id="image-file", version=VERSION,
                   summary="An image file as one BGR frame at t=0 (a video: its frames)",
                   produces=("image",),
                   params="recog_io.params:ImageFileParams", factory="recog_io.image_file:ImageFileSource",
                   extensions=paths.IMAGE_EXTENSIONS + paths.VIDEO_EXTENSIONS),
        SourceSpec(id="video-file", version=VERSION,
                   summary="A video file's frames, stamped with media time (a still image: one frame)",
                   produces=("image",),
                   params="recog_io.params:VideoFileParams", factory="recog_io.video_file:VideoFileSource",
                   extensions=paths.VIDEO_EXTENSIONS + paths.IMAGE_EXTENSIONS),
        SourceSpec(id="audio-file", version=VERSION,
                   summary="An audio file or a video's audio track: whole, or in chunks; resampled, mono on request",
                   produces=("audio",),
                   params="recog_io.params:AudioFileParams", factory="recog_io.audio_file:AudioFileSource",
                   extensions=paths.AUDIO_EXTENSIONS),
        SourceSpec(id="webcam", version=VERSION, summary="Live frames from a camera index or a stream URL",
                   produces=("image",), params="recog_io.params:WebcamParams", factory="recog_io.live:WebcamSource",
                   live=True, input_param=None),
        SourceSpec(id="microphone", version=VERSION, summary="Live audio chunks from a microphone",
                   produces=("audio",),
                   params="recog_io.params:MicrophoneParams", factory="recog_io.live:MicrophoneSource",
                   live=True, input_param=None),
        SourceSpec(id="replay", version=VERSION,
                   summary="An image, video or audio file replayed at real time, as a live source",
                   produces=(ANY,), params="recog_io.params:ReplayParams", factory="recog_io.replay:ReplaySource",
                   live=True, input_param="path", extensions=paths.REPLAY_EXTENSIONS),
    ]


@hookimpl
def recog_renderers():
    return [
        RendererSpec(id="console", version=VERSION, summary="Each packet printed readably to stdout (Rich)",
                     consumes=(ANY,),
                     params="recog_io.params:ConsoleParams", factory="recog_io.console:ConsoleRenderer"),
        RendererSpec(id="json", version=VERSION, summary="<stem>.json: the single result or a list of {t, data}",
                     consumes=(ANY,), params="recog_io.params:FileParams", factory="recog_io.files:JsonRenderer"),
        RendererSpec(id="jsonl", version=VERSION, summary="<stem>.jsonl: one flushed line {t, ...data} per packet",
                     consumes=(ANY,), params="recog_io.params:FileParams", factory="recog_io.files:JsonlRenderer"),
        RendererSpec(id="csv", version=VERSION,
                     summary="<stem>.csv: flat rows (one per hand per frame, per note, per score event)",
                     consumes=(ANY,), params="recog_io.params:FileParams", factory="recog_io.files:CsvRenderer"),
        RendererSpec(id="image-overlay", version=VERSION,
                     summary="<stem>.overlay.png: results (inputs 2...) drawn on the image (input 1); "
                             "<stem>.overlay.mp4 for a video file's frames",
                     consumes=("image", ANY),
                     params="recog_io.params:OverlayParams", factory="recog_io.overlay:ImageOverlay"),
        RendererSpec(id="video-overlay", version=VERSION,
                     summary="<stem>.overlay.mp4: results (inputs 2...) drawn on every frame (input 1); "
                             "<stem>.overlay.png for a still image",
                     consumes=("image", ANY),
                     params="recog_io.params:OverlayParams", factory="recog_io.overlay:VideoOverlay"),
        RendererSpec(id="plot", version=VERSION,
                     summary="<stem>.<kind>.png: piano roll, classification scores over time, or numbers over time",
                     consumes=(ANY,), params="recog_io.params:PlotParams", factory="recog_io.plot:PlotRenderer"),
    ]
