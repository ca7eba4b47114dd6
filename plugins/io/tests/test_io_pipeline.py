"""The shipped io pipeline and a batch with overlays, through the real `recog` command."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import cv2
import numpy as np

from platform_core.testing import cli

ROOT = Path(__file__).resolve().parents[3]


recog = partial(cli, cwd=ROOT, timeout=120)


def test_shipped_pipeline_runs_on_its_example(tmp_path):
    run = recog("run", "pipelines/io.yaml", "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    assert "t=1.500s audio 8000 samples @ 16000 Hz" in run.stdout
    (record,) = map(json.loads, (tmp_path / "results.jsonl").read_text().splitlines())
    assert record["ok"] and sorted(Path(p).name for p in record["outputs"]) == ["arpeggio.audio.png",
                                                                                 "arpeggio.jsonl"]
    lines = [json.loads(line) for line in (tmp_path / "arpeggio.jsonl").read_text().splitlines()]
    assert [line["t"] for line in lines] == [0.0, 0.5, 1.0, 1.5] and {line["samples"] for line in lines} == {8000}
    assert cv2.imread(str(tmp_path / "arpeggio.audio.png")) is not None


def test_batch_over_a_folder_with_a_bad_file(tmp_path):
    imgs = tmp_path / "imgs"
    imgs.mkdir()
    cv2.imwrite(str(imgs / "one.png"), np.full((30, 40, 3), 90, np.uint8))
    (imgs / "two.jpg").write_bytes(b"")
    (imgs / "notes.txt").write_text("not picked: not an image extension")
    pipe = tmp_path / "p.yaml"
    pipe.write_text("version: 1\nsources:\n  img: {use: image-file}\nsteps: {}\noutputs:\n"
                    "  - {use: image-overlay, input: img}\n  - {use: json, input: img}\n")
    run = recog("run", pipe, "--input", imgs, "--out", tmp_path / "out")
    assert run.returncode == 1, run.stderr
    records = {Path(r["input"]).name: r for r in
               map(json.loads, (tmp_path / "out" / "results.jsonl").read_text().splitlines())}
    assert set(records) == {"one.png", "two.jpg"}
    assert records["one.png"]["ok"] and records["two.jpg"]["error"].endswith("two.jpg: file is empty (0 bytes)")
    assert records["two.jpg"]["outputs"] == []
    assert cv2.imread(str(tmp_path / "out" / "one.overlay.png")).shape == (30, 40, 3)
    assert json.loads((tmp_path / "out" / "one.json").read_text())["width"] == 40


def test_photos_and_videos_in_one_folder_give_overlays_of_their_type(tmp_path, mp4_video):
    media = tmp_path / "media"
    media.mkdir()
    cv2.imwrite(str(media / "photo.jpg"), np.full((30, 40, 3), 90, np.uint8))
    (media / "clip.mp4").write_bytes(mp4_video.read_bytes())
    for source, renderer in [("image-file", "image-overlay"), ("video-file", "video-overlay")]:
        pipe = tmp_path / f"{source}.yaml"
        pipe.write_text(f"version: 1\nsources:\n  img: {{use: {source}}}\nsteps: {{}}\noutputs:\n"
                        f"  - {{use: {renderer}, input: img}}\n")
        out = tmp_path / source
        run = recog("run", pipe, "--input", media, "--out", out)
        assert run.returncode == 0, run.stderr
        records = {Path(r["input"]).name: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}
        assert [Path(p).name for p in records["photo.jpg"]["outputs"]] == ["photo.overlay.png"]
        assert [Path(p).name for p in records["clip.mp4"]["outputs"]] == ["clip.overlay.mp4"]
        assert cv2.imread(str(out / "photo.overlay.png")).shape == (30, 40, 3)
        cap = cv2.VideoCapture(str(out / "clip.overlay.mp4"))
        assert cap.get(cv2.CAP_PROP_FRAME_COUNT) == 8
        cap.release()
