"""Plugin manager: discovers plugins in the ``recog.plugins`` entry point group (:mod:`platform_core.entrypoints`)
and indexes what they provide.

A plugin that cannot be used (it fails to import, implements an unknown hook, claims an id, kind or
task another plugin has, puts a component outside its namespace, or declares a component with an
unknown kind) is disabled with a warning naming it and why; the other plugins keep working.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import warnings
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pluggy

from platform_core import entrypoints, hookspecs
from platform_core.kinds import ANY, BUILTIN_KINDS, Kind
from platform_core.specs import ComponentSpec, TaskSpec

COMPONENT_HOOKS = ("recog_sources", "recog_preprocessors", "recog_models", "recog_renderers")
BUILTIN_PLUGIN = "io"  # its generic sources and renderers keep bare ids (`image-file`, `jsonl`): see docs/plugins/io.md


class PluginWarning(UserWarning):
    """A plugin was disabled; the others keep working."""


class PluginImportWarning(PluginWarning):
    """A plugin could not be imported."""


@dataclass
class Component:
    """A registered component and the distribution that provides it."""

    spec: ComponentSpec
    plugin: str
    distribution: str


@dataclass
class Plugin:
    """One installed (or passed-in) plugin: its entry-point name, distribution and package."""

    name: str
    distribution: str
    package: str | None  # the top-level package that holds its cards/ and pipelines/
    module: object | None = None


@dataclass
class Registry:
    """Everything the usable plugins provide, and why the others were disabled."""

    pm: pluggy.PluginManager
    components: dict[str, Component] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)
    kind_plugins: dict[str, str] = field(default_factory=dict)  # kind name -> plugin that declared it
    tasks: dict[str, TaskSpec] = field(default_factory=dict)
    distributions: dict[str, str] = field(default_factory=dict)  # usable plugin name -> distribution
    plugins: dict[str, Plugin] = field(default_factory=dict)  # every plugin found, usable or not
    broken: dict[str, str] = field(default_factory=dict)  # disabled plugin name -> why

    def get(self, component_id: str) -> Component | None:
        return self.components.get(component_id)

    def packages(self) -> list[str]:
        """Top-level packages of the usable plugins, in plugin-name order."""
        return [p.package for n, p in sorted(self.plugins.items()) if p.package and n not in self.broken]


def package_of(module_name: str) -> str:
    return module_name.split(".")[0]


def package_dir(package: str) -> Path | None:
    """The folder of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) if locations else None


def load(extra: dict[str, ModuleType | object] | None = None, entry_points: bool = True,
         only: Collection[str] | None = None) -> Registry:
    """Load plugins from entry points (only those named in ``only``, or in the environment variable
    ``RECOG_PLUGINS`` as a comma-separated list) and ``extra`` (name -> plugin object) into a new registry.

    Each plugin that cannot be used is listed in ``Registry.broken`` with the reason, and a
    :class:`PluginWarning` naming it is issued; the others are loaded as usual.
    """
    if only is None and os.environ.get("RECOG_PLUGINS"):
        only = {n.strip() for n in os.environ["RECOG_PLUGINS"].split(",") if n.strip()}
    pm = pluggy.PluginManager("recog")
    pm.add_hookspecs(hookspecs)
    reg = Registry(pm=pm, kinds={k.name: k for k in BUILTIN_KINDS})
    found: list[tuple[Plugin, object | None]] = []
    if entry_points:
        for ep in entrypoints.installed():
            if only is not None and ep.name not in only:
                continue
            plugin = Plugin(ep.name, ep.distribution, package_of(ep.module))
            if ep.name in reg.plugins:
                _disable(reg, plugin, f"its entry point name {ep.name!r} is already taken by "
                                      f"{reg.plugins[ep.name].distribution}", keep=True)
                continue
            reg.plugins[ep.name] = plugin
            try:
                found.append((plugin, ep.load()))
            except Exception as e:  # a broken plugin must not take the others down
                _disable(reg, plugin, f"failed to import: {type(e).__name__}: {e}", PluginImportWarning)
    for name, obj in (extra or {}).items():
        module = getattr(obj, "__name__", None) if isinstance(obj, ModuleType) else type(obj).__module__
        plugin = Plugin(name, getattr(obj, "__name__", name), package_of(module) if module else None, obj)
        if name in reg.plugins:
            _disable(reg, plugin, f"its name {name!r} is already taken by {reg.plugins[name].distribution}", keep=True)
            continue
        reg.plugins[name] = plugin
        found.append((plugin, obj))
    for plugin, obj in found:
        plugin.module = obj
        if problem := _register(pm, plugin.name, obj):
            _disable(reg, plugin, problem)
        else:
            reg.distributions[plugin.name] = plugin.distribution
    _collect(reg)
    return reg


def _register(pm: pluggy.PluginManager, name: str, obj: object) -> str | None:
    """Register ``obj``; the problem when it cannot be (an unknown or misspelled hook, bad arguments)."""
    known = {n for n in dir(hookspecs) if n.startswith("recog_")}
    for attr in dir(obj):
        if attr not in known and not attr.startswith("_") and pm.parse_hookimpl_opts(obj, attr) is not None:
            hint = next((k for k in sorted(known) if _close(attr, k)), None)
            return f"implements unknown hook {attr!r}" + (f" (did you mean {hint!r}?)" if hint else "")
    try:
        pm.register(obj, name=name)
    except (ValueError, pluggy.PluginValidationError) as e:
        return f"cannot be registered: {e}"
    return None


