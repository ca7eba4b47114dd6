"""The shipped hands pipeline through the real `recog` command: video, photo, corrupt video, outputs."""

from __future__ import annotations

import csv
import json
import shutil
from functools import partial
from pathlib import Path

import cv2
import numpy as np

from platform_core.testing import cli

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).parent / "fixtures"


recog = partial(cli, cwd=ROOT, timeout=300)


def records(out: Path) -> dict:
    return {Path(r["input"]).name: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}


def test_video_batch_with_a_corrupt_file(tmp_path):
    clips = tmp_path / "clips"
    clips.mkdir()
    shutil.copy(ROOT / "examples/hands/asl_hand.mp4", clips / "asl_hand.mp4")
    (clips / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    run = recog("run", "pipelines/hands.yaml", "--input", clips, "--out", tmp_path / "out")
    assert run.returncode == 1, run.stderr
    recs = records(tmp_path / "out")
    bad = recs["broken.mp4"]
    assert not bad["ok"] and "broken.mp4" in bad["error"] and "video" in bad["error"]
    good = recs["asl_hand.mp4"]
    assert good["ok"], good["error"]
    assert good["result"]["frames"] == good["result"]["frames_with_hands"] == 102
    assert [(t["track_id"], t["handedness"]) for t in good["result"]["tracks"]] == [(1, "Right")]
    out = tmp_path / "out"
    assert sorted(Path(p).name for p in good["outputs"]) == ["asl_hand.csv", "asl_hand.landmarks.jsonl",
                                                             "asl_hand.overlay.mp4"]
    lines = [json.loads(line) for line in (out / "asl_hand.landmarks.jsonl").read_text().splitlines()]
    assert [r["frame"] for r in lines] == list(range(102))
    assert abs(lines[25]["t"] - 1.0) < 1e-6
    hand = lines[0]["hands"][0]
    assert set(hand) == {"track_id", "handedness", "score", "landmarks", "world_landmarks"}
    assert len(hand["landmarks"]) == 21 and all(0 <= x <= 620 and 0 <= y <= 1080 for x, y, _ in hand["landmarks"])
    with open(out / "asl_hand.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 102 and rows[0]["track_id"] == "1"
    cap = cv2.VideoCapture(str(out / "asl_hand.overlay.mp4"))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 102


def test_photo_gives_one_record_with_both_hands(tmp_path):
    pipe = tmp_path / "photo.yaml"
    pipe.write_text("version: 1\nsources:\n  image: {use: image-file}\nsteps:\n"
                    "  hands: {use: hands.landmarks, input: image}\noutputs:\n"
                    "  - {use: hands.landmarks-jsonl, input: hands}\n")
    run = recog("run", pipe, "--input", FIXTURES / "hands.jpg", "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    rec = records(tmp_path)["hands.jpg"]
    assert len(rec["result"]["hands"]) == 2 and rec["result"]["width"] == 720
    lines = (tmp_path / "hands.landmarks.jsonl").read_text().splitlines()
    assert len(lines) == 1 and len(json.loads(lines[0])["hands"]) == 2


def test_live_replay_drops_frames_rather_than_falling_behind(tmp_path):
    pipe = tmp_path / "replay.yaml"
    shipped = (ROOT / "pipelines/hands-replay.yaml").read_text()
    # the copy lives elsewhere: its relative input path would resolve from tmp_path, so make it absolute
    shipped = shipped.replace("../examples/", f"{ROOT}/examples/")
    pipe.write_text(shipped.replace("media: video", "media: video, speed: 2"))
    run = recog("run", pipe, "--out", tmp_path, "--stats")
    assert run.returncode == 0, run.stderr
    lines = [json.loads(s) for s in (tmp_path / "asl_hand.landmarks.jsonl").read_text().splitlines()]
    frames = [x["frame"] for x in lines]
    assert 1 <= len(frames) <= 102 and frames == sorted(set(frames))  # in order, none twice, some may be dropped
    assert all(h["track_id"] == 1 and h["handedness"] == "Right" for x in lines for h in x["hands"])
    assert "hands.landmarks" in run.stdout + run.stderr  # the stage metrics table


def test_folder_of_photos_gives_landmarks_and_png_overlays(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    shutil.copy(FIXTURES / "hands.jpg", photos / "two_hands.jpg")
    truth = np.array(json.loads((FIXTURES / "hands.expected.json").read_text())["hands_xy"][0], float)
    (x0, y0), (x1, y1) = (truth.min(0) - 10).astype(int), (truth.max(0) + 10).astype(int)
    cv2.imwrite(str(photos / "filling.png"), cv2.imread(str(FIXTURES / "hands.jpg"))[y0:y1, x0:x1])
    run = recog("run", "pipelines/hands.yaml", "--input", photos, "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    recs = records(tmp_path / "out")
    assert len(recs["two_hands.jpg"]["result"]["hands"]) == 2
    for stem in ("two_hands", "filling"):
        rec = recs[f"{stem}.{'jpg' if stem == 'two_hands' else 'png'}"]
        assert sorted(Path(p).name for p in rec["outputs"]) == [f"{stem}.csv", f"{stem}.landmarks.jsonl",
                                                                f"{stem}.overlay.png"]
        assert cv2.imread(str(tmp_path / "out" / f"{stem}.overlay.png")) is not None
    (hand,) = recs["filling.png"]["result"]["hands"]  # the hand fills the photo: found by the second look
    assert np.median(np.linalg.norm(np.array(hand["landmarks"])[:, :2] - (truth - (x0, y0)), axis=1)) < 20
