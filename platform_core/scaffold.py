"""`recog plugins new NAME`: a working plugin distribution to start from."""

from __future__ import annotations

import re
from pathlib import Path

from platform_core import __version__
from platform_core.media import write_image

NAME = re.compile(r"^[a-z][a-z0-9_]*$")

PYPROJECT = '''\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "recog-{name}"
version = "0.1.0"
description = "A recog plugin: how bright an image is"
requires-python = ">=3.11"
license = {{text = "MIT"}}
dependencies = ["recog>={recog}", "recog-io", "numpy>=1.26"]

[project.optional-dependencies]
test = ["pytest>=8"]

[project.entry-points."recog.plugins"]
{name} = "recog_{name}.plugin"

[tool.setuptools.packages.find]
include = ["recog_{name}*"]

[tool.setuptools.package-data]
"recog_{name}" = ["cards/*.yaml", "models/*", "pipelines/*"]
'''

README = '''\
# recog-{name}

A [recog](https://pypi.org/project/recog/) plugin. It adds:

- `{name}.level` (model): an image -> its mean brightness and a label, `dark` or `bright`
  (parameter `threshold`, 0-255);
- the kind `{name}.level` (what `{name}.level` produces), shown on the console as one line;
- the pipeline `{name}:{name}` (`recog_{name}/pipelines/{name}.yaml`), which runs on the sample image beside it.

    pip install -e .                       # registers the plugin (entry point `{name}` in `recog.plugins`)
    pytest tests                           # the tests use recog's test kit (platform_core.testing)
    recog run {name}:{name}                # the shipped pipeline on its sample image
    recog run {name}:{name} --input photos/ --out out/   # on your images: out/results.jsonl, out/<stem>.jsonl
    recog plugins info {name}.level        # the component's parameters
    recog plugins doctor                   # what is wrong, if anything

Layout: `plugin.py` declares components (it imports nothing of the plugin, so `recog` starts
fast: `params.py`, the parameter models, loads when a pipeline is validated, and the component's
module when a pipeline builds it), `level.py` the component. Component ids start with `{name}.`. A model file goes in
`recog_{name}/models/` with its card in `recog_{name}/cards/<model-id>.yaml` (schema: recog's
`registry/model-card.schema.json`); `platform_core.models.onnx_session("<model-id>")` loads it,
hash-checked. `registry-entry.yaml` is this plugin's entry for recog's plugin index: check it
with `recog registry check registry-entry.yaml`.
'''

ENTRY = '''\
name: {name}
distribution: recog-{name}
version: 0.1.0
summary: How bright an image is
license: MIT
recog: '>={recog}'
components:
- {name}.level
kinds:
- {name}.level
pipelines:
- {name}
'''

INIT = '''\
"""recog-{name}: a recog plugin."""
'''

PLUGIN = '''\
"""Hook implementations of the {name} plugin: declarations only; components load when a pipeline builds them."""

from __future__ import annotations

from platform_core import Kind, ModelSpec, hookimpl


@hookimpl
def recog_kinds():
    return [Kind("{name}.level", "Level: mean brightness (0-255) of an image and a label, dark or bright",
                 console="recog_{name}.level:show")]


@hookimpl
def recog_models():
    return [ModelSpec(id="{name}.level", version="0.1.0", summary="How bright an image is: mean level and a label",
                      consumes=("image",), produces=("{name}.level",),
                      params="recog_{name}.params:LevelParams", factory="recog_{name}.level:LevelStage")]
'''

PARAMS = '''\
"""Parameters of the {name} plugin's components (kept light: `recog` imports this to validate pipelines)."""

from __future__ import annotations

from pydantic import Field

from platform_core import Params


class LevelParams(Params):
    threshold: float = Field(128.0, ge=0, le=255, description="mean level (0-255) from which an image is bright")
'''

LEVEL = '''\
"""`{name}.level`: an image -> its mean brightness and a label."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from platform_core import Context, ImageFrame, InputError
from recog_{name}.params import LevelParams


@dataclass
class Level:
    mean: float  # 0-255
    label: str  # "dark" or "bright"


def show(level: Level) -> str:
    """How the console prints a level."""
    return f"{{level.label}} (mean {{level.mean:.1f}})"


class LevelStage:
    """Called once per image frame; returns its Level."""

    def __init__(self, params: LevelParams, context: Context):
        self.threshold, self.context = params.threshold, context

    def __call__(self, frame: ImageFrame) -> Level:
        if not isinstance(frame, ImageFrame) or frame.image.size == 0:
            raise InputError(f"{{self.context.input or 'input'}}: {name}.level needs a non-empty image")
        mean = float(np.asarray(frame.image, dtype=np.float64).mean())
        return Level(round(mean, 3), "bright" if mean >= self.threshold else "dark")
'''

