"""The public API: the names `platform_core` exports (pinned), its typing marker, and the plugin guide, which
documents every hook and whose complete example plugin works as written (its cheap import: test_startup.py)."""

import re
import sys
import types
from pathlib import Path

import platform_core
from platform_core import hookspecs
from platform_core.testing import load_plugins, run_pipeline, write_image

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "plugin-guide.md"
PUBLIC = {
    "ANY", "AudioChunk", "Classification", "ComponentSpec", "Context", "Digit", "DigitString", "Hand", "HandsFrame",
    "ImageFrame", "InputError", "Kind", "Lazy", "ModelError", "ModelSpec", "NoteEvent", "NoteEvents", "Packet",
    "Packets", "Params", "PipelineError", "PluginError", "PreprocessorSpec", "Record", "RecogError", "Renderer",
    "RendererSpec", "Score", "Source", "SourceSpec", "Stage", "TaskSpec", "hookimpl", "jsonable", "kind", "models",
    "run",
}


def test_exported_names_are_pinned_and_resolve():
    assert set(platform_core.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(platform_core, name) is not None, name


def test_package_is_typed():
    assert (Path(platform_core.__file__).parent / "py.typed").is_file()


def test_every_hook_is_documented_in_the_plugin_guide():
    documented = set(re.findall(r"^### (recog_\w+)\(", GUIDE.read_text(), re.M))
    hooks = {n for n in dir(hookspecs) if n.startswith("recog_")}
    assert hooks - documented == set(), "undocumented hooks"
    assert documented - hooks == set(), "documented hooks that do not exist"


def test_the_guides_complete_plugin_works_as_written(tmp_path, monkeypatch):
    block = next(b for b in re.findall(r"```python\n(.*?)```", GUIDE.read_text(), re.S) if "@hookimpl" in b)
    module = types.ModuleType("recog_barcode_guide")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(block, str(GUIDE), "exec"), module.__dict__)
    reg = load_plugins("io", extra={"barcode": module})
    assert not reg.broken and reg.get("barcode.read") is not None
    image = write_image(tmp_path / "white.png")
    outcome = run_pipeline("version: 1\nsteps:\n  - {use: image-file}\n  - {use: barcode.read}\n"
                           "  - {use: testing.collect}\n", image, registry=reg, folder=tmp_path)
    assert outcome.record.ok, outcome.record.error
    (packet,) = outcome.packets["testing.collect"]
    assert packet.kind == "barcode.bars" and packet.data.modules == "0"
