"""Batch runs on a Ray cluster (``--executor ray``): long-lived actors hold the pipeline and its models.

Same contract as ``batch.run_all``: one ``batch.Record`` per input, made by ``batch.run_job`` on the worker
and handed to ``on_record`` as it completes. Imported only when Ray is asked for.
"""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

from platform_core import batch, models, outputs, plugins
from platform_core.batch import Job, Record
from platform_core.errors import RecogError

log = logging.getLogger(__name__)

IN_FLIGHT = 2  # inputs handed to an actor at once: one running, one waiting, so no actor idles on a round trip
GRACE_S = 10.0  # after Ctrl-C, how long running inputs get to close their outputs
LOCAL_OBJECT_STORE = 128 * 2**20  # a Ray started here needs little: records are small, inputs are read on workers
ATTEMPTS = 2  # an input whose worker dies runs once more on another worker


class RayExecutorError(RecogError):
    """Ray is missing, unreachable, or no worker could start."""


class RecogWorker:
    """A Ray actor: runs ``batch.run_job`` on one input at a time; its process keeps parsed pipelines and ONNX sessions.

    ``cwd`` is the driver's working directory, so relative paths in jobs mean the same on a shared file system;
    ``env`` the driver's ``RECOG_*`` variables (``--trust-pickle`` sets one), which Ray's workers do not inherit.
    """

    def __init__(self, cwd: str, env: dict[str, str]):
        os.environ.update(env)
        if os.path.isdir(cwd):
            os.chdir(cwd)
        self.inputs = 0
        self._lock = threading.Lock()
        self._thread: int | None = None

    def ready(self) -> dict:
        plugins.registry()
        return self.loads()

    def run(self, job: Job) -> Record:
        with self._lock:
            self._thread = threading.get_ident()
        try:
            return batch.run_job(job)
        finally:
            with self._lock:
                self._thread = None
                self.inputs += 1

    def interrupt(self) -> None:
        """Raise KeyboardInterrupt in the running input, as Ctrl-C does in a pool worker: it ends as interrupted."""
        with self._lock:
            if self._thread is not None:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread),
                                                           ctypes.py_object(KeyboardInterrupt))

    def loads(self) -> dict:
        """Where this actor runs, how many inputs it took and how many ONNX sessions its process created."""
        import ray

        return {"node": ray.get_runtime_context().get_node_id(), "pid": os.getpid(), "inputs": self.inputs,
                "models": models._session.cache_info().misses}


def import_ray():
    try:
        import ray
    except ImportError as e:
        raise RayExecutorError("--executor ray needs Ray: pip install 'recog[ray]'") from e
    return ray


def connect(address: str | None) -> bool:
    """Join the Ray cluster at ``address`` (or ``$RAY_ADDRESS``), else start a local one; True if this call did."""
    ray = import_ray()
    if ray.is_initialized():
        return False
    address = address or os.environ.get("RAY_ADDRESS")
    local = {} if address else {"object_store_memory": LOCAL_OBJECT_STORE, "include_dashboard": False}
    try:
        ray.init(address=address or "local", logging_level=logging.WARNING, **local)
    except (ConnectionError, ValueError, RuntimeError) as e:
        raise RayExecutorError(f"cannot {'connect to Ray at ' + address if address else 'start Ray'}: {e}") from e
    return True


