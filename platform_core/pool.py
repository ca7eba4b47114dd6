"""A process pool for batch runs in which a worker's death fails only the input it held.

Each worker is a forked process with its own pipe; the main process hands it
one job at a time and waits on the pipes and the process sentinels together,
so a worker killed mid-input (out of memory, a crash in native code) is seen
at once, its input is recorded as failed, and a fresh worker takes the next
input. Workers ask the kernel to kill them when the main process dies
(``PR_SET_PDEATHSIG``) and also watch their parent, so none outlives it.
Ctrl-C reaches the workers' current inputs, which end as interrupted records;
inputs not yet started are left for ``--resume``.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any

_PR_SET_PDEATHSIG = 1
_live: set[mp.Process] = set()  # every worker started and not yet reaped, for kill_all()
GRACE_S = 10.0  # how long interrupted workers get to close their outputs


def interrupt_once(signum=None, frame=None):
    """SIGINT handler: raise KeyboardInterrupt once, then ignore further SIGINTs (the first is being handled)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def kill_all() -> None:
    """SIGKILL every worker still running (the second Ctrl-C)."""
    for proc in list(_live):
        if proc.pid and proc.is_alive():
            os.kill(proc.pid, signal.SIGKILL)


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="recog-parent-watch").start()


def _serve(conn: Connection, parent: int, work: Callable[[Any], Any], interrupted: Callable[[Any], Any]) -> None:
    """A worker's loop: take a job, run it with SIGINT armed, send back its record; idle workers ignore SIGINT."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            signal.signal(signal.SIGINT, interrupt_once)
            rec = work(job)
        except KeyboardInterrupt:
            rec = interrupted(job)
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            conn.send(rec)
        except (BrokenPipeError, OSError):
            return


class _Worker:
    def __init__(self, ctx, work, interrupted):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, os.getpid(), work, interrupted), daemon=True,
                                name="recog-worker")
        self.proc.start()
        child.close()
        _live.add(self.proc)
        self.job = None

    def stop(self, timeout: float = 2.0) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.proc.join(timeout)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(1.0)
        self.conn.close()
        _live.discard(self.proc)


def describe_exit(code: int | None) -> str:
    """Why a worker process ended, in words."""
    if code is None:
        return "worker vanished"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (killed: out of memory?)" if -code == signal.SIGKILL else ""
        return f"worker process died of {name}{hint}"
    return f"worker process exited with code {code}"


def run(jobs: list, workers: int, work: Callable[[Any], Any], on_record: Callable[[Any], None],
        interrupted: Callable[[Any], Any], died: Callable[[Any, str], Any]) -> list:
    """Run ``work(job)`` for every job on up to ``workers`` processes; hand each record to ``on_record``.

    ``interrupted(job)`` makes the record of a job stopped by Ctrl-C, ``died(job, why)`` that of a job whose
    worker died. On Ctrl-C, running jobs finish as interrupted records within GRACE_S, jobs not started
    get no record, and KeyboardInterrupt is raised again once the records are handed over.
    """
    ctx = mp.get_context("fork")
    pending, idle, busy, records = deque(jobs), [], [], []
    n = max(1, min(workers, len(jobs)))

    def deliver(rec) -> None:
        records.append(rec)
        on_record(rec)

    def collect(timeout: float | None) -> None:
        ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout)
        for w in list(busy):
            if w.conn in ready or w.proc.sentinel in ready:
                try:
                    rec = w.conn.recv() if w.conn.poll() else None
                except (EOFError, OSError):
                    rec = None
                busy.remove(w)
                if rec is not None:
                    w.job = None
                    idle.append(w)
                    deliver(rec)
                else:
                    w.proc.join(1.0)
                    deliver(died(w.job, describe_exit(w.proc.exitcode)))
                    w.job = None
                    w.stop(0.1)

    try:
        while pending or busy:
            while pending and (idle or len(busy) < n):
                w = idle.pop() if idle else _Worker(ctx, work, interrupted)
                w.job = pending.popleft()
                try:
                    w.conn.send(w.job)
                except (BrokenPipeError, OSError):
                    pending.appendleft(w.job)
                    w.stop(0.1)
                    continue
                busy.append(w)
            collect(None)
    except KeyboardInterrupt:
        for w in busy:
            if w.proc.is_alive():
                os.kill(w.proc.pid, signal.SIGINT)  # harmless if the terminal already sent one
        deadline = time.monotonic() + GRACE_S
        while busy and time.monotonic() < deadline:
            collect(max(0.0, deadline - time.monotonic()))
        for w in busy:
            deliver(interrupted(w.job))
        raise
    finally:
        for w in [*idle, *busy]:
            w.stop()
    return records
