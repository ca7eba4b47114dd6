"""The registry: model cards the plugins ship follow their schema and match their files; index entries follow
theirs; first-party entries list what the installed plugin provides; `recog registry check` validates one entry."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from platform_core import catalog, index, models, plugins

REGISTRY = Path(__file__).resolve().parent.parent / "registry"
CARDS = catalog.card_files()
ENTRIES = sorted((REGISTRY / "plugins").glob("*.yaml"))


def first_party(doc: dict) -> bool:
    """An entry whose source is one of this repository's plugins (plugins/NAME)."""
    return doc.get("source", "").startswith("plugins/")


@pytest.mark.parametrize("card", CARDS, ids=lambda p: p.stem)
def test_model_card_is_valid_and_its_file_matches(card):
    doc = yaml.safe_load(card.read_text())
    jsonschema.validate(doc, json.loads((REGISTRY / "model-card.schema.json").read_text()))
    assert card.stem == doc["id"]
    assert card.parent.parent.name == doc["file"]["package"], "a card ships in the package of its file"
    c = models.cards()[doc["id"]]
    models.verify_file(c.path, c.sha256)
    assert c.path.stat().st_size == doc["size"]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda p: p.stem)
def test_index_entry_passes_the_check(entry):
    assert index.check(entry) == []


@pytest.mark.parametrize("entry", [e for e in ENTRIES if first_party(yaml.safe_load(e.read_text()))],
                         ids=lambda p: p.stem)
def test_first_party_entry_lists_what_the_installed_plugin_provides(entry):
    doc = yaml.safe_load(entry.read_text())
    reg = plugins.registry()
    assert doc["name"] in reg.distributions, f"first-party plugin {doc['name']} is not installed"
    assert doc["components"] == sorted(cid for cid, c in reg.components.items() if c.plugin == doc["name"])
    assert doc.get("kinds", []) == sorted(k for k, p in reg.kind_plugins.items() if p == doc["name"])
    package = reg.plugins[doc["name"]].package
    assert doc.get("models", []) == sorted(c.id for c in models.cards().values() if c.package == package)


def test_third_party_entry_is_checked_against_the_schema_only(tmp_path, recog_cli):
    good = {"name": "barcode", "distribution": "recog-barcode", "summary": "Barcodes from images", "license": "MIT",
            "recog": ">=0.1", "homepage": "https://example.org/recog-barcode", "components": ["barcode.read"],
            "kinds": ["barcode"]}
    (tmp_path / "good.yaml").write_text(yaml.safe_dump(good))
    bad = {**good, "components": ["omr.codes"], "recog": "0.1 or later", "colour": "red"}
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad))
    assert index.check(tmp_path / "good.yaml") == []
    r = recog_cli("registry", "check", tmp_path / "good.yaml")
    assert r.returncode == 0, r.stderr
    r = recog_cli("registry", "check", tmp_path / "bad.yaml")
    assert r.returncode == 1
    assert "'colour' was unexpected" in r.stderr
    bad.pop("colour")
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad))
    problems = index.check(tmp_path / "bad.yaml")
    assert any("'omr.codes' is outside the plugin's namespace" in p for p in problems)
    assert any(p.startswith("recog: Invalid specifier") for p in problems)
