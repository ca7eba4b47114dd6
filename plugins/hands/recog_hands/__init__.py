"""recog's hands plugin: MediaPipe hand landmarks with stable track ids, smoothing and BVH export."""
