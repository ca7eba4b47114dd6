"""Component specs: the typed records plugins return from their hooks."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from platform_core import outputs
from platform_core.errors import PluginError

if TYPE_CHECKING:
    from platform_core.params import Params


@dataclass
class Context:
    """What a component instance knows of the run it belongs to."""

    input: str | None = None  # the input path as given, for batch runs
    out_dir: Path | None = None  # --out; None when the pipeline writes nowhere
    stem: str = "output"  # file-name stem for outputs
    step: str = ""  # the step or output name in the pipeline
    live: bool = False  # whether any source is live
    outputs: list[str] = field(default_factory=list)  # files written so far
    staging: outputs.Staging | None = None  # set by the runner: files are moved into place when the run succeeds

    def output_path(self, suffix: str, path: str | None = None) -> Path | None:
        """Where to write ``<stem><suffix>``: ``path`` if the pipeline names one (a template relative to
        ``out_dir`` that may use ``{stem}``), else in ``out_dir``; None when there is nowhere to write.

        During a run the path is a staging file that becomes the real one only if the whole input succeeds.
        """
        final = outputs.resolve(self.out_dir, self.stem, suffix, path)
        if final is None:
            return None
        if self.staging is not None:
            return self.staging.stage(final)
        final.parent.mkdir(parents=True, exist_ok=True)
        return final

    def wrote(self, path: Path | str) -> None:
        """Record a file written, for the run's ``outputs``."""
        self.outputs.append(str(path))


class Lazy:
    """A callable named ``"package.module:attr"``, imported on first call so declaring a component stays cheap."""

    def __init__(self, target: str):
        module, sep, attr = target.partition(":")
        if not sep or not module or not attr:
            raise ValueError(f"lazy target {target!r}: expected 'package.module:attr'")
        self.target, self._obj = target, None

    def resolve(self) -> Callable[..., Any]:
        """The named object, imported once."""
        if self._obj is None:
            module, _, attr = self.target.partition(":")
            obj = importlib.import_module(module)
            for part in attr.split("."):
                obj = getattr(obj, part)
            self._obj = obj
        return self._obj

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Lazy({self.target!r})"


def _lazy(value: Callable[..., Any] | str) -> Callable[..., Any]:
    return Lazy(value) if isinstance(value, str) else value


class _ParamsModel:
    """The ``params`` field of a spec: a class, or a ``"package.module:Class"`` string imported on first access
    (reading ``spec.params`` always gives the class)."""

    default = "platform_core.params:Params"

    def __get__(self, spec: ComponentSpec | None, owner: type | None = None) -> Any:
        if spec is None:  # the dataclass asks for the field's default
            return self.default
        model = spec.__dict__["_params"]
        if isinstance(model, Lazy):
            try:
                return model.resolve()
            except Exception as e:  # a broken plugin module: the error names the component
                raise PluginError(f"component {spec.id!r}: parameter model {model.target!r} cannot be loaded: "
                                  f"{type(e).__name__}: {e}") from e
        return model

    def __set__(self, spec: ComponentSpec, model: type[Params] | str) -> None:
        spec.__dict__["_params"] = Lazy(model) if isinstance(model, str) else model


@dataclass(frozen=True)
class ComponentSpec:
    """A component: id, version, summary, kinds, parameters, model files and factory.

    ``factory(params, context)`` builds the runtime object:
    - sources: an object with ``packets()`` yielding :class:`Packet`;
    - preprocessors and models: a callable taking one data argument per input
      and returning the output data (same time), ``None`` (nothing), or
      :class:`Packets` (only if the object sets ``emits_packets = True``);
      optional ``flush()`` returning what is left at the end,
      optional ``result()`` returning the JSON answer for the run's record;
      optional ``close()`` releasing resources, called after every run, failed or not;
      set ``wants_packets = True`` on the object to receive packets, not data;
    - renderers: a callable like a stage, with optional ``close()``.

    ``factory`` may be a ``"package.module:Class"`` string: it is imported when the
    component is first built, so listing and validating never load heavy libraries.
    ``params`` (a :class:`Params` subclass) may be one too: it is imported when first read,
    so listing components never loads pydantic's model machinery.
    """

    id: str
    version: str
    summary: str
    factory: Callable[[Any, Context], Any] | str
    params: type[Params] | str = _ParamsModel()  # type: ignore[assignment]
    consumes: tuple[str, ...] = ()
    produces: tuple[str, ...] = ()
    models: tuple[str, ...] = ()  # model card ids, shipped in the plugin's cards/
    role: ClassVar[str] = "component"

    def __post_init__(self) -> None:
        object.__setattr__(self, "factory", _lazy(self.factory))


@dataclass(frozen=True)
class SourceSpec(ComponentSpec):
    live: bool = False
    input_param: str | None = "path"  # the parameter that --input overrides
    extensions: tuple[str, ...] = ()  # file types picked from directories
    role: ClassVar[str] = "source"


# No fields of their own: ComponentSpec's dataclass methods serve as they are (decorating costs start-up).
class PreprocessorSpec(ComponentSpec):
    role: ClassVar[str] = "preprocessor"


class ModelSpec(ComponentSpec):
    role: ClassVar[str] = "model"


class RendererSpec(ComponentSpec):
    role: ClassVar[str] = "renderer"


@dataclass(frozen=True)
class TaskSpec:
    """A trainable task: ``recog train NAME ARGS...`` and ``recog eval NAME ARGS...``.

    ``train`` and ``evaluate`` take the extra command-line arguments and return an exit code;
    either may be a ``"package.module:function"`` string, imported when called.
    """

    name: str
    summary: str
    train: Callable[[list[str]], int] | str
    evaluate: Callable[[list[str]], int] | str

    def __post_init__(self) -> None:
        object.__setattr__(self, "train", _lazy(self.train))
        object.__setattr__(self, "evaluate", _lazy(self.evaluate))
