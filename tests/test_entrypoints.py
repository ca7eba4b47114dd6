"""Entry points read from the distributions' metadata files: the same answer as importlib.metadata, with a
distribution found twice counted once, other groups ignored, egg-info folders read, and nothing written."""

import importlib.metadata
import json
import os
import sys

import pytest

from conftest import make_dist
from platform_core import entrypoints


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A folder holding the distribution `alpha`, the only entry of sys.path."""
    site = tmp_path / "site"
    make_dist(site, "alpha", "", "alpha = recog_alpha")
    monkeypatch.setattr(sys, "path", [str(site)])
    return site


def found() -> list[str]:
    return [f"{ep.name}={ep.value} ({ep.distribution})" for ep in entrypoints.installed()]


def test_the_installed_entry_points_are_those_importlib_metadata_finds():
    expected = sorted((ep.name, ep.value, f"{ep.dist.metadata['Name']} {ep.dist.metadata['Version']}")
                      for ep in importlib.metadata.entry_points(group=entrypoints.GROUP))
    assert expected, "the first-party plugins are installed"
    assert [(ep.name, ep.value, ep.distribution) for ep in entrypoints.installed()] == expected


def test_distributions_come_and_go_with_their_folders(site):
    assert found() == ["alpha=recog_alpha (alpha 0.1)"]
    make_dist(site, "beta", "", "beta = recog_beta:plugin", version="2.0")
    assert found() == ["alpha=recog_alpha (alpha 0.1)", "beta=recog_beta:plugin (beta 2.0)"]
    (ep,) = [ep for ep in entrypoints.installed() if ep.name == "beta"]
    assert (ep.module, ep.attr) == ("recog_beta", "plugin")
    for f in (site / "alpha-0.1.dist-info").iterdir():
        f.unlink()
    (site / "alpha-0.1.dist-info").rmdir()
    assert found() == ["beta=recog_beta:plugin (beta 2.0)"]


def test_a_distribution_found_twice_counts_where_sys_path_finds_it_first(site, tmp_path, monkeypatch):
    other = tmp_path / "other"
    make_dist(other, "Alpha", "", "alpha = recog_alpha_old", version="0.0.1")
    monkeypatch.setattr(sys, "path", [str(site), str(other)])
    assert found() == ["alpha=recog_alpha (alpha 0.1)"]
    monkeypatch.setattr(sys, "path", [str(other), str(site)])
    assert found() == ["alpha=recog_alpha_old (Alpha 0.0.1)"]


def test_only_the_recog_group_is_read_and_egg_info_counts(site):
    (site / "alpha-0.1.dist-info" / "entry_points.txt").write_text(
        "[console_scripts]\nalpha = alpha.cli:main\n\n# a comment\n[recog.plugins]\nalpha = recog_alpha\n"
        "\n[other.group]\nx = recog_x\n")
    egg = site / "gamma.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.2\nName: gamma\nVersion: 3.1\n\nName: not this\n")
    (egg / "entry_points.txt").write_text("[recog.plugins]\ngamma = recog_gamma\n")
    assert found() == ["alpha=recog_alpha (alpha 0.1)", "gamma=recog_gamma (gamma 3.1)"]


def test_unreadable_metadata_is_skipped(site, tmp_path, monkeypatch):
    (site / "broken-1.dist-info").mkdir()
    (site / "broken-1.dist-info" / "entry_points.txt").write_bytes(b"[recog.plugins]\nb = \xff\xfe\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(site / "x.zip"), str(site)])
    assert found() == ["alpha=recog_alpha (alpha 0.1)"]


def test_finding_entry_points_writes_nothing(site, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    before = sorted(tmp_path.rglob("*"))
    found()
    assert sorted(tmp_path.rglob("*")) == before


def test_an_entry_point_loads_its_module_or_attribute():
    assert entrypoints.EntryPoint("j", "json", "json", None, "-").load() is json
    assert entrypoints.EntryPoint("d", "os.path:join", "os.path", "join", "-").load() is os.path.join
