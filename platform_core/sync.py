"""Joins: pairing packets of several streams by media time under a sync policy."""

from __future__ import annotations

from collections import deque
from typing import Any

from platform_core.pipeline import SyncPolicy

_EPS = 1e-9


class Join:
    """Pairs each packet of the first input with packets of the others.

    ``exact``: every input has a packet at the same time. ``latest``: the newest
    packet of each other input at or before that time. ``nearest``: the closest
    within ``tolerance_ms``. ``offset_ms`` is added to the times of the other
    inputs before matching. A packet of the first input waits until every other
    input has moved past its window (or ended), so the choice is final.
    Unmatched packets of the first input are counted in ``dropped``.
    """

    def __init__(self, n_inputs: int, sync: SyncPolicy):
        self.n = n_inputs
        self.policy = sync.policy
        self.tol = sync.tolerance_ms / 1000.0
        self.offset = sync.offset_ms / 1000.0
        self.pending: deque[tuple[float, Any]] = deque()
        self.buffers: list[deque[tuple[float, Any]]] = [deque() for _ in range(n_inputs)]
        self.watermark = [float("-inf")] * n_inputs
        self.ended = [False] * n_inputs
        self.dropped = 0

    def push(self, index: int, t: float, data: Any) -> list[tuple[float, tuple]]:
        """Add a packet of input ``index``; return the joined packets now final."""
        if index == 0:
            self.pending.append((t, data))
        else:
            t += self.offset
            self.buffers[index].append((t, data))
            self.watermark[index] = t
        return self._resolve()

    def end(self, index: int) -> list[tuple[float, tuple]]:
        """Input ``index`` has ended; return what can now be decided."""
        self.ended[index] = True
        self.watermark[index] = float("inf")
        if index == 0 and all(self.ended):
            out = self._resolve()
            self.dropped += len(self.pending)
            self.pending.clear()
            return out
        return self._resolve()

    def _horizon(self, t: float) -> float:
        return t + (self.tol if self.policy == "nearest" else 0.0)

    def _resolve(self) -> list[tuple[float, tuple]]:
        out = []
        while self.pending:
            t, data = self.pending[0]
            horizon = self._horizon(t)
            if any(self.watermark[i] < horizon - _EPS for i in range(1, self.n)):
                break
            self.pending.popleft()
            picked = [data]
            for i in range(1, self.n):
                match = self._pick(i, t)
                if match is None:
                    break
                picked.append(match)
            if len(picked) == self.n:
                out.append((t, tuple(picked)))
            else:
                self.dropped += 1
            self._prune(t)
        return out

    def _pick(self, i: int, t: float):
        buf = self.buffers[i]
        if self.policy == "exact":
            for ts, d in buf:
                if abs(ts - t) <= _EPS:
                    return d
            return None
        if self.policy == "latest":
            best = None
            for ts, d in buf:
                if ts > t + _EPS:
                    break
                best = d
            return best
        best, best_dt = None, self.tol + _EPS
        for ts, d in buf:
            dt = abs(ts - t)
            if dt <= best_dt:
                best, best_dt = d, dt
            elif ts > t:
                break
        return best

    def _prune(self, t: float) -> None:
        """Drop buffered packets that no later packet of the first input can match."""
        for buf in self.buffers[1:]:
            if self.policy == "latest":
                while len(buf) > 1 and buf[1][0] <= t + _EPS:
                    buf.popleft()
            else:
                limit = t - self.tol - _EPS
                while buf and buf[0][0] < limit:
                    buf.popleft()
