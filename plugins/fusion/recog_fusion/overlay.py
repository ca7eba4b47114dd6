"""The overlay video: the take's frames with the keys outlined, each sounding key lit, the hands' skeletons and the
hand and finger number at the fingertip that plays."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from platform_core.kinds import Hand, HandsFrame
from recog_fusion.model import TIPS, Fingering

_COLOURS = {"left": (255, 160, 0), "right": (0, 140, 255), None: (160, 160, 160)}


def write_overlay(f: Fingering, path: Path, fps: float | None = None) -> Path | None:
    """Draw over every frame of the take's video; None when there is no video to draw on."""
    import cv2

    from recog_io.draw import draw_hands
    from recog_io.overlay import pick_codec
    from recog_io.video_file import video_packets

    take = f.take
    if take is None or not len(take.times):
        return None
    kb = f.keyboard
    outlines = {p: kb.outline(p).astype(np.int32) for p in kb.pitches()} if kb is not None else {}
    rate = fps or take.fps
    writer = None
    index = {round(t, 6): i for i, t in enumerate(take.times)}
    try:
        for packet in video_packets(take.source):
            i = index.get(round(packet.t, 6))
            if i is None:
                continue
            image = packet.data.image.copy()
            if writer is None:
                h, w = image.shape[:2]
                writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*pick_codec("auto")), rate, (w, h))
            t_audio = packet.t + f.offset_s
            sounding = [n for n in f.notes if n.onset <= t_audio < n.offset]
            lit = image.copy()
            for n in sounding:
                if n.pitch in outlines:
                    cv2.fillPoly(lit, [outlines[n.pitch]], _COLOURS[n.hand])
            image = cv2.addWeighted(lit, 0.45, image, 0.55, 0)
            for o in outlines.values():
                cv2.polylines(image, [o], True, (0, 200, 0), 1)
            hands = [Hand(tid, side, 1.0, pts, np.zeros((21, 3))) for tid, side, pts in take.hands[i]]
            image = draw_hands(image, HandsFrame(i, hands, take.width, take.height))
            where = {tid: pts for tid, _, pts in take.hands[i]}
            for n in sounding:
                if n.finger is None:
                    continue
                pts = where.get(n.track_id)
                x, y = (pts[TIPS[n.finger - 1], :2] if pts is not None else (n.x, n.y))
                text = f"{'L' if n.hand == 'left' else 'R'}{n.finger}"
                cv2.circle(image, (int(x), int(y)), 6, _COLOURS[n.hand], -1)
                cv2.putText(image, text, (int(x) + 6, int(y) - 6), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 3)
                cv2.putText(image, text, (int(x) + 6, int(y) - 6), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1)
            writer.write(image)
    finally:
        if writer is not None:
            writer.release()
    return Path(path) if writer is not None else None
