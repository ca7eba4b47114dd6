"""Plugin discovery, and containment: a broken plugin is disabled with a warning naming it; the others keep working.
Parameter models given as "module:Class" load when first read."""

import json
import subprocess
import sys

import pytest

from conftest import make_dist
from platform_core import ModelSpec, PipelineError, doctor, pipeline, plugins
from platform_core.plugins import PluginImportWarning, PluginWarning

PIPELINE = "version: 1\nsteps:\n  - {use: toy.count, n: 3}\n  - {use: toy.add, k: 10}\n"


def toy_still_works(reg):
    """The toy plugin's components are registered and a pipeline of them runs."""
    from platform_core.testing import run_pipeline

    assert reg.get("toy.add") is not None and "toy" not in reg.broken
    assert [r["data"] for r in run_pipeline(PIPELINE, registry=reg).records[0].result] == [10, 11, 12]


def test_out_of_tree_plugin_is_discovered_with_its_distribution(registry):
    comp = registry.get("toy.add")
    assert comp is not None
    assert comp.distribution == "toy_plugin 0.1"
    assert comp.spec.consumes == ("number",)
    assert registry.kind_plugins["number"] == "toy"


def test_second_plugin_claiming_a_name_is_disabled_naming_both_distributions(toy_site):
    make_dist(toy_site, "toy_fork", "from recog_toy import recog_models\n", "toy = recog_toy_fork")
    with pytest.warns(PluginWarning, match=r"'toy' \(toy_fork 0.1\) is disabled: .*taken by toy_plugin 0.1"):
        reg = plugins.load()
    toy_still_works(reg)


def test_kind_clash_disables_the_later_plugin(toy_site):
    source = ("from platform_core import Kind, hookimpl\n\n@hookimpl\n"
              "def recog_kinds():\n    return [Kind('number', 'a float')]\n")
    make_dist(toy_site, "zeta", source, "zeta = recog_zeta")
    with pytest.warns(PluginWarning, match=r"'zeta' \(zeta 0.1\) is disabled: kind 'number' is already declared "
                                           r"by plugin 'toy' \(toy_plugin 0.1\)"):
        reg = plugins.load()
    assert "zeta" in reg.broken and "zeta" not in reg.distributions
    toy_still_works(reg)


def test_misspelled_hook_disables_the_plugin_with_a_hint(toy_site):
    source = "from platform_core import hookimpl\n\n@hookimpl\ndef recog_model():\n    return []\n"
    make_dist(toy_site, "typo", source, "typo = recog_typo")
    with pytest.warns(PluginWarning, match=r"'typo' \(typo 0.1\) is disabled: implements unknown hook 'recog_model' "
                                           r"\(did you mean 'recog_models'\?\)"):
        reg = plugins.load()
    assert "typo" in reg.broken
    toy_still_works(reg)


def test_component_in_a_foreign_namespace_disables_the_plugin(toy_site):
    source = ("from platform_core import ModelSpec, hookimpl\n\n@hookimpl\ndef recog_models():\n"
              "    return [ModelSpec(id='barcode.read', version='1', summary='ok', factory='x:y'),\n"
              "            ModelSpec(id='omr.codes', version='1', summary='not ours', factory='x:y')]\n")
    make_dist(toy_site, "recog-barcode", source, "barcode = recog_barcode")
    with pytest.warns(PluginWarning, match=r"'barcode' \(recog-barcode 0.1\) is disabled: component id 'omr.codes' "
                                           r"is outside its namespace"):
        reg = plugins.load()
    assert reg.get("barcode.read") is None, "a disabled plugin contributes nothing"
    toy_still_works(reg)


