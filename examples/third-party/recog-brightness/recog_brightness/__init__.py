"""recog-brightness: a recog plugin."""
