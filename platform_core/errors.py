"""Errors the core raises, each naming what was wrong and where."""

from __future__ import annotations


class RecogError(Exception):
    """Base of recog's errors."""


class PluginError(RecogError):
    """A plugin or component registration is broken."""


class PipelineError(RecogError):
    """A pipeline file is invalid; carries file, line and column."""

    def __init__(self, message: str, file: str = "", line: int = 0, column: int = 0):
        self.message, self.file, self.line, self.column = message, file, line, column
        where = f"{file}:{line}:{column}: " if file and line else (f"{file}: " if file else "")
        super().__init__(where + message)


class InputError(RecogError):
    """An input (file, frame, chunk) cannot be used; the message names it."""


class ModelError(RecogError):
    """A model is missing, corrupt or fails its hash check."""
