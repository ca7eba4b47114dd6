"""The entry-point cache: a scan is reused while nothing changes, never once a distribution comes, goes or changes;
it lives in the user's cache folder only, and a recent change or a damaged file means a fresh scan."""

import json
import os
import shutil
import sys
import time

import pytest

from conftest import make_dist
from platform_core import entrypoints


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A folder holding the distribution `alpha`, the only entry of sys.path; the cache in tmp_path/cache."""
    site = tmp_path / "site"
    make_dist(site, "alpha", "", "alpha = recog_alpha")
    monkeypatch.setattr(sys, "path", [str(site)])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return site


def settle(site, age_s: float = 60) -> None:
    """Date everything in ``site`` ``age_s`` seconds back, as if installed a while ago."""
    old = time.time() - age_s
    for path in [site, *site.rglob("*")]:
        os.utime(path, (old, old))


def found(monkeypatch) -> tuple[list[str], bool]:
    """The entry points found, and whether finding them scanned the distributions (rather than read the cache)."""
    scans = []
    scan = entrypoints._scan
    monkeypatch.setattr(entrypoints, "_scan", lambda: scans.append(1) or scan())
    return [f"{ep.name}={ep.value} ({ep.distribution})" for ep in entrypoints.installed()], bool(scans)


def test_a_scan_is_reused_until_a_distribution_comes_or_goes(site, monkeypatch):
    settle(site)
    assert found(monkeypatch) == (["alpha=recog_alpha (alpha 0.1)"], True)
    assert found(monkeypatch) == (["alpha=recog_alpha (alpha 0.1)"], False)
    make_dist(site, "beta", "", "beta = recog_beta", version="2.0")
    assert found(monkeypatch) == (["alpha=recog_alpha (alpha 0.1)", "beta=recog_beta (beta 2.0)"], True)
    settle(site, 30)
    assert found(monkeypatch)[1] is True
    assert found(monkeypatch)[1] is False
    shutil.rmtree(site / "alpha-0.1.dist-info")
    assert found(monkeypatch) == (["beta=recog_beta (beta 2.0)"], True)


def test_an_entry_points_file_changed_in_place_is_seen(site, monkeypatch):
    settle(site)
    found(monkeypatch)
    mtimes = {p: p.stat().st_mtime_ns for p in (site, site / "alpha-0.1.dist-info")}
    (site / "alpha-0.1.dist-info" / "entry_points.txt").write_text("[recog.plugins]\nalpha = recog_alpha2\n")
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes  # only the file's time tells
    assert found(monkeypatch) == (["alpha=recog_alpha2 (alpha 0.1)"], True)


def test_a_recent_change_is_not_cached(site, monkeypatch, tmp_path):
    assert found(monkeypatch)[1] is True
    assert found(monkeypatch)[1] is True  # the site was written now: its times may not show the next change
    assert not (tmp_path / "cache").exists()


def test_the_cache_is_one_file_in_the_users_cache_folder(site, monkeypatch, tmp_path):
    settle(site)
    before = sorted(p for p in tmp_path.rglob("*"))
    found(monkeypatch)
    (file,) = (tmp_path / "cache" / "recog").iterdir()
    assert file.name.startswith("entry-points-") and file.suffix == ".json"
    assert sorted(p for p in tmp_path.rglob("*")) == sorted([*before, tmp_path / "cache", file.parent, file])
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = "Library/Caches/recog" if sys.platform == "darwin" else ".cache/recog"
    assert entrypoints.cache_dir() == tmp_path / "home" / expected


def test_a_damaged_cache_file_means_a_fresh_scan(site, monkeypatch, tmp_path):
    settle(site)
    found(monkeypatch)
    (file,) = (tmp_path / "cache" / "recog").iterdir()
    for damage in ("{not json", json.dumps([{"key": "x"}]), json.dumps([{"key": [], "entry_points": [["a"]]}])):
        file.write_text(damage)
        assert found(monkeypatch) == (["alpha=recog_alpha (alpha 0.1)"], True)


def test_an_entry_point_loads_its_module_or_attribute():
    assert entrypoints.EntryPoint("j", "json", "json", None, "-").load() is json
    assert entrypoints.EntryPoint("d", "os.path:join", "os.path", "join", "-").load() is os.path.join
