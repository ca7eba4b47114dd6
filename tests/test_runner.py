import pytest

from platform_core import Context, hookimpl, pipeline, plugins
from platform_core.pipeline import SyncPolicy
from platform_core.runner import Run, StageError
from platform_core.sync import Join


def run(text, registry, **ctx):
    p = pipeline.parse(text, registry)
    r = Run(p, Context(**ctx), registry.pm.hook)
    r.build()
    return r.execute()


def counts(res):
    return {m.name: (m.n_in, m.n_out, m.dropped) for m in res.metrics}


def test_linear_run_result_and_exact_counts(registry):
    res = run("version: 1\nsteps:\n  - {use: toy.count, n: 20}\n  - {use: toy.add}\n  - {use: toy.odd}\n"
              "  - {use: toy.add, k: 10}\n", registry)
    assert [r["data"] for r in res.result] == [x + 1 + 10 for x in range(20) if (x + 1) % 2]
    assert counts(res) == {"count": (0, 20, 0), "add": (20, 20, 0), "odd": (20, 10, 0), "add2": (10, 10, 0)}
    assert all(m.latencies for m in res.metrics[1:])


def test_packets_and_flush_are_counted_and_delivered(registry, tmp_path):
    res = run("version: 1\nsteps:\n  - {use: toy.count, n: 3}\n  - {use: toy.burst}\n  - {use: toy.sink}\n",
              registry, out_dir=tmp_path, stem="x")
    assert [r["data"] for r in res.result] == [0, 0, 1, 1, 2, 2, -1]
    assert counts(res)["burst"] == (3, 7, 0)
    assert (tmp_path / "x.numbers.jsonl").read_text().count("\n") == 7
    assert res.outputs == [str(tmp_path / "x.numbers.jsonl")]


def test_stage_error_names_the_step(registry):
    with pytest.raises(StageError, match=r"^fail \(toy.fail\): three is not allowed"):
        run("version: 1\nsteps:\n  - {use: toy.count, n: 9}\n  - {use: toy.add}\n  - {use: toy.fail}\n",
            registry)


def test_join_aligns_30fps_frames_with_irregular_events(registry):
    times = [0.01, 0.26, 0.262, 0.5, 0.9, 2.5]  # the last one is past the last frame (t=1.967)
    text = f"""
version: 1
sources:
  frames: {{use: toy.count, n: 60, fps: 30}}
  events: {{use: toy.events, times: {times}}}
steps:
  paired: {{use: toy.pair, input: [events, frames], sync: {{policy: nearest, tolerance_ms: 20}}}}
"""
    res = run(text, registry)
    got = [(r["t"], r["data"]) for r in res.result]
    assert got == [(0.01, ["e0", 0]), (0.26, ["e1", 8]), (0.262, ["e2", 8]), (0.5, ["e3", 15]),
                   (0.9, ["e4", 27])]
    assert counts(res)["paired"][2] == 1  # the event at 2.5 s has no frame within 20 ms


def test_join_policies_and_offset():
    frames = [i / 30 for i in range(30)]
    for policy, offset, expect in [("latest", 0, [2, 7]), ("nearest", 0, [3, 7]), ("nearest", 50, [1, 6])]:
        j = Join(2, SyncPolicy(policy=policy, tolerance_ms=20, offset_ms=offset))
        out = []
        events = [0.09, 0.24]
        stream = sorted([(t, 1, i) for i, t in enumerate(frames)] + [(t, 0, "e") for t in events])
        for t, k, d in stream:
            out += j.push(k, t, d)
        out += j.end(1) + j.end(0)
        assert [ds[1] for _, ds in out] == expect, (policy, offset)


def test_exact_join_waits_for_both(registry):
    j = Join(2, SyncPolicy())
    assert j.push(0, 1.0, "a") == []
    assert j.push(1, 0.5, "x") == []
    assert j.push(1, 1.0, "y") == [(1.0, ("a", "y"))]


def test_drop_oldest_under_slow_consumer_of_a_live_source(registry):
    text = """
version: 1
sources:
  live: {use: toy.live, n: 60, fps: 200, pace: true, queue: {size: 4, drop: oldest}}
steps:
  slow: {use: toy.add, input: live, delay_ms: 30}
"""
    res = run(text, registry)
    c = counts(res)
    produced = c["live"][1] + c["live"][2]
    assert produced == 60
    assert c["live"][2] > 20  # the consumer keeps 1 in 6: most packets are dropped, not queued
    assert c["slow"][0] == c["live"][1]
    data = [r["data"] for r in res.result]
    assert data == sorted(data) and data[-1] == 60  # the newest packet is never the one dropped


class Recorder:
    """A plugin implementing the lifecycle hooks."""

    def __init__(self):
        self.calls = []

    @hookimpl
    def recog_pipeline_start(self, pipeline, context):
        self.calls.append(("start", pipeline.name))

    @hookimpl
    def recog_pipeline_stop(self, pipeline, context, metrics):
        self.calls.append(("stop", [m.name for m in metrics]))

    @hookimpl
    def recog_stage_error(self, pipeline, step, error):
        self.calls.append(("error", step, str(error)))


def test_lifecycle_hooks_are_called(toy_site):
    rec = Recorder()
    reg = plugins.load({"recorder": rec})
    run("version: 1\nname: p\nsteps:\n  - {use: toy.count, n: 2}\n  - {use: toy.add}\n", reg)
    assert rec.calls == [("start", "p"), ("stop", ["count", "add"])]
    with pytest.raises(StageError):
        run("version: 1\nname: q\nsteps:\n  - {use: toy.count, n: 5}\n  - {use: toy.fail}\n", reg)
    assert rec.calls[-1] == ("error", "fail", "three is not allowed")
