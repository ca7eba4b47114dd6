"""Tests of recog-brightness, with recog's test kit (fixtures recog_run, recog_media, recog_cli; factories)."""

import numpy as np
import pytest

from platform_core import ImageFrame, InputError
from platform_core.testing import context
from recog_brightness.level import LevelStage
from recog_brightness.params import LevelParams


def test_level_labels_dark_and_bright_images():
    stage = LevelStage(LevelParams(threshold=100), context())
    assert stage(ImageFrame(np.full((4, 4, 3), 30, np.uint8))).label == "dark"
    level = stage(ImageFrame(np.full((4, 4, 3), 200, np.uint8)))
    assert level.label == "bright" and level.mean == 200.0


def test_empty_image_is_an_input_error_naming_the_input():
    with pytest.raises(InputError, match="scan.png"):
        LevelStage(LevelParams(), context(input="scan.png"))(ImageFrame(np.zeros((0, 0, 3), np.uint8)))


def test_shipped_pipeline_runs_on_its_sample(recog_run):
    outcome = recog_run("brightness:brightness")
    assert outcome.record.ok, outcome.record.error
    assert outcome.record.result == {"mean": 255.0, "label": "bright"}
    assert outcome.files == ["results.jsonl", "sample.jsonl"]


def test_batch_records_each_input_and_goes_on_after_a_bad_one(recog_run, recog_media, tmp_path):
    black = recog_media.image("black.png", color=(0, 0, 0))
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not a png")
    outcome = recog_run("brightness:brightness", [black, bad])
    by_input = {r.input: r for r in outcome.records}
    assert by_input[str(black)].result["label"] == "dark"
    assert not by_input[str(bad)].ok and "broken.png" in by_input[str(bad)].error


def test_packets_reach_a_collector(recog_run, recog_media):
    image = recog_media.image("grey.png", color=(100, 100, 100))
    pipeline = ("version: 1\nsteps:\n  - {use: image-file}\n  - {use: brightness.level, threshold: 50}\n"
                "  - {use: testing.collect}\n")
    outcome = recog_run(pipeline, image)
    (packet,) = outcome.packets["testing.collect"]  # an output is named by its `name:`, else its `use:`
    assert packet.kind == "brightness.level" and packet.data.label == "bright"


def test_recog_lists_and_describes_the_plugin(recog_cli):
    r = recog_cli("plugins", "info", "brightness.level")
    assert r.returncode == 0, r.stderr
    assert "threshold" in r.stdout and "brightness.level" in r.stdout
