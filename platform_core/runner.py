"""Streaming execution of one pipeline over one input.

The graph is compiled into plain Python functions, one per stream, that call
the stages of the subtree fed by that stream directly; joins and stages that
emit several packets go through small helper calls. Per-stage latency is
timed on the first 32 packets of a source and then on one packet in 32, so
trivial stages pay almost nothing for metrics; counts are exact.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from typing import Any

from platform_core.errors import RecogError
from platform_core.jsonable import jsonable
from platform_core.kinds import Packet, Packets
from platform_core.metrics import StageMetrics
from platform_core.pipeline import Node, Pipeline
from platform_core.specs import Context
from platform_core.sync import Join

SAMPLE_EVERY = 32  # after the first SAMPLE_EVERY packets of a source, which are all timed
_FILENAME = "<recog-pipeline>"


class StageError(RecogError):
    """A stage raised; names the step and its component."""

    def __init__(self, step: str, component: str, error: BaseException):
        self.step, self.component, self.error = step, component, error
        super().__init__(f"{step} ({component}): {error}")


@dataclass
class RunResult:
    """What a run produced; ``result`` is converted to JSON on first access."""

    answer: Callable[[], Any]
    outputs: list[str]
    metrics: list[StageMetrics]
    interrupted: bool = False
    packets: int = 0

    @cached_property
    def result(self) -> Any:
        return self.answer()


@dataclass
class _Stage:
    node: Node
    obj: Any
    index: int
    metrics: StageMetrics
    join: Join | None = None
    nones: int = 0
    extra: int = 0  # packets beyond one per call (Packets returns, flush)
    joined: int = 0  # calls made by a join
    consumers: list[tuple[_Stage, int]] = field(default_factory=list)


class Run:
    """One execution of a pipeline: build its components, stream packets through them, close."""

    def __init__(self, pipeline: Pipeline, context: Context, hooks=None,
                 progress: Callable[[int], None] | None = None):
        self.p, self.ctx, self.hooks, self.progress = pipeline, context, hooks, progress
        self.stop = threading.Event()
        self.stages: dict[str, _Stage] = {}
        self.outputs: list[_Stage] = []
        self.collected: list[tuple[float, Any]] = []
        self.last_t = 0.0
        self._tags: dict[int, str] = {}  # generated line number -> "step\tcomponent"

    # -- building -------------------------------------------------------
    def _make(self, node: Node, index: int) -> _Stage:
        ctx = Context(input=self.ctx.input, out_dir=self.ctx.out_dir, stem=self.ctx.stem, step=node.name,
                      live=self.p.live, outputs=self.ctx.outputs, staging=self.ctx.staging)
        try:
            obj = node.spec.factory(node.params, ctx)
        except RecogError as e:
            raise StageError(node.name, node.spec.id, e) from e
        st = _Stage(node, obj, index, StageMetrics(node.name, node.spec.id))
        if len(node.inputs) > 1:
            st.join = Join(len(node.inputs), node.sync)
        return st

    def build(self) -> None:
        nodes = [*self.p.sources.values(), *self.p.steps.values()]
        for i, node in enumerate(nodes):
            self.stages[node.name] = self._make(node, i)
        for j, node in enumerate(self.p.outputs):
            self.outputs.append(self._make(node, len(nodes) + j))
        for st in [*self.stages.values(), *self.outputs]:
            for k, inp in enumerate(st.node.inputs):
                self.stages[inp].consumers.append((st, k))
        self._compile()

    # -- compiling --------------------------------------------------------
    def _compile(self) -> None:
        env: dict[str, Any] = {"Packets": Packets, "Packet": Packet, "pc": time.perf_counter,
                               "collect": self.collected.append, "islice": islice, "undeclared": _undeclared}
        for st in [*self.stages.values(), *self.outputs]:
            i = st.index
            env[f"f{i}"] = st.obj
            env[f"lat{i}"] = st.metrics.latencies
            env[f"S{i}"] = st
            if st.join is not None:
                env[f"J{i}"] = st.join
        lines: list[str] = []
        for st in self.stages.values():
            for timed in (False, True):
                lines.append(f"def emit{st.index}{'_t' if timed else ''}(t, d):")
                body = self._deliver(st, "d", 1, timed)
                lines.extend(body or ["    pass"])
            lines.append(f"def many{st.index}(ps):")
            lines.append(f"    S{st.index}.extra += len(ps) - 1")
            lines.append(f"    for p in ps: emit{st.index}(p.t, p.data)")
        for st in [*self.stages.values(), *self.outputs]:
            if st.join is not None:
                lines.append(f"def jpush{st.index}(k, t, d):")
                lines.append(f"    S{st.index}.metrics.n_in += 1")
                lines.append(f"    for tj, ds in J{st.index}.push(k, t, d): jcall{st.index}(tj, ds)")
                lines.append(f"def jcall{st.index}(t, ds):")
                lines.append(f"    S{st.index}.joined += 1")
                lines.extend(self._call(st, "*ds", 1, True, joined=True))
        for st in self._sources():
            lines.extend(self._pump_code(st, env))
        source, self._tags = [], {}
        for item in lines:
            if isinstance(item, tuple):
                self._tags[len(source) + 1] = item[1]
                item = item[2]
            source.append(item)
        exec(compile("\n".join(source), _FILENAME, "exec"), env)  # noqa: S102 - generated above
        self._env = env

    def _deliver(self, st: _Stage, var: str, depth: int, timed: bool) -> list:
        """Code that hands ``var`` (data of stream ``st`` at time ``t``) to every consumer."""
        out = []
        pad = "    " * depth
        if st.node.name == self.p.result and not hasattr(st.obj, "result"):
            out.append(f"{pad}collect((t, {var}))")
        for consumer, k in st.consumers:
            if consumer.join is not None:
                out.append(f"{pad}jpush{consumer.index}({k}, t, {var})")
            else:
                out.extend(self._call(consumer, var, depth, timed))
        return out

    def _call(self, st: _Stage, var: str, depth: int, timed: bool, joined: bool = False) -> list:
        pad = "    " * depth
        i = st.index
        arg = var
        if getattr(st.obj, "wants_packets", False):
            kinds = [self._kind(n) for n in st.node.inputs]
            arg = (", ".join(f"Packet(t, ds[{k}], {kinds[k]!r})" for k in range(len(kinds))) if joined
                   else f"Packet(t, {var}, {kinds[0]!r})")
        tag = f"{st.node.name}\t{st.node.spec.id}"
        call = f"f{i}({arg})"
        out = []
        if st.node.spec.role == "renderer":
            out.append(self._tagged(f"{pad}{call}", tag, timed, i, pad))
            return _flatten(out)
        ov = f"o{i}"
        out.append(self._tagged(f"{pad}{ov} = {call}", tag, timed, i, pad))
        out.append(f"{pad}if {ov} is None: S{i}.nones += 1")
        if getattr(st.obj, "emits_packets", False):
            out.append(f"{pad}elif {ov}.__class__ is Packets: many{i}({ov})")
        elif timed:  # an undeclared Packets return is caught on the timed packets (all of the first ones)
            out.append(f"{pad}elif {ov}.__class__ is Packets: undeclared(S{i})")
        if st.consumers or st.node.name == self.p.result:
            out.append(f"{pad}else:")
            inner = self._deliver(st, ov, depth + 1, timed)
            out.extend(inner or [f"{pad}    pass"])
        return _flatten(out)

    def _pump_code(self, st: _Stage, env: dict) -> list:
        """A loop over one source's packets with the whole subtree inlined; names bound as locals.

        The first SAMPLE_EVERY packets are all timed, then one in SAMPLE_EVERY.
        """
        names = ", ".join(f"{k}={k}" for k in env)
        mask = SAMPLE_EVERY - 1
        body = [f"def pump{st.index}(it, stop, progress, {names}):", "    t = 0.0", "    n = 0",
                f"    for p in islice(it, {SAMPLE_EVERY}):", "        t = p.t", "        d = p.data", "        n += 1"]
        body += self._deliver(st, "d", 2, True)
        body += [f"    for n, p in enumerate(it, {SAMPLE_EVERY} + 1):", "        t = p.t", "        d = p.data",
                 f"        if n & {mask}:"]
        body += self._deliver(st, "d", 3, False) or ["            pass"]
        body += ["        else:"]
        body += self._deliver(st, "d", 3, True)
        body += ["            if stop.is_set(): break", "            if progress is not None: progress(n)",
                 "    return n, t"]
        return body

    @staticmethod
    def _tagged(line: str, tag: str, timed: bool, i: int, pad: str) -> list:
        """The call line, marked with its step so an exception can name it; timed when sampling."""
        if timed:
            return [f"{pad}_t0 = pc()", ("TAG", tag, line), f"{pad}lat{i}.append(pc() - _t0)"]
        return [("TAG", tag, line)]

    def _kind(self, name: str) -> str:
        return (self.p.sources.get(name) or self.p.steps[name]).kind

    # -- running ----------------------------------------------------------
    def execute(self) -> RunResult:
        """Stream every packet of the sources through the pipeline, then flush and close.

        Ctrl-C ends a live run normally (flushed, outputs complete); a file run stops at once, unflushed, and
        its result says ``interrupted`` so that its outputs are not kept.
        """
        interrupted = False
        n = 0
        try:
            if self.hooks:
                self.hooks.recog_pipeline_start(pipeline=self.p, context=self.ctx)
            try:
                n = self._pump_live() if self.p.live else self._pump()
            except KeyboardInterrupt:
                interrupted = True
                self.stop.set()
            if interrupted and not self.p.live:
                self._close_all(swallow=True)
                return RunResult(lambda: None, list(self.ctx.outputs), self._metrics(), True, n)
            self._finish()
        except StageError:
            self._close_all(swallow=True)
            raise
        except BaseException as e:
            err = self._stage_error(e)
            self._close_all(swallow=True)
            if err is e:
                raise
            raise err from e
        self._close_all()
        metrics = self._metrics()
        if self.hooks:
            self.hooks.recog_pipeline_stop(pipeline=self.p, context=self.ctx, metrics=metrics)
        return RunResult(self._result, list(self.ctx.outputs), metrics, interrupted, n)

    def _sources(self) -> list[_Stage]:
        return [self.stages[name] for name in self.p.sources]

    def _pump(self) -> int:
        sources = self._sources()
        env = self._env
        if len(sources) == 1:
            st = sources[0]
            n, self.last_t = env[f"pump{st.index}"](st.obj.packets(), self.stop, self.progress)
            st.metrics.n_out = n
            return n
        merged = heapq.merge(*(_stamped(s) for s in sources), key=lambda x: (x[0], x[1]))
        emit = {s.index: env[f"emit{s.index}"] for s in sources}
        emit_t = {s.index: env[f"emit{s.index}_t"] for s in sources}
        counts = dict.fromkeys(emit, 0)
        n = 0
        for t, idx, d in merged:
            (emit[idx] if n % SAMPLE_EVERY and n > SAMPLE_EVERY else emit_t[idx])(t, d)
            counts[idx] += 1
            n += 1
            if not n & 255 and self.stop.is_set():
                break
            self.last_t = t
        for s in sources:
            s.metrics.n_out = counts[s.index]
        return n

    def _pump_live(self) -> int:
        sources = self._sources()
        feed = _LiveFeed(sources, self.stop)
        env = self._env
        emit = {s.index: env[f"emit{s.index}"] for s in sources}
        emit_t = {s.index: env[f"emit{s.index}_t"] for s in sources}
        n = 0
        try:
            for idx, p in feed:
                (emit[idx] if n % SAMPLE_EVERY and n > SAMPLE_EVERY else emit_t[idx])(p.t, p.data)
                self.last_t = p.t
                n += 1
                if self.progress and not n & 31:
                    self.progress(n)
        finally:
            self.stop.set()
            feed.close()
            for s in sources:
                s.metrics.n_out = feed.taken[s.index]
                s.metrics.dropped = feed.dropped[s.index]
            if feed.error is not None:
                raise feed.error
        return n

    def _finish(self) -> None:
        """End of stream: end joins and flush stages in order, then end renderer joins."""
        env = self._env
        for st in self.stages.values():
            if st.join is not None:
                for k in range(len(st.node.inputs)):
                    for tj, ds in st.join.end(k):
                        env[f"jcall{st.index}"](tj, ds)
            if hasattr(st.obj, "flush") and st.index >= len(self.p.sources):
                self._emit_flush(st, st.obj.flush())
        for st in self.outputs:
            if st.join is not None:
                for k in range(len(st.node.inputs)):
                    for tj, ds in st.join.end(k):
                        env[f"jcall{st.index}"](tj, ds)

    def _emit_flush(self, st: _Stage, out) -> None:
        if out is None:
            return
        items = out if isinstance(out, Packets) else Packets([Packet(self.last_t, out)])
        st.extra += len(items)
        emit = self._env[f"emit{st.index}"]
        for p in items:
            emit(p.t, p.data)

    def _close_all(self, swallow: bool = False) -> None:
        """Close renderers (files complete) and then stages that hold resources; after a failure, quietly."""
        for st in [*self.outputs, *self.stages.values()]:
            close = getattr(st.obj, "close", None)
            if close is None:
                continue
            try:
                close()
            except Exception as e:
                if not swallow:
                    raise StageError(st.node.name, st.node.spec.id, e) from e

    def _stage_error(self, e: BaseException) -> BaseException:
        """Name the stage a generated function was calling when ``e`` was raised."""
        tb, tag = e.__traceback__, None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == _FILENAME:
                tag = self._tags.get(tb.tb_lineno) or tag
            tb = tb.tb_next
        if tag is None:
            return e
        step, component = tag.split("\t")
        if self.hooks:
            self.hooks.recog_stage_error(pipeline=self.p, step=step, error=e)
        return StageError(step, component, e)

    def _metrics(self) -> list[StageMetrics]:
        """Exact counts, derived from the sources' counts and each stage's empty and multiple returns."""
        for st in [*self.stages.values(), *self.outputs]:
            m = st.metrics
            if st.index < len(self.p.sources):
                continue
            if st.join is None:
                m.n_in = self.stages[st.node.inputs[0]].metrics.n_out
                calls = m.n_in
            else:
                calls, m.dropped = st.joined, st.join.dropped
            if st.node.spec.role != "renderer":
                m.n_out = calls - st.nones + st.extra
        return [st.metrics for st in [*self.stages.values(), *self.outputs]]

    def _result(self) -> Any:
        name = self.p.result
        if name is None:
            return None
        st = self.stages[name]
        if hasattr(st.obj, "result"):
            return jsonable(st.obj.result())
        if not self.collected:
            return None
        if len(self.collected) == 1:
            return jsonable(self.collected[0][1])
        return [{"t": round(t, 6), "data": jsonable(d)} for t, d in self.collected]


def _undeclared(st: _Stage):
    raise TypeError(f"returned Packets without declaring `emits_packets = True` on {type(st.obj).__name__}")


def _stamped(st: _Stage):
    """The packets of a source as (t, source index, data)."""
    index = st.index
    for p in st.obj.packets():
        yield p.t, index, p.data


def _flatten(items) -> list:
    out = []
    for x in items:
        if isinstance(x, list):
            out.extend(x)
        else:
            out.append(x)
    return out


class _LiveFeed:
    """Reads live sources on threads into bounded queues with a drop policy; yields (source, packet)."""

    def __init__(self, sources: list[_Stage], stop: threading.Event):
        self.cv = threading.Condition()
        self.stop = stop
        self.queues = {s.index: deque() for s in sources}
        self.policy = {s.index: s.node.queue for s in sources}
        self.taken = dict.fromkeys(self.queues, 0)
        self.dropped = dict.fromkeys(self.queues, 0)
        self.running = set(self.queues)
        self.error: BaseException | None = None
        self.threads = [threading.Thread(target=self._read, args=(s,), daemon=True, name=f"recog-{s.node.name}")
                        for s in sources]
        for th in self.threads:
            th.start()

    def _read(self, st: _Stage) -> None:
        q, pol = self.queues[st.index], self.policy[st.index]
        try:
            for p in st.obj.packets():
                with self.cv:
                    if pol.drop == "block":
                        while len(q) >= pol.size and not self.stop.is_set():
                            self.cv.wait(0.05)
                    elif len(q) >= pol.size:
                        self.dropped[st.index] += 1
                        if pol.drop == "newest":
                            continue
                        q.popleft()
                    q.append(p)
                    self.cv.notify_all()
                if self.stop.is_set():
                    break
        except BaseException as e:
            self.error = StageError(st.node.name, st.node.spec.id, e)
        finally:
            with self.cv:
                self.running.discard(st.index)
                self.cv.notify_all()

    def __iter__(self):
        while True:
            with self.cv:
                while not any(self.queues.values()):
                    if not self.running or self.error is not None:
                        return
                    self.cv.wait(0.1)
                idx = min((i for i, q in self.queues.items() if q), key=lambda i: self.queues[i][0].t)
                p = self.queues[idx].popleft()
                self.taken[idx] += 1
                self.cv.notify_all()
            yield idx, p

    def close(self) -> None:
        self.stop.set()
        with self.cv:
            self.cv.notify_all()
        for th in self.threads:
            th.join(timeout=2.0)
