"""Runs of the web app: one folder each under ``--runs``, executed by a bounded queue on the CLI's batch runner."""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from platform_core import batch

RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{8}$")


class QueueFull(Exception):
    """More runs are waiting than the queue holds."""


@dataclass
class RunState:
    """What a page shows of a run; saved as ``run.json`` in its folder."""

    id: str
    pipeline: str  # the pipeline's slug
    names: list[str]  # the uploaded files' names, for display
    overrides: dict[str, dict[str, Any]]
    created: float = field(default_factory=time.time)
    state: str = "queued"  # queued, running, done, failed
    total: int = 0
    done: int = 0
    packets: int = 0
    error: str | None = None

    def public(self) -> dict:
        return asdict(self)


class Runs:
    """The run folders under ``root`` and a queue running at most ``workers`` of them at once."""

    def __init__(self, root: Path, workers: int = 2, max_waiting: int = 16):
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_waiting = max_waiting
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="recog-serve")
        self._lock = threading.Lock()
        self._live: dict[str, RunState] = {}

    def new(self, pipeline: str, names: list[str], overrides: dict) -> tuple[RunState, Path]:
        """A new run id and its empty folder."""
        run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}"
        folder = self.root / run_id
        folder.mkdir()
        return RunState(run_id, pipeline, names, overrides), folder

    def submit(self, state: RunState, pipeline_file: Path, inputs: list[str | None]) -> None:
        """Queue the run; raises QueueFull when ``max_waiting`` runs are already waiting."""
        with self._lock:
            waiting = sum(s.state == "queued" for s in self._live.values())
            if waiting >= self.max_waiting:
                raise QueueFull(f"{waiting} runs are waiting; try again in a moment")
            state.total = len(inputs)
            self._live[state.id] = state
        self._save(state)
        self._pool.submit(self._execute, state, str(pipeline_file), inputs)

    def _execute(self, state: RunState, pipeline_file: str, inputs: list[str | None]) -> None:
        failed = 0

        def progress(n: int) -> None:
            state.packets = n

        try:
            state.state = "running"
            self._save(state)
            folder = self.root / state.id
            writer = batch.ResultsWriter(folder)
            try:
                for job in batch.make_jobs(pipeline_file, state.overrides, inputs, folder):
                    rec = batch.run_job(job, progress)
                    writer.write(rec)
                    failed += not rec.ok
                    state.done += 1
            finally:
                writer.close()
        except Exception as e:  # the runner records input errors; this is anything else (e.g. the folder removed)
            state.error = f"{type(e).__name__}: {e}"
        finally:
            state.state = "failed" if failed == state.total or state.error else "done"
            with contextlib.suppress(OSError):
                self._save(state)
            with self._lock:
                self._live.pop(state.id, None)

    def _save(self, state: RunState) -> None:
        path = self.root / state.id / "run.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(state.public(), indent=1))
        tmp.replace(path)

    def get(self, run_id: str) -> RunState | None:
        """A run by id: live from the queue, else read from its folder (also runs of earlier servers)."""
        if not RUN_ID.match(run_id):
            return None
        with self._lock:
            if run_id in self._live:
                return self._live[run_id]
        try:
            state = RunState(**json.loads((self.root / run_id / "run.json").read_text()))
        except (OSError, ValueError, TypeError):
            return None
        if state.state in ("queued", "running"):  # a run cut short by a server stop
            state.state, state.error = "failed", "the server stopped before this run finished"
        return state

    def records(self, run_id: str) -> list[dict]:
        """The run's ``results.jsonl`` records (the same file the CLI writes)."""
        path = self.root / run_id / "results.jsonl"
        if not RUN_ID.match(run_id) or not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def recent(self, pipeline: str | None = None, n: int = 10) -> list[RunState]:
        ids = sorted((p.name for p in self.root.iterdir() if RUN_ID.match(p.name)), reverse=True)
        out = []
        for run_id in ids:
            s = self.get(run_id)
            if s and (pipeline is None or s.pipeline == pipeline):
                out.append(s)
                if len(out) == n:
                    break
        return out

    def file(self, run_id: str, name: str) -> Path | None:
        """A file inside the run's folder, or None: nothing outside it (no ``..``, no link out) is served."""
        if not RUN_ID.match(run_id):
            return None
        folder = (self.root / run_id).resolve()
        try:
            path = (folder / name).resolve()
        except (OSError, ValueError):
            return None
        if not path.is_relative_to(folder) or not path.is_file():
            return None
        return path

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