def test_unknown_kind_disables_the_plugin_naming_it(toy_site):
    source = ("from platform_core import ModelSpec, hookimpl\n\n@hookimpl\ndef recog_models():\n"
              "    return [ModelSpec(id='qr.read', version='1', summary='s', factory='x:y', consumes=('image',),\n"
              "                      produces=('qrcode',))]\n")
    make_dist(toy_site, "recog-qr", source, "qr = recog_qr")
    with pytest.warns(PluginWarning, match=r"'qr' \(recog-qr 0.1\) is disabled: component 'qr.read' uses unknown "
                                           r"kind 'qrcode'"):
        reg = plugins.load()
    toy_still_works(reg)


def test_plugin_failing_to_import_warns_and_others_work(toy_site):
    make_dist(toy_site, "broken", "import no_such_module_xyz\n", "broken = recog_broken")
    with pytest.warns(PluginImportWarning, match=r"'broken' \(broken 0.1\) is disabled: failed to import.*no_such"):
        reg = plugins.load()
    assert "broken" in reg.broken
    toy_still_works(reg)


def test_commands_keep_working_and_doctor_explains(toy_site, tmp_path):
    make_dist(toy_site, "typo", "from platform_core import hookimpl\n\n@hookimpl\ndef recog_modles():\n    return []\n",
              "typo = recog_typo")
    run = [sys.executable, "-m", "platform_core"]
    r = subprocess.run([*run, "plugins", "list", "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "'typo' (typo 0.1) is disabled" in r.stderr
    listed = json.loads(r.stdout)
    assert "toy" in listed["plugins"] and "recog_modles" in listed["broken"]["typo"]
    (tmp_path / "p.yaml").write_text(PIPELINE)
    r = subprocess.run([*run, "validate", str(tmp_path / "p.yaml")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([*run, "plugins", "doctor"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, "doctor exits 1 when a plugin is disabled"
    assert "typo" in r.stdout and "recog_modles" in r.stdout and "recog_models" in r.stdout


def test_recog_plugins_variable_limits_which_installed_plugins_load(toy_site, monkeypatch):
    monkeypatch.setenv("RECOG_PLUGINS", "toy")
    reg = plugins.load()
    assert list(reg.distributions) == ["toy"]
    toy_still_works(reg)


def lazy_plugin(params: str) -> str:
    """A plugin module declaring `lazy.pass`, whose parameter model is ``params`` ("module:Class")."""
    return ("from platform_core import ModelSpec, hookimpl\n\n@hookimpl\ndef recog_models():\n"
            "    return [ModelSpec(id='lazy.pass', version='1', summary='Passes', consumes=('any',), "
            f"produces=('any',), factory=lambda params, context: lambda x: x, params={params!r})]\n")


def test_a_parameter_model_named_by_a_string_loads_when_first_read(toy_site):
    (toy_site / "recog_lazy_params.py").write_text("from platform_core import Params\n\n\n"
                                                  "class PassParams(Params):\n    k: int = 1\n")
    make_dist(toy_site, "lazy", lazy_plugin("recog_lazy_params:PassParams"), "lazy = recog_lazy_ok")
    reg = plugins.load()
    assert "recog_lazy_params" not in sys.modules
    assert list(reg.get("lazy.pass").spec.params.model_fields) == ["k"]
    with pytest.raises(ValueError, match="expected 'package.module:attr'"):
        ModelSpec(id="lazy.bad", version="1", summary="", factory=str, params="recog_lazy_params")


def test_a_parameter_model_that_cannot_be_imported_fails_validation_and_doctor_names_it(toy_site):
    make_dist(toy_site, "lazy", lazy_plugin("recog_nowhere:PassParams"), "lazy = recog_lazy_broken")
    reg = plugins.load()
    assert "lazy" not in reg.broken  # declaring the component imports nothing
    with pytest.raises(PipelineError, match=r"component 'lazy.pass': parameter model 'recog_nowhere:PassParams' "
                                            r"cannot be loaded: ModuleNotFoundError"):
        pipeline.parse("version: 1\nsteps:\n  - {use: toy.count}\n  - {use: lazy.pass}\n", reg)
    assert any("recog_nowhere" in p for p in doctor.examine(reg)["lazy"])
