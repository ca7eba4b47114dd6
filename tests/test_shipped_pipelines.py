"""Every shipped pipeline that reads files runs on a folder of inputs through the real `recog` command: one
record per input, every record ok, each input's own output files or result (images also as JPEG, audio also as
FLAC)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import pytest
import soundfile as sf
import yaml

from platform_core.testing import cli

ROOT = Path(__file__).resolve().parents[1]
FILE_SOURCES = {"image-file", "video-file", "audio-file", "replay"}


def sources(pipeline: Path) -> list[dict]:
    """The source entries of a pipeline file (graph form: `sources`; linear form: the first step)."""
    doc = yaml.safe_load(pipeline.read_text())
    if "sources" in doc:
        return list(doc["sources"].values() if isinstance(doc["sources"], dict) else doc["sources"])
    return doc["steps"][:1]


def file_pipelines() -> list[Path]:
    """Shipped pipelines whose sources all read files (live ones read a camera or a microphone)."""
    return [p for p in sorted((ROOT / "pipelines").glob("*.yaml")) if all(s["use"] in FILE_SOURCES for s in sources(p))]


def example(pipeline: Path) -> Path:
    return (pipeline.parent / sources(pipeline)[0]["path"]).resolve()


def second_format(src: Path, dest: Path) -> Path:
    """The example again, re-encoded where a common other format exists (PNG -> JPEG, WAV/OGG -> FLAC)."""
    if src.suffix.lower() == ".png":
        target = dest / f"{src.stem}-photo.jpg"
        cv2.imwrite(str(target), cv2.imread(str(src)), [cv2.IMWRITE_JPEG_QUALITY, 90])
    elif src.suffix.lower() in (".wav", ".ogg"):
        target = dest / f"{src.stem}-copy.flac"
        audio, rate = sf.read(src)
        sf.write(target, audio, rate)
    else:
        target = dest / f"{src.stem}-copy{src.suffix}"
        shutil.copy(src, target)
    return target


def test_every_file_pipeline_is_covered():
    names = {p.stem for p in file_pipelines()}
    assert {"digits", "sheet", "hands", "piano", "genre", "io", "performance"} <= names, names


@pytest.mark.parametrize("pipeline", file_pipelines(), ids=lambda p: p.stem)
def test_a_folder_of_inputs(pipeline, tmp_path):
    src = example(pipeline)
    folder = tmp_path / "inputs"
    folder.mkdir()
    inputs = {shutil.copy(src, folder / src.name), second_format(src, folder)}
    run = cli("run", pipeline, "--input", folder, "--out", tmp_path / "out", "--workers", "1", cwd=ROOT, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    records = [json.loads(line) for line in (tmp_path / "out" / "results.jsonl").read_text().splitlines()]
    assert sorted(r["input"] for r in records) == sorted(str(Path(p)) for p in inputs)
    for r in records:
        assert r["ok"], r["error"]
        stem = Path(r["input"]).stem
        assert r["outputs"] or r["result"], f"{pipeline.stem}: neither files nor a result for {r['input']}"
        for out in map(Path, r["outputs"]):
            assert out.is_file() and out.stat().st_size > 0, out
            assert out.name.startswith(stem), f"{out.name} is not named after {stem}"
