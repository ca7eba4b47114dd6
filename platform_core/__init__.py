"""recog's core: what plugins and users build on.

Plugins import everything they need from here: the hook marker, the component specs,
``Params`` and ``Context``, packets and kinds, the errors, and the model store
(``platform_core.models``). Users run pipelines with :func:`run`. The names in
``__all__`` are the public API (pinned by ``tests/test_public_api.py``); the
submodules are the implementation.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# `jsonable` is also the name of its module: bind the function now, or importing the module would shadow it
from platform_core.jsonable import jsonable

if TYPE_CHECKING:
    from platform_core import models
    from platform_core.api import Record, run
    from platform_core.data import (
        AudioChunk,
        Classification,
        Digit,
        DigitString,
        Hand,
        HandsFrame,
        ImageFrame,
        NoteEvent,
        NoteEvents,
        Score,
    )
    from platform_core.errors import InputError, ModelError, PipelineError, PluginError, RecogError
    from platform_core.hookspecs import hookimpl
    from platform_core.kinds import ANY, Kind, Packet, Packets
    from platform_core.params import Params
    from platform_core.protocols import Renderer, Source, Stage
    from platform_core.specs import (
        ComponentSpec,
        Context,
        Lazy,
        ModelSpec,
        PreprocessorSpec,
        RendererSpec,
        SourceSpec,
        TaskSpec,
    )

__version__ = "0.1.0"

# Every public name loads its module on first use: `recog --help` imports none of them, and
# declaring components imports only the specs, never numpy, the runner or pydantic's model machinery.
_HOME = {
    "platform_core.errors": ("InputError", "ModelError", "PipelineError", "PluginError", "RecogError"),
    "platform_core.hookspecs": ("hookimpl",),
    "platform_core.kinds": ("ANY", "Kind", "Packet", "Packets"),
    "platform_core.data": ("AudioChunk", "Classification", "Digit", "DigitString", "Hand", "HandsFrame", "ImageFrame",
                           "NoteEvent", "NoteEvents", "Score"),
    "platform_core.params": ("Params",),
    "platform_core.protocols": ("Renderer", "Source", "Stage"),
    "platform_core.specs": ("ComponentSpec", "Context", "Lazy", "ModelSpec", "PreprocessorSpec", "RendererSpec",
                            "SourceSpec", "TaskSpec"),
    "platform_core.api": ("Record", "run"),
}
_LAZY = {name: module for module, names in _HOME.items() for name in names}

__all__ = [
    "ANY", "AudioChunk", "Classification", "ComponentSpec", "Context", "Digit", "DigitString", "Hand",
    "HandsFrame", "ImageFrame", "InputError", "Kind", "Lazy", "ModelError", "ModelSpec", "NoteEvent",
    "NoteEvents", "Packet", "Packets", "Params", "PipelineError", "PluginError", "PreprocessorSpec", "Record",
    "RecogError", "Renderer", "RendererSpec", "Score", "Source", "SourceSpec", "Stage", "TaskSpec", "hookimpl",
    "jsonable", "kind", "models", "run",
]


def __getattr__(name: str) -> Any:
    if name == "models":
        return importlib.import_module("platform_core.models")
    if name not in _LAZY:
        raise AttributeError(f"module 'platform_core' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def kind(name: str) -> Kind | None:
    """The kind ``name`` as recog and the loaded plugins declare it (``None`` when no one does)."""
    from platform_core.plugins import registry

    return registry().kinds.get(name)
