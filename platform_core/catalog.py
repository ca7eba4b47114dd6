"""What plugin packages ship beside their code: pipelines (``<package>/pipelines/*.yaml``) and model cards
(``<package>/cards/*.yaml``), found through the registered plugins without importing them."""

from __future__ import annotations

from pathlib import Path

from platform_core import entrypoints, plugins
from platform_core.errors import PipelineError


def packages() -> dict[str, Path]:
    """Plugin name -> folder of its top-level package: the installed plugins and those of the current registry."""
    out: dict[str, Path] = {}
    for ep in entrypoints.installed():
        folder = plugins.package_dir(plugins.package_of(ep.module))
        if folder is not None:
            out.setdefault(ep.name, folder)
    for name, p in (plugins._override[-1].plugins.items() if plugins._override else ()):
        folder = plugins.package_dir(p.package) if p.package else None
        if folder is not None and name not in out:
            out[name] = folder
    return out


def shipped(folder: str) -> dict[str, Path]:
    """``plugin:name`` -> file, for every ``<package>/<folder>/<name>.yaml`` of the plugins."""
    return {f"{plugin}:{f.stem}": f for plugin, pkg in sorted(packages().items())
            for f in sorted((pkg / folder).glob("*.yaml"))}


def pipelines() -> dict[str, Path]:
    """Every pipeline the plugins ship, as ``plugin:name`` -> file."""
    return shipped("pipelines")


def card_files() -> list[Path]:
    """Every model card file the plugins ship."""
    return list(shipped("cards").values())


def is_reference(ref: str) -> bool:
    """Whether ``ref`` names a shipped pipeline (``PLUGIN:NAME``) rather than a file."""
    plugin, sep, name = ref.partition(":")
    return bool(sep and plugin and name and "/" not in plugin and "\\" not in plugin and not Path(ref).exists())


def resolve(ref: str | Path) -> Path:
    """The file of a pipeline given as a path or as ``PLUGIN:NAME``."""
    if isinstance(ref, Path) or not is_reference(ref):
        return Path(ref)
    found = pipelines()
    if ref not in found:
        from platform_core.pipeline import did_you_mean

        raise PipelineError(f"no shipped pipeline {ref!r}{did_you_mean(ref, found)}; "
                            f"see `recog pipelines list`", ref)
    return found[ref]
