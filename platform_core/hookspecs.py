"""Hook specifications: what a recog plugin may implement."""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("recog")
hookimpl = pluggy.HookimplMarker("recog")


@hookspec
def recog_sources():
    """Return a list of SourceSpec: where data comes from."""


@hookspec
def recog_preprocessors():
    """Return a list of PreprocessorSpec: transforms from one kind to another."""


@hookspec
def recog_models():
    """Return a list of ModelSpec: recognizers."""


@hookspec
def recog_renderers():
    """Return a list of RendererSpec: where results go (screen, files, overlays)."""


@hookspec
def recog_kinds():
    """Return a list of Kind: packet kinds this plugin adds to the built-in ones."""


@hookspec
def recog_pipeline_start(pipeline, context):
    """Called once per input before any packet flows; return value ignored."""


@hookspec
def recog_pipeline_stop(pipeline, context, metrics):
    """Called once per input after the last packet, with the stage metrics; return value ignored."""


@hookspec
def recog_stage_error(pipeline, step, error):
    """Called when a stage raises; return value ignored."""


@hookspec
def recog_tasks():
    """Return a list of TaskSpec: trainers and evaluators behind `recog train` and `recog eval`."""


@hookspec
def recog_web_views():
    """Return a list of platform_core.serve.views.WebView: how `recog serve` shows files this plugin writes."""
