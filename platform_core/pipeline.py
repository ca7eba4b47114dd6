"""Pipeline files: parsing both forms (linear list, named-stream graph), validation and type checks."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from platform_core import outputs, yamlpos
from platform_core.errors import PipelineError, PluginError
from platform_core.kinds import ANY
from platform_core.plugins import Registry
from platform_core.specs import ComponentSpec, SourceSpec
from platform_core.yamlpos import PosDict, PosList

TOP_KEYS = ("version", "name", "description", "sources", "steps", "outputs", "result")
RESERVED = {"source": ("use", "queue"), "step": ("use", "input", "sync"), "output": ("use", "input", "sync")}
LINEAR_RESERVED = ("use", "name", "queue", "sync")
MAX_BYTES = 10_000_000  # a pipeline file larger than this is refused unread


class SyncPolicy(BaseModel):
    """How a step with several inputs pairs their packets in time."""

    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when a pipeline uses it
    policy: Literal["exact", "latest", "nearest"] = "exact"
    tolerance_ms: float = Field(0.0, ge=0)
    offset_ms: float = 0.0


class QueuePolicy(BaseModel):
    """The bounded queue between a live source and the pipeline."""

    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when a pipeline uses it
    size: int = Field(8, ge=1)
    drop: Literal["oldest", "newest", "block"] = "oldest"


@dataclass
class Node:
    """One source, step or output of a pipeline, validated."""

    name: str
    spec: ComponentSpec
    params: Any
    inputs: list[str] = field(default_factory=list)
    sync: SyncPolicy = field(default_factory=SyncPolicy)
    queue: QueuePolicy = field(default_factory=QueuePolicy)
    kind: str = ANY  # the kind of the stream this node produces
    at: tuple[int, int] = (0, 0)  # line and column of its `input:` in the file


@dataclass
class Pipeline:
    """A validated pipeline: its sources, steps in execution order, outputs and the result step."""

    name: str
    file: str
    sources: dict[str, Node]
    steps: dict[str, Node]
    outputs: list[Node]
    result: str | None

    @property
    def live(self) -> bool:
        return any(isinstance(n.spec, SourceSpec) and n.spec.live for n in self.sources.values())

    def nodes(self) -> list[Node]:
        return [*self.sources.values(), *self.steps.values(), *self.outputs]


class _Errors:
    """Collects every problem of a file, each with its position."""

    def __init__(self, file: str):
        self.file, self.items = file, []

    def add(self, message: str, where: tuple[int, int] = (0, 0)) -> None:
        self.items.append(PipelineError(message, self.file, *where))

    def raise_if_any(self) -> None:
        if self.items:
            raise PipelineInvalid(self.items)


class PipelineInvalid(PipelineError):
    """All the problems found in one pipeline file."""

    def __init__(self, errors: list[PipelineError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.message, first.file, first.line, first.column)
        self.args = ("\n".join(str(e) for e in errors),)


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def load(path: str | Path, registry: Registry, overrides: dict[str, dict[str, Any]] | None = None) -> Pipeline:
    """Read, validate and type-check a pipeline file; raises PipelineInvalid listing every problem."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise PipelineError(f"the file is over {MAX_BYTES // 1_000_000} MB; not a pipeline", str(path))
        text = path.read_bytes().decode("utf-8")
    except OSError as e:
        raise PipelineError(f"cannot read pipeline file: {e.strerror}", str(path)) from e
    except UnicodeDecodeError as e:
        raise PipelineError(f"not a UTF-8 text file (byte {e.start}: {e.reason})", str(path)) from None
    return parse(text, registry, str(path), overrides, base=path.parent)


def parse(text: str, registry: Registry, file: str = "<string>",
          overrides: dict[str, dict[str, Any]] | None = None, base: Path | None = None) -> Pipeline:
    """Validate and type-check pipeline text; relative input paths of sources resolve from ``base`` (when given)."""
    doc = yamlpos.load(text, file)
    errs = _Errors(file)
    if not isinstance(doc, PosDict):
        errs.add("a pipeline file is a mapping with `version`, `steps` and optionally `sources`, `outputs`")
        errs.raise_if_any()
    for key in doc:
        if key not in TOP_KEYS:
            errs.add(f"unknown key {key!r}{did_you_mean(key, TOP_KEYS)}", doc.where(key))
    if doc.get("version", 1) != 1:
        errs.add(f"unsupported version {doc.get('version')!r} (this recog reads version 1)", doc.where("version"))
    if "steps" not in doc and "sources" not in doc:
        errs.add("missing key 'steps' (a list, or a mapping beside `sources`)", doc.where())
        errs.raise_if_any()
    raw = _linear_to_graph(doc, registry, errs) if isinstance(doc.get("steps"), PosList) else doc
    if base is not None:
        _rebase_inputs(raw, registry, base)
    for name, changes in (overrides or {}).items():
        _apply_override(raw, name, changes, errs)
    p = _build(raw, doc, registry, errs, file)
    errs.raise_if_any()
    return p


def _linear_to_graph(doc: PosDict, registry: Registry, errs: _Errors) -> PosDict:
    """Turn ``steps: [source, step, ..., renderer]`` into the graph form."""
    if "sources" in doc:
        errs.add("a linear pipeline (steps as a list) names its source as the first step; "
                 "drop `sources` or write steps as a mapping", doc.where("sources"))
    items: PosList = doc["steps"]
    graph = PosDict(sources=PosDict(), steps=PosDict(), outputs=PosList(doc.get("outputs") or []))
    graph.line, graph.column = doc.line, doc.column
    last, used, next_n = None, set(), {}
    for i, item in enumerate(items):
        if not isinstance(item, PosDict) or "use" not in item:
            errs.add("each step is a mapping with `use:`", items.where(i))
            continue
        comp = registry.get(str(item["use"]))
        role = comp.spec.role if comp else ("source" if i == 0 else "step")
        name = base = str(item.get("name") or str(item["use"]).split(".")[-1])
        n = next_n.get(base, 2)
        while name in used:
            name, n = f"{base}{n}", n + 1
        next_n[base] = n
        used.add(name)
        node = PosDict((k, v) for k, v in item.items() if k != "name")
        node.pos, node.value_pos, node.line, node.column = item.pos, item.value_pos, item.line, item.column
        if i == 0:
            graph["sources"][name] = node
        elif role == "renderer":
            node.setdefault("input", last)
            graph["outputs"].append(node)
            graph["outputs"].pos.append(items.where(i))
            continue
        else:
            node.setdefault("input", last)
            graph["steps"][name] = node
        graph["sources" if i == 0 else "steps"].pos[name] = items.where(i)
        last = name
    if "result" in doc:
        graph["result"] = doc["result"]
        graph.pos["result"] = doc.where("result")
    return graph


def _rebase_inputs(raw: PosDict, registry: Registry, base: Path) -> None:
    """Make each source's relative input path (the parameter --input overrides) relative to ``base``."""
    for item in (raw.get("sources") or {}).values() if isinstance(raw.get("sources"), dict) else ():
        comp = registry.get(str(item.get("use"))) if isinstance(item, dict) else None
        key = getattr(comp.spec, "input_param", None) if comp else None
        value = item.get(key) if key else None
        if isinstance(value, str) and value and not Path(value).is_absolute() and "://" not in value:
            item[key] = os.path.normpath(os.path.join(base, value))


def _apply_override(raw: PosDict, name: str, changes: dict[str, Any], errs: _Errors) -> None:
    for section in ("sources", "steps"):
        if name in (raw.get(section) or {}):
            raw[section][name].update(changes)
            return
    for out in raw.get("outputs") or []:
        if isinstance(out, dict) and (out.get("name") == name or out.get("use") == name):
            out.update(changes)
            return
    names = [*(raw.get("sources") or {}), *(raw.get("steps") or {})]
    errs.add(f"--set names unknown step {name!r}{did_you_mean(name, names)}")


def _build(raw: PosDict, doc: PosDict, registry: Registry, errs: _Errors, file: str) -> Pipeline:
    sources, steps, outputs = {}, {}, []
    sections = [("sources", "source"), ("steps", "step")]
    for section, role in sections:
        body = raw.get(section) or PosDict()
        if not isinstance(body, dict):
            errs.add(f"`{section}` must be a mapping of names to components", raw.where(section))
            continue
        for name, item in body.items():
            node = _node(str(name), item, role, registry, errs, body.where(name) if hasattr(body, "where") else (0, 0))
            if node:
                (sources if role == "source" else steps)[str(name)] = node
    outs = raw.get("outputs") or PosList()
    for i, item in enumerate(outs):
        where = outs.where(i) if hasattr(outs, "where") else (0, 0)
        name = str(item.get("name") or item.get("use")) if isinstance(item, dict) else f"outputs[{i}]"
        item = PosDict(item) if isinstance(item, dict) and not isinstance(item, PosDict) else item
        if isinstance(item, PosDict) and "name" in item:
            item = PosDict((k, v) for k, v in item.items() if k != "name")
        node = _node(name, item, "output", registry, errs, where)
        if node:
            outputs.append(node)
    if not raw.get("sources"):
        errs.add("the pipeline has no source", raw.where("sources") if "sources" in raw else doc.where())
    ordered = _check_graph(sources, steps, outputs, raw, errs)
    result = raw.get("result") or (next(reversed(ordered)) if ordered else None)
    if "result" in raw and result not in steps:
        errs.add(f"`result` names unknown step {result!r}{did_you_mean(result, steps)}", raw.where("result"))
    return Pipeline(str(doc.get("name") or Path(file).stem), file, sources,
                    {n: steps[n] for n in ordered}, outputs, result)


def _node(name: str, item, role: str, registry: Registry, errs: _Errors, where) -> Node | None:
    if not isinstance(item, PosDict) or "use" not in item:
        errs.add(f"{role} {name!r} must be a mapping with `use:`", where)
        return None
    use = str(item["use"])
    comp = registry.get(use)
    spec_role = {"source": ("source",), "step": ("preprocessor", "model"), "output": ("renderer",)}[role]
    if comp is None:
        fitting = [cid for cid, c in registry.components.items() if c.spec.role in spec_role]
        errs.add(f"unknown component {use!r}{did_you_mean(use, fitting or registry.components)}",
                 item.where_value("use"))
        return None
    spec = comp.spec
    if spec.role not in spec_role:
        hint = " (the first step of a linear pipeline is its source)" if role == "source" else ""
        errs.add(f"{use!r} is a {spec.role} and cannot be used as a {role}{hint}", item.where_value("use"))
        return None
    reserved = RESERVED[role]
    params = {k: v for k, v in item.items() if k not in reserved}
    node = Node(name, spec, None)
    try:
        model = spec.params
        node.params = model(**params)
    except PluginError as e:  # the plugin's parameter model cannot be imported
        errs.add(f"{name}: {e}", item.where_value("use"))
        return None
    except ValidationError as e:
        fields = list(model.model_fields)
        for err in e.errors():
            key = err["loc"][0] if err["loc"] else None
            at = item.where(key) if key in item else item.where()
            if err["type"] == "extra_forbidden":
                allowed = fields + list(reserved)
                errs.add(f"{name}: unknown parameter {key!r} for {use}{did_you_mean(key, allowed)}", at)
            else:
                loc = ".".join(str(x) for x in err["loc"])
                at = item.where_value(key) if key in item else at
                errs.add(f"{name}: parameter {loc!r} of {use}: {err['msg']}", at)
        return None
    template = getattr(node.params, "path", None) if role == "output" else None
    if isinstance(template, str) and template:
        try:
            outputs.check_template(template, getattr(model, "path_fields", ()))
        except outputs.OutputPathError as e:
            errs.add(f"{name}: {e}", item.where_value("path"))
    if role != "source":
        inputs = item.get("input")
        if inputs is None:
            errs.add(f"{role} {name!r} needs `input:` (the stream(s) it consumes)", item.where())
            return None
        node.inputs = [str(x) for x in (inputs if isinstance(inputs, list) else [inputs])]
        node.at = item.where_value("input")
    for key, model, attr in (("sync", SyncPolicy, "sync"), ("queue", QueuePolicy, "queue")):
        if key in item and key in reserved:
            try:
                setattr(node, attr, model(**(item[key] or {})))
            except (ValidationError, TypeError) as e:
                msg = e.errors()[0]["msg"] if isinstance(e, ValidationError) else str(e)
                errs.add(f"{name}: bad `{key}`: {msg}", item.where(key))
    return node


def _accepts(spec: ComponentSpec, index: int) -> tuple[str, ...]:
    if not spec.consumes:
        return (ANY,)
    return tuple(spec.consumes[min(index, len(spec.consumes) - 1)].split("|"))


def _check_graph(sources, steps, outputs, raw, errs: _Errors) -> list[str]:
    """Resolve input names, order the steps topologically and type-check every edge."""
    for node in sources.values():
        node.kind = node.spec.produces[0] if node.spec.produces else ANY
    known = [*sources, *steps]
    for node in [*steps.values(), *outputs]:
        for inp in node.inputs:
            if inp not in sources and inp not in steps:
                errs.add(f"{node.name}: unknown stream {inp!r}{did_you_mean(inp, known)}",
                         node.at)
    ordered = _topological(steps, errs)
    streams = {**sources, **steps}
    for node in [*(steps[n] for n in ordered), *outputs]:
        for i, inp in enumerate(node.inputs):
            if inp not in streams:
                continue
            produced, accepted = streams[inp].kind, _accepts(node.spec, i)
            if produced != ANY and ANY not in accepted and produced not in accepted:
                errs.add(f"kind mismatch: {inp!r} ({streams[inp].spec.id}) produces {produced!r} but "
                         f"{node.name!r} ({node.spec.id}) input {i + 1} accepts {' or '.join(accepted)!r}",
                         node.at)
        produces = node.spec.produces[0] if node.spec.produces else ANY
        if produces == ANY and node.inputs and node.inputs[0] in streams:
            produces = streams[node.inputs[0]].kind
        node.kind = produces
        if len(node.inputs) > 1 and node.sync.policy == "nearest" and node.sync.tolerance_ms == 0:
            errs.add(f"{node.name}: sync policy 'nearest' needs tolerance_ms > 0", node.at)
    return ordered


def _topological(steps: dict[str, Node], errs: _Errors) -> list[str]:
    """Step names with every step after its inputs (depth-first, iterative); cycles are reported."""
    ordered, state, parent = [], {}, {}
    for root in steps:
        if root in state:
            continue
        stack = [(root, iter(steps[root].inputs))]
        state[root] = "busy"
        while stack:
            name, inputs = stack[-1]
            inp = next(inputs, None)
            if inp is None:
                stack.pop()
                state[name] = "done"
                ordered.append(name)
            elif inp in steps and state.get(inp) == "busy":
                chain = [name]
                while chain[-1] != inp:
                    chain.append(parent[chain[-1]])
                errs.add(f"cycle in the pipeline: {' -> '.join([*reversed(chain), inp])}")
            elif inp in steps and inp not in state:
                state[inp], parent[inp] = "busy", name
                stack.append((inp, iter(steps[inp].inputs)))
    return ordered


def parse_set(values: list[str]) -> dict[str, dict[str, Any]]:
    """``["step.param=value", ...]`` as ``{step: {param: value}}``; values are read as YAML scalars."""
    out: dict[str, dict[str, Any]] = {}
    for item in values:
        target, sep, value = item.partition("=")
        step, dot, param = target.rpartition(".")
        if not sep or not dot or not step or not param:
            raise PipelineError(f"--set {item!r}: expected STEP.PARAM=VALUE")
        try:
            parsed = yamlpos.load(value, f"--set {item}") if value else ""
        except PipelineError as e:
            raise PipelineError(f"--set {item!r}: the value is not valid YAML ({e.message})") from None
        out.setdefault(step, {})[param] = parsed
    return out
