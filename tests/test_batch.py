"""Batch and live runs through the real `recog` command, with the io plugin's file and replay sources."""

import json
import signal
import subprocess
import sys
import time

import cv2
import numpy as np
import soundfile as sf

from conftest import recog, records


def test_failing_inputs_are_recorded_and_the_batch_goes_on(tmp_path, toy_site):
    imgs = tmp_path / "imgs"
    imgs.mkdir()
    cv2.imwrite(str(imgs / "a_good.png"), np.full((20, 30, 3), 200, np.uint8))
    (imgs / "b_corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    cv2.imwrite(str(imgs / "c_good.png"), np.zeros((10, 10, 3), np.uint8))
    pipe = tmp_path / "p.yaml"
    pipe.write_text("version: 1\nsteps:\n  - {use: image-file, path: x.png}\n  - {use: toy.slow}\n"
                    "  - {use: jsonl}\n")
    out = tmp_path / "out"
    r = recog("run", pipe, "--input", imgs, "--out", out)
    assert r.returncode == 1, r.stderr
    recs = records(out)
    assert len(recs) == 3
    assert recs[str(imgs / "a_good.png")]["ok"] and recs[str(imgs / "c_good.png")]["ok"]
    bad = recs[str(imgs / "b_corrupt.png")]
    assert not bad["ok"] and "b_corrupt.png" in bad["error"]
    assert bad["outputs"] == [] and not (out / "b_corrupt.jsonl").exists()  # a failed input leaves no file
    assert (out / "a_good.jsonl").exists() and (out / "c_good.jsonl").exists()
    assert "b_corrupt.png" in r.stderr and "2 of 3 inputs ok" in r.stderr


def test_truncated_audio_and_missing_file_fail_alone(tmp_path, toy_site):
    sr = 8000
    good, cut = tmp_path / "good.wav", tmp_path / "cut.wav"
    sf.write(good, np.sin(np.arange(sr) / 5).astype(np.float32), sr)
    sf.write(cut, np.zeros(sr, np.float32), sr)
    cut.write_bytes(cut.read_bytes()[:30])
    pipe = tmp_path / "p.yaml"
    pipe.write_text("version: 1\nsteps:\n  - {use: audio-file, path: x.wav}\n  - {use: toy.slow}\n")
    for path, ok in [(good, True), (cut, False), (tmp_path / "missing.wav", False)]:
        out = tmp_path / f"out-{path.stem}"
        r = recog("run", pipe, "--input", path, "--out", out)
        assert r.returncode == (0 if ok else 1), r.stderr
        (rec,) = records(out).values()
        assert rec["ok"] is ok
        if not ok:
            assert path.name in rec["error"]


def test_invalid_pipeline_exits_2_with_position(tmp_path, toy_site):
    pipe = tmp_path / "p.yaml"
    pipe.write_text("version: 1\nsteps:\n  - {use: toy.count}\n  - {use: toy.ad}\n")
    for cmd in ("validate", "run"):
        r = recog(cmd, pipe)
        assert r.returncode == 2
        assert f"{pipe}:4:11: unknown component 'toy.ad' (did you mean 'toy.add'?)" in r.stderr.replace("\n", "")


def test_drop_oldest_under_a_slow_consumer_of_replay(tmp_path, toy_site):
    video = tmp_path / "clip.avi"
    w = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 100, (32, 24))
    for i in range(100):
        w.write(np.full((24, 32, 3), i, np.uint8))
    w.release()
    pipe = tmp_path / "p.yaml"
    pipe.write_text(f"""version: 1
sources:
  cam: {{use: replay, path: {video}, queue: {{size: 2}}}}
steps:
  slow: {{use: toy.slow, input: cam, delay_ms: 40}}
""")
    r = recog("run", pipe, "--stats", "--workers", "0")
    assert r.returncode == 0, r.stderr
    row = next(line for line in r.stderr.splitlines() if "│ cam" in line)
    cells = [c.strip() for c in row.split("│") if c.strip()]
    taken, dropped = int(cells[3]), int(cells[4])
    assert taken + dropped == 100 and dropped > 50


def test_ctrl_c_on_a_live_run_leaves_complete_outputs(tmp_path, toy_site):
    pipe = tmp_path / "live.yaml"
    pipe.write_text("version: 1\nsteps:\n  - {use: toy.live, n: 100000, fps: 100, pace: true}\n"
                    "  - {use: toy.add}\n  - {use: toy.sink}\n")
    out = tmp_path / "out"
    # pytest-xdist workers may ignore SIGINT, and a child inherits that: give the run the default handling back
    proc = subprocess.Popen([sys.executable, "-m", "platform_core", "run", str(pipe), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    sink = out / "live.numbers.jsonl"
    while time.monotonic() < deadline and (not sink.exists() or sink.stat().st_size < 200):
        time.sleep(0.1)
    assert sink.exists() and sink.stat().st_size >= 200, "the live run wrote nothing within 60 s"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    lines = sink.read_text().splitlines()
    assert lines and [json.loads(x)["data"] for x in lines] == list(range(1, len(lines) + 1))
    (rec,) = records(out).values()
    assert rec["ok"] and rec["outputs"] == [str(sink)]


def test_a_batch_parses_its_pipeline_file_once(tmp_path, toy_site, monkeypatch):
    from conftest import count_files
    from platform_core import batch
    from platform_core import pipeline as pipeline_mod

    inputs = count_files(tmp_path / "in", {"a": 1, "b": 2, "c": 3})
    pipe = tmp_path / "p.yaml"
    pipe.write_text("version: 1\nsteps:\n  - {use: toy.count, path: x.count}\n  - {use: toy.sink}\n")
    calls = []
    real = pipeline_mod.load
    monkeypatch.setattr(pipeline_mod, "load", lambda *a, **k: calls.append(a) or real(*a, **k))
    batch._parsed.cache_clear()
    jobs = batch.make_jobs(str(pipe), {}, batch.plan(batch.load(str(pipe), {}), str(inputs)), tmp_path / "out")
    recs = batch.run_all(jobs, 1, lambda r: None)
    assert [r.ok for r in recs] == [True] * 3 and len(calls) == 1
    assert [len((tmp_path / "out" / f"{n}.numbers.jsonl").read_text().splitlines()) for n in "abc"] == [1, 2, 3]
