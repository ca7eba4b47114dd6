"""Parameters of the brightness plugin's components (kept light: `recog` imports this to validate pipelines)."""

from __future__ import annotations

from pydantic import Field

from platform_core import Params


class LevelParams(Params):
    threshold: float = Field(128.0, ge=0, le=255, description="mean level (0-255) from which an image is bright")
