"""The pipelines a server offers: what each accepts as input and which of its parameters a page may change."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platform_core import pipeline as pipeline_mod
from platform_core import plugins
from platform_core.errors import PipelineError
from platform_core.pipeline import Pipeline
from platform_core.schema import params_schema
from platform_core.specs import SourceSpec

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class Field:
    """One parameter a page may change: a number, a boolean or a choice (never free text such as a path)."""

    node: str
    name: str
    type: str  # "integer", "number", "boolean" or "choice"
    value: Any
    help: str = ""
    choices: list[Any] = field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None

    @property
    def key(self) -> str:
        return f"{self.node}.{self.name}"


@dataclass
class Entry:
    """A pipeline file as the server offers it."""

    slug: str
    file: Path
    pipeline: Pipeline | None
    error: str | None = None
    extensions: tuple[str, ...] = ()
    fields: list[Field] = field(default_factory=list)
    example: str | None = None

    @property
    def name(self) -> str:
        return self.pipeline.name if self.pipeline else self.file.stem

    @property
    def uploads(self) -> bool:
        """Whether the pipeline reads files (else it reads a live device on the server)."""
        return bool(self.pipeline and file_sources(self.pipeline))

    @property
    def capture(self) -> str | None:
        """``audio`` or ``video`` when the page can record the input in the browser (the source reads .webm)."""
        if ".webm" not in self.extensions:
            return None
        produced = {k for n in file_sources(self.pipeline) for k in self.pipeline.sources[n].spec.produces}
        return "audio" if "audio" in produced else "video" if "image" in produced else None

    @property
    def kinds(self) -> set[str]:
        return {n.kind for n in self.pipeline.nodes()} if self.pipeline else set()

    @property
    def summary(self) -> str:
        """The comment lines at the top of the pipeline file (or its `description`)."""
        if self.pipeline is None:
            return ""
        lines = [ln.lstrip("# ").rstrip() for ln in self.file.read_text().splitlines()
                 if ln.startswith("#") and not ln.lstrip("# ").startswith("recog ")]
        return " ".join(ln for ln in lines if ln) or self.pipeline.name


def file_sources(p: Pipeline) -> list[str]:
    """The sources that read a file (the ones an upload replaces, as ``--input`` does)."""
    return [n for n, node in p.sources.items() if isinstance(node.spec, SourceSpec) and node.spec.input_param]


def discover(paths: list[Path]) -> list[Path]:
    """The pipeline files named by ``paths`` (files, or folders searched for *.yaml / *.yml)."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(f for f in p.iterdir() if f.suffix in (".yaml", ".yml") and f.is_file())
        elif p.is_file():
            files.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such pipeline file or folder")
    return files


def load(files: list[Path]) -> dict[str, Entry]:
    """Each pipeline file validated against the installed plugins; an invalid one is kept with its error."""
    reg = plugins.registry()
    entries: dict[str, Entry] = {}
    for f in files:
        f = f.resolve()
        try:
            p = pipeline_mod.load(f, reg)
        except PipelineError as e:
            entry = Entry(_unique(_SLUG.sub("-", f.stem.lower()).strip("-"), entries), f, None, str(e))
        else:
            entry = Entry(_unique(_SLUG.sub("-", p.name.lower()).strip("-") or "pipeline", entries), f, p)
            entry.extensions = _extensions(p)
            entry.fields = _fields(p)
            entry.example = _example(p)
        entries[entry.slug] = entry
    return entries


def _unique(slug: str, taken: dict) -> str:
    base, n = slug, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _extensions(p: Pipeline) -> tuple[str, ...]:
    exts = [e.lower() for n in file_sources(p) for e in p.sources[n].spec.extensions]
    return tuple(dict.fromkeys(e if e.startswith(".") else f".{e}" for e in exts))


def _example(p: Pipeline) -> str | None:
    """The file the pipeline's own source names, when it exists."""
    for name in file_sources(p):
        node = p.sources[name]
        path = getattr(node.params, node.spec.input_param, None)
        if path and Path(str(path)).is_file():
            return str(path)
    return None


def _fields(p: Pipeline) -> list[Field]:
    out = []
    for node in [*p.sources.values(), *p.steps.values()]:
        props, defs = params_schema(node.spec)
        skip = node.spec.input_param if node.name in file_sources(p) else None
        for name, info in node.spec.params.model_fields.items():
            if name == skip:
                continue
            f = _field(node.name, name, props.get(name, {}), defs, getattr(node.params, name, None))
            if f:
                f.help = info.description or ""
                out.append(f)
    return out


def _field(node: str, name: str, prop: dict, defs: dict, value: Any) -> Field | None:
    if "$ref" in prop:
        prop = {**defs.get(prop["$ref"].rsplit("/", 1)[-1], {}), **{k: v for k, v in prop.items() if k != "$ref"}}
    variants = [v for v in prop.get("anyOf", [prop]) if v.get("type") != "null"]
    if len(variants) != 1:
        return None
    v = variants[0]
    if "enum" in v or "const" in v:
        return Field(node, name, "choice", value, choices=list(v.get("enum", [v.get("const")])))
    if v.get("type") in ("integer", "number"):
        lo = v.get("minimum", v.get("exclusiveMinimum"))
        hi = v.get("maximum", v.get("exclusiveMaximum"))
        return Field(node, name, v["type"], value, minimum=lo, maximum=hi)
    if v.get("type") == "boolean":
        return Field(node, name, "boolean", value)
    return None


def overrides(entry: Entry, form: dict[str, str]) -> dict[str, dict[str, Any]]:
    """``--set`` overrides from a page's form: only the entry's fields, only where the value changed."""
    allowed = {f.key: f for f in entry.fields}
    sets = []
    for key, value in form.items():
        if not key.startswith("set."):
            continue
        f = allowed.get(key[4:])
        if f is None:
            raise ValueError(f"parameter {key[4:]!r} cannot be set from the web page")
        if str(value) != shown(f.value):
            sets.append(f"{f.key}={value}")
    return pipeline_mod.parse_set(sets)


def shown(value: Any) -> str:
    """A value as the page's form shows it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
