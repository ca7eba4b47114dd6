"""Start-up stays cheap: what importing the core, declaring components and the quick commands load.

Declaring components, `recog --help` and `recog plugins list` load no heavy library, no parameter model and
none of pydantic's model machinery; `recog validate` loads the parameter models of the components its
pipeline uses and no others, and prints without Rich's console (bench/startup.py measures the times).
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "torch", "tensorflow", "librosa", "sklearn", "mediapipe", "cv2", "scipy", "onnxruntime",
         "matplotlib", "PIL", "soundfile", "music21", "verovio")
MODEL_MACHINERY = ("pydantic.main", "pydantic.fields", "pydantic._internal._model_construction")
RUN_TIME = ("platform_core.data", "platform_core.runner")  # packet data classes, the runner
FIRST_PARTY = ("digits", "fusion", "genre", "hands", "io", "omr", "piano")


def imported_after(code: str) -> set[str]:
    r = subprocess.run([sys.executable, "-c", f"import sys\n{code}\nprint(' '.join(sys.modules))"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return set(r.stdout.split())


def imported_by(*args: str) -> set[str]:
    """The modules `recog ARGS` has imported when it exits (run from the repository root)."""
    code = ("import atexit, sys\nfrom platform_core.cli import app\n"
            "atexit.register(lambda: print('\\nloaded:', *sys.modules, file=sys.stderr))\n"
            f"app({list(args)!r}, prog_name='recog')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return set(r.stderr.rsplit("loaded:", 1)[1].split())


def params_modules(loaded: set[str]) -> set[str]:
    return {m for m in loaded if re.fullmatch(r"recog_\w+\.params", m)}


def test_importing_the_core_loads_no_heavy_library():
    loaded = imported_after("import platform_core, platform_core.cli")
    assert loaded.isdisjoint(HEAVY + MODEL_MACHINERY + ("rich.console",))


def test_declaring_first_party_components_loads_no_heavy_library_and_no_parameter_model():
    loaded = imported_after(f"from platform_core import plugins\nreg = plugins.load(only={FIRST_PARTY!r})\n"
                            "assert not reg.broken, reg.broken")
    assert loaded.isdisjoint(HEAVY + MODEL_MACHINERY + RUN_TIME)
    assert params_modules(loaded) == set()


def test_help_and_plugins_list_load_no_parameter_model_nor_pydantics_model_machinery():
    for args in (["--help"], ["plugins", "list", "--help"], ["plugins", "list"], ["plugins", "list", "--json"]):
        loaded = imported_by(*args)
        assert loaded.isdisjoint(HEAVY + MODEL_MACHINERY + RUN_TIME), args
        assert params_modules(loaded) == set(), args
    assert "platform_core.plugins" not in imported_by("--help")
    assert "importlib.metadata" not in imported_by("plugins", "list")  # entry points come from their files


def test_validate_loads_the_parameter_models_its_pipeline_uses_and_no_others():
    loaded = imported_by("validate", "pipelines/sheet.yaml")  # image-file (io) and omr components
    assert loaded.isdisjoint(HEAVY + RUN_TIME + ("rich.console",))
    assert params_modules(loaded) == {"recog_io.params", "recog_omr.params"}
