"""Audio files and the audio tracks of videos: streamed decoding, resampling, down-mixing and chunking.

WAV, FLAC, OGG and MP3 decode with soundfile (libsndfile); M4A and the tracks of MP4/MKV/MOV/WEBM files (and any
file libsndfile refuses) decode with the ``ffmpeg`` program.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from platform_core.errors import InputError
from platform_core.kinds import AudioChunk, Packet
from platform_core.specs import Context
from recog_io.params import AudioFileParams
from recog_io.paths import existing_file, require_path

SOUNDFILE_EXTENSIONS = {".wav", ".flac", ".ogg", ".oga", ".mp3", ".aif", ".aiff"}
BLOCK = 1 << 16  # frames decoded at a time
MAX_WHOLE_S = 30 * 60  # the longest audio read whole (chunk_s: None); chunked reading has no limit
MP3_FRAME = 1152  # decoders may differ from a declared length by up to one MP3 frame
_STREAMING_SIZES = {0, 0xFFFFFFFF, 0x7FFFFFFF}  # data sizes a streaming writer leaves in a WAV header


class Decoded:
    """An opened audio file: its native rate, channel count and a generator of float32 (n, channels) blocks."""

    def __init__(self, sample_rate: int, channels: int, blocks: Iterator[np.ndarray]):
        self.sample_rate, self.channels, self.blocks = sample_rate, channels, blocks


def open_audio(path: str | Path) -> Decoded:
    """Open ``path`` for decoding; InputError names the file when it is missing, empty, corrupt or truncated."""
    p = existing_file(path)
    if p.suffix.lower() in SOUNDFILE_EXTENSIONS:
        try:
            return _soundfile(p)
        except sf.LibsndfileError as e:
            sf_error = str(e).replace(f"Error opening '{p}': ", "").strip()
            if shutil.which("ffmpeg") is None:
                raise InputError(f"{p}: not a readable audio file ({sf_error})") from None
            try:
                return _ffmpeg(p)
            except InputError as e2:
                why = str(e2).removeprefix(f"{p}: ")
                raise InputError(f"{p}: not a readable audio file (libsndfile: {sf_error}; ffmpeg: {why})") from None
    return _ffmpeg(p)


def _soundfile(p: Path) -> Decoded:
    info = sf.info(str(p))
    declared = re.search(r"^data : (\d+) \(should be (\d+)\)", info.extra_info, re.M)
    if declared and int(declared[1]) not in _STREAMING_SIZES and int(declared[1]) > int(declared[2]):
        raise InputError(f"{p}: truncated audio file (header declares {declared[1]} bytes of samples, "
                         f"the file holds {declared[2]})")
    if info.frames == 0:
        raise InputError(f"{p}: the audio file holds no samples")

    def blocks() -> Iterator[np.ndarray]:
        total = 0
        try:
            with sf.SoundFile(str(p)) as f:
                while len(block := f.read(BLOCK, dtype="float32", always_2d=True)):
                    total += len(block)
                    yield block
        except (sf.LibsndfileError, RuntimeError) as e:
            raise InputError(f"{p}: corrupt audio data ({e})") from None
        if total + MP3_FRAME < info.frames:
            raise InputError(f"{p}: truncated audio file (the header declares {info.frames} frames, "
                             f"{total} could be decoded)")

    return Decoded(info.samplerate, info.channels, blocks())


def _ffmpeg(p: Path) -> Decoded:
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        raise InputError(f"{p}: decoding {p.suffix or 'this file'} needs ffmpeg, which is not installed "
                         "(apt install ffmpeg)")
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=sample_rate,channels",
         "-of", "json", str(p)], capture_output=True, text=True)
    if probe.returncode != 0:
        raise InputError(f"{p}: not a readable media file ({_last_line(probe.stderr, p)})")
    streams = json.loads(probe.stdout or "{}").get("streams", [])
    if not streams:
        raise InputError(f"{p}: the file has no audio track")
    rate, channels = int(streams[0].get("sample_rate", 0)), int(streams[0].get("channels", 0))
    if rate <= 0 or channels <= 0:
        raise InputError(f"{p}: the audio track declares no sample rate or channels")

    def blocks() -> Iterator[np.ndarray]:
        frame_bytes = 4 * channels
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(
                ["ffmpeg", "-nostdin", "-v", "error", "-i", str(p), "-map", "0:a:0", "-f", "f32le",
                 "-acodec", "pcm_f32le", "-"], stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL)
            try:
                pending = b""
                total = 0
                while chunk := proc.stdout.read(BLOCK * frame_bytes):
                    pending += chunk
                    usable = len(pending) - len(pending) % frame_bytes
                    if usable:
                        total += usable // frame_bytes
                        yield np.frombuffer(pending[:usable], np.float32).reshape(-1, channels).copy()
                        pending = pending[usable:]
                rc = proc.wait()
                err.seek(0)
                message = err.read().decode("utf-8", "replace").strip()
                if rc != 0 or message:
                    raise InputError(f"{p}: corrupt audio data ({_last_line(message, p) or f'ffmpeg exit code {rc}'})")
                if total == 0:
                    raise InputError(f"{p}: the audio track holds no samples")
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                proc.stdout.close()

    return Decoded(rate, channels, blocks())


def _last_line(text: str, p: Path) -> str:
    """The last line ffmpeg printed, without the file name it starts with."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1].removeprefix(f"{p}: ") if lines else ""


