"""recog's digits plugin: handwritten digits and digit strings from images."""
