"""Fixtures for the core tests: a tiny third-party plugin installed as a real distribution on sys.path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from platform_core import plugins

TOY = Path(__file__).parent / "toy"


def make_dist(site: Path, name: str, module_source: Path | str, entry: str, version: str = "0.1") -> None:
    """Install a minimal distribution (dist-info + module) into ``site``."""
    site.mkdir(parents=True, exist_ok=True)
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[recog.plugins]\n{entry}\n")
    module = entry.split("=")[1].strip()
    if isinstance(module_source, Path):
        shutil.copy(module_source, site / f"{module}.py")
    else:
        (site / f"{module}.py").write_text(module_source)


@pytest.fixture
def toy_site(tmp_path, monkeypatch) -> Path:
    """A site folder holding the `toy-plugin` distribution, on sys.path and PYTHONPATH."""
    site = tmp_path / "site"
    make_dist(site, "toy_plugin", TOY / "recog_toy.py", "toy = recog_toy")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), *sys.path]))
    plugins.registry.cache_clear()
    yield site
    plugins.registry.cache_clear()
    sys.modules.pop("recog_toy", None)


@pytest.fixture
def registry(toy_site) -> plugins.Registry:
    return plugins.load()


def recog(*args, cwd=None, timeout=120) -> subprocess.CompletedProcess:
    """Run the real `recog` command in a subprocess."""
    return subprocess.run([sys.executable, "-m", "platform_core", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout)


def records(out: Path) -> dict:
    """The records of ``out/results.jsonl`` by input (the latest record of each)."""
    return {r["input"]: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}


def count_files(folder: Path, counts: dict[str, int]) -> Path:
    """Input files for the toy plugin's `toy.count` source: each holds how many numbers it yields."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, n in counts.items():
        (folder / f"{name}.count").write_text(str(n))
    return folder
