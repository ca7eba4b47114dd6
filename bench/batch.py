"""Batch throughput: `recog run` on the same files in a plain loop, on the local process pool and on Ray.

    python bench/batch.py [--digits 200] [--pages 20] [--workers 2] [--repeats 1] [--ray-local]

Needs ../shared/data (digit-strings: real cheque amounts, ORAND-CAR-A; omr-real/photos: phone photos of printed
music) and the ray extra. Every figure is the wall time of a `recog run` command on files, start-up included:
`--workers 1` (the plain loop, in one process), `--workers N` (the pool) and `--executor ray --actors N` on a
one-node Ray cluster started by this script beforehand, as a user's cluster would be (`--ray-local` adds a row
where `recog run` starts Ray itself). Runs alternate; each figure is the best of --repeats. Prints throughput,
Ray's ratio to the pool (target >= 0.9x on this machine, which Ray cannot out-scale), Ray's overhead per input
against the pool, whether Ray's records match the pool's, and per actor how many inputs it took and how many
ONNX sessions its process loaded (the models load once per actor).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SETS = {  # name: (pipeline, folder of real inputs, glob)
    "digit strings (ORAND-CAR-A)": ("pipelines/digits.yaml", DATA / "digit-strings/orand-car-a-train/images", "*.jpg"),
    "sheet music photos (omr-real)": ("pipelines/sheet.yaml", DATA / "omr-real/photos", "staff-*.jpg"),
}
RAY_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}  # loopback only


def inputs(folder: Path, pattern: str, n: int, into: Path) -> Path:
    """A folder of links to the first ``n`` files (sorted by name)."""
    into.mkdir(parents=True)
    files = sorted(folder.glob(pattern))[:n]
    if len(files) < n:
        sys.exit(f"{folder}: {len(files)} files, {n} wanted")
    for f in files:
        (into / f.name).symlink_to(f)
    return into


def recog(args: list, env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "platform_core", "run", *map(str, args)], env=env, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - start
    if r.returncode not in (0, 1):
        sys.exit(f"recog run {' '.join(map(str, args))} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return took, r.stderr


def records(out: Path) -> dict:
    recs = (json.loads(x) for x in (out / "results.jsonl").read_text().splitlines())
    return {r["input"]: (r["ok"], r["error"], [Path(o).name for o in r["outputs"]], r["result"]) for r in recs}


def actor_rows(stderr: str) -> list[tuple[int, int, int]]:
    """(pid, inputs, ONNX sessions) per actor from the `ray actors` table of --stats."""
    rows, in_table = [], False
    for line in stderr.splitlines():
        in_table = in_table or "ray actors" in line
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if in_table and len(cells) == 4 and cells[1].isdigit():
            rows.append((int(cells[1]), int(cells[2]), int(cells[3])))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--digits", type=int, default=200)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--ray-local", action="store_true", help="also time `recog run` starting Ray itself")
    a = ap.parse_args()
    os.environ.update(RAY_ENV)  # before Ray is imported
    from ray.cluster_utils import Cluster

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    cluster = Cluster(initialize_head=True, head_node_args={
        "num_cpus": a.workers, "node_ip_address": "127.0.0.1", "include_dashboard": False,
        "object_store_memory": 128 * 2**20})
    ways = {"plain loop (--workers 1)": ["--workers", 1],
            f"local pool (--workers {a.workers})": ["--workers", a.workers],
            f"Ray, {a.workers} actors on a running cluster": ["--executor", "ray", "--address", cluster.address,
                                                            "--actors", a.workers, "--stats"]}
    if a.ray_local:
        ways[f"Ray, {a.workers} actors, started by recog run"] = ["--executor", "ray", "--actors", a.workers]
    print(f"cpus {os.cpu_count()}, load {os.getloadavg()[0]:.1f} at start; best of {a.repeats}")
    try:
        for (name, (pipeline, folder, pattern)), n in zip(SETS.items(), (a.digits, a.pages)):
            if n <= 0:
                continue
            src = inputs(folder, pattern, n, tmp / f"in-{len(name)}")
            best: dict[str, float] = {}
            for rep in range(a.repeats):
                for i, (way, opts) in enumerate(ways.items()):
                    took, err = recog([pipeline, "--input", src, "--out", tmp / f"out-{len(name)}-{i}", *opts], env)
                    best[way] = min(best.get(way, took), took)
                    if "cluster" in way and rep == 0:
                        actors = actor_rows(err)
            outs = [tmp / f"out-{len(name)}-{i}" for i in range(len(ways))]
            same = all(records(o) == records(outs[1]) for o in outs)
            pool_t, ray_t = best[list(ways)[1]], best[list(ways)[2]]
            print(f"\n{name}: {n} inputs, {pipeline}; records identical across the ways: {same}")
            print("| way | seconds | inputs/s | vs pool |\n|---|---|---|---|")
            for way, t in best.items():
                print(f"| {way} | {t:.1f} | {n / t:.2f} | {pool_t / t:.2f}x |")
            print(f"Ray / pool throughput: {pool_t / ray_t:.2f}x (target >= 0.9x); "
                  f"Ray's overhead per input vs the pool: {(ray_t - pool_t) / n * 1000:+.0f} ms")
            print("Ray actors (pid: inputs, ONNX sessions loaded): "
                  + ", ".join(f"{pid}: {k}, {m}" for pid, k, m in actors))
    finally:
        cluster.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"load {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
