"""Output files: where a renderer writes (always inside the output folder) and staging until the run succeeds.

A renderer asks its :class:`~platform_core.specs.Context` for a path; during a
run that path lies in a hidden staging folder beside the final place
(``.recog-partial-<pid>-<token>/<name>``, same file name, so writers that pick
a format from the suffix work unchanged). Only when the whole input succeeded
are the files moved into place (``os.replace``, atomic per file); a failed or
interrupted input leaves the earlier files untouched.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import string
from pathlib import Path

from platform_core.errors import RecogError

FIELDS = ("stem", "out")  # what an output path template may name
PARTIAL = ".recog-partial-"


class OutputPathError(RecogError):
    """An output path template is malformed or leaves the output folder."""


def check_template(path: str, extra: tuple[str, ...] = ()) -> None:
    """Refuse a template that names anything but ``{stem}``, ``{out}`` (and the renderer's ``extra`` fields),
    or a relative one that climbs out of the output folder (absolute paths are checked by :func:`resolve`)."""
    try:
        parts = list(string.Formatter().parse(path))
    except ValueError as e:
        raise OutputPathError(f"output path {path!r}: {e}") from None
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in (*FIELDS, *extra) or spec or conversion:
            shown = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise OutputPathError(f"output path {path!r}: {shown} is not allowed; a path may name only "
                                  + ", ".join("{" + f + "}" for f in (*FIELDS, *extra)))
    rendered = path.format_map({"stem": "x", "out": ".", **dict.fromkeys(extra, "x")})
    if not os.path.isabs(rendered) and posixpath.normpath(rendered.replace(os.sep, "/")).startswith(".."):
        raise OutputPathError(f"output path {path!r} leaves the output folder; paths are relative to --out")


def render(path: str, stem: str) -> str:
    """The template with ``{stem}`` filled in; ``{out}`` is the output folder itself."""
    return path.format_map({"stem": stem, "out": "."})


def resolve(out_dir: Path | None, stem: str, suffix: str, path: str | None) -> Path | None:
    """The final path of an output: ``path`` (a template, relative to the output folder) or ``<stem><suffix>``.

    The output folder is ``out_dir`` (--out), or the current folder when a pipeline names a path without --out.
    None when there is nowhere to write.
    """
    if not path:
        return out_dir / f"{stem}{suffix}" if out_dir is not None else None
    check_template(path)
    base = out_dir if out_dir is not None else Path(".")
    final = base / render(path, stem)
    if not final.resolve().is_relative_to(base.resolve()):
        raise OutputPathError(f"output path {path!r} is outside the output folder {base}; paths are relative "
                              "to --out and stay inside it")
    return final


def check_paths(nodes, out_dir: Path | None) -> None:
    """Resolve the ``path`` of every output node against ``out_dir`` before any input runs."""
    for node in nodes:
        template = getattr(node.params, "path", None)
        if isinstance(template, str) and template:
            extra = getattr(node.spec.params, "path_fields", ())
            resolve(out_dir, "x", "", template.format_map({**dict.fromkeys(extra, "x"), "stem": "{stem}",
                                                           "out": "{out}"}))


class Staging:
    """The files one run writes, held in hidden folders until :meth:`commit` moves them into place."""

    def __init__(self):
        self.token = f"{os.getpid()}-{os.urandom(4).hex()}"
        self.staged: dict[Path, Path] = {}  # staged path -> final path

    def stage(self, final: Path) -> Path:
        if final in self.staged.values():
            raise OutputPathError(f"two outputs of the pipeline write {final}")
        folder = final.parent / f"{PARTIAL}{self.token}"
        folder.mkdir(parents=True, exist_ok=True)
        staged = folder / final.name
        self.staged[staged] = final
        return staged

    def commit(self, written: list[str]) -> list[str]:
        """Move every staged file into place; ``written`` (staged paths) as final paths."""
        for staged, final in self.staged.items():
            if staged.exists():
                os.replace(staged, final)
        self._remove_folders()
        names = {str(s): str(f) for s, f in self.staged.items()}
        return [names.get(w, w) for w in written]

    def discard(self) -> None:
        """Delete what was staged: the final files stay as they were."""
        self._remove_folders()

    def _remove_folders(self) -> None:
        for folder in {s.parent for s in self.staged}:
            shutil.rmtree(folder, ignore_errors=True)


def sweep(out_dir: Path) -> None:
    """Remove staging folders left in ``out_dir`` by runs whose process is gone (killed mid-input)."""
    if not out_dir.is_dir():
        return
    for folder in out_dir.glob(f"{PARTIAL}*"):
        pid = folder.name[len(PARTIAL):].split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