def audio_blocks(path: str | Path, sample_rate: int | None = None, mono: bool = False) -> tuple[int, Iterator]:
    """The output sample rate and a generator of float32 (n, channels) blocks, resampled and down-mixed."""
    d = open_audio(path)
    rate = sample_rate or d.sample_rate

    def blocks() -> Iterator[np.ndarray]:
        resampler = None
        if rate != d.sample_rate:
            resampler = soxr.ResampleStream(d.sample_rate, rate, d.channels, dtype="float32", quality="HQ")
        for block in d.blocks:
            if resampler is not None:
                block = resampler.resample_chunk(block, last=False)
            if len(block):
                yield block.mean(axis=1, keepdims=True) if mono and d.channels > 1 else block
        if resampler is not None:
            tail = resampler.resample_chunk(np.zeros((0, d.channels), np.float32), last=True)
            if len(tail):
                yield tail.mean(axis=1, keepdims=True) if mono and d.channels > 1 else tail

    return rate, blocks()


def _whole(path: str | Path, rate: int, blocks: Iterator[np.ndarray]) -> np.ndarray:
    """Every block of a file in one array, refusing (as decoded, whatever the header says) past MAX_WHOLE_S."""
    parts, total, limit = [], 0, MAX_WHOLE_S * rate
    for block in blocks:
        total += len(block)
        if total > limit:
            raise InputError(f"{path}: longer than {MAX_WHOLE_S} s, the limit for reading a whole "
                             "file at once; stream it in chunks instead (chunk_s)")
        parts.append(block)
    if not parts:
        raise InputError(f"{path}: the audio file holds no samples")
    return np.concatenate(parts)


def read_audio(path: str | Path, sample_rate: int | None = None, mono: bool = False) -> tuple[np.ndarray, int]:
    """A whole file (up to MAX_WHOLE_S) as float32 (n, channels) samples and their rate."""
    rate, blocks = audio_blocks(path, sample_rate, mono)
    return _whole(path, rate, blocks), rate


def audio_packets(path: str | Path, sample_rate: int | None = None, mono: bool = False,
                  chunk_s: float | None = None) -> Iterator[Packet]:
    """``audio`` packets of ``path``: the whole file at t=0, or consecutive ``chunk_s`` chunks at their start time.

    The last chunk holds what is left (it may be shorter).
    """
    rate, blocks = audio_blocks(path, sample_rate, mono)
    src = str(path)
    if chunk_s is None:
        yield Packet(0.0, AudioChunk(_whole(path, rate, blocks), rate, src), "audio")
        return
    size = max(1, round(chunk_s * rate))
    buffered: list[np.ndarray] = []
    held = emitted = 0
    for block in blocks:
        buffered.append(block)
        held += len(block)
        if held < size:
            continue
        data = np.concatenate(buffered)
        n = len(data) - len(data) % size
        for start in range(0, n, size):
            yield Packet((emitted + start) / rate, AudioChunk(data[start:start + size], rate, src), "audio")
        emitted += n
        buffered, held = [data[n:]], len(data) - n
    if held:
        yield Packet(emitted / rate, AudioChunk(np.concatenate(buffered), rate, src), "audio")


class AudioFileSource:
    """An audio file as ``audio`` packets: the whole file, or consecutive chunks stamped with their start."""

    def __init__(self, params: AudioFileParams, context: Context):
        self.params = params

    def packets(self) -> Iterator[Packet]:
        p = self.params
        yield from audio_packets(require_path(p.path, "audio-file"), p.sample_rate, p.mono, p.chunk_s)
