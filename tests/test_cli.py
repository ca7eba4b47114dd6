"""The informational commands: plugins list/info, schema, models."""

import json
from functools import partial

import jsonschema
import yaml

from platform_core.testing import cli

recog = partial(cli, timeout=120)


def test_plugins_list_json_names_components_and_distributions(toy_site):
    r = recog("plugins", "list", "--json")
    assert r.returncode == 0, r.stderr
    rows = {c["id"]: c for c in json.loads(r.stdout)["components"]}
    assert rows["toy.add"] == {"id": "toy.add", "role": "model", "version": "0.1", "consumes": ["number"],
                               "produces": ["number"], "summary": "Adds k", "plugin": "toy",
                               "distribution": "toy_plugin 0.1"}


def test_plugins_info_shows_parameters(toy_site):
    r = recog("plugins", "info", "toy.add")
    assert r.returncode == 0, r.stderr
    assert "what to add" in r.stdout and "delay_ms" in r.stdout and "integer" in r.stdout
    r = recog("plugins", "info", "toy.ad")
    assert r.returncode == 2 and "did you mean 'toy.add'" in r.stderr


def test_schema_validates_pipelines_with_component_parameters(toy_site):
    r = recog("schema")
    assert r.returncode == 0, r.stderr
    schema = json.loads(r.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    good = yaml.safe_load("version: 1\nsteps:\n  - {use: toy.count, n: 3}\n  - {use: toy.add, k: 2}\n")
    jsonschema.validate(good, schema)
    bad = yaml.safe_load("version: 1\nsteps:\n  - {use: toy.count, n: 3}\n  - {use: toy.add, kk: 2}\n")
    assert not jsonschema.Draft202012Validator(schema).is_valid(bad)


def test_parameter_types_read_as_written():
    from platform_core.cli import _type

    assert _type({"enum": ["auto", "dark"]}) == "'auto' | 'dark'"
    assert _type({"anyOf": [{"type": "integer"}, {"type": "null"}]}) == "integer | null"
    assert _type({"type": "array", "items": {"type": "number"}}) == "list[number]"


def test_plugins_list_shows_kinds_with_who_declared_them(toy_site):
    r = recog("plugins", "list", "--json")
    assert r.returncode == 0, r.stderr
    kinds = {k["name"]: k for k in json.loads(r.stdout)["kinds"]}
    assert kinds["number"]["plugin"] == "toy" and kinds["image"]["plugin"] is None
