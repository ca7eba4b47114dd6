"""Live sources: a camera (index or stream URL) and a microphone, stamped with time since the start."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator

import cv2

from platform_core.errors import InputError
from platform_core.kinds import AudioChunk, ImageFrame, Packet
from platform_core.specs import Context
from recog_io.params import MicrophoneParams, WebcamParams


def _camera_name(device: int | str) -> str:
    return f"no camera at index {device}" if isinstance(device, int) else f"cannot open the video stream {device}"


class WebcamSource:
    """Frames from a camera or stream as ``image`` packets, ``t`` = seconds since the first frame was asked for."""

    def __init__(self, params: WebcamParams, context: Context):
        self.params = params

    def packets(self) -> Iterator[Packet]:
        p = self.params
        device = int(p.device) if isinstance(p.device, str) and p.device.isdigit() else p.device
        level = cv2.utils.logging.getLogLevel()
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)  # a missing camera is reported below
        try:
            cap = cv2.VideoCapture(device)
        finally:
            cv2.utils.logging.setLogLevel(level)
        if not cap.isOpened():
            cap.release()
            raise InputError(f"webcam: {_camera_name(device)}")
        try:
            for prop, value in ((cv2.CAP_PROP_FRAME_WIDTH, p.width), (cv2.CAP_PROP_FRAME_HEIGHT, p.height),
                                (cv2.CAP_PROP_FPS, p.fps)):
                if value:
                    cap.set(prop, value)
            start = time.monotonic()
            index = 0
            while True:
                ok, frame = cap.read()
                if not ok or frame is None:
                    if index == 0:
                        raise InputError(f"webcam: {device} opened but gave no frame")
                    return  # the stream ended or the camera went away
                yield Packet(time.monotonic() - start, ImageFrame(frame, source=f"webcam:{device}", index=index),
                             "image")
                index += 1
        finally:
            cap.release()


def _sounddevice():
    try:
        import sounddevice
    except OSError as e:  # the module loads but PortAudio is missing
        raise InputError(f"microphone: audio input is unavailable ({e}; apt install libportaudio2)") from None
    return sounddevice


class MicrophoneSource:
    """Microphone audio as ``audio`` chunks of ``chunk_s``, ``t`` = samples recorded so far / sample rate."""

    def __init__(self, params: MicrophoneParams, context: Context):
        self.params = params

    def packets(self) -> Iterator[Packet]:
        p = self.params
        sd = _sounddevice()
        try:
            sd.query_devices(p.device, kind="input")
        except (ValueError, sd.PortAudioError) as e:
            which = "no default microphone" if p.device is None else f"no microphone {p.device!r}"
            raise InputError(f"microphone: {which} ({e})") from None
        blocks: queue.Queue = queue.Queue(maxsize=64)
        frames = max(1, round(p.chunk_s * p.sample_rate))
        source = f"microphone:{'default' if p.device is None else p.device}"

        received = [0]  # frames delivered by PortAudio, counted even when a block is dropped

        def callback(indata, n, time_info, status):
            try:
                blocks.put_nowait((received[0], indata.copy()))
            except queue.Full:  # the consumer stalled: lose this block rather than grow without bound
                pass
            received[0] += n

        try:
            stream = sd.InputStream(device=p.device, samplerate=p.sample_rate, channels=p.channels,
                                    dtype="float32", blocksize=frames, callback=callback)
        except sd.PortAudioError as e:
            raise InputError(f"microphone: cannot open {source} at {p.sample_rate} Hz, "
                             f"{p.channels} channel(s) ({e})") from None
        with stream:
            while True:
                try:
                    offset, block = blocks.get(timeout=2.0)
                except queue.Empty:
                    if not stream.active:
                        raise InputError(f"microphone: {source} stopped delivering audio") from None
                    continue
                yield Packet(offset / p.sample_rate, AudioChunk(block, p.sample_rate, source), "audio")
