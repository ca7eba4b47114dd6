"""Ctrl-C, killed workers and a killed main process, through the real `recog run` in a subprocess."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import count_files, recog, records

PACED = "version: 1\nsteps:\n  - {use: toy.count, path: x.count, fps: 20, pace: true}\n  - {use: toy.sink}\n"


def start(*args) -> subprocess.Popen:
    """`recog run ...` in its own session (so a group SIGINT reaches only it), with default SIGINT handling."""
    return subprocess.Popen([sys.executable, "-m", "platform_core", "run", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for(cond, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def n_records(out: Path) -> int:
    path = out / "results.jsonl"
    return len(path.read_text().splitlines()) if path.exists() else 0


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (read from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_in_one_process_records_the_interrupted_input_and_exits_130(tmp_path, toy_site):
    inputs = count_files(tmp_path / "in", {"a": 2, "b": 100000, "c": 2})
    pipe = tmp_path / "p.yaml"
    pipe.write_text(PACED)
    out = tmp_path / "out"
    proc = start(pipe, "--input", inputs, "--out", out, "--workers", "1")
    wait_for(lambda: n_records(out) == 1, what="the first input's record")
    time.sleep(0.5)  # b is now running
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    recs = records(out)
    assert recs[str(inputs / "a.count")]["ok"]
    b = recs[str(inputs / "b.count")]
    assert not b["ok"] and b["interrupted"] and b["outputs"] == [] and "Ctrl-C" in b["error"]
    assert str(inputs / "c.count") not in recs
    assert not (out / "b.numbers.jsonl").exists() and not list(out.glob(".recog-partial-*"))
    assert "1 of 3 inputs ok; 1 interrupted; 1 not run (finish with --resume)" in err


def test_ctrl_c_on_the_pool_stops_running_inputs_and_keeps_finished_records(tmp_path, toy_site):
    inputs = count_files(tmp_path / "in", {"a": 2, "b": 100000, "c": 100000, "d": 2, "e": 2})
    pipe = tmp_path / "p.yaml"
    pipe.write_text(PACED)
    out = tmp_path / "out"
    proc = start(pipe, "--input", inputs, "--out", out, "--workers", "2")
    wait_for(lambda: n_records(out) == 1, what="the first input's record")
    wait_for(lambda: len(children(proc.pid)) == 2, what="two workers")
    time.sleep(1.0)  # b and c are running
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C does: the main process and its workers
    t0 = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - t0 < 8, "Ctrl-C did not stop the pool promptly"
    assert proc.returncode == 130, err
    recs = records(out)
    assert recs[str(inputs / "a.count")]["ok"] and (out / "a.numbers.jsonl").exists()
    for name in ("b", "c"):
        assert recs[str(inputs / f"{name}.count")]["interrupted"] and not recs[str(inputs / f"{name}.count")]["ok"]
    assert str(inputs / "d.count") not in recs and str(inputs / "e.count") not in recs
    assert "1 of 5 inputs ok; 2 interrupted; 2 not run" in err


def test_a_second_ctrl_c_exits_at_once(tmp_path, toy_site):
    inputs = count_files(tmp_path / "in", {"a": 100, "b": 100})
    pipe = tmp_path / "p.yaml"
    pipe.write_text("version: 1\nsteps:\n  - {use: toy.count, path: x.count}\n"
                    "  - {use: toy.stubborn, delay_ms: 60000}\n  - {use: toy.sink}\n")
    out = tmp_path / "out"
    proc = start(pipe, "--input", inputs, "--out", out, "--workers", "2")
    wait_for(lambda: len(children(proc.pid)) == 2, what="two workers")
    workers = children(proc.pid)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(1.0)  # the workers ignore it: the main process waits for them
    assert proc.poll() is None
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert time.monotonic() - t0 < 5 and proc.returncode == 130
    wait_for(lambda: not any(alive(w) for w in workers), timeout=10, what="the workers to die")


def test_a_dead_worker_fails_only_its_own_input(tmp_path, toy_site):
    inputs = count_files(tmp_path / "in", {"a": 2, "b": 2, "crash": 5, "d": 2, "e": 2})
    pipe = tmp_path / "p.yaml"
    pipe.write_text("version: 1\nsteps:\n  - {use: toy.count, path: x.count}\n  - {use: toy.crash, at: 3}\n"
                    "  - {use: toy.sink}\n")
    out = tmp_path / "out"
    r = recog("run", pipe, "--input", inputs, "--out", out, "--workers", "2")
    assert r.returncode == 1, r.stderr
    recs = records(out)
    assert len(recs) == 5
    crash = recs[str(inputs / "crash.count")]
    assert not crash["ok"] and "died of SIGKILL" in crash["error"] and "crash.count" in crash["error"]
    for name in "abde":
        assert recs[str(inputs / f"{name}.count")]["ok"] and (out / f"{name}.numbers.jsonl").exists()
    assert "4 of 5 inputs ok; 1 failed" in r.stderr


def test_no_worker_outlives_a_killed_main_process(tmp_path, toy_site):
    inputs = count_files(tmp_path / "in", {"a": 100000, "b": 100000})
    pipe = tmp_path / "p.yaml"
    pipe.write_text(PACED)
    for sig in (signal.SIGKILL, signal.SIGTERM):
        proc = start(pipe, "--input", inputs, "--out", tmp_path / f"out{sig}", "--workers", "2")
        wait_for(lambda proc=proc: len(children(proc.pid)) == 2, what="two workers")
        workers = children(proc.pid)
        proc.send_signal(sig)
        proc.communicate(timeout=30)
        wait_for(lambda workers=workers: not any(alive(w) for w in workers), timeout=10,
                 what=f"the workers to die after {sig.name}")
