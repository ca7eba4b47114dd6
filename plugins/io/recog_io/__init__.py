"""recog's generic sources and renderers: image, video and audio files, webcam, microphone, replay; console,
JSON, JSONL, CSV, image and video overlays, plots."""

import os

# OpenCV's own decoder limit, in case a header fools our checks (effective when cv2 is imported after this)
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", "100000000")
