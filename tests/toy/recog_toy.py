"""A tiny third-party plugin used by the core tests: numbers, arithmetic and a file sink."""

from __future__ import annotations

import json
import os
import signal
import time

from pydantic import Field

from platform_core import Kind, ModelSpec, Packet, Packets, Params, RendererSpec, SourceSpec, hookimpl
from platform_core.errors import InputError


class CountParams(Params):
    n: int = Field(10, description="how many packets")
    fps: float = Field(30.0, description="packets per second of media time")
    path: str | None = Field(None, description="a text file holding n (overrides n)")
    pace: bool = Field(False, description="yield at real time (a live source)")


class Count:
    def __init__(self, params: CountParams, ctx):
        self.p = params

    def packets(self):
        n = self.p.n
        if self.p.path:
            try:
                n = int(open(self.p.path).read())
            except (OSError, ValueError) as e:
                raise InputError(f"{self.p.path}: not a count file ({e})") from e
        start = time.monotonic()
        for i in range(n):
            t = i / self.p.fps
            if self.p.pace:
                time.sleep(max(0.0, start + t - time.monotonic()))
            yield Packet(t, i, "number")


class Events:
    """Irregular events at the given times."""

    def __init__(self, params, ctx):
        self.times = params.times

    def packets(self):
        for i, t in enumerate(self.times):
            yield Packet(t, f"e{i}", "event")


class EventParams(Params):
    times: list[float] = []


class AddParams(Params):
    k: int = Field(1, description="what to add")
    delay_ms: float = Field(0.0, description="sleep per call")


class Add:
    def __init__(self, params, ctx):
        self.k, self.delay = params.k, params.delay_ms / 1000

    def __call__(self, x):
        if self.delay:
            time.sleep(self.delay)
        return x + self.k


class Slow:
    """Passes anything through after a sleep: a slow consumer."""

    def __init__(self, params, ctx):
        self.delay = params.delay_ms / 1000

    def __call__(self, x):
        time.sleep(self.delay)
        return x


class Odd:
    def __init__(self, params, ctx):
        pass

    def __call__(self, x):
        return x if x % 2 else None


class Burst:
    """Emits each number twice, the copy half a frame later; and a final packet at flush."""

    def __init__(self, params, ctx):
        self.last = None

    wants_packets = True
    emits_packets = True

    def __call__(self, p):
        self.last = p
        return Packets([Packet(p.t, p.data), Packet(p.t + 0.001, p.data)])

    def flush(self):
        return Packets([Packet(self.last.t + 1, -1)]) if self.last else None


class Fail:
    def __init__(self, params, ctx):
        pass

    def __call__(self, x):
        if x == 3:
            raise ValueError("three is not allowed")
        return x


class CrashParams(Params):
    at: int = Field(3, description="the number on which the process dies")


class Crash:
    """Kills its own process on one number, as the kernel's out-of-memory killer would: a worker's death."""

    def __init__(self, params, ctx):
        self.at = params.at

    def __call__(self, x):
        if x == self.at:
            os.kill(os.getpid(), signal.SIGKILL)
        return x


class Stubborn:
    """Sleeps ``delay_ms`` per call and ignores Ctrl-C while it does: a stage that will not stop."""

    def __init__(self, params, ctx):
        self.delay = params.delay_ms / 1000

    def __call__(self, x):
        end = time.monotonic() + self.delay
        while time.monotonic() < end:
            try:
                time.sleep(end - time.monotonic())
            except KeyboardInterrupt:
                continue
        return x


class Pair:
    def __init__(self, params, ctx):
        pass

    def __call__(self, a, b):
        return [a, b]


class SinkParams(Params):
    path: str | None = Field(None, description="output file (default <out>/<stem>.numbers.jsonl)")


class Sink:
    """Writes one JSON line per packet, flushed per line."""

    wants_packets = True

    def __init__(self, params, ctx):
        self.path = ctx.output_path(".numbers.jsonl", params.path)
        self.ctx = ctx
        self.f = open(self.path, "w") if self.path else None

    def __call__(self, p):
        if self.f:
            self.f.write(json.dumps({"t": p.t, "data": p.data}) + "\n")
            self.f.flush()

    def close(self):
        if self.f:
            self.f.close()
            self.ctx.wrote(self.path)


@hookimpl
def recog_kinds():
    return [Kind("number", "an int"), Kind("event", "a named event"), Kind("pair", "two packets' data")]


@hookimpl
def recog_sources():
    return [
        SourceSpec(id="toy.count", version="0.1", summary="Counts", factory=Count, params=CountParams,
                   produces=("number",), extensions=("count",)),
        SourceSpec(id="toy.live", version="0.1", summary="Counts at real time", factory=Count,
                   params=CountParams, produces=("number",), live=True),
        SourceSpec(id="toy.events", version="0.1", summary="Irregular events", factory=Events,
                   params=EventParams, produces=("event",), input_param=None),
    ]


@hookimpl
def recog_models():
    return [
        ModelSpec(id="toy.add", version="0.1", summary="Adds k", factory=Add, params=AddParams,
                  consumes=("number",), produces=("number",)),
        ModelSpec(id="toy.slow", version="0.1", summary="Sleeps then passes through", factory=Slow,
                  params=AddParams, consumes=("any",), produces=("any",)),
        ModelSpec(id="toy.odd", version="0.1", summary="Keeps odd numbers", factory=Odd,
                  consumes=("number",), produces=("number",)),
        ModelSpec(id="toy.burst", version="0.1", summary="Doubles packets", factory=Burst,
                  consumes=("number",), produces=("number",)),
        ModelSpec(id="toy.fail", version="0.1", summary="Fails on 3", factory=Fail,
                  consumes=("number",), produces=("number",)),
        ModelSpec(id="toy.crash", version="0.1", summary="Kills its process on one number", factory=Crash,
                  params=CrashParams, consumes=("number",), produces=("number",)),
        ModelSpec(id="toy.stubborn", version="0.1", summary="Sleeps through Ctrl-C", factory=Stubborn,
                  params=AddParams, consumes=("any",), produces=("any",)),
        ModelSpec(id="toy.pair", version="0.1", summary="Pairs two streams", factory=Pair,
                  consumes=("event", "number"), produces=("pair",)),
    ]


@hookimpl
def recog_renderers():
    return [RendererSpec(id="toy.sink", version="0.1", summary="JSON lines", factory=Sink, params=SinkParams,
                         consumes=("any",))]
