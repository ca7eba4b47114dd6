"""`recog plugins new`: the written plugin installs, its tests pass as written, and its pipeline runs."""

import importlib.metadata
import json
import os
import subprocess
import sys

import pytest

from platform_core.scaffold import create


def kit_flags() -> list[str]:
    """``-p platform_core.testing`` where the kit is not registered through recog's pytest11 entry point."""
    registered = any(ep.value == "platform_core.testing" for ep in importlib.metadata.entry_points(group="pytest11"))
    return [] if registered else ["-p", "platform_core.testing"]


def test_new_plugin_installs_passes_its_tests_and_runs(tmp_path, recog_cli):
    r = recog_cli("plugins", "new", "shade", "--dir", tmp_path)
    assert r.returncode == 0, r.stderr
    root = tmp_path / "recog-shade"
    site = tmp_path / "site"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                          "--target", str(site), str(root)], capture_output=True, text=True, timeout=300)
    assert pip.returncode == 0, pip.stderr
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *kit_flags(),
                            str(root / "tests")], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "6 passed" in tests.stdout
    listed = recog_cli("pipelines", "list", "--json", env=env)
    assert "shade:shade" in [p["pipeline"] for p in json.loads(listed.stdout)]
    r = recog_cli("run", "shade:shade", "--out", tmp_path / "out", env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "bright (mean 255.0)" in r.stdout, "the kind's own console view"
    record = json.loads((tmp_path / "out" / "results.jsonl").read_text())
    assert record["ok"] and record["result"] == {"mean": 255.0, "label": "bright"}
    r = recog_cli("registry", "check", root / "registry-entry.yaml")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("name", ["Shade", "9lives", "my-plugin"])
def test_unusable_names_are_refused(tmp_path, name):
    with pytest.raises(ValueError, match="lower case"):
        create(name, tmp_path)
