"""Start-up cost of the `recog` command against importing its own libraries.

    python bench/startup.py [--repeats 15]

Runs, round-robin so that load on the machine hits every command alike:
the floor `python -c "import typer, pydantic, yaml, pluggy, rich"` (the libraries
the CLI is built from), `recog --help`, `recog validate pipelines/sheet.yaml` and
`recog plugins list`, each in a fresh process, once with every installed plugin and
once with the first-party plugins only (`RECOG_PLUGINS`). Prints
the best and median wall time of each, the ratio of the best to the floor's best
(target: at most 2x), and the same for CPU time (user + system), which load from
other jobs on the machine disturbs less. First it compiles the core's and the plugins'
bytecode, as pip does when it installs a wheel (an editable checkout under
PYTHONDONTWRITEBYTECODE would otherwise compile them on every command).

    python bench/startup.py --instructions   # + instructions executed (valgrind), load-independent
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2.0


def commands() -> dict[str, list[str]]:
    script = Path(sys.executable).parent / "recog"  # the console script beside this Python (not a pyenv shim)
    recog = [str(script)] if script.is_file() else [sys.executable, "-m", "platform_core"]
    return {
        'python -c "import typer, pydantic, yaml, pluggy, rich"':
            [sys.executable, "-c", "import typer, pydantic, yaml, pluggy, rich"],
        "recog --help": [*recog, "--help"],
        "recog validate pipelines/sheet.yaml": [*recog, "validate", "pipelines/sheet.yaml"],
        "recog plugins list": [*recog, "plugins", "list"],
    }


FIRST_PARTY = "digits,fusion,genre,hands,io,omr,piano"


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "COLUMNS": "200", **env})
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


HEAVY = ("numpy", "torch", "tensorflow", "librosa", "sklearn", "mediapipe", "cv2", "scipy", "onnxruntime")


def plugin_set(env: dict[str, str]) -> str:
    """The plugins loaded, and the heavy libraries importing them loads (each should load none)."""
    code = ("import sys; from platform_core import plugins; r = plugins.registry(); "
            f"print(', '.join(sorted(r.distributions)), '|', ', '.join(m for m in {HEAVY!r} if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       env={**os.environ, **env})
    names, _, heavy = r.stdout.partition("|")
    return f"plugins: {names.strip()}; heavy libraries loaded by declaring them: {heavy.strip() or 'none'}"


def table(cmds: dict[str, list[str]], repeats: int, env: dict[str, str]) -> None:
    walls: dict[str, list[float]] = {name: [] for name in cmds}
    cpus: dict[str, list[float]] = {name: [] for name in cmds}
    for cmd in cmds.values():  # warm the file cache once
        measure(cmd, env)
    for _ in range(repeats):
        for name, cmd in cmds.items():
            w, c = measure(cmd, env)
            walls[name].append(w)
            cpus[name].append(c)
    floor_wall, floor_cpu = min(next(iter(walls.values()))), min(next(iter(cpus.values())))
    print(plugin_set(env))
    print(f"best of {repeats}, round-robin; load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"{'command':55} {'wall s':>7} {'median':>7} {'x floor':>8} {'cpu s':>7} {'x floor':>8}  target (wall)")
    for i, name in enumerate(cmds):
        ratio = min(walls[name]) / floor_wall
        verdict = "(floor)" if i == 0 else f"<= {TARGET:g}x: {'met' if ratio <= TARGET else 'NOT met'}"
        print(f"{name:55} {min(walls[name]):7.3f} {statistics.median(walls[name]):7.3f} {ratio:7.2f}x "
              f"{min(cpus[name]):7.3f} {min(cpus[name]) / floor_cpu:7.2f}x  {verdict}")


def instructions(cmds: dict[str, list[str]], env: dict[str, str]) -> None:
    """Instructions each command executes, counted by valgrind's callgrind (slow, but blind to other jobs)."""
    counts = {}
    for name, cmd in cmds.items():
        r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd], cwd=ROOT,
                           capture_output=True, text=True, env={**os.environ, "COLUMNS": "200", **env})
        found = [line for line in r.stderr.splitlines() if "Collected" in line]
        if r.returncode != 0 or not found:
            raise SystemExit(f"valgrind {' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-2000:]}")
        counts[name] = int(found[-1].split()[-1].replace(",", ""))
    floor = next(iter(counts.values()))
    print(f"{'command':55} {'instructions':>14} {'x floor':>8}  target")
    for i, (name, n) in enumerate(counts.items()):
        verdict = "(floor)" if i == 0 else f"<= {TARGET:g}x: {'met' if n / floor <= TARGET else 'NOT met'}"
        print(f"{name:55} {n / 1e6:12.0f} M {n / floor:7.2f}x  {verdict}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--instructions", action="store_true", help="also count instructions with valgrind")
    args = ap.parse_args()
    packages = [ROOT / "platform_core", *sorted(ROOT.glob("plugins/*/recog_*"))]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *map(str, packages)], check=True, capture_output=True)
    print("== every installed plugin")
    table(commands(), args.repeats, {})
    print(f"\n== first-party plugins only (RECOG_PLUGINS={FIRST_PARTY})")
    table(commands(), args.repeats, {"RECOG_PLUGINS": FIRST_PARTY})
    if args.instructions:
        print("\n== instructions executed (valgrind --tool=callgrind), every installed plugin")
        instructions(commands(), {})


if __name__ == "__main__":
    main()