def _close(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def _disable(reg: Registry, plugin: Plugin, why: str, category: type[Warning] = PluginWarning,
             keep: bool = False) -> None:
    """Mark ``plugin`` unusable, unregister its hooks and warn, naming it, its distribution and why."""
    if keep:  # a second plugin under a name already in use: the first keeps it
        reg.broken[f"{plugin.name} ({plugin.distribution})"] = why
    else:
        reg.broken[plugin.name] = why
        reg.distributions.pop(plugin.name, None)
        if reg.pm.has_plugin(plugin.name):
            reg.pm.unregister(name=plugin.name)
    warnings.warn(f"recog plugin {plugin.name!r} ({plugin.distribution}) is disabled: {why}", category, stacklevel=3)


def _call(reg: Registry, name: str, hook: str) -> list:
    """What plugin ``name`` returns from ``hook`` (empty when it does not implement it)."""
    out = []
    for impl in getattr(reg.pm.hook, hook).get_hookimpls():
        if impl.plugin_name == name:
            out.extend(impl.function() or [])
    return out


def _collect(reg: Registry) -> None:
    """Kinds first (every plugin's), then each plugin's tasks and components, checked as a whole."""
    usable = [n for n in sorted(reg.plugins) if n in reg.distributions]
    declared: dict[str, list[Kind]] = {}
    for name in usable:
        try:
            kinds = _call(reg, name, "recog_kinds")
            problem = _kinds_problem(reg, name, kinds)
        except Exception as e:
            problem = f"its recog_kinds hook raised {type(e).__name__}: {e}"
        if problem:
            _disable(reg, reg.plugins[name], problem)
            continue
        declared[name] = kinds
        for k in kinds:
            reg.kinds[k.name], reg.kind_plugins[k.name] = k, name
    for name in declared:
        try:
            tasks = _call(reg, name, "recog_tasks")
            specs = [s for hook in COMPONENT_HOOKS for s in _call(reg, name, hook)]
            problem = _tasks_problem(reg, name, tasks) or _specs_problem(reg, name, specs)
        except Exception as e:
            problem = f"a component hook raised {type(e).__name__}: {e}"
        if problem:
            for k in declared[name]:
                reg.kinds.pop(k.name, None)
                reg.kind_plugins.pop(k.name, None)
            _disable(reg, reg.plugins[name], problem)
            continue
        dist = reg.distributions[name]
        for t in tasks:
            reg.tasks[t.name] = t
        for s in specs:
            reg.components[s.id] = Component(s, name, dist)


def _kinds_problem(reg: Registry, name: str, kinds: list) -> str | None:
    for k in kinds:
        if not isinstance(k, Kind):
            return f"recog_kinds returned {type(k).__name__}, not a Kind"
        if k.name in reg.kinds:
            owner = reg.kind_plugins.get(k.name)
            by = f"plugin {owner!r} ({reg.distributions.get(owner, owner)})" if owner else "recog (built in)"
            return f"kind {k.name!r} is already declared by {by}"
    return None


def _tasks_problem(reg: Registry, name: str, tasks: list) -> str | None:
    for t in tasks:
        if not isinstance(t, TaskSpec):
            return f"recog_tasks returned {type(t).__name__}, not a TaskSpec"
        if t.name in reg.tasks:
            return f"task {t.name!r} is already provided by another plugin"
    return None


def _specs_problem(reg: Registry, name: str, specs: list) -> str | None:
    seen: set[str] = set()
    for s in specs:
        if not isinstance(s, ComponentSpec):
            return f"returned {type(s).__name__}, not a component spec"
        if not s.id.startswith(f"{name}.") and not (name == BUILTIN_PLUGIN and "." not in s.id):
            return f"component id {s.id!r} is outside its namespace (ids of plugin {name!r} start with '{name}.')"
        if s.id in reg.components or s.id in seen:
            other = reg.components.get(s.id)
            by = f"{other.distribution} (plugin {other.plugin!r})" if other else "the plugin itself"
            return f"component id {s.id!r} is already claimed by {by}"
        seen.add(s.id)
        for kind in (*s.consumes, *s.produces):
            unknown = [k for k in kind.split("|") if k != ANY and k not in reg.kinds]
            if unknown:
                return (f"component {s.id!r} uses unknown kind {unknown[0]!r} (declare it with recog_kinds; "
                        f"known: {', '.join(sorted(reg.kinds))})")
    return None


_installed: Registry | None = None
_override: list[Registry] = []


def registry() -> Registry:
    """The process-wide registry: the installed plugins (loaded once), or the one set by :func:`use`."""
    global _installed
    if _override:
        return _override[-1]
    if _installed is None:
        _installed = load()
    return _installed


def _cache_clear() -> None:
    global _installed
    _installed = None


registry.cache_clear = _cache_clear  # type: ignore[attr-defined]


@contextmanager
def use(reg: Registry) -> Iterator[Registry]:
    """Make ``reg`` what :func:`registry` returns in this process while the block runs."""
    _override.append(reg)
    try:
        yield reg
    finally:
        _override.remove(reg)
