"""`python -m platform_core` runs the recog command line."""

from platform_core.cli import app

app(prog_name="recog")
