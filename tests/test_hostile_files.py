"""Hostile pipeline files and model files: refused quickly with a clear error, never run."""

import pickle

import pytest

from conftest import recog
from platform_core import models, pipeline
from platform_core.errors import ModelError, PipelineError


def laughs(levels: int = 9) -> str:
    """A billion-laughs document: each level refers nine times to the one before."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "\n".join(lines) + f"\nname: *a{levels - 1}\nversion: 1\nsteps:\n  - {{use: toy.count}}\n"


def test_yaml_alias_bomb_is_refused(registry):
    with pytest.raises(PipelineError, match="expands to more than"):
        pipeline.parse(laughs(), registry, "bomb.yaml")
    with pytest.raises(PipelineError, match="recursive YAML alias"):
        pipeline.parse("version: 1\nsteps: &s [*s]\n", registry, "loop.yaml")


def test_a_long_linear_pipeline_validates(registry):
    text = "version: 1\nsteps:\n  - {use: toy.count}\n" + "  - {use: toy.add}\n" * 20000
    p = pipeline.parse(text, registry, "long.yaml")
    assert len(p.steps) == 20000 and list(p.steps)[-1] == "add20000"


def test_cycles_are_still_named(registry):
    text = ("version: 1\nsources:\n  c: {use: toy.count}\nsteps:\n  a: {use: toy.add, input: b}\n"
            "  b: {use: toy.add, input: a}\n")
    with pytest.raises(PipelineError, match="cycle in the pipeline: a -> b -> a"):
        pipeline.parse(text, registry, "cycle.yaml")


def test_non_utf8_pipeline_file_exits_2(tmp_path, toy_site):
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("version: 1\nname: caf\xe9\nsteps:\n  - {use: toy.count}\n".encode("latin-1"))
    r = recog("validate", bad)
    assert r.returncode == 2 and "not a UTF-8 text file" in r.stderr and "Traceback" not in r.stderr


class Payload:
    """Pickles to a call that writes a file: what a hostile .pt file does when unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_pickled_model_files_are_refused_unless_trusted(tmp_path, monkeypatch):
    import torch

    marker, evil = tmp_path / "pwned", tmp_path / "evil.pt"
    torch.save(Payload(marker), evil, pickle_protocol=pickle.DEFAULT_PROTOCOL)
    monkeypatch.delenv(models.TRUST_PICKLE, raising=False)
    with pytest.raises(ModelError, match="refuses it"):
        models.load_user_model(evil)
    assert not marker.exists()
    monkeypatch.setenv(models.TRUST_PICKLE, "1")
    with pytest.raises(ModelError):  # trusted: it is unpickled (and runs), then is not a module
        models.load_user_model(evil)
    assert marker.exists()
