"""`recog plugins doctor`: what is wrong with each installed plugin, in words."""

from __future__ import annotations

from platform_core import catalog
from platform_core.errors import ModelError, PipelineError, PluginError
from platform_core.plugins import Registry


def examine(reg: Registry) -> dict[str, list[str]]:
    """Plugin name -> its problems (empty when it is fine): why it was disabled, model ids its components
    name without a card, parameter models that cannot be imported, cards whose file is missing or fails its
    hash, shipped pipelines that do not validate."""
    from platform_core import models, pipeline

    found: dict[str, list[str]] = {name: [why] for name, why in reg.broken.items()}
    try:
        cards = models.cards()
    except ModelError as e:
        cards = {}
        found.setdefault("(model cards)", []).append(str(e))
    shipped = catalog.pipelines()
    for name in sorted(reg.distributions):
        problems = found.setdefault(name, [])
        for c in (c for c in reg.components.values() if c.plugin == name):
            problems += [f"component {c.spec.id!r} names model {m!r}, which has no card" for m in c.spec.models
                         if m not in cards]
            try:
                c.spec.params  # noqa: B018 (a "module:Class" string is imported on first read)
            except PluginError as e:
                problems.append(str(e))
        package = reg.plugins[name].package
        for c in (c for c in cards.values() if c.package == package):
            try:
                models.verify_file(c.path, c.sha256)
            except ModelError as e:
                problems.append(f"model {c.id}: {e}")
        for ref, file in shipped.items():
            if ref.startswith(f"{name}:"):
                try:
                    pipeline.load(file, reg)
                except PipelineError as e:
                    problems.append(f"pipeline {ref} does not validate: {e}")
    return dict(sorted(found.items()))
