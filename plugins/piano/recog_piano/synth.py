"""Piano audio from notes: MIDI writing, and rendering with a General MIDI soundfont (FluidSynth) or the
FreePats patches (TiMidity++)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

from platform_core.kinds import NoteEvent as Note

SOUNDFONTS = {
    "fluidr3": ("/usr/share/sounds/sf2/FluidR3_GM.sf2",),
    "timgm6mb": ("/usr/share/sounds/sf2/TimGM6mb.sf2", "/usr/share/sounds/sf2/TimGM6mb.sf3"),
    "csound": ("/usr/share/sounds/sf2/sf_GMbank.sf2",),
    "musescore": ("/usr/share/sounds/sf3/MuseScore_General_Lite.sf3",),
    "freepats": ("/etc/timidity/freepats.cfg",),  # a TiMidity++ configuration, not a soundfont
}


def soundfont(name: str) -> Path:
    """The path of an installed soundfont (Debian's fluid-soundfont-gm, timgm6mb-soundfont, csound-soundfont,
    musescore-general-soundfont-small or freepats)."""
    for p in SOUNDFONTS[name]:
        if Path(p).is_file():
            return Path(p)
    raise FileNotFoundError(f"soundfont {name!r} is not installed (looked for {', '.join(SOUNDFONTS[name])})")


def write_midi(notes: list[Note], path: Path, program: int = 0, bend_cents: float = 0.0,
               pedal: list[tuple[float, float]] = ()) -> None:
    """Write notes as a one-track piano MIDI file (a pitch bend of ``bend_cents`` detunes the whole take;
    ``pedal`` holds the (down, up) times of the sustain pedal, controller 64)."""
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(initial_tempo=120.0)
    inst = pretty_midi.Instrument(program=program)
    if bend_cents:
        # FluidSynth's default bend range is 2 semitones (200 cents) over 8192 steps.
        inst.pitch_bends.append(pretty_midi.PitchBend(int(np.clip(bend_cents / 200 * 8192, -8191, 8191)), 0.0))
    for down, up in pedal:
        inst.control_changes += [pretty_midi.ControlChange(64, 127, float(down)),
                                 pretty_midi.ControlChange(64, 0, float(up))]
    for n in notes:
        inst.notes.append(pretty_midi.Note(velocity=int(n.velocity), pitch=int(n.pitch),
                                           start=float(n.onset), end=float(n.offset)))
    pm.instruments.append(inst)
    pm.write(str(path))


def render(notes: list[Note], font: str = "fluidr3", sample_rate: int = 16000, program: int = 0,
           reverb: bool = False, chorus: bool = False, gain: float = 0.5, bend_cents: float = 0.0,
           tail: float = 1.0, pedal: list[tuple[float, float]] = ()) -> np.ndarray:
    """Render notes with FluidSynth (TiMidity++ for ``freepats``); returns mono float32 samples at
    ``sample_rate``."""
    sf2 = soundfont(font)
    tool = "timidity" if sf2.suffix == ".cfg" else "fluidsynth"  # a TiMidity++ configuration, or a soundfont
    exe = shutil.which(tool)
    if exe is None:
        raise FileNotFoundError(f"{tool} is not installed (Debian package {tool})")
    end = max([n.offset for n in notes] + [up for _, up in pedal], default=0.0) + tail
    with tempfile.TemporaryDirectory() as tmp:
        mid, wav = Path(tmp) / "in.mid", Path(tmp) / "out.wav"
        write_midi(notes, mid, program=program, bend_cents=bend_cents, pedal=pedal)
        if tool == "timidity":  # -A is a volume in percent: -A(50 x gain) is about as loud as FluidSynth's -g gain
            cmd = [exe, "-c", str(sf2), "--preserve-silence", "-Ow", "-o", str(wav), "-s", str(sample_rate),
                   f"-A{int(gain * 50)}", "-EFreverb=" + ("f" if reverb else "d"),
                   "-EFchorus=" + ("n" if chorus else "d"), str(mid)]
        else:
            cmd = [exe, "-ni", "-q", "-g", f"{gain:.3f}", "-r", str(sample_rate), "-F", str(wav),
                   "-o", f"synth.reverb.active={int(reverb)}", "-o", f"synth.chorus.active={int(chorus)}",
                   "-o", "synth.dynamic-sample-loading=1", str(sf2), str(mid)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        audio, sr = sf.read(str(wav), dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    n = int(round(end * sample_rate))
    if len(mono) < n:
        mono = np.pad(mono, (0, n - len(mono)))
    return mono[:n]
