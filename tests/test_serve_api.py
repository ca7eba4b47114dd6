"""The web app of `recog serve` through its HTTP API: uploads, limits, the run queue, path safety, views."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import cv2
import numpy as np
import pytest

from conftest import TOY, make_dist
from platform_core import plugins

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")  # Starlette >= 1.0

PIPELINE = """version: 1
name: gated
# Waits for the gate file, then answers with the image height.
sources:
  image: {{use: image-file, path: {example}}}
steps:
  gate: {{use: servetoy.gate, input: image, gate: "{gate}"}}
outputs:
  - {{use: servetoy.note, input: gate}}
  - {{use: jsonl, input: gate}}
"""


def png(height: int = 12) -> bytes:
    return cv2.imencode(".png", np.full((height, 20, 3), 127, np.uint8))[1].tobytes()


@pytest.fixture
def servetoy(tmp_path, monkeypatch):
    """The servetoy plugin installed as a distribution; a pipeline file on it; the gate file's path."""
    site = tmp_path / "site"
    make_dist(site, "servetoy_plugin", TOY / "recog_servetoy.py", "servetoy = recog_servetoy")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), *sys.path]))
    plugins.registry.cache_clear()
    example = tmp_path / "example.png"
    example.write_bytes(png(7))
    gate = tmp_path / "gate.open"
    pipe = tmp_path / "gated.yaml"
    pipe.write_text(PIPELINE.format(example=example, gate=gate))
    yield pipe, gate
    plugins.registry.cache_clear()


def wait(client, run_id: str, until=("done", "failed"), timeout: float = 60) -> dict:
    """The run's status once its state is one of ``until``."""
    deadline = time.monotonic() + timeout
    while True:
        s = client.get(f"/api/runs/{run_id}").json()
        if s["state"] in until or time.monotonic() > deadline:
            return s
        time.sleep(0.05)


def client_for(pipe, runs, **kw):
    from starlette.testclient import TestClient

    from platform_core.serve.app import create_app

    return TestClient(create_app([pipe], runs, **kw))


def submit(client, files=None, data=None, **kw):
    files = files if files is not None else [("file", ("my scan.png", png(), "image/png"))]
    r = client.post("/p/gated/runs", files=files, data=data or {}, follow_redirects=False, **kw)
    run_id = r.headers["location"].rsplit("/", 1)[1] if r.status_code == 303 else None
    return r, run_id


def test_an_upload_runs_through_the_batch_runner_and_gets_the_cli_record(servetoy, tmp_path):
    pipe, gate = servetoy
    gate.touch()
    runs = tmp_path / "runs"
    with client_for(pipe, runs) as c:
        assert "gated" in c.get("/").text
        page = c.get("/p/gated").text
        assert 'accept=".png,' in page and 'name="set.gate.scale"' in page and "set.gate.gate" not in page
        (api,) = c.get("/api/pipelines").json()
        assert {f["key"]: (f["type"], f["choices"]) for f in api["fields"]} == {
            "gate.scale": ("integer", []), "gate.mode": ("choice", ["fast", "exact"])}  # never the free-text `gate`
        r, run_id = submit(c, data={"set.gate.scale": "3", "set.gate.mode": "fast"})
        assert r.status_code == 303, r.text
        s = wait(c, run_id)
        assert s["state"] == "done" and s["done"] == s["total"] == 1
        (rec,) = s["records"]
        assert rec["ok"] and rec["result"] == {"label": "seen", "height": 36}  # the override reached the step
        folder = runs / run_id
        assert [json.loads(x) for x in (folder / "results.jsonl").read_text().splitlines()] == [rec]
        assert sorted(p.name for p in folder.iterdir()) == [
            "input1.jsonl", "input1.note.txt", "inputs", "results.jsonl", "run.json"]
        html = c.get(f"/runs/{run_id}").text
        assert "my scan.png" in html  # the upload's own name is shown ...
        assert '<p class="toy-view">&lt;b&gt;' in html  # ... the plugin's own view of its file is used ...
        assert "<th>height</th>" in html and "<td>36</td>" in html  # ... and the jsonl file shown as a table
        d = c.get(f"/runs/{run_id}/files/input1.note.txt")
        assert d.status_code == 200 and "my%20scan.note.txt" in d.headers["content-disposition"]
        assert "default-src 'self'" in d.headers["content-security-policy"]
        assert c.post("/p/gated/runs", data={"example": "1"}, follow_redirects=False).status_code == 303


