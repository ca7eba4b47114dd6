"""Optical music recognition for recog: staff detection, a CRNN staff reader and score writers."""
