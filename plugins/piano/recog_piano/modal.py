"""A modal piano: each note a sum of stiff-string partials, a timbre no soundfont has.

Per take a random instrument (inharmonicity, hammer position, decay times, unison detuning, brightness); per note
up to 24 partials at k f0 sqrt(1 + B k^2) on one or two slightly detuned strings (beating), a two-stage decay (prompt
and aftersound, faster for higher partials), brightness rising with velocity, a short hammer knock, and the
damper at the sounding offset (notes above F6 have none, as on a real piano).
"""

from __future__ import annotations

import numpy as np

from platform_core.kinds import NoteEvent

TOP = 8000.0  # Hz: no partial above the band the model hears at 16 kHz
UNDAMPED = 90  # MIDI key from which notes have no damper (F#6)
LONGEST = 4.0  # seconds a note is synthesised at most


def render(notes: list[NoteEvent], rng: np.random.Generator, sample_rate: int = 16000, gain: float = 0.5,
           tail: float = 1.0, end: float | None = None) -> np.ndarray:
    """Mono float32 audio of ``notes`` (their offsets are the sounding ones: the pedal is already in them)."""
    stop = max([n.offset for n in notes] + [end or 0.0], default=0.0) + tail
    out = np.zeros(int(stop * sample_rate) + 1, np.float32)
    inharm = rng.uniform(0.3, 3.0) * 1e-4  # B at middle C
    strike = rng.uniform(1 / 9, 1 / 6)  # hammer position on the string, as a fraction of its length
    sustain = rng.uniform(0.5, 1.8)  # scale of the decay times
    detune = rng.uniform(0.2, 2.0)  # cents between unison strings
    dull = rng.uniform(0.8, 1.6)  # spectral slope at the softest touch
    knock = rng.uniform(0.0, 0.08)
    for n in notes:
        f0 = 440.0 * 2 ** ((n.pitch - 69) / 12)
        b = inharm * 2 ** ((n.pitch - 60) / 18)
        k = np.arange(1, 25, dtype=np.float64)
        fk = k * f0 * np.sqrt(1 + b * k**2)
        keep = fk < min(TOP, 0.48 * sample_rate)
        k, fk = k[keep], fk[keep]
        v = n.velocity / 127
        amp = k ** -(dull * (1.4 - 0.8 * v)) * np.abs(np.sin(np.pi * k * strike)) + 1e-3
        t60 = sustain * 18.0 * 2 ** (-(n.pitch - 21) / 17) / (1 + 0.15 * (k - 1))  # slow stage, per partial
        dur = min(LONGEST, n.offset - n.onset + (0.6 if n.pitch < UNDAMPED else 3.0), float(t60[0]) + 0.3)
        t = np.arange(int(dur * sample_rate), dtype=np.float32) / sample_rate
        rate = (6.9 / t60[:, None]).astype(np.float32)
        env = 0.6 * np.exp(-8 * rate * t[None]) + 0.4 * np.exp(-rate * t[None])
        if n.pitch < UNDAMPED:
            release = n.offset - n.onset
            env *= np.exp(-6.9 * np.maximum(0.0, t - release) / rng.uniform(0.08, 0.3))[None]
        strings = 1 if n.pitch < 33 else 2
        wave = np.zeros(len(t), np.float32)
        for s in range(strings):
            cents = (s - (strings - 1) / 2) * detune + rng.normal(0, 0.2)
            phase = rng.uniform(0, 2 * np.pi, len(k))[:, None]
            freq = (2 * np.pi * fk * 2 ** (cents / 1200))[:, None].astype(np.float32)
            wave += amp.astype(np.float32) @ (env * np.sin(freq * t + phase.astype(np.float32)))
        attack = np.minimum(1.0, t / 0.002)
        wave *= attack * v**1.6 / strings
        hit = int(0.012 * sample_rate)
        wave[:hit] += knock * v * rng.standard_normal(min(hit, len(t))) * np.exp(-t[:hit] / 0.003)
        a = int(round(n.onset * sample_rate))
        m = min(len(wave), len(out) - a)
        out[a:a + m] += wave[:m].astype(np.float32)
    peak = float(np.max(np.abs(out))) if len(out) else 0.0
    return out * (gain / peak if peak > 0 else 1.0)