def test_uploads_are_limited_in_size_type_and_count(servetoy, tmp_path):
    pipe, gate = servetoy
    gate.touch()
    with client_for(pipe, tmp_path / "runs", max_upload_mb=0.05, max_files=2) as c:
        r, _ = submit(c, files=[("file", ("big.png", b"\x89PNG" + bytes(60_000), "image/png"))])
        assert r.status_code == 413 and "over the 0.05 MB limit" in r.text
        r, _ = submit(c, files=[("file", ("notes.txt", b"hello", "text/plain"))])
        assert r.status_code == 415 and "notes.txt" in r.text and ".png" in r.text
        r, _ = submit(c, files=[("file", ("empty.png", b"", "image/png"))])
        assert r.status_code == 400 and "empty.png: the file is empty" in r.text
        r, _ = submit(c, files=[("file", (f"{i}.png", png(), "image/png")) for i in range(3)])
        assert r.status_code == 400 and "Too many files" in r.text
        r, _ = submit(c, data={"set.image.path": "/etc/passwd"})
        assert r.status_code == 400 and "cannot be set from the web page" in r.text
        r, _ = submit(c, data={"set.gate.scale": "99"})
        assert r.status_code == 400 and "scale" in r.text
        r, _ = submit(c, headers={"origin": "http://evil.example"})
        assert r.status_code == 403
        assert c.get("/api/runs/nope").status_code == 404
    assert sorted((tmp_path / "runs").iterdir()) == []  # nothing refused left a folder


def test_a_bad_file_fails_its_run_with_an_error_page(servetoy, tmp_path):
    pipe, gate = servetoy
    gate.touch()
    with client_for(pipe, tmp_path / "runs") as c:
        _, run_id = submit(c, files=[("file", ("broken.png", b"\x89PNG\r\n\x1a\n not really", "image/png"))])
        s = wait(c, run_id)
        assert s["state"] == "failed" and not s["records"][0]["ok"] and "input1.png" in s["records"][0]["error"]
        page = c.get(f"/runs/{run_id}")
        assert page.status_code == 422 and "error-page" in page.text and "broken.png: " in page.text
        assert '<p class="error">broken.png: not a readable image' in page.text  # named as uploaded


def test_the_queue_runs_at_most_n_at_once_and_refuses_when_full(servetoy, tmp_path):
    pipe, gate = servetoy
    with client_for(pipe, tmp_path / "runs", workers=2, max_waiting=2) as c:
        ids = [submit(c)[1] for _ in range(4)]
        assert all(ids)
        states = [wait(c, i, until=("running",))["state"] for i in ids[:2]]
        assert states == ["running", "running"]
        for _ in range(20):  # while the gate is closed, the other two wait
            assert [c.get(f"/api/runs/{i}").json()["state"] for i in ids] == ["running", "running", "queued", "queued"]
        running = c.get(f"/runs/{ids[0]}").text  # the page shows progress and polls until the run ends
        assert 'data-state="running"' in running and '<progress id="progress" max="1" value="0">' in running
        r, _ = submit(c)
        assert r.status_code == 503 and "waiting" in r.text
        gate.touch()
        assert [wait(c, i)["state"] for i in ids] == ["done"] * 4
        assert len(c.get("/").text.split("state-done")) == 5  # all four listed as recent runs


def test_downloads_come_only_from_inside_the_run_folder(servetoy, tmp_path):
    pipe, gate = servetoy
    gate.touch()
    runs = tmp_path / "runs"
    (tmp_path / "secret.txt").write_text("secret")
    with client_for(pipe, runs) as c:
        _, run_id = submit(c, files=[("file", ("../../secret.png", png(), "image/png"))])
        wait(c, run_id)
        assert sorted(p.name for p in (runs / run_id / "inputs").iterdir()) == ["input1.png"]
        (runs / run_id / "link.txt").symlink_to(tmp_path / "secret.txt")
        outside = str(tmp_path / "secret.txt")
        for name in ["..%2F..%2Fsecret.txt", "%2E%2E/%2E%2E/secret.txt", "link.txt", "inputs", outside, "nothing.txt"]:
            r = c.get(f"/runs/{run_id}/files/{name}")
            assert r.status_code == 404 and "secret" not in r.text.replace("secret.txt", ""), name
        for bad_id in ["..", "20990101-000000-zzzzzzzz", "%2E%2E%2Fsecret.txt"]:
            assert c.get(f"/runs/{bad_id}/files/results.jsonl").status_code == 404
        assert c.get(f"/runs/{run_id}/files/inputs/input1.png").status_code == 200
        assert c.get(f"/runs/{run_id}/files/results.jsonl").status_code == 200


