"""Batch runs: one pipeline run per input, on a local process pool, one record per input in results.jsonl."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from platform_core import pipeline as pipeline_mod
from platform_core import plugins
from platform_core.inputs import expand, stems
from platform_core.jsonable import jsonable
from platform_core.pipeline import Pipeline
from platform_core.runner import Run
from platform_core.specs import Context, SourceSpec


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
                "result": self.result, "seconds": round(self.seconds, 4)}


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


def _pipeline(file: str, overrides_json: str) -> Pipeline:
    """The parsed pipeline, cached per process until the file changes."""
    return _parsed(file, os.stat(file).st_mtime_ns, overrides_json)


@lru_cache(maxsize=8)
def _parsed(file: str, mtime_ns: int, overrides_json: str) -> Pipeline:
    return pipeline_mod.load(file, plugins.registry(), json.loads(overrides_json))


def run_job(job: Job, progress: Callable[[int], None] | None = None) -> Record:
    """Run the pipeline on one input; any failure becomes the record's error."""
    start = time.perf_counter()
    ctx = Context(input=job.input, out_dir=Path(job.out_dir) if job.out_dir else None, stem=job.stem)
    try:
        overrides = {k: dict(v) for k, v in job.overrides.items()}
        if job.input is not None:
            p0 = _pipeline(job.file, json.dumps(job.overrides, sort_keys=True))
            for name in input_sources(p0):
                overrides.setdefault(name, {})[p0.sources[name].spec.input_param] = job.input
        p = _pipeline(job.file, json.dumps(overrides, sort_keys=True))
        run = Run(p, ctx, plugins.registry().pm.hook, progress)
        run.build()
        res = run.execute()
    except Exception as e:
        msg = str(e) or type(e).__name__
        if job.input and job.input not in msg:
            msg = f"{job.input}: {msg}"
        return Record(job.input, False, msg, list(ctx.outputs), None, time.perf_counter() - start)
    return Record(job.input, True, None, res.outputs, res.result, time.perf_counter() - start,
                  [m.as_dict() for m in res.metrics], res.interrupted)


def run_all(jobs: list[Job], workers: int, on_record: Callable[[Record], None],
            progress: Callable[[int], None] | None = None) -> list[Record]:
    """Run every job (in-process when ``workers`` <= 1) and hand each record to ``on_record`` as it completes."""
    records = []
    if workers <= 1 or len(jobs) == 1:
        for job in jobs:
            rec = run_job(job, progress if len(jobs) == 1 else None)
            records.append(rec)
            on_record(rec)
            if rec.interrupted:
                break
        return records
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(run_job, job): job for job in jobs}
        for fut in as_completed(futures):
            try:
                rec = fut.result()
            except Exception as e:  # a worker died (e.g. killed for memory)
                job = futures[fut]
                rec = Record(job.input, False, f"{job.input}: worker failed: {e}", [], None, 0.0)
            records.append(rec)
            on_record(rec)
    return records


class ResultsWriter:
    """Appends one JSON record per line to ``results.jsonl``, flushed, so nothing is lost on a crash."""

    def __init__(self, out_dir: Path | None):
        self.path = out_dir / "results.jsonl" if out_dir else None
        self._f = None
        if self.path:
            out_dir.mkdir(parents=True, exist_ok=True)
            self._f = open(self.path, "w")

    def write(self, rec: Record) -> None:
        if self._f:
            self._f.write(json.dumps(jsonable(rec.as_json())) + "\n")
            self._f.flush()

    def close(self) -> None:
        if self._f:
            self._f.close()


def default_workers(n_inputs: int) -> int:
    return max(1, min(os.cpu_count() or 1, n_inputs))


def make_jobs(file: str, overrides: dict, inputs: list[str | None], out_dir: Path | None) -> list[Job]:
    names = stems([i for i in inputs if i is not None]) if inputs and inputs[0] is not None else ["live"]
    return [Job(file, overrides, i, s, str(out_dir) if out_dir else None) for i, s in zip(inputs, names, strict=False)]
