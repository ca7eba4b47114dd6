"""recog-fusion: which hand and finger played each note."""
