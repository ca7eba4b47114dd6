"""Peak memory of the audio pipelines on a long file against a one-minute file, through `recog run`.

    python bench/memory.py                    # piano.yaml and genre.yaml, 1 minute against 2 hours
    python bench/memory.py --hours 0.5 --pipelines pipelines/piano.yaml

Each run is a fresh `recog run PIPELINE --input FILE --out DIR` process; its peak resident memory comes from
the kernel (``wait4``). The audio is generated: decaying tones at random pitches and times over quiet noise,
22,050 Hz mono 16-bit WAV, written in blocks. The anchor is the one-minute file measured in the same run; the
target is a long-file peak within 2x of it (bounded memory), with the wall time as a multiple of real time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 22050
ROOT = Path(__file__).resolve().parent.parent


def write_audio(path: Path, seconds: float, seed: int = 0) -> Path:
    """Tones with exponential decay at random times and pitches over noise, written one minute at a time."""
    rng = np.random.default_rng(seed)
    block = 60 * RATE
    with sf.SoundFile(path, "w", RATE, 1, "PCM_16") as f:
        done = 0
        while done < seconds * RATE:
            n = int(min(block, seconds * RATE - done))
            x = rng.normal(0, 0.003, n).astype(np.float32)
            t = np.arange(RATE, dtype=np.float32) / RATE
            for start in rng.integers(0, max(1, n - RATE), size=max(1, n // (RATE // 4))):
                hz = 440.0 * 2 ** ((rng.integers(30, 90) - 69) / 12)
                x[start:start + RATE] += 0.1 * np.sin(2 * np.pi * hz * t) * np.exp(-4 * t)
            f.write(np.clip(x, -1, 1))
            done += n
    return path


def peak_run(pipeline: str, audio: Path, out: Path) -> tuple[float, float, int]:
    """(peak MB, wall seconds, exit code) of one `recog run` process."""
    cmd = [sys.executable, "-m", "platform_core", "run", pipeline, "--input", str(audio), "--out", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(f"  {pipeline} on {audio.name} exited {code}: {err.strip().splitlines()[-1:]}", file=sys.stderr)
    return usage.ru_maxrss / 1024, wall, code


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hours", type=float, default=2.0, help="length of the long file")
    ap.add_argument("--pipelines", nargs="+", default=["pipelines/piano.yaml", "pipelines/genre.yaml"])
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        short = write_audio(tmp / "one-minute.wav", 60)
        long = write_audio(tmp / "long.wav", a.hours * 3600, seed=1)
        h = f"{a.hours:g} h"
        print(f"| pipeline | 1 min: peak MB | {h}: peak MB | ratio (target <= 2) | {h}: x real time |")
        print("|---|---|---|---|---|")
        for pipe in a.pipelines:
            base, _, c1 = peak_run(pipe, short, tmp / "out-short")
            peak, wall, c2 = peak_run(pipe, long, tmp / "out-long")
            ok = "" if c1 == c2 == 0 else " (failed)"
            print(f"| {pipe} | {base:.0f} | {peak:.0f} | {peak / base:.2f}{ok} | {a.hours * 3600 / wall:.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()
