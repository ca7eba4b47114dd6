"""Plugin manager: discovers plugins in the ``recog.plugins`` entry point group and indexes their components."""

from __future__ import annotations

import importlib.metadata
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType

import pluggy

from platform_core import hookspecs
from platform_core.errors import PluginError
from platform_core.kinds import BUILTIN_KINDS, Kind
from platform_core.specs import ComponentSpec, TaskSpec

GROUP = "recog.plugins"
COMPONENT_HOOKS = ("recog_sources", "recog_preprocessors", "recog_models", "recog_renderers")


class PluginImportWarning(UserWarning):
    """A plugin could not be imported; the others keep working."""


@dataclass
class Component:
    """A registered component and the distribution that provides it."""

    spec: ComponentSpec
    plugin: str
    distribution: str


@dataclass
class Registry:
    """Everything the installed plugins provide."""

    pm: pluggy.PluginManager
    components: dict[str, Component] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)
    tasks: dict[str, TaskSpec] = field(default_factory=dict)
    distributions: dict[str, str] = field(default_factory=dict)  # plugin name -> distribution
    broken: dict[str, str] = field(default_factory=dict)  # plugin name -> import error

    def get(self, component_id: str) -> Component | None:
        return self.components.get(component_id)


def _distribution(ep: importlib.metadata.EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return f"{dist.name} {dist.version}" if dist is not None else ep.value


def load(extra: dict[str, ModuleType | object] | None = None, entry_points: bool = True) -> Registry:
    """Load plugins from entry points (and ``extra``: name -> plugin object) into a new registry."""
    pm = pluggy.PluginManager("recog")
    pm.add_hookspecs(hookspecs)
    reg = Registry(pm=pm, kinds={k.name: k for k in BUILTIN_KINDS})
    if entry_points:
        for ep in importlib.metadata.entry_points(group=GROUP):
            if pm.has_plugin(ep.name):
                continue
            try:
                module = ep.load()
            except Exception as e:  # a broken plugin must not take the others down
                reg.broken[ep.name] = f"{type(e).__name__}: {e}"
                warnings.warn(f"recog plugin {ep.name!r} ({_distribution(ep)}) failed to import: "
                              f"{type(e).__name__}: {e}", PluginImportWarning, stacklevel=2)
                continue
            pm.register(module, name=ep.name)
            reg.distributions[ep.name] = _distribution(ep)
    for name, obj in (extra or {}).items():
        pm.register(obj, name=name)
        reg.distributions[name] = getattr(obj, "__name__", name)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as e:
        raise PluginError(f"plugin {e.plugin!r} implements an unknown hook: {e}") from e
    _collect(reg)
    return reg


def _collect(reg: Registry) -> None:
    for hook_name in COMPONENT_HOOKS + ("recog_kinds", "recog_tasks"):
        for impl in getattr(reg.pm.hook, hook_name).get_hookimpls():
            dist = reg.distributions.get(impl.plugin_name, impl.plugin_name)
            for item in impl.function() or []:
                if hook_name == "recog_kinds":
                    reg.kinds.setdefault(item.name, item)
                elif hook_name == "recog_tasks":
                    reg.tasks[item.name] = item
                else:
                    _add(reg, item, impl.plugin_name, dist)


def _add(reg: Registry, spec: ComponentSpec, plugin: str, dist: str) -> None:
    if not isinstance(spec, ComponentSpec):
        raise PluginError(f"plugin {plugin!r} ({dist}) returned {type(spec).__name__}, not a component spec")
    if spec.id in reg.components:
        other = reg.components[spec.id]
        raise PluginError(f"component id {spec.id!r} is claimed twice: by {other.distribution} "
                          f"(plugin {other.plugin!r}) and by {dist} (plugin {plugin!r})")
    reg.components[spec.id] = Component(spec, plugin, dist)


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The process-wide registry of installed plugins."""
    return load()
