"""recog's genre plugin: GTZAN's ten genres from audio, and trainers for labelled audio folders."""
