"""Piano transcription benchmark: this plugin's model beside Basic Pitch, both through `recog run` on files, in
the same run.

Sets: (1) held-out: 12 music21 corpus pieces that training never saw (recog_piano.corpus.HELD_OUT), first 30 s of
each, rendered at 44.1 kHz with a soundfont training never heard (Debian's TimGM6mb); (2) recorded: the same
renders played through a simulated room and microphone (recog_piano.acoustics.record with fixed seeds:
reverberation, microphone EQ, noise, sometimes a codec or a soft clip); (3) real: the recordings of acoustic
pianos in ../shared/data/piano-real with their performance MIDI (skipped when absent; validation only).
Each set is a folder of audio files given to `recog run PIPELINE --input FOLDER` (audio-file -> piano.transcribe,
or -> piano.basic-pitch) in a subprocess with one worker; notes come from its results.jsonl.
Scores: mir_eval note F1 on onsets (50 ms), note F1 with offsets (50 ms or 20 %), frame F1 (10 ms frames),
mean per file, and onset F1 pooled over all notes of a set. Speed: seconds of audio per second of the records'
`seconds` (per input: build the pipeline, load the model, decode, resample, transcribe). Live latency: the
streaming mode fed 64 ms chunks; time from each matched note's true onset to the end of the chunk that
reported it, plus that chunk's compute time.

    python bench/piano.py [--model PATH.onnx] [--font fluidr3] [--json]
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
    print("targets (issue 17): onset F1 >= 0.92 on real piano; >= 100x real time; live latency <= 250 ms; "
          "the held-out row does not fall")
    if a.json:
        print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
