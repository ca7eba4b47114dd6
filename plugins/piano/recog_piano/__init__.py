"""recog piano plugin."""