def test_hosts_can_be_limited_against_dns_rebinding(servetoy, tmp_path):
    pipe, _ = servetoy
    with client_for(pipe, tmp_path / "runs", allowed_hosts=["127.0.0.1"]) as c:
        assert c.get("/", headers={"host": "attacker.example"}).status_code == 400
        assert c.get("/", headers={"host": "127.0.0.1:8000"}).status_code == 200


def test_recog_serve_listens_on_localhost_and_refuses_missing_pipelines(servetoy, tmp_path):
    pipe, _ = servetoy
    bad = subprocess.run([sys.executable, "-m", "platform_core", "serve", str(tmp_path / "nope.yaml")],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "nope.yaml: no such pipeline file" in bad.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "platform_core", "serve", str(pipe), "--port", str(port),
                             "--runs", str(tmp_path / "runs")], stderr=subprocess.PIPE, text=True)
    try:
        line = next(ln for ln in proc.stderr if "recog serve:" in ln)  # after any plugin warnings
        assert f"http://127.0.0.1:{port}/" in line
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/p/gated", timeout=5) as r:
                    assert r.status == 200 and b'name="set.gate.scale"' in r.read()
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert (tmp_path / "runs").is_dir()
    finally:
        proc.terminate()
        proc.wait(30)


def test_a_score_verovio_cannot_read_is_offered_as_a_download_with_a_note(tmp_path):
    from platform_core.serve import views

    bad = tmp_path / "x.musicxml"
    bad.write_text("not music")
    v = views.view(bad, "x.musicxml", "/runs/r/files/x.musicxml")
    assert v.kind == "score" and v.svg is None and v.note == "verovio could not read this file"


MUSICXML = """<?xml version="1.0" encoding="UTF-8"?>
<score-partwise version="4.0"><part-list><score-part id="P1"><part-name>Voice</part-name></score-part></part-list>
<part id="P1"><measure number="1"><attributes><divisions>1</divisions><time><beats>4</beats><beat-type>4</beat-type>
</time><clef><sign>G</sign><line>2</line></clef></attributes>""" + "".join(
    f"<note><pitch><step>{s}</step><octave>4</octave></pitch><duration>1</duration><type>quarter</type></note>"
    for s in "CDEF") + "</measure></part></score-partwise>"


def test_a_score_is_engraved_in_any_thread_whichever_imported_verovio(tmp_path):
    """verovio sets its font folder only in the importing thread; the server engraves in its worker threads."""
    import threading

    import verovio  # noqa: F401  imported here, in the test's thread

    from platform_core.serve import engrave

    score = tmp_path / "x.musicxml"
    score.write_text(MUSICXML)
    got = []
    thread = threading.Thread(target=lambda: got.append(engrave.svg(score)))
    thread.start()
    thread.join(60)
    ((svg, note),) = got
    assert note is None and svg.count('class="note"') == 4


def test_several_files_make_one_run_with_a_record_each(servetoy, tmp_path):
    pipe, gate = servetoy
    gate.touch()
    with client_for(pipe, tmp_path / "runs") as c:
        _, run_id = submit(c, files=[("file", ("first.png", png(5), "image/png")),
                                     ("file", ("second.PNG", png(9), "image/png"))])
        s = wait(c, run_id)
        assert s["state"] == "done" and s["total"] == 2
        assert sorted(r["result"]["height"] for r in s["records"]) == [5, 9]
        html = c.get(f"/runs/{run_id}").text
        assert "<h2>first.png" in html and "<h2>second.PNG" in html
        d = c.get(f"/runs/{run_id}/files/input2.note.txt")
        assert "second.note.txt" in d.headers["content-disposition"]
