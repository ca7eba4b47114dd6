"""`recog run --executor ray` on a real local Ray cluster (a head and one more node, loopback only) vs the pool."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
import ray.cluster_utils as ray_cluster_utils  # the ray extra, which scripts/install installs

from conftest import TOY, make_dist

pytestmark = pytest.mark.xdist_group("ray")  # one cluster per test session, on one pytest worker
ROOT = Path(__file__).resolve().parent.parent
# loopback only, no usage reports; Ray resolves 127.0.0.1 to the host's address unless cluster mode is off
RAY_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
NODE = {"num_cpus": 1, "node_ip_address": "127.0.0.1", "object_store_memory": 80 * 2**20}


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    """A head node and one more node, one CPU each, whose workers see the toy plugin; yields (address, env, raylets).

    ``raylets``: the pids of the nodes' raylets, the parents of every worker process of this cluster.
    """
    site = tmp_path_factory.mktemp("ray-site")
    make_dist(site, "toy_plugin", TOY / "recog_toy.py", "toy = recog_toy")
    env = {**os.environ, **RAY_ENV, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    saved = os.environ.copy()
    os.environ.update(env)  # the nodes' processes, and so their workers, inherit it
    try:
        c = ray_cluster_utils.Cluster(initialize_head=True, head_node_args={**NODE, "include_dashboard": False})
        c.add_node(**NODE)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    yield c.address, env, {n.all_processes["raylet"][0].process.pid for n in c.list_all_nodes()}
    c.shutdown()


def recog(env, *args, timeout=300):
    return subprocess.run([sys.executable, "-m", "platform_core", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=timeout)


def start(env, *args):
    """`recog run` in the background, with the default SIGINT handling (pytest-xdist workers may ignore it)."""
    return subprocess.Popen([sys.executable, "-m", "platform_core", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def records(out: Path) -> dict:
    """Records by input, without the time each took."""
    recs = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]
    return {r["input"]: {k: v for k, v in r.items() if k != "seconds"} for r in recs}


def files(out: Path) -> dict:
    return {f.name: f.read_bytes() for f in sorted(out.iterdir()) if f.name != "results.jsonl"}


def actor_processes(raylets: set[int]) -> list[int]:
    """Processes of recog's Ray actors in the test cluster (Ray titles them ``ray::RecogWorker[.method]``)."""
    pids = []
    for d in Path("/proc").iterdir():
        try:
            if (d.name.isdigit() and (d / "cmdline").read_bytes().startswith(b"ray::RecogWorker")
                    and int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) in raylets):
                pids.append(int(d.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def running_actor(raylets: set[int], deadline_s: float = 120) -> int:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        for pid in actor_processes(raylets):
            try:
                if (Path("/proc") / str(pid) / "cmdline").read_bytes().startswith(b"ray::RecogWorker.run"):
                    return pid
            except OSError:
                continue
        time.sleep(0.05)
    raise AssertionError("no Ray actor ran an input within the deadline")


@pytest.fixture
def numbers(tmp_path) -> Path:
    """Five drawn numbers and one corrupt PNG."""
    d = tmp_path / "numbers"
    d.mkdir()
    for i, text in enumerate(["12", "305", "7", "4096", "58"]):
        img = np.full((60, 40 + 30 * len(text), 3), 255, np.uint8)
        cv2.putText(img, text, (10, 45), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (0, 0, 0), 3)
        cv2.imwrite(str(d / f"n{i}.png"), img)
    (d / "n9_corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    return d


def slow_pipeline(tmp_path: Path, delay_ms: int) -> Path:
    pipe = tmp_path / "slow.yaml"
    pipe.write_text("version: 1\nsteps:\n  - {use: image-file, path: x.png}\n"
                    f"  - {{use: toy.slow, delay_ms: {delay_ms}}}\n  - {{use: jsonl}}\n")
    return pipe


def test_records_and_files_match_the_local_pool_and_models_load_once_per_actor(cluster, numbers, tmp_path):
    address, env, raylets = cluster
    pool, on_ray = tmp_path / "pool", tmp_path / "ray"
    local = recog(env, "run", "pipelines/digits.yaml", "--input", numbers, "--out", pool, "--workers", 2)
    r = recog(env, "run", "pipelines/digits.yaml", "--input", numbers, "--out", on_ray, "--executor", "ray",
              "--address", address, "--actors", 2, "--stats")
    assert local.returncode == r.returncode == 1, r.stderr
    expected = {k: {**v, "outputs": [o.replace(str(pool), str(on_ray)) for o in v["outputs"]]}
                for k, v in records(pool).items()}
    assert records(on_ray) == expected
    assert files(on_ray) == files(pool) and len(files(pool)) == 5
    bad = records(on_ray)[str(numbers / "n9_corrupt.png")]
    assert not bad["ok"] and "n9_corrupt.png" in bad["error"]
    assert "5 of 6 inputs ok" in r.stderr
    rows = [line.split("│")[1:-1] for line in r.stderr.splitlines() if line.count("│") == 5]
    actors = [(int(inputs), int(loaded)) for _, _, inputs, loaded in rows]
    assert len(actors) == 2 and sum(n for n, _ in actors) == 6
    # the reader's two models (CRNN strings, CNN single digits): loaded once per actor, however many inputs
    assert all(loaded == 2 for n, loaded in actors if n), actors


def test_trust_pickle_reaches_the_actors(cluster, numbers, tmp_path):
    import torch
    from test_hostile_files import Payload

    address, env, _ = cluster
    marker, evil = tmp_path / "unpickled", tmp_path / "evil.pt"
    torch.save(Payload(marker), evil)
    args = ("run", "pipelines/digits.yaml", "--input", numbers / "n0.png", "--set", f"digits.model={evil}",
            "--executor", "ray", "--address", address, "--actors", 1)
    refused = recog(env, *args, "--out", tmp_path / "refused")
    assert refused.returncode == 1 and "refuses it" in refused.stderr and not marker.exists()
    trusted = recog(env, *args, "--out", tmp_path / "trusted", "--trust-pickle")
    assert trusted.returncode == 1 and "refuses it" not in trusted.stderr, trusted.stderr
    assert marker.exists()  # unpickled on the actor, as the user allowed


def test_the_python_api_runs_on_ray(cluster, numbers, tmp_path):
    address, env, _ = cluster
    code = ("import json, sys; from platform_core import run; "
            "recs = run('pipelines/digits.yaml', sys.argv[1], out=sys.argv[2], workers=2, executor='ray', "
            "address=sys.argv[3]); print(json.dumps(sorted(r.ok for r in recs)))")
    r = subprocess.run([sys.executable, "-c", code, str(numbers), str(tmp_path / "out"), address],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.strip().splitlines()[-1]) == [False] + [True] * 5
    assert len(records(tmp_path / "out")) == 6


def test_a_killed_worker_fails_nothing_else(cluster, numbers, tmp_path):
    address, env, raylets = cluster
    pipe = slow_pipeline(tmp_path, 1500)
    pool, on_ray = tmp_path / "pool", tmp_path / "ray"
    assert recog(env, "run", pipe, "--input", numbers / "n?.png", "--out", pool, "--workers", 2).returncode == 0
    proc = start(env, "run", pipe, "--input", numbers / "n?.png", "--out", on_ray, "--executor", "ray",
                 "--address", address, "--actors", 2)
    os.kill(running_actor(raylets), signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "running it again on another worker" in err
    expected = {k: {**v, "outputs": [o.replace(str(pool), str(on_ray)) for o in v["outputs"]]}
                for k, v in records(pool).items()}
    assert records(on_ray) == expected and len(expected) == 5
    assert files(on_ray) == files(pool)


def test_ctrl_c_leaves_no_task_running(cluster, numbers, tmp_path):
    address, env, raylets = cluster
    out = tmp_path / "out"
    proc = start(env, "run", slow_pipeline(tmp_path, 3000), "--input", numbers / "n?.png", "--out", out,
                 "--executor", "ray", "--address", address, "--actors", 2)
    running_actor(raylets)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert "stopped by Ctrl-C" in err or "interrupted" in err, err
    done = records(out)
    assert 1 <= len(done) < 5  # the interrupted inputs are recorded, the ones never started are not
    end = time.monotonic() + 30
    while actor_processes(raylets) and time.monotonic() < end:
        time.sleep(0.2)
    assert not actor_processes(raylets)


def test_ray_options_need_the_ray_executor():
    r = recog(os.environ, "run", "pipelines/digits.yaml", "--actors", 2, "--address", "auto", timeout=120)
    assert r.returncode == 2 and "--address, --actors need --executor ray" in r.stderr
    r = recog(os.environ, "run", "pipelines/digits.yaml", "--executor", "ray", "--workers", 2, timeout=120)
    assert r.returncode == 2 and "with --executor ray use --actors" in r.stderr
