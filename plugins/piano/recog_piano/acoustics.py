"""Rooms, microphones and recording chains simulated on waveforms: rendered pianos made to sound recorded.

A room is a generated impulse response (a direct path, early reflections, and exponentially decaying noise that
decays faster at high frequencies); a microphone or speaker is a random EQ (high-pass, resonances, roll-off);
then background noise, an optional lossy codec (Ogg Vorbis through ffmpeg) and a soft clip.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from scipy import signal


def room_impulse(rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    """A synthetic room impulse response: RT60 0.15-1.2 s, 3-12 early reflections within 3-40 ms, a
    direct-to-reverberant ratio of -3 to +15 dB (less where a reflection would outdo the direct sound); the response
    has a unit direct path, its strongest arrival."""
    rt60 = float(rng.uniform(0.15, 1.2))
    length = int(min(1.5 * rt60, 1.6) * sample_rate)
    t = np.arange(length) / sample_rate
    noise = rng.standard_normal(length)
    cut = float(rng.uniform(1500, 5000)) / (sample_rate / 2)
    lo = signal.sosfilt(signal.butter(2, cut, output="sos"), noise)
    hi = noise - lo
    tail = lo * np.exp(-6.9 * t / rt60) + hi * np.exp(-6.9 * t / (rt60 * rng.uniform(0.3, 0.8)))
    delay = int(rng.uniform(0.003, 0.025) * sample_rate)
    tail[:delay] = 0.0
    ir = np.zeros(length)
    for _ in range(int(rng.integers(3, 13))):
        ir[int(rng.uniform(0.003, 0.04) * sample_rate)] += rng.uniform(0.15, 0.7) * rng.choice([-1.0, 1.0])
    drr = 10 ** (rng.uniform(-3, 15) / 10)  # energy of the direct path over that of everything else
    rest = ir + tail
    rest *= np.sqrt(1.0 / (drr * max(float(np.sum(rest**2)), 1e-12)))
    rest *= min(1.0, 0.8 / max(float(np.max(np.abs(rest))), 1e-12))  # the direct sound stays the strongest arrival
    rest[0] = 1.0
    return rest.astype(np.float32)


def _peaking(freq: float, gain_db: float, q: float, sample_rate: int) -> np.ndarray:
    """One peaking-EQ biquad (RBJ cookbook) as a second-order section."""
    a = 10 ** (gain_db / 40)
    w = 2 * np.pi * freq / sample_rate
    alpha = np.sin(w) / (2 * q)
    b = [1 + alpha * a, -2 * np.cos(w), 1 - alpha * a]
    d = [1 + alpha / a, -2 * np.cos(w), 1 - alpha / a]
    return np.array([*(np.array(b) / d[0]), 1.0, d[1] / d[0], d[2] / d[0]])


def microphone_eq(rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    """Second-order sections of a random microphone/speaker colour: often a high-pass (40-200 Hz), sometimes
    a roll-off (3-7.5 kHz), and 1-3 resonances or dips of up to 10 dB between 80 Hz and 6 kHz."""
    nyq = sample_rate / 2
    sos = []
    if rng.random() < 0.6:
        sos.append(signal.butter(int(rng.integers(1, 3)), rng.uniform(40, 200) / nyq, "highpass", output="sos"))
    if rng.random() < 0.35:
        sos.append(signal.butter(2, min(rng.uniform(3000, 7500), 0.95 * nyq) / nyq, output="sos"))
    for _ in range(int(rng.integers(1, 4))):
        freq = float(np.exp(rng.uniform(np.log(80), np.log(6000))))
        sos.append(_peaking(freq, float(rng.uniform(-10, 10)), float(rng.uniform(0.5, 2.5)), sample_rate)[None])
    return np.concatenate(sos)


def coloured_noise(rng: np.random.Generator, n: int) -> np.ndarray:
    """Unit-power noise with a 1/f^beta spectrum, beta 0 (white) to 2 (brown)."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.maximum(np.fft.rfftfreq(n), 1.0 / n)
    out = np.fft.irfft(spec / f ** (rng.uniform(0, 2) / 2), n)
    return out / max(float(np.std(out)), 1e-12)


def vorbis(audio: np.ndarray, sample_rate: int, quality: int) -> np.ndarray:
    """A round trip through Ogg Vorbis at ``quality`` (0-4) with ffmpeg; the length is kept."""
    import soundfile as sf

    exe = shutil.which("ffmpeg")
    if exe is None:
        raise FileNotFoundError("ffmpeg is not installed (Debian package ffmpeg)")
    with tempfile.TemporaryDirectory() as tmp:
        wav, ogg, back = Path(tmp) / "a.wav", Path(tmp) / "a.ogg", Path(tmp) / "b.wav"
        sf.write(wav, audio, sample_rate, subtype="FLOAT")
        subprocess.run([exe, "-v", "quiet", "-y", "-i", str(wav), "-c:a", "libvorbis", "-q:a", str(quality),
                        str(ogg)], check=True)
        subprocess.run([exe, "-v", "quiet", "-y", "-i", str(ogg), "-ar", str(sample_rate), str(back)], check=True)
        out, _ = sf.read(str(back), dtype="float32", always_2d=True)
    out = out.mean(axis=1)[:len(audio)]
    return np.pad(out, (0, len(audio) - len(out)))


def record(audio: np.ndarray, sample_rate: int, rng: np.random.Generator, codec: float = 0.2) -> np.ndarray:
    """``audio`` as if played in a random room and recorded by a random microphone: reverberation, EQ,
    background noise (SNR 15-50 dB, 70 % of takes), a lossy codec (share ``codec``) and a soft clip (10 %)."""
    peak = float(np.max(np.abs(audio))) if len(audio) else 0.0
    if peak == 0.0:
        return audio.astype(np.float32)
    out = signal.fftconvolve(audio, room_impulse(rng, sample_rate))[:len(audio)]
    out = signal.sosfilt(microphone_eq(rng, sample_rate), out)
    if rng.random() < 0.7:
        snr = 10 ** (rng.uniform(15, 50) / 20)
        out = out + coloured_noise(rng, len(out)) * float(np.sqrt(np.mean(out**2))) / snr
    out *= peak / max(float(np.max(np.abs(out))), 1e-9)
    if rng.random() < 0.1:
        drive = rng.uniform(1.5, 4.0)
        out = np.tanh(drive * out) / drive
    if rng.random() < codec:
        out = vorbis(out.astype(np.float32), sample_rate, int(rng.integers(0, 5)))
    return np.clip(out, -1.0, 1.0).astype(np.float32)
