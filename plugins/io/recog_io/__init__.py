"""recog's generic sources and renderers: image, video and audio files, webcam, microphone, replay; console,
JSON, JSONL, CSV, image and video overlays, plots."""
