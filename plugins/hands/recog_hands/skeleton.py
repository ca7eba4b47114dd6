"""The 21-point hand skeleton of MediaPipe Hands: joint names, parents and drawing connections."""

from __future__ import annotations

JOINTS = (
    "wrist",
    "thumb_cmc", "thumb_mcp", "thumb_ip", "thumb_tip",
    "index_mcp", "index_pip", "index_dip", "index_tip",
    "middle_mcp", "middle_pip", "middle_dip", "middle_tip",
    "ring_mcp", "ring_pip", "ring_dip", "ring_tip",
    "pinky_mcp", "pinky_pip", "pinky_dip", "pinky_tip",
)

# Each finger is a chain from the wrist: wrist -> 1 -> 2 -> 3 -> 4, wrist -> 5 -> ... -> 8, and so on.
PARENTS = (-1,) + tuple(0 if i % 4 == 1 else i - 1 for i in range(1, 21))
CHILDREN = tuple(tuple(j for j, p in enumerate(PARENTS) if p == i) for i in range(21))
TIPS = (4, 8, 12, 16, 20)
CONNECTIONS = tuple((p, i) for i, p in enumerate(PARENTS) if p >= 0) + ((5, 9), (9, 13), (13, 17))
