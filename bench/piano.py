"""Piano transcription benchmark: this plugin's model beside Basic Pitch, measured in the same run.

Held-out set: 12 music21 corpus pieces that training never saw (recog_piano.corpus.HELD_OUT), first 30 s of
each, rendered at 44.1 kHz with a soundfont training never heard (Debian's TimGM6mb; training used FluidR3,
csound's GM bank and MuseScore General).
Scores: mir_eval note F1 on onsets (50 ms), note F1 with offsets (50 ms or 20 %), frame F1 (10 ms frames),
mean per piece. Speed: seconds of audio per second of compute, decoded audio to notes, both systems on the
same samples with 2 threads. Live latency: the streaming mode fed 64 ms chunks; time from each matched note's
true onset to the end of the chunk that reported it, plus that chunk's compute time.

    python bench/piano.py [--model PATH.onnx] [--font fluidr3]
"""

from __future__ import annotations

import argparse
import json

from recog_piano import evaluation, transcriber
from recog_piano.synth import SOUNDFONTS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=transcriber.MODEL_ID)
    ap.add_argument("--font", default="timgm6mb", choices=sorted(SOUNDFONTS), help="soundfont of the held-out renders")
    ap.add_argument("--json", action="store_true", help="print the report as JSON too")
    a = ap.parse_args()
    report = evaluation.run(a.model, with_basic_pitch=True, font=a.font)
    print()
    print(evaluation.table(report))
    print("targets (issue 5): onset F1 >= 0.90 and above Basic Pitch; >= 100x real time; live latency <= 250 ms")
    if a.json:
        print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
