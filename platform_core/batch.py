"""Batch runs: one pipeline run per input, one record per input appended to results.jsonl as each finishes."""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from platform_core import outputs, plugins, pool
from platform_core import pipeline as pipeline_mod
from platform_core.inputs import expand, stems
from platform_core.jsonable import jsonable
from platform_core.pipeline import Pipeline
from platform_core.runner import Run
from platform_core.specs import Context, SourceSpec

INTERRUPTED = "interrupted by Ctrl-C before it finished; its outputs were not kept"


@dataclass
class Job:
    """What one worker needs to run the pipeline on one input (picklable)."""

    file: str
    overrides: dict[str, dict[str, Any]]
    input: str | None
    stem: str
    out_dir: str | None


@dataclass
class Record:
    input: str | None
    ok: bool
    error: str | None
    outputs: list[str]
    result: Any
    seconds: float
    metrics: list[dict] = field(default_factory=list)
    interrupted: bool = False

    def as_json(self) -> dict:
        return {"input": self.input, "ok": self.ok, "error": self.error, "outputs": self.outputs,
                "result": self.result, "seconds": round(self.seconds, 4), "interrupted": self.interrupted}


def input_sources(p: Pipeline) -> list[str]:
    """Names of the sources that --input overrides."""
    return [n for n, node in p.sources.items() if isinstance(node.spec, SourceSpec) and node.spec.input_param]


def plan(p: Pipeline, input_spec: str | None) -> list[str | None]:
    """The inputs of a run: --input expanded, else the sources' own path expanded, else one live run."""
    names = input_sources(p)
    if not names:
        return [None]
    exts = tuple(e for n in names for e in p.sources[n].spec.extensions)
    if input_spec is None:
        node = p.sources[names[0]]
        input_spec = getattr(node.params, node.spec.input_param, None)
        if input_spec is None:
            return [None]
    return expand(str(input_spec), exts)


def load(file: str, overrides: dict[str, dict[str, Any]]) -> Pipeline:
    """The parsed pipeline, cached per process until the file changes (forked workers inherit the cache, so
    a batch parses its file once)."""
    return _parsed(str(file), os.stat(file).st_mtime_ns, json.dumps(overrides, sort_keys=True))


@lru_cache(maxsize=8)
def _parsed(file: str, mtime_ns: int, overrides_json: str) -> Pipeline:
    return pipeline_mod.load(file, plugins.registry(), json.loads(overrides_json))


def with_input(p: Pipeline, path: str) -> Pipeline:
    """``p`` with every source that --input overrides reading ``path`` instead."""
    sources = dict(p.sources)
    for name in input_sources(p):
        node = sources[name]
        sources[name] = replace(node, params=node.params.model_copy(update={node.spec.input_param: path}))
    return replace(p, sources=sources)


def run_job(job: Job, progress: Callable[[int], None] | None = None) -> Record:
    """Run the pipeline on one input; any failure becomes the record's error.

    Output files of file runs are staged and moved into place only when the input succeeds; a failed or
    interrupted input lists no outputs and leaves earlier files as they were. Live runs write in place.
    """
    start = time.perf_counter()
    staging = outputs.Staging()
    ctx = Context(input=job.input, out_dir=Path(job.out_dir) if job.out_dir else None, stem=job.stem)
    try:
        p = load(job.file, job.overrides)
        if job.input is not None:
            p = with_input(p, job.input)
        if not p.live:  # live outputs are streams read while they grow: written in place
            ctx.staging = staging
        run = Run(p, ctx, plugins.registry().pm.hook, progress)
        run.build()
        res = run.execute()
        if res.interrupted and not p.live:
            staging.discard()
            return interrupted(job, time.perf_counter() - start)
        result = res.result
        written = staging.commit(res.outputs)
    except KeyboardInterrupt:
        staging.discard()
        return interrupted(job, time.perf_counter() - start)
    except Exception as e:
        staging.discard()
        msg = str(e) or type(e).__name__
        if job.input and job.input not in msg:
            msg = f"{job.input}: {msg}"
        return Record(job.input, False, msg, [], None, time.perf_counter() - start)
    return Record(job.input, True, None, written, result, time.perf_counter() - start,
                  [m.as_dict() for m in res.metrics], res.interrupted)


def interrupted(job: Job, seconds: float = 0.0) -> Record:
    """The record of an input stopped by Ctrl-C (never ok: its outputs were not kept)."""
    return Record(job.input, False, f"{job.input or 'live run'}: {INTERRUPTED}", [], None, seconds, interrupted=True)


def worker_died(job: Job, why: str) -> Record:
    """The record of an input whose worker process died while running it."""
    return Record(job.input, False, f"{job.input}: {why}; the other inputs go on", [], None, 0.0)


def run_all(jobs: list[Job], workers: int, on_record: Callable[[Record], None],
            progress: Callable[[int], None] | None = None) -> list[Record]:
    """Run every job (in-process when ``workers`` <= 1) and hand each record to ``on_record`` as it completes.

    On Ctrl-C the running inputs end as interrupted records, inputs not started get none, and
    KeyboardInterrupt is raised again after their records are handed over.
    """
    if workers <= 1 or len(jobs) == 1:
        records = []
        for job in jobs:
            rec = run_job(job, progress if len(jobs) == 1 else None)
            records.append(rec)
            on_record(rec)
            if rec.interrupted and not rec.ok:
                raise KeyboardInterrupt
        return records
    return pool.run(jobs, workers, run_job, on_record, interrupted, worker_died)


class ResultsWriter:
    """Appends one JSON record per line to ``results.jsonl`` under an exclusive lock, so that concurrent runs
    into one folder interleave whole lines and earlier runs' records are kept."""

    def __init__(self, out_dir: Path | None):
        self.path = out_dir / "results.jsonl" if out_dir else None
        self._fd: int | None = None
        if self.path:
            out_dir.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, rec: Record) -> None:
        if self._fd is None:
            return
        line = (json.dumps(jsonable(rec.as_json())) + "\n").encode()
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(self._fd, view):]
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def done_inputs(out_dir: Path | None) -> set[str]:
    """Inputs whose latest record in ``out_dir/results.jsonl`` is ok (for ``--resume``); unreadable lines are
    skipped."""
    path = out_dir / "results.jsonl" if out_dir else None
    if path is None or not path.is_file():
        return set()
    latest: dict[str, bool] = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                rec = json.loads(line)
                latest[str(rec["input"])] = bool(rec["ok"])
            except (ValueError, KeyError, TypeError):
                continue
    return {i for i, ok in latest.items() if ok}


def default_workers(n_inputs: int) -> int:
    return max(1, min(os.cpu_count() or 1, n_inputs))


def make_jobs(file: str, overrides: dict, inputs: list[str | None], out_dir: Path | None) -> list[Job]:
    names = stems([i for i in inputs if i is not None]) if inputs and inputs[0] is not None else ["live"]
    return [Job(file, overrides, i, s, str(out_dir) if out_dir else None) for i, s in zip(inputs, names, strict=False)]
