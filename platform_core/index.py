"""The plugin index (``registry/plugins/*.yaml``): checking an entry against its schema and its own rules."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from platform_core.plugins import BUILTIN_PLUGIN


def schema() -> dict[str, Any]:
    """The JSON Schema of an index entry (shipped with the core)."""
    return json.loads((files("platform_core") / "schemas" / "plugin-entry.schema.json").read_text())


def check(path: Path) -> list[str]:
    """The problems of the entry in ``path``: unreadable YAML, schema violations, ids outside its namespace."""
    import jsonschema
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        doc = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as e:
        return [f"cannot read it: {e}"]
    validator = jsonschema.Draft202012Validator(schema())
    problems = [f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))]
    if problems or not isinstance(doc, dict):
        return problems or ["an entry is a mapping"]
    name = doc["name"]
    problems += [f"components: {cid!r} is outside the plugin's namespace (ids start with '{name}.')"
                 for cid in doc["components"]
                 if not cid.startswith(f"{name}.") and not (name == BUILTIN_PLUGIN and "." not in cid)]
    try:
        SpecifierSet(doc["recog"])
    except InvalidSpecifier as e:
        problems.append(f"recog: {e}")
    return problems
