"""The JSON Schema of pipeline files, including the parameters of every installed component."""

from __future__ import annotations

from typing import Any

from platform_core.pipeline import QueuePolicy, SyncPolicy
from platform_core.plugins import Registry

_STREAMS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}


def params_schema(spec) -> tuple[dict, dict]:
    """A component's parameter properties and the definitions they refer to (prefixed with its id)."""
    s = spec.params.model_json_schema(ref_template=f"#/$defs/{spec.id}.{{model}}")
    defs = {f"{spec.id}.{k}": v for k, v in s.get("$defs", {}).items()}
    return s.get("properties", {}), defs


def pipeline_schema(registry: Registry) -> dict[str, Any]:
    defs: dict[str, Any] = {
        "sync": SyncPolicy.model_json_schema(),
        "queue": QueuePolicy.model_json_schema(),
    }
    by_role: dict[str, list[dict]] = {"source": [], "step": [], "output": []}
    for cid, comp in sorted(registry.components.items()):
        spec = comp.spec
        props, pdefs = params_schema(spec)
        defs.update(pdefs)
        role = {"source": "source", "renderer": "output"}.get(spec.role, "step")
        extra = {"queue": {"$ref": "#/$defs/queue"}} if role == "source" else {
            "input": _STREAMS, "sync": {"$ref": "#/$defs/sync"}}
        entry = {
            "type": "object",
            "description": spec.summary,
            "properties": {"use": {"const": cid}, "name": {"type": "string"}, **extra, **props},
            "required": ["use"],
            "additionalProperties": False,
        }
        by_role[role].append(entry)
    for role, entries in by_role.items():
        defs[role] = {"oneOf": entries} if entries else {"type": "object"}
    any_step = {"anyOf": [{"$ref": "#/$defs/source"}, {"$ref": "#/$defs/step"}, {"$ref": "#/$defs/output"}]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "recog pipeline",
        "type": "object",
        "properties": {
            "version": {"const": 1},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "result": {"type": "string", "description": "the step whose answer goes into each record"},
            "sources": {"type": "object", "additionalProperties": {"$ref": "#/$defs/source"}},
            "steps": {"oneOf": [
                {"type": "array", "items": any_step, "description": "linear form"},
                {"type": "object", "additionalProperties": {"$ref": "#/$defs/step"}, "description": "graph form"},
            ]},
            "outputs": {"type": "array", "items": {"$ref": "#/$defs/output"}},
        },
        "anyOf": [{"required": ["steps"]}, {"required": ["sources"]}],
        "additionalProperties": False,
        "$defs": defs,
    }