def default_actors(cpus_per_actor: float, gpus_per_actor: float) -> int:
    """As many actors as the cluster's CPUs (and GPUs, when asked for) hold."""
    res = import_ray().cluster_resources()
    n = res.get("CPU", 1) // cpus_per_actor if cpus_per_actor else res.get("CPU", 1)
    if gpus_per_actor:
        n = min(n, res.get("GPU", 0) // gpus_per_actor)
    return max(1, int(n))


class RayExecutor:
    """Ray actors, started at once so that they load while the caller plans the batch; called like ``run_all``."""

    def __init__(self, address: str | None = None, actors: int | None = None, cpus_per_actor: float = 1.0,
                 gpus_per_actor: float = 0.0, on_actors: Callable[[list[dict]], None] | None = None):
        self.ray = import_ray()
        self.started = connect(address)
        self.pool = _Pool(self.ray, actors or default_actors(cpus_per_actor, gpus_per_actor), cpus_per_actor,
                          gpus_per_actor)
        self.on_actors = on_actors

    def __call__(self, jobs: list[Job], workers: int | None, on_record: Callable[[Record], None],
                 progress: Callable[[int], None] | None = None) -> list[Record]:
        """Run every job (on at most ``workers`` actors), then remove the actors; see ``run_all``."""
        try:
            self.pool.shrink(min(workers or len(jobs), len(jobs)))
            records = self.pool.run(jobs, on_record)
            if self.on_actors:
                self.on_actors(self.pool.loads())
            return records
        finally:
            self.pool.close()
            if self.started:
                self.ray.shutdown()


def run_all(jobs: list[Job], workers: int | None, on_record: Callable[[Record], None],
            progress: Callable[[int], None] | None = None, *, address: str | None = None,
            cpus_per_actor: float = 1.0, gpus_per_actor: float = 0.0,
            on_actors: Callable[[list[dict]], None] | None = None) -> list[Record]:
    """Run every job on ``workers`` Ray actors (default: what the cluster holds) and hand each record to ``on_record``.

    ``progress`` (packets of a single input) is not forwarded from workers. ``on_actors`` receives, at the end,
    one ``RecogWorker.loads()`` dict per actor. Ctrl-C interrupts the running inputs (their records say so), cancels
    the rest, removes every actor and raises KeyboardInterrupt.
    """
    ex = RayExecutor(address, min(workers, len(jobs)) if workers else None, cpus_per_actor, gpus_per_actor, on_actors)
    return ex(jobs, workers, on_record, progress)


class _Pool:
    """Actors fed from one queue of inputs, ``IN_FLIGHT`` at a time each; a dead actor is replaced."""

    def __init__(self, ray, n: int, cpus: float, gpus: float):
        self.ray = ray
        # `interrupt` and `loads` run in the "control" group, beside a running input
        self.cls = ray.remote(num_cpus=cpus, num_gpus=gpus, max_restarts=0,
                              concurrency_groups={"control": 1})(RecogWorker)
        self.starting: dict = {}  # ready() ref -> actor
        self.actors: dict = {}  # actor -> deque of its refs in submission order
        self.inflight: dict = {}  # ref -> (actor, job, deaths)
        self.pids: dict = {}  # actor -> its process id
        self.start_error: str | None = None
        for _ in range(n):
            self._start()

    def shrink(self, n: int) -> None:
        """Keep at most ``n`` actors (a batch of fewer inputs needs no more)."""
        while len(self.starting) + len(self.actors) > max(1, n):
            self.ray.kill(self.starting.popitem()[1] if self.starting else self.actors.popitem()[0])

    def _start(self) -> None:
        actor = self.cls.remote(os.getcwd(), {k: v for k, v in os.environ.items() if k.startswith("RECOG_")})
        self.starting[actor.ready.remote()] = actor

    def run(self, jobs: list[Job], on_record: Callable[[Record], None]) -> list[Record]:
        queue: deque[tuple[Job, int]] = deque((job, 0) for job in jobs)
        records: list[Record] = []

        def done(rec: Record) -> None:
            records.append(rec)
            on_record(rec)

        try:
            while queue or self.inflight:
                self._feed(queue)
                if not self.inflight and not self.starting:
                    if not records:
                        raise RayExecutorError(f"no Ray worker could start: {self.start_error}")
                    for job, _ in queue:
                        done(Record(job.input, False, f"{job.input}: no Ray worker left: {self.start_error}",
                                    [], None, 0.0))
                    break
                ready, _ = self.ray.wait([*self.inflight, *self.starting], num_returns=1)
                for ref in ready:
                    if ref in self.starting:
                        self._started(ref)
                    elif ref in self.inflight:
                        self._finished(ref, queue, done)
        except KeyboardInterrupt:
            self._interrupt(done)
            raise
        return records

    def _feed(self, queue: deque) -> None:
        for _ in range(IN_FLIGHT):
            for actor, refs in self.actors.items():
                if queue and len(refs) < IN_FLIGHT:
                    job, deaths = queue.popleft()
                    ref = actor.run.remote(job)
                    refs.append(ref)
                    self.inflight[ref] = (actor, job, deaths)

    def _started(self, ref) -> None:
        actor = self.starting.pop(ref)
        try:
            self.pids[actor] = self.ray.get(ref)["pid"]
            self.actors[actor] = deque()
        except self.ray.exceptions.RayError as e:
            self.start_error = _first_line(e)
            log.warning("a Ray worker failed to start: %s", self.start_error)
            self.ray.kill(actor)

    def _finished(self, ref, queue: deque, done: Callable[[Record], None]) -> None:
        actor, job, _ = self.inflight[ref]
        try:
            rec = self.ray.get(ref)
        except self.ray.exceptions.RayActorError:
            self._died(actor, queue, done)
            return
        except self.ray.exceptions.RayError as e:
            rec = Record(job.input, False, f"{job.input}: worker failed: {_first_line(e)}", [], None, 0.0)
        del self.inflight[ref]
        self.actors[actor].remove(ref)
        done(rec)

    def _died(self, actor, queue: deque, done: Callable[[Record], None]) -> None:
        """The actor is gone: records that made it back count; its first unfinished input was the one it held."""
        refs = list(self.actors.pop(actor))
        self.ray.wait(refs, num_returns=len(refs), timeout=30)
        held = True
        retry, out_dirs = [], set()
        for ref in refs:
            _, job, deaths = self.inflight.pop(ref)
            out_dirs.add(job.out_dir)
            try:
                done(self.ray.get(ref, timeout=0))
                continue
            except self.ray.exceptions.RayError as e:
                why = _first_line(e)
            if held:
                held, deaths = False, deaths + 1
                if deaths >= ATTEMPTS:
                    done(batch.worker_died(job, f"its Ray worker died {deaths} times ({why})"))
                    continue
                log.warning("%s: its Ray worker died (%s); running it again on another worker", job.input, why)
            retry.append((job, deaths))
        queue.extendleft(reversed(retry))
        self.ray.kill(actor)
        _remove_staging(out_dirs, self.pids.pop(actor, None))
        self._start()

    def _interrupt(self, done: Callable[[Record], None]) -> None:
        """Ctrl-C: cancel waiting inputs, interrupt running ones and record them as interrupted."""
        running = []
        for actor, refs in self.actors.items():
            for i, ref in enumerate(refs):
                if i == 0:
                    running.append(ref)
                    actor.interrupt.options(concurrency_group="control").remote()
                else:
                    self.ray.cancel(ref)
        try:
            self.ray.wait(running, num_returns=len(running), timeout=GRACE_S)
        except KeyboardInterrupt:  # a second Ctrl-C: stop waiting
            pass
        for ref in running:
            job = self.inflight[ref][1]
            try:
                rec = self.ray.get(ref, timeout=0)
            except (self.ray.exceptions.RayError, KeyboardInterrupt):
                rec = batch.interrupted(job)
            done(rec)

    def loads(self) -> list[dict]:
        return self.ray.get([a.loads.options(concurrency_group="control").remote() for a in self.actors])

    def close(self) -> None:
        """Remove every actor, so nothing of this batch runs on after it."""
        for actor in [*self.actors, *self.starting.values()]:
            self.ray.kill(actor)
        self.actors.clear()
        self.starting.clear()


def _remove_staging(out_dirs: set[str | None], pid: int | None) -> None:
    """Remove what a dead actor had staged (``outputs.Staging`` folders are named by process id)."""
    for d in out_dirs:
        if d and pid:
            for folder in Path(d).glob(f"{outputs.PARTIAL}{pid}-*"):
                shutil.rmtree(folder, ignore_errors=True)


def _first_line(e: BaseException) -> str:
    lines = [x.strip() for x in str(e).splitlines() if x.strip()]
    return lines[0] if lines else type(e).__name__