PIPELINE = '''\
# How bright an image is: the sample beside this file, or --input FILE|DIR|GLOB.
#   recog run {name}:{name} [--input photos/ --out out/]
version: 1
name: {name}
description: How bright an image is (mean level and a label)
steps:
  - {{use: image-file, path: sample.png}}
  - {{use: {name}.level}}
  - {{use: console}}
  - {{use: jsonl}}
'''

TESTS = '''\
"""Tests of recog-{name}, with recog's test kit (fixtures recog_run, recog_media, recog_cli; factories)."""

import numpy as np
import pytest

from platform_core import ImageFrame, InputError
from platform_core.testing import context
from recog_{name}.level import LevelStage
from recog_{name}.params import LevelParams


def test_level_labels_dark_and_bright_images():
    stage = LevelStage(LevelParams(threshold=100), context())
    assert stage(ImageFrame(np.full((4, 4, 3), 30, np.uint8))).label == "dark"
    level = stage(ImageFrame(np.full((4, 4, 3), 200, np.uint8)))
    assert level.label == "bright" and level.mean == 200.0


def test_empty_image_is_an_input_error_naming_the_input():
    with pytest.raises(InputError, match="scan.png"):
        LevelStage(LevelParams(), context(input="scan.png"))(ImageFrame(np.zeros((0, 0, 3), np.uint8)))


def test_shipped_pipeline_runs_on_its_sample(recog_run):
    outcome = recog_run("{name}:{name}")
    assert outcome.record.ok, outcome.record.error
    assert outcome.record.result == {{"mean": 255.0, "label": "bright"}}
    assert outcome.files == ["results.jsonl", "sample.jsonl"]


def test_batch_records_each_input_and_goes_on_after_a_bad_one(recog_run, recog_media, tmp_path):
    black = recog_media.image("black.png", color=(0, 0, 0))
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not a png")
    outcome = recog_run("{name}:{name}", [black, bad])
    by_input = {{r.input: r for r in outcome.records}}
    assert by_input[str(black)].result["label"] == "dark"
    assert not by_input[str(bad)].ok and "broken.png" in by_input[str(bad)].error


def test_packets_reach_a_collector(recog_run, recog_media):
    image = recog_media.image("grey.png", color=(100, 100, 100))
    pipeline = ("version: 1\\nsteps:\\n  - {{use: image-file}}\\n  - {{use: {name}.level, threshold: 50}}\\n"
                "  - {{use: testing.collect}}\\n")
    outcome = recog_run(pipeline, image)
    (packet,) = outcome.packets["testing.collect"]  # an output is named by its `name:`, else its `use:`
    assert packet.kind == "{name}.level" and packet.data.label == "bright"


def test_recog_lists_and_describes_the_plugin(recog_cli):
    r = recog_cli("plugins", "info", "{name}.level")
    assert r.returncode == 0, r.stderr
    assert "threshold" in r.stdout and "{name}.level" in r.stdout
'''


def create(name: str, folder: Path) -> Path:
    """Write ``folder/recog-NAME`` and return it; ValueError when the name is not usable or the folder exists."""
    if not NAME.match(name):
        raise ValueError(f"plugin name {name!r}: use lower case letters, digits and '_', starting with a letter")
    root = Path(folder) / f"recog-{name}"
    if root.exists():
        raise ValueError(f"{root} already exists")
    package = root / f"recog_{name}"
    recog = ".".join(__version__.split(".")[:2])
    files = {
        root / "pyproject.toml": PYPROJECT, root / "README.md": README, root / "registry-entry.yaml": ENTRY,
        package / "__init__.py": INIT, package / "plugin.py": PLUGIN, package / "params.py": PARAMS,
        package / "level.py": LEVEL, package / "pipelines" / f"{name}.yaml": PIPELINE,
        root / "tests" / f"test_{name}.py": TESTS,
    }
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(name=name, recog=recog))
    write_image(package / "pipelines" / "sample.png", 32, 24, (255, 255, 255))
    return root
