"""Running a pipeline from Python: what `recog run` does, returning the records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from platform_core import batch, catalog, plugins
from platform_core import pipeline as pipeline_mod
from platform_core.batch import Record

__all__ = ["Record", "run"]


def run(pipeline: str | Path, inputs: str | Path | Sequence[str | Path] | None = None, out: str | Path | None = None,
        sets: Mapping[str, Mapping[str, Any]] | Sequence[str] | None = None, workers: int = 1,
        registry: plugins.Registry | None = None, executor: str = "local", address: str | None = None
        ) -> list[Record]:
    """Run ``pipeline`` (a file or ``PLUGIN:NAME``) once per input and return one :class:`Record` per input.

    ``inputs``: a file, folder or glob, or a list of them (default: the pipeline's own source);
    ``out``: folder for ``results.jsonl`` and the files renderers write; ``sets``: parameter
    overrides as ``{step: {param: value}}`` or ``["step.param=value", ...]``; ``workers``: processes
    (1: in this process); ``registry``: the plugins to use (default: the installed ones; a given
    registry always runs in this process); ``executor``: ``"local"`` or ``"ray"`` (``workers`` Ray actors
    on the cluster at ``address``, or a local Ray instance; needs the ``ray`` extra). Raises
    ``PipelineError`` when the pipeline is invalid and ``InputError`` when an input pattern matches
    nothing; a failing input only fails its record.
    """
    file = catalog.resolve(str(pipeline))
    overrides = pipeline_mod.parse_set(list(sets)) if isinstance(sets, Sequence) else {
        k: dict(v) for k, v in (sets or {}).items()}
    out_dir = Path(out) if out is not None else None
    with plugins.use(registry) if registry is not None else nullcontext():
        if registry is not None:
            batch._parsed.cache_clear()  # parsed pipelines are cached per process, not per registry
            workers = 1
        p = pipeline_mod.load(file, plugins.registry(), overrides)
        specs = [None] if inputs is None else [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
        planned = [i for spec in specs for i in batch.plan(p, None if spec is None else str(spec))]
        jobs = batch.make_jobs(str(file), overrides, planned, out_dir)
        writer = batch.ResultsWriter(out_dir)
        run_all = batch.run_all
        if executor not in ("local", "ray"):
            raise ValueError(f"executor {executor!r}: use 'local' or 'ray'")
        if executor == "ray":
            if p.live or registry is not None:
                raise ValueError("executor 'ray' runs batch inputs with the installed plugins (no live source, "
                                 "no registry given)")
            from platform_core.ray_executor import RayExecutor

            run_all = RayExecutor(address, workers)
        try:
            return run_all(jobs, 1 if p.live else workers, writer.write)
        finally:
            writer.close()
