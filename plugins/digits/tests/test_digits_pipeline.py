"""The shipped pipeline end to end through `recog run`: bundled example, batch over a folder, bad files."""

import json
import shutil
from functools import partial
from pathlib import Path

from digits_testdata import FIXTURES

from platform_core import models
from platform_core.testing import cli
from recog_digits import plugin

ROOT = Path(__file__).resolve().parents[3]


recog = partial(cli, cwd=ROOT, timeout=120)


def test_hooks_and_cards():
    (spec,) = plugin.recog_models()
    assert spec.id == "digits.read" and spec.consumes == ("image",) and spec.produces == ("digits",)
    for model_id in spec.models:
        assert models.path(model_id).is_file()  # hash verified against recog_digits/cards/<id>.yaml
    (task,) = plugin.recog_tasks()
    assert task.name == "digits" and task.train(["nope"]) == 2


def test_bundled_example_with_overlay(tmp_path):
    proc = recog("run", "pipelines/digits.yaml", "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "407193" in proc.stdout
    (record,) = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert record["ok"] and record["result"]["text"] == "407193"
    assert len(record["result"]["digits"]) == 6
    assert {"label", "confidence", "box"} <= set(record["result"]["digits"][0])
    assert (tmp_path / "number.overlay.png").stat().st_size > 0


def test_batch_over_a_folder_records_bad_files_and_goes_on(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(FIXTURES / "photo.jpg", inputs / "a_photo.jpg")
    shutil.copy(FIXTURES / "single_7.png", inputs / "b_seven.png")
    (inputs / "c_torn.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    out = tmp_path / "out"
    proc = recog("run", ROOT / "pipelines/digits.yaml", "--input", inputs, "--out", out)
    assert proc.returncode == 1, proc.stderr
    records = {Path(r["input"]).name: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}
    assert records["a_photo.jpg"]["result"]["text"] == "71462"
    assert records["b_seven.png"]["result"]["text"] == "7"
    assert not records["c_torn.png"]["ok"] and "c_torn.png" in records["c_torn.png"]["error"]


def test_a_digit_set_from_other_writers_through_the_pipeline(tmp_path):
    """MNIST-like fixtures and scikit-learn's 8x8 digits (other writers and scanning, upsampled to 32x32 dark ink on
    white) as a folder of files through the shipped pipeline."""
    import cv2
    import numpy as np
    from sklearn.datasets import load_digits

    inputs = tmp_path / "in"
    inputs.mkdir()
    truth = {}
    for d in range(10):
        shutil.copy(FIXTURES / f"single_{d}.png", inputs / f"mnist_{d}.png")
        truth[f"mnist_{d}.png"] = str(d)
    sk = load_digits()
    for i in range(30):  # three of each digit
        g = 255 - cv2.resize(np.uint8(np.clip(sk.images[i] * 16, 0, 255)), (32, 32), interpolation=cv2.INTER_CUBIC)
        cv2.imwrite(str(inputs / f"sk_{i:02d}.png"), g)
        truth[f"sk_{i:02d}.png"] = str(sk.target[i])
    out = tmp_path / "out"
    proc = recog("run", ROOT / "pipelines/digits.yaml", "--input", inputs, "--out", out)
    assert proc.returncode == 0, proc.stderr
    read = {Path(r["input"]).name: r["result"]["text"]
            for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}
    assert {k: read[k] for k in truth if k.startswith("mnist")} == {k: v for k, v in truth.items()
                                                                     if k.startswith("mnist")}
    assert sum(read[k] == v for k, v in truth.items() if k.startswith("sk")) >= 26  # 27 read right when written
    assert all((out / f"{Path(k).stem}.overlay.png").is_file() for k in truth)
