"""Expanding --input (a file, a directory or a glob) into the list of files a batch runs over."""

from __future__ import annotations

import glob
from pathlib import Path

from platform_core.errors import InputError

GLOB_CHARS = set("*?[")


def expand(spec: str, extensions: tuple[str, ...]) -> list[str]:
    """The files named by ``spec``: a file (kept even if missing, so its record says so), a folder, or a glob.

    A path that exists is never read as a glob, so ``scan [1].png`` is that file.
    """
    exts = {e.lower().lstrip(".") for e in extensions}
    p = Path(spec)
    if GLOB_CHARS & set(spec) and not p.exists():
        files = sorted(p for p in glob.glob(spec, recursive=True) if Path(p).is_file())
        if not files:
            raise InputError(f"{spec}: no file matches this pattern")
        return files
    if p.is_dir():
        files = sorted(str(f) for f in p.rglob("*")
                       if f.is_file() and (not exts or f.suffix.lower().lstrip(".") in exts))
        if not files:
            raise InputError(f"{spec}: the folder holds no {', '.join(sorted(exts)) or ''} files")
        return files
    return [spec]


def stems(files: list[str]) -> list[str]:
    """Output stems for ``files``, unique in the batch (ignoring case): the file stem, with the parent folder
    where stems collide, then a number where that still collides."""
    plain = [Path(f).stem for f in files]
    counts: dict[str, int] = {}
    for s in plain:
        counts[s.casefold()] = counts.get(s.casefold(), 0) + 1
    wanted = []
    for f, s in zip(files, plain, strict=True):
        parent = Path(f).parent.name
        wanted.append(f"{parent}-{s}" if counts[s.casefold()] > 1 and parent else s)
    reserved = {w.casefold() for w in wanted}
    out, taken = [], set()
    for w in wanted:
        name, n = w, 2
        while name.casefold() in taken or (name != w and name.casefold() in reserved):
            name, n = f"{w}-{n}", n + 1
        taken.add(name.casefold())
        out.append(name)
    return out
