import pytest

from conftest import make_dist
from platform_core import plugins
from platform_core.errors import PluginError


def test_out_of_tree_plugin_is_discovered_with_its_distribution(registry):
    comp = registry.get("toy.add")
    assert comp is not None
    assert comp.distribution == "toy_plugin 0.1"
    assert comp.spec.consumes == ("number",)


def test_duplicate_id_names_both_distributions(toy_site):
    make_dist(toy_site, "copycat", "from recog_toy import recog_models\n", "copycat = recog_copycat")
    with pytest.raises(PluginError) as e:
        plugins.load()
    msg = str(e.value)
    assert "toy.add" in msg and "toy_plugin 0.1" in msg and "copycat 0.1" in msg


def test_plugin_failing_to_import_warns_and_others_work(toy_site):
    make_dist(toy_site, "broken", "import no_such_module_xyz\n", "broken = recog_broken")
    with pytest.warns(plugins.PluginImportWarning, match=r"'broken' \(broken 0.1\) failed to import.*no_such_module"):
        reg = plugins.load()
    assert "broken" in reg.broken
    assert reg.get("toy.add") is not None


def test_misspelled_hook_is_an_error(toy_site):
    source = "from platform_core import hookimpl\n\n@hookimpl\ndef recog_model():\n    return []\n"
    make_dist(toy_site, "typo", source, "typo = recog_typo")
    with pytest.raises(PluginError, match="recog_model"):
        plugins.load()
