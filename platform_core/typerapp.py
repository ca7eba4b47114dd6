"""``typer.Typer`` for the `recog` command: commands whose ``--help`` flag costs nothing when it is absent.

Recent typers (0.29 here) coerce every parameter value through a pydantic ``TypeAdapter``; for ``--help``
they build one (loading pydantic's model machinery, about 0.07 s) only to pass the absent flag's ``None``
through. Here the flag defaults to ``False``, a bool, which typer takes as it is (click-based typers
default it to ``False`` already).
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup


class _HelpFalse:
    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None and option.default is None:
            option.default = False
        return option


class Command(_HelpFalse, TyperCommand):
    """A command whose ``--help`` defaults to ``False``."""


class Group(_HelpFalse, TyperGroup):
    """A group whose ``--help`` defaults to ``False``."""


class Typer(typer.Typer):
    """``typer.Typer`` making its groups and commands with :class:`Group` and :class:`Command`."""

    def __init__(self, **kwargs: Any):
        super().__init__(cls=Group, **kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        return super().command(*args, cls=Command, **kwargs)
