"""Runner overhead: a 5-stage pipeline through `recog`'s runner against the same stage functions in a plain loop.

    python bench/runner.py            # 20,000 trivial packets; 5 ms stages over 100 packets

Both consume the same in-memory packets and keep each final answer with its
media time. Trivial stages are timed in CPU time of the thread (so other jobs
on the machine do not distort the ratio); sleeping stages in wall time.
Prints both times and their ratio (targets: under 1.5x for trivial stages, under 1.05x for 5 ms stages).
"""

from __future__ import annotations

import argparse
import time

from platform_core import Context, ModelSpec, Packet, Params, SourceSpec, hookimpl, pipeline, plugins
from platform_core.runner import Run

STAGES = 5
clock = time.perf_counter  # CPU time of this thread for CPU-bound stages (robust to a busy machine)


class StageParams(Params):
    sleep_ms: float = 0.0


def make_stage(sleep_s: float):
    if sleep_s:
        def stage(x):
            time.sleep(sleep_s)
            return x + 1
    else:
        def stage(x):
            return x + 1
    return stage


class ListSource:
    packets_list: list[Packet] = []

    def __init__(self, params, ctx):
        pass

    def packets(self):
        return iter(ListSource.packets_list)


class BenchPlugin:
    @hookimpl
    def recog_sources(self):
        return [SourceSpec(id="bench.list", version="1", summary="in-memory packets", factory=ListSource,
                           params=Params, produces=("number",), input_param=None)]

    @hookimpl
    def recog_models(self):
        return [ModelSpec(id="bench.stage", version="1", summary="x + 1, optionally sleeping", params=StageParams,
                          factory=lambda p, ctx: make_stage(p.sleep_ms / 1000), consumes=("number",),
                          produces=("number",))]


def plain(n: int, sleep_s: float) -> tuple[float, list]:
    """The same stages over the same packets, keeping each answer with its time, as the runner does."""
    f1, f2, f3, f4, f5 = (make_stage(sleep_s) for _ in range(STAGES))
    out = []
    start = clock()
    for p in ListSource.packets_list:
        x = f1(p.data)
        x = f2(x)
        x = f3(x)
        x = f4(x)
        x = f5(x)
        out.append((p.t, x))
    return clock() - start, out


def runner(reg, n: int, sleep_ms: float) -> tuple[float, list]:
    steps = "".join(f"  - {{use: bench.stage, sleep_ms: {sleep_ms}}}\n" for _ in range(STAGES))
    p = pipeline.parse(f"version: 1\nsteps:\n  - {{use: bench.list}}\n{steps}", reg)
    run = Run(p, Context(), reg.pm.hook)
    run.build()
    start = clock()
    res = run.execute()
    elapsed = clock() - start
    return elapsed, [(r["t"], r["data"]) for r in res.result]


def measure(reg, n: int, sleep_ms: float, repeats: int) -> tuple[float, float]:
    global clock
    clock = time.perf_counter if sleep_ms else time.thread_time
    ListSource.packets_list = [Packet(i / 30, i, "number") for i in range(n)]
    best_plain = best_runner = float("inf")
    for _ in range(repeats):
        tp, out_p = plain(n, sleep_ms / 1000)
        tr, out_r = runner(reg, n, sleep_ms)
        assert [(round(t, 6), x) for t, x in out_p] == out_r, "the runner and the plain loop disagree"
        best_plain, best_runner = min(best_plain, tp), min(best_runner, tr)
    return best_plain, best_runner


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packets", type=int, default=20000)
    ap.add_argument("--slow-packets", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    reg = plugins.load({"bench": BenchPlugin()}, entry_points=False)
    rows = [
        ("trivial stages", args.packets, 0.0, 1.5, args.repeats),
        ("5 ms stages", args.slow_packets, 5.0, 1.05, max(1, args.repeats // 2)),
    ]
    print(f"{'case':<16}{'packets':>9}{'plain loop s':>14}{'recog run s':>13}{'ratio':>8}{'target':>9}")
    for name, n, ms, target, reps in rows:
        tp, tr = measure(reg, n, ms, reps)
        ratio = tr / tp
        print(f"{name:<16}{n:>9}{tp:>14.4f}{tr:>13.4f}{ratio:>7.3f}x{'< ' + str(target) + 'x':>9}"
              f"  {'ok' if ratio < target else 'MISSED'}")


if __name__ == "__main__":
    main()
