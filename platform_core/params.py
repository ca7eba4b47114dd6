"""The base of parameter models (kept apart from the specs: defining it loads pydantic's model machinery)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Params(BaseModel):
    """Base of every parameter model: unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", defer_build=True)  # the schema is built on first use
