"""The installed plugins' entry points (group ``recog.plugins``), read straight from the distributions' metadata.

``importlib.metadata`` parses every installed distribution's entry points, and importing it costs as much
again: about 0.035 s of each command that loads plugins. The same answer comes from the files themselves:
each ``sys.path`` folder's ``*.dist-info`` and ``*.egg-info`` folders, their ``entry_points.txt`` read only
when it names the group, and the name and version of those few distributions. As with ``importlib.metadata``,
a distribution found twice counts once, where ``sys.path`` finds it first. Nothing is written anywhere.
"""

from __future__ import annotations

import importlib
import os
import re
import sys

GROUP = "recog.plugins"
_SECTION = re.compile(r"^\[\s*(.+?)\s*\]\s*$")


class EntryPoint:
    """An installed plugin's entry point: its name, ``module[:attr]`` value and distribution (``name version``)."""

    __slots__ = ("name", "value", "module", "attr", "distribution")

    def __init__(self, name: str, value: str, module: str, attr: str | None, distribution: str):
        self.name, self.value, self.module, self.attr, self.distribution = name, value, module, attr, distribution

    def load(self) -> object:
        """The module (or its attribute) the entry point names, imported."""
        obj = importlib.import_module(self.module)
        for part in self.attr.split(".") if self.attr else ():
            obj = getattr(obj, part)
        return obj


def installed() -> list[EntryPoint]:
    """The entry points of group ``recog.plugins``, sorted by name and value (nothing is imported)."""
    found, seen = [], set()
    for entry in sys.path:
        folder = entry or "."
        try:
            names = sorted(os.listdir(folder))
        except OSError:  # a zip file, a path hook's name, a missing folder
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            key = _normalized(name.rsplit(".", 1)[0].split("-")[0])
            if key in seen:
                continue
            seen.add(key)
            meta = os.path.join(folder, name)
            rows = _group(os.path.join(meta, "entry_points.txt"))
            if rows:
                dist = _distribution(meta)
                found += [_entry_point(ep_name, value, dist) for ep_name, value in rows]
    return sorted(found, key=lambda ep: (ep.name, ep.value))


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _group(path: str) -> list[tuple[str, str]]:
    """The ``name = value`` lines of the ``recog.plugins`` section of an ``entry_points.txt``."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return []
    if GROUP not in text:
        return []
    rows, inside = [], False
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        section = _SECTION.match(line)
        if section:
            inside = section.group(1) == GROUP
        elif inside and "=" in line:
            name, _, value = line.partition("=")
            rows.append((name.strip(), value.strip()))
    return rows


def _distribution(meta: str) -> str:
    """``name version`` from a distribution's ``METADATA`` (``PKG-INFO`` for an egg-info)."""
    fields: dict[str, str] = {}
    for file in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(meta, file), encoding="utf-8", errors="replace") as f:
                for line in f:
                    if not line.strip():
                        break  # the headers end at the first blank line
                    key, _, value = line.partition(":")
                    if key in ("Name", "Version"):
                        fields.setdefault(key, value.strip())
            break
        except OSError:
            continue
    return f"{fields.get('Name', os.path.basename(meta))} {fields.get('Version', '?')}"


def _entry_point(name: str, value: str, distribution: str) -> EntryPoint:
    module, _, attr = value.partition(":")
    module, attr = module.strip(), attr.split("[")[0].strip() or None  # "[extras]" select nothing here
    return EntryPoint(name, value, module, attr, distribution)
