"""Output files and records: staged writes, paths kept inside --out, unique stems, appended and resumable records."""

import json
import subprocess
import sys

import pytest

from conftest import count_files, recog, records
from platform_core import outputs
from platform_core.inputs import expand, stems

SINK = "version: 1\nsteps:\n  - {use: toy.count, path: x.count}\n  - {use: toy.fail}\n  - {use: toy.sink}\n"


def test_a_failed_input_never_replaces_a_good_file(tmp_path, toy_site):
    inputs = count_files(tmp_path / "in", {"take": 2})
    pipe = tmp_path / "p.yaml"
    pipe.write_text(SINK)
    out = tmp_path / "out"
    assert recog("run", pipe, "--input", inputs / "take.count", "--out", out).returncode == 0
    good = (out / "take.numbers.jsonl").read_text()
    assert len(good.splitlines()) == 2
    (inputs / "take.count").write_text("5")  # now fails on the number 3, after writing 0, 1, 2
    r = recog("run", pipe, "--input", inputs / "take.count", "--out", out)
    assert r.returncode == 1 and "three is not allowed" in r.stderr
    assert (out / "take.numbers.jsonl").read_text() == good
    lines = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]
    assert [x["ok"] for x in lines] == [True, False]  # the rerun appended its record, the first one stays
    assert lines[1]["outputs"] == [] and not list(out.glob(".recog-partial-*"))


def test_resume_skips_inputs_already_ok(tmp_path, toy_site):
    inputs = count_files(tmp_path / "in", {"a": 2, "b": 5, "c": 2})
    pipe = tmp_path / "p.yaml"
    pipe.write_text(SINK)
    out = tmp_path / "out"
    assert recog("run", pipe, "--input", inputs, "--out", out, "--workers", "1").returncode == 1
    (inputs / "b.count").write_text("1")
    r = recog("run", pipe, "--input", inputs, "--out", out, "--resume", "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert "1 of 3 inputs ok; 2 already ok before (--resume)" in r.stderr
    lines = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]
    assert [(x["input"].rsplit("/", 1)[1], x["ok"]) for x in lines] == [
        ("a.count", True), ("b.count", False), ("c.count", True), ("b.count", True)]


def test_concurrent_runs_append_whole_records(tmp_path, toy_site):
    inputs = count_files(tmp_path / "in", {f"n{i:02d}": 1 for i in range(30)})
    pipe = tmp_path / "p.yaml"
    pipe.write_text(SINK)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "platform_core", "run", str(pipe), "--input", str(inputs), "--out", str(out),
           "--workers", "2"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(3)]
    assert all(p.wait(timeout=180) == 0 for p in procs)
    lines = (out / "results.jsonl").read_text().splitlines()
    assert len(lines) == 90 and all(json.loads(x)["ok"] for x in lines)


def test_output_paths_stay_inside_out_and_templates_name_only_fields(tmp_path, toy_site):
    inputs = count_files(tmp_path / "in", {"a": 1})
    out = tmp_path / "out"
    for path, message in [("../x.jsonl", "leaves the output folder"),
                          ("{out.__class__}.jsonl", "{out.__class__} is not allowed"),
                          ("{nosuch}.jsonl", "{nosuch} is not allowed"),
                          (str(tmp_path / "elsewhere.jsonl"), "is outside the output folder")]:
        pipe = tmp_path / "p.yaml"
        pipe.write_text(f"version: 1\nsteps:\n  - {{use: toy.count, path: x.count}}\n"
                        f"  - {{use: toy.sink, path: '{path}'}}\n")
        r = recog("run", pipe, "--input", inputs, "--out", out)
        assert r.returncode == 2 and message in r.stderr, (path, r.stderr)
    assert not (tmp_path / "x.jsonl").exists() and not (tmp_path / "elsewhere.jsonl").exists()
    pipe.write_text("version: 1\nsteps:\n  - {use: toy.count, path: x.count}\n"
                    "  - {use: toy.sink, path: 'sub/{stem}.numbers.jsonl'}\n")
    assert recog("run", pipe, "--input", inputs, "--out", out).returncode == 0
    assert (out / "sub" / "a.numbers.jsonl").exists()


def test_template_checks():
    outputs.check_template("{stem}.{kind}.png", ("kind",))
    with pytest.raises(outputs.OutputPathError, match="not allowed"):
        outputs.check_template("{stem!r}.png")
    with pytest.raises(outputs.OutputPathError, match="not allowed"):
        outputs.check_template("{stem[0]}.png")


def test_stems_are_unique_per_batch():
    got = stems(["x/a.jpg", "x/a.png", "x-a-2.png", "y/A.png"])
    assert len({s.casefold() for s in got}) == 4
    assert got[2] == "x-a-2"


def test_an_existing_file_is_never_a_glob(tmp_path, toy_site):
    inputs = count_files(tmp_path / "in", {"scan [1]": 1, "scan 1": 1})
    assert expand(str(inputs / "scan [1].count"), ("count",)) == [str(inputs / "scan [1].count")]
    pipe = tmp_path / "p.yaml"
    pipe.write_text(SINK)
    out = tmp_path / "out"
    r = recog("run", pipe, "--input", inputs / "scan [1].count", "--out", out)
    assert r.returncode == 0, r.stderr
    assert list(records(out)) == [str(inputs / "scan [1].count")]


def test_paths_are_never_rich_markup(tmp_path, toy_site):
    inputs = count_files(tmp_path / "in [/x]", {"Take [live]": 5, "ok": 1})
    pipe = tmp_path / "p.yaml"
    pipe.write_text(SINK)
    out = tmp_path / "out"
    r = recog("run", pipe, "--input", inputs, "--out", out, "--workers", "1")
    assert r.returncode == 1, r.stderr
    assert "Take [live].count" in r.stderr and "MarkupError" not in r.stderr
    assert len(records(out)) == 2


def test_out_naming_a_file_and_bad_set_values_are_clear_errors(tmp_path, toy_site):
    pipe = tmp_path / "p.yaml"
    pipe.write_text(SINK)
    (tmp_path / "afile").write_text("x")
    r = recog("run", pipe, "--out", tmp_path / "afile")
    assert r.returncode == 2 and "exists and is not a folder" in r.stderr and "Traceback" not in r.stderr
    r = recog("run", pipe, "--set", "count.n=[unclosed")
    assert r.returncode == 2 and "not valid YAML" in r.stderr and "Traceback" not in r.stderr
