"""Expanding --input (a file, a directory or a glob) into the list of files a batch runs over."""

from __future__ import annotations

import glob
from pathlib import Path

from platform_core.errors import InputError

GLOB_CHARS = set("*?[")


def expand(spec: str, extensions: tuple[str, ...]) -> list[str]:
    """The files named by ``spec``: a file (kept even if missing, so its record says so), a folder, or a glob."""
    exts = {e.lower().lstrip(".") for e in extensions}
    if GLOB_CHARS & set(spec):
        files = sorted(p for p in glob.glob(spec, recursive=True) if Path(p).is_file())
        if not files:
            raise InputError(f"{spec}: no file matches this pattern")
        return files
    p = Path(spec)
    if p.is_dir():
        files = sorted(str(f) for f in p.rglob("*")
                       if f.is_file() and (not exts or f.suffix.lower().lstrip(".") in exts))
        if not files:
            raise InputError(f"{spec}: the folder holds no {', '.join(sorted(exts)) or ''} files")
        return files
    return [spec]


def stems(files: list[str]) -> list[str]:
    """Output stems for ``files``: the file stem, made unique with the parent folder where stems collide."""
    plain = [Path(f).stem for f in files]
    out, seen = [], {}
    for f, s in zip(files, plain, strict=False):
        if plain.count(s) > 1:
            s = f"{Path(f).parent.name}-{s}" if Path(f).parent.name else s
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.append(s if n == 0 else f"{s}-{n + 1}")
    return out
