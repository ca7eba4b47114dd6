"""recog's test kit for plugin authors; a pytest plugin, registered by the core distribution (``pytest11``).

Fixtures (in any test once recog is installed):

- ``recog_plugins(*names, extra=None)``: a registry with only the named installed plugins
  (all when none are named) plus plugin objects passed in ``extra`` (name -> module or object);
- ``recog_run(pipeline, inputs=None, **kw)``: run a pipeline given as YAML text, a file or
  ``PLUGIN:NAME`` in this process; returns :class:`Outcome` (records, packets, files);
- ``recog_cli(*args)``: the ``recog`` command in a subprocess (a ``CompletedProcess``);
- ``recog_media``: sample media written into the test's folder (``.image(name)``, ``.audio(name)``).

The functions behind them (:func:`load_plugins`, :func:`run_pipeline`, :func:`cli`,
:func:`write_image`, :func:`write_audio`) and the factories :func:`packet` and :func:`context`
work without pytest too. Packets reach :attr:`Outcome.packets` through the kit's renderer
``testing.collect`` (always available in the kit's registries): ``{use: testing.collect, input: STREAM}``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from platform_core import ANY, Context, Packet, Params, RendererSpec, catalog, hookimpl, plugins
from platform_core.api import Record, run
from platform_core.media import write_audio, write_image

_collected: dict[str, list[Packet]] = {}


class _Collect:
    """``testing.collect``: keeps every packet of its input stream for :attr:`Outcome.packets`."""

    wants_packets = True

    def __init__(self, params: Params, context: Context):
        self.packets = _collected.setdefault(context.step, [])

    def __call__(self, packet: Packet) -> None:
        self.packets.append(packet)


class KitPlugin:
    """The kit's own plugin: the ``testing.collect`` renderer."""

    @hookimpl
    def recog_renderers(self):
        return [RendererSpec(id="testing.collect", version="1", summary="Keeps packets for the test kit",
                             consumes=(ANY,), factory=_Collect)]


def load_plugins(*names: str, extra: Mapping[str, ModuleType | object] | None = None,
                 installed: bool = True) -> plugins.Registry:
    """A registry of the named installed plugins (every one when none is named, none when ``installed`` is
    false), the plugin objects in ``extra`` and the kit's ``testing`` plugin."""
    return plugins.load({**(extra or {}), "testing": KitPlugin()}, entry_points=installed, only=names or None)


@dataclass
class Outcome:
    """What a run gave: one record per input, the packets ``testing.collect`` outputs saw, and the files in out."""

    records: list[Record]
    out: Path
    packets: dict[str, list[Packet]] = field(default_factory=dict)  # output name (`name:`, else `use:`) -> packets

    @property
    def files(self) -> list[str]:
        """Names of the files written in the out folder, relative to it, sorted."""
        return sorted(str(p.relative_to(self.out)) for p in self.out.rglob("*") if p.is_file())

    @property
    def record(self) -> Record:
        """The only record (a run on one input)."""
        assert len(self.records) == 1, f"{len(self.records)} records, not one"
        return self.records[0]


def run_pipeline(pipeline: str | Path, inputs: str | Path | Sequence[str | Path] | None = None, *,
                 registry: plugins.Registry | None = None, out: str | Path | None = None,
                 sets: Mapping[str, Mapping[str, Any]] | Sequence[str] | None = None,
                 folder: str | Path | None = None) -> Outcome:
    """Run a pipeline in this process: YAML text (written to ``folder``/pipeline.yaml, so its relative
    paths resolve from ``folder``), a file or ``PLUGIN:NAME``; with ``registry`` (default: every installed
    plugin and the kit's) and ``out`` (default: ``folder``/out). ``folder`` defaults to a new temporary folder."""
    folder = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="recog-test-"))
    text = isinstance(pipeline, str) and "\n" in pipeline
    if text:
        folder.mkdir(parents=True, exist_ok=True)
        file = folder / "pipeline.yaml"
        file.write_text(pipeline)
    else:
        file = catalog.resolve(pipeline)
    out_dir = Path(out) if out is not None else folder / "out"
    _collected.clear()
    records = run(file, inputs, out_dir, sets, registry=registry or load_plugins())
    return Outcome(records, out_dir, {k: list(v) for k, v in _collected.items()})


def cli(*args: str | Path, cwd: str | Path | None = None, timeout: float = 300,
        env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """``recog ARGS...`` in a subprocess of this Python, output captured as text."""
    return subprocess.run([sys.executable, "-m", "platform_core", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, env=dict(env) if env is not None else None)


def packet(data: Any, kind: str = ANY, t: float = 0.0) -> Packet:
    """A packet of ``data`` at media time ``t``."""
    return Packet(t, data, kind)


def context(out_dir: str | Path | None = None, input: str | None = None, stem: str = "output",
            step: str = "step") -> Context:
    """A component's run context: where outputs go (``None``: nowhere), the input and the file stem."""
    return Context(input=input, out_dir=Path(out_dir) if out_dir is not None else None, stem=stem, step=step)


class Media:
    """Sample media written into one folder."""

    def __init__(self, folder: Path):
        self.folder = folder

    def image(self, name: str = "image.png", **kw: Any) -> Path:
        return write_image(self.folder / name, **kw)

    def audio(self, name: str = "audio.wav", **kw: Any) -> Path:
        return write_audio(self.folder / name, **kw)


@pytest.fixture
def recog_plugins():
    """``recog_plugins(*names, extra=None, installed=True)`` -> a registry (see :func:`load_plugins`)."""
    return load_plugins


@pytest.fixture
def recog_run(tmp_path):
    """``recog_run(pipeline, inputs=None, **kw)`` -> :class:`Outcome`, run in the test's folder."""
    def run_in_tmp(pipeline, inputs=None, **kw):
        return run_pipeline(pipeline, inputs, folder=kw.pop("folder", tmp_path), **kw)

    return run_in_tmp


@pytest.fixture
def recog_cli():
    """``recog_cli(*args, cwd=None, timeout=300, env=None)`` -> ``CompletedProcess`` (see :func:`cli`)."""
    return cli


@pytest.fixture
def recog_media(tmp_path) -> Media:
    """Sample media in the test's folder: ``recog_media.image("a.png")``, ``recog_media.audio("a.wav")``."""
    return Media(tmp_path)
