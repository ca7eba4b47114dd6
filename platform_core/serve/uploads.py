"""Uploads: size- and type-limited; kept in memory until saved under names the server chooses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

_SHOWN = re.compile(r"[^\w .()+-]+")


class UploadError(Exception):
    """An upload refused; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class _InMemoryParser(MultiPartParser):
    """Starlette's parser, holding files in memory (the request size is capped first) rather than in /tmp."""

    spool_max_size = 1 << 40


@dataclass
class Upload:
    name: str  # the client's file name, for display only
    suffix: str  # lower-case, one of the allowed extensions
    data: bytes


async def read_form(request: Request, max_bytes: int, max_files: int) -> tuple[dict[str, str], list[UploadFile]]:
    """The form fields and files of a multipart request no larger than ``max_bytes``."""
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise UploadError("the upload has no Content-Length", 411)
    if int(length) > max_bytes:
        raise UploadError(f"the upload is {int(length) / 1e6:.3g} MB, over the {max_bytes / 1e6:.3g} MB limit", 413)
    ctype = request.headers.get("content-type", "")
    try:
        if ctype.startswith("multipart/form-data"):
            form = await _InMemoryParser(request.headers, request.stream(), max_files=max_files, max_fields=200,
                                         max_part_size=64 * 1024).parse()
        elif ctype.startswith("application/x-www-form-urlencoded"):
            form = await request.form(max_files=0, max_fields=200)
        else:
            raise UploadError("expected a form (multipart/form-data)", 415)
    except MultiPartException as e:
        raise UploadError(f"bad upload: {e.message}") from e
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    files = [v for _, v in form.multi_items() if not isinstance(v, str) and v.filename]
    return fields, files


async def accept(files: list[UploadFile], extensions: tuple[str, ...]) -> list[Upload]:
    """The uploaded files, each checked: an allowed extension and not empty."""
    out = []
    for f in files:
        shown = display_name(f.filename or "")
        suffix = PurePosixPath(shown).suffix.lower()
        if suffix not in extensions:
            raise UploadError(f"{shown}: a {suffix or 'file without extension'} file is not accepted here "
                              f"(this pipeline reads {', '.join(extensions)})", 415)
        data = await f.read()
        if not data:
            raise UploadError(f"{shown}: the file is empty")
        out.append(Upload(shown, suffix, data))
    return out


def save(uploads: list[Upload], folder: Path) -> list[Path]:
    """Write the uploads as ``folder/input<N><suffix>``: the client's name never becomes a path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, u in enumerate(uploads, 1):
        p = folder / f"input{i}{u.suffix}"
        p.write_bytes(u.data)
        paths.append(p)
    return paths


def display_name(name: str) -> str:
    """The last part of a client's file name, stripped of anything odd, for display only."""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    return _SHOWN.sub("_", last).strip(" .")[:120] or "upload"
