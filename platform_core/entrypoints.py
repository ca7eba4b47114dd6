"""The installed plugins' entry points (group ``recog.plugins``), cached while nothing is installed or removed.

Finding them with importlib.metadata reads every installed distribution's entry points (and importing
importlib.metadata costs as much): about 0.035 s of each command that loads plugins. The last scans are kept
in one JSON file per Python environment in the user's cache folder (:func:`cache_dir`), each keyed on what
it depends on: the Python, ``sys.path``, the modification time of each of its folders (installing or
removing a distribution changes it), the distributions in them and the modification time of their
``entry_points.txt``. A key holding a time from the last 2 s is not cached (file times are coarse), and
any doubt (no cache folder, an unreadable file, no equal key) means a fresh scan. Deleting the file is safe.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import zlib
from pathlib import Path

GROUP = "recog.plugins"
SETTLED_NS = 2_000_000_000  # a key with a modification time younger than this is not cached
KEEP = 4  # scans kept: `recog`, `python -m platform_core` and scripts each put another folder first on sys.path


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
    key, file = _key(), cache_dir()
    file = file / f"entry-points-1-{zlib.crc32(sys.prefix.encode()):08x}.json" if file is not None else None
    scans = _read(file)
    for scan in scans:
        if scan["key"] == key:
            return [EntryPoint(*row) for row in scan["entry_points"]]
    found = _scan()
    newest = max((t for _, t in key if t is not None), default=0)
    if file is not None and newest < time.time_ns() - SETTLED_NS:
        rows = [[getattr(ep, a) for a in EntryPoint.__slots__] for ep in found]
        _save(file, [{"key": key, "entry_points": rows}, *scans][:KEEP])
    return found


def cache_dir() -> Path | None:
    """recog's folder in the user's cache: ``$XDG_CACHE_HOME/recog``, else ``~/.cache/recog``
    (``~/Library/Caches/recog`` on macOS, ``%LOCALAPPDATA%/recog/cache`` on Windows); None without a home."""
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "recog"
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "recog" / "cache"
    try:
        home = Path.home()
    except RuntimeError:
        return None
    return home / "Library" / "Caches" / "recog" if sys.platform == "darwin" else home / ".cache" / "recog"


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _key() -> list:
    """What the scan depends on: each ``sys.path`` entry with its modification time, followed by the
    distributions in it, each with the modification time of its ``entry_points.txt``."""
    key: list = [[sys.version, None]]
    for entry in sys.path:
        folder, mtime = entry or ".", _mtime(entry or ".")
        key.append([os.path.abspath(folder) if mtime is not None else entry, mtime])  # "": the current folder
        try:
            names = sorted(os.listdir(folder))
        except OSError:  # a zip file, a path hook's name, a missing folder: its time is enough
            continue
        key += [[name, _mtime(os.path.join(folder, name, "entry_points.txt"))] for name in names
                if name.endswith((".dist-info", ".egg-info"))]
    return key


def _scan() -> list[EntryPoint]:
    import importlib.metadata

    found = []
    for ep in importlib.metadata.entry_points(group=GROUP):
        dist = getattr(ep, "dist", None)
        meta = dist.metadata if dist is not None else None
        found.append(EntryPoint(ep.name, ep.value, ep.module, ep.attr,
                                f"{meta['Name']} {meta['Version']}" if meta is not None else ep.value))
    return sorted(found, key=lambda ep: (ep.name, ep.value))


def _read(file: Path | None) -> list[dict]:
    """The scans in the cache file: none when it is missing or holds anything but what :func:`_save` writes."""
    try:
        scans = json.loads(file.read_text()) if file is not None else []
        rows = [row for scan in scans for row in scan["entry_points"]]
        if all(isinstance(scan["key"], list) for scan in scans) and all(
                isinstance(row, list) and len(row) == len(EntryPoint.__slots__) for row in rows):
            return scans
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return []


def _save(file: Path, scans: list[dict]) -> None:
    """Write ``file`` whole or not at all (a cache: failing to write it changes nothing)."""
    partial = file.with_name(f"{file.name}.{os.getpid()}.partial")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(scans))
        os.replace(partial, file)
    except OSError:
        partial.unlink(missing_ok=True)
