"""Every model card and plugin index entry in registry/ follows its schema, and every shipped file matches its hash."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from platform_core import models, plugins

REGISTRY = Path(__file__).resolve().parent.parent / "registry"
CARDS = sorted((REGISTRY / "models").glob("*.yaml"))
PLUGINS = sorted((REGISTRY / "plugins").glob("*.yaml"))


@pytest.mark.parametrize("card", CARDS, ids=lambda p: p.stem)
def test_model_card_is_valid_and_its_file_matches(card):
    doc = yaml.safe_load(card.read_text())
    jsonschema.validate(doc, json.loads((REGISTRY / "model-card.schema.json").read_text()))
    assert card.stem == doc["id"]
    c = models.cards()[doc["id"]]
    models.verify_file(c.path, c.sha256)
    assert c.path.stat().st_size == doc["size"]


@pytest.mark.parametrize("entry", PLUGINS, ids=lambda p: p.stem)
def test_plugin_index_entry_is_valid(entry):
    jsonschema.validate(yaml.safe_load(entry.read_text()), json.loads((REGISTRY / "plugin.schema.json").read_text()))


@pytest.mark.parametrize("entry", PLUGINS, ids=lambda p: p.stem)
def test_plugin_index_lists_what_the_installed_plugin_provides(entry):
    doc = yaml.safe_load(entry.read_text())
    reg = plugins.registry()
    assert doc["name"] in reg.distributions, f"first-party plugin {doc['name']} is not installed"
    provided = sorted(cid for cid, c in reg.components.items() if c.plugin == doc["name"])
    assert doc["components"] == provided
