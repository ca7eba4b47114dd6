"""Notes from the network's frame outputs: onset peaks start notes, the frame head holds them, velocity at onset.

A note whose onset probability is under SURE counts only if the frame head still holds it two frames after its
onset frame, three when a key a harmonic away (an octave, a twelfth, ... above or below) has a stronger onset
within two frames: the blips that die sooner are the network's harmonic ghosts and attack thumps (a twelfth
over a loud note, a low key at a chord's attack). A key its frame head held within the last RECENT frames is
struck again only by an onset of at least ``Thresholds.restrike``: the weaker peaks there are the swells and
beats of a sounding string. A sure onset is reported at once, for the live latency. The decoder is incremental
(frames may arrive in any chunking) and gives the same notes as one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from platform_core.kinds import NoteEvent
from recog_piano.features import FPS
from recog_piano.notes import LOWEST


@dataclass
class Thresholds:
    onset: float = 0.5
    frame: float = 0.5
    restrike: float = 0.0  # onset probability that strikes a key again while it sounds (0: any onset peak)
    hold: int = 1  # frames under the frame threshold that end a note (its offset is the first of them)


CONFIRM = 2  # frames after its onset frame at which a weak note must still sound to count (64 ms)
HARMONICS = (12, 19, 24, 28, 31, 34, 36)  # semitones to the keys whose stronger onset makes it wait one frame more
SURE = 0.9  # onset probability from which a note counts at once (tuned on the validation pieces)
RECENT = 3  # frames: a key its frame head held this recently needs a Thresholds.restrike onset


class NoteDecoder:
    """Turns (onset, offset, frame, velocity) probability frames into notes; a note is reported as started one
    frame after its onset frame if sure, else when the frame ``CONFIRM`` frames after its onset arrives."""

    def __init__(self, thresholds: Thresholds | None = None, keys: int = 88):
        self.th = thresholds or Thresholds()
        self.keys = keys
        self.t = 0  # index of the next frame to decide
        self._prev = np.zeros(keys, np.float32)  # onset probability at t - 1
        self._prev2 = np.zeros(keys, np.float32)  # onset probability at t - 2
        self._held: list[np.ndarray] | None = None  # the outputs of frame t, waiting for t + 1
        self.active = np.zeros(keys, bool)
        self.confirmed = np.zeros(keys, bool)  # active notes that lasted CONFIRM frames (reported as started)
        self.start = np.zeros(keys)  # onset time of the sounding note
        self.start_frame = np.zeros(keys, int)
        self.need = np.full(keys, CONFIRM)  # frames after the onset frame at which the note is confirmed
        self.vel = np.zeros(keys)
        self.conf = np.zeros(keys)
        self.sounded = np.full(keys, -RECENT - 1)  # last frame at which each key's frame head held it
        self.low = np.zeros(keys, int)  # frames in a row a sounding note's frame head has been under its threshold

    def push(self, onset, offset, frame, velocity) -> tuple[list[NoteEvent], list[NoteEvent]]:
        """Add frames (each (n, 88)); returns (notes started, notes ended) so far.

        A started note's offset is provisional (its onset); the ended list holds the final notes.
        """
        started, ended = [], []
        for i in range(len(onset)):
            cur = [onset[i], offset[i], frame[i], velocity[i]]
            if self._held is not None:
                self._decide(self._held, cur[0], started, ended)
            self._confirm(cur[2], started)
            self._held = cur
        return started, ended

    def finish(self) -> tuple[list[NoteEvent], list[NoteEvent]]:
        """Decide the last frame and end the notes still sounding."""
        started, ended = [], []
        if self._held is not None:
            self._decide(self._held, np.zeros(self.keys, np.float32), started, ended)
            self._held = None
        for k in np.flatnonzero(self.active & ~self.confirmed):  # too close to the end to be confirmed
            started.append(self._note(k, self.start[k]))
        for k in np.flatnonzero(self.active):
            ended.append(self._note(k, max(self.t / FPS, self.start[k] + 1 / FPS)))
        self.active[:] = False
        return started, ended

    def _note(self, k: int, end: float) -> NoteEvent:
        return NoteEvent(int(k + LOWEST), float(self.start[k]), float(end),
                         int(np.clip(round(self.vel[k] * 127), 1, 127)), float(self.conf[k]))

    def _confirm(self, frame, started) -> None:
        """Frame ``self.t`` has arrived: notes that began ``need`` frames before and still sound there count."""
        due = self.active & ~self.confirmed & (self.start_frame == self.t - self.need) & (frame >= self.th.frame)
        for k in np.flatnonzero(due):
            self.confirmed[k] = True
            started.append(self._note(k, self.start[k]))

    def _decide(self, cur, nxt_onset, started, ended) -> None:
        on, _off, fr, vel = cur
        t = self.t
        peak = (on >= self.th.onset) & (on >= self._prev) & (on > nxt_onset)
        peak &= (on >= self.th.restrike) | (self.sounded < t - RECENT)  # a weak onset of a sounding key: a swell
        self.low = np.where(self.active & (fr < self.th.frame), self.low + 1, 0)
        stop = self.active & (((self.low >= self.th.hold) & (t > self.start_frame + 1)) | peak)
        if peak.any():  # most frames have no onset: skip the per-onset work there
            # sub-frame onset time from a parabola through the three onset probabilities
            den = self._prev - 2 * on + nxt_onset
            shift = np.where(np.abs(den) > 1e-6, 0.5 * (self._prev - nxt_onset) / np.where(den == 0, 1, den), 0.0)
            when = (t + np.clip(shift, -0.5, 0.5)) / FPS
            near = np.max([self._prev2, self._prev, on, nxt_onset], axis=0)  # onsets within two frames
            padded = np.pad(near, HARMONICS[-1])
            related = np.max([padded[HARMONICS[-1] + d:HARMONICS[-1] + d + self.keys]
                              for h in HARMONICS for d in (h, -h)], axis=0)
        for k in np.flatnonzero(stop & self.confirmed):  # an unconfirmed note that stops here is dropped
            end = when[k] if peak[k] else (t + 1 - self.low[k]) / FPS
            ended.append(self._note(k, max(end, self.start[k] + 1 / FPS)))
        self.active[stop] = False
        for k in np.flatnonzero(peak):
            self.need[k] = CONFIRM + int(related[k] > on[k])
            self.active[k], self.confirmed[k] = True, bool(on[k] >= SURE)
            self.start[k], self.start_frame[k] = max(0.0, when[k]), t
            self.vel[k], self.conf[k], self.low[k] = vel[k], on[k], 0
            if self.confirmed[k]:
                started.append(self._note(k, self.start[k]))
        self.sounded[fr >= self.th.frame] = t
        self._prev2, self._prev = self._prev, on
        self.t += 1
