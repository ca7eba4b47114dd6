"""A third-party plugin for the `recog serve` tests: a step that waits for a gate file, and its own web view."""

from __future__ import annotations

import html
import os
import time
from typing import Literal

from pydantic import Field

from platform_core import ModelSpec, Params, RendererSpec, hookimpl
from platform_core.serve.views import WebView


class GateParams(Params):
    gate: str = Field("", description="wait until this file exists (empty: no wait)")
    scale: int = Field(1, ge=1, le=10, description="multiplies the image height in the answer")
    mode: Literal["fast", "exact"] = Field("fast", description="a choice")


class Gate:
    def __init__(self, params: GateParams, ctx):
        self.p = params

    def __call__(self, frame):
        deadline = time.monotonic() + 60
        while self.p.gate and not os.path.exists(self.p.gate) and time.monotonic() < deadline:
            time.sleep(0.02)
        return {"label": "seen", "height": frame.image.shape[0] * self.p.scale}


class Note:
    def __init__(self, params, ctx):
        self.ctx, self.last = ctx, None

    def __call__(self, data):
        self.last = data

    def close(self):
        path = self.ctx.output_path(".note.txt")
        if path is not None:
            path.write_text(f"<b>{self.last}</b>")
            self.ctx.wrote(path)


@hookimpl
def recog_models():
    return [ModelSpec(id="servetoy.gate", version="0.1", summary="Waits for a gate file, then answers",
                      consumes=("image",), produces=("any",), params=GateParams, factory=Gate)]


@hookimpl
def recog_renderers():
    return [RendererSpec(id="servetoy.note", version="0.1", summary="<stem>.note.txt", consumes=("any",),
                         factory=Note)]


@hookimpl
def recog_web_views():
    return [WebView(".note.txt", lambda path, url: f'<p class="toy-view">{html.escape(path.read_text())}</p>')]
