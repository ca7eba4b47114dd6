"""Per-stage metrics: packets in, out and dropped, and latency percentiles."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class StageMetrics:
    """Counts for one source, step or output; ``latencies`` holds sampled call times in seconds."""

    name: str
    component: str
    n_in: int = 0
    n_out: int = 0
    dropped: int = 0
    latencies: list[float] = field(default_factory=list)

    def percentile(self, q: float) -> float | None:
        return float(np.percentile(self.latencies, q)) if self.latencies else None

    def as_dict(self) -> dict:
        p50, p95 = self.percentile(50), self.percentile(95)
        return {"stage": self.name, "component": self.component, "in": self.n_in, "out": self.n_out,
                "dropped": self.dropped,
                "p50_ms": None if p50 is None else round(p50 * 1000, 3),
                "p95_ms": None if p95 is None else round(p95 * 1000, 3)}


def merge(runs: list[list[dict]]) -> list[dict]:
    """Sum the counts of several runs' metric rows (latency percentiles: the worst of the runs)."""
    out: dict[str, dict] = {}
    for rows in runs:
        for r in rows:
            m = out.setdefault(r["stage"], {**r, "in": 0, "out": 0, "dropped": 0})
            for k in ("in", "out", "dropped"):
                m[k] += r[k]
            for k in ("p50_ms", "p95_ms"):
                if r[k] is not None and (m[k] is None or r[k] > m[k]):
                    m[k] = r[k]
    return list(out.values())
