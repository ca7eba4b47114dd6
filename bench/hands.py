"""Hands benchmark: keypoint agreement with MediaPipe's reference, `recog run` speed against a plain MediaPipe
loop over the same video in the same run, jitter of a still hand and the lag of One Euro smoothing; and PCK@0.2 on
human-annotated photos through `recog run pipelines/hands.yaml --input DIR --out OUT` beside raw MediaPipe (image
mode) at its default and a low threshold, in the same run.

    python bench/hands.py [--repeats 3] [--photos-only]

Needs ../shared/data/hands (asl_hand.25fps.mp4, its reference keypoints asl_hand.full.json, 325 frames).
Anchor for accuracy: the share of frames with every keypoint within 26 px of the reference (upstream tolerance).
Anchor for speed: a plain Tasks API loop (OpenCV decode + HandLandmarker.detect_for_video) with the same model,
timed in this process, alternating with `recog run`'s own code path (platform_core.batch.run_job).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import hands_photos  # noqa: E402  (bench/ is on sys.path when run as a script)
import numpy as np

from platform_core import Context, ImageFrame, Packet, models, plugins
from platform_core.batch import Job, run_job
from recog_hands.landmarker import MODEL_IDS
from recog_hands.stage import HandLandmarks, LandmarksParams

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "hands"
VIDEO = DATA / "asl_hand.25fps.mp4"
TOLERANCE_PX = 26.0


def reference() -> np.ndarray:
    return np.array(json.loads((DATA / "asl_hand.full.json").read_text()))[:, :, :2]  # (325, 21, 2)


def frames() -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(VIDEO))
    out = []
    while True:
        ok, image = cap.read()
        if not ok:
            return out
        out.append(image)


def plain_loop(variant: str = "full") -> tuple[list[np.ndarray | None], float, float]:
    """The anchor: decode and detect every frame with the Tasks API directly; (keypoints, wall fps, CPU fps)."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    start, cpu = time.perf_counter(), time.process_time()
    task = vision.HandLandmarker.create_from_options(vision.HandLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(models.path(MODEL_IDS[variant]))),
        running_mode=vision.RunningMode.VIDEO, num_hands=2))
    cap = cv2.VideoCapture(str(VIDEO))
    fps_file = cap.get(cv2.CAP_PROP_FPS)
    out, i = [], 0
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        rgb = mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        r = task.detect_for_video(rgb, int(i * 1000 / fps_file))
        h, w = bgr.shape[:2]
        out.append(np.array([(p.x * w, p.y * h) for p in r.hand_landmarks[0]]) if r.hand_landmarks else None)
        i += 1
    task.close()
    return out, i / (time.perf_counter() - start), i / (time.process_time() - cpu)


def recog_run(out_dir: Path, variant: str = "full") -> tuple[list[np.ndarray | None], float, float]:
    """`recog run` on the video (video-file -> hands.landmarks -> hands.landmarks-jsonl); (keypoints, wall fps,
    CPU fps), timing what `recog run` does per input: build the pipeline, load the model, run, write."""
    pipe = out_dir / f"bench-{variant}.yaml"  # one file per variant: pipelines are cached by file name
    pipe.write_text(f"version: 1\nsources:\n  video: {{use: video-file, path: {VIDEO}}}\nsteps:\n"
                    f"  hands: {{use: hands.landmarks, input: video, variant: {variant}}}\n"
                    "outputs:\n  - {use: hands.landmarks-jsonl, input: hands}\n")
    start, cpu = time.perf_counter(), time.process_time()
    rec = run_job(Job(str(pipe), {}, None, "asl", str(out_dir)))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    if not rec.ok:
        raise SystemExit(f"recog run failed: {rec.error}")
    lines = [json.loads(s) for s in (out_dir / "asl.landmarks.jsonl").read_text().splitlines()]
    kps = [np.array(x["hands"][0]["landmarks"])[:, :2] if x["hands"] else None for x in lines]
    return kps, len(lines) / wall, len(lines) / cpu


def agreement(kps: list[np.ndarray | None], ref: np.ndarray) -> tuple[int, float]:
    """Frames whose 21 keypoints all lie within the tolerance, and the median worst-keypoint error (px)."""
    worst = np.array([np.inf if k is None else np.linalg.norm(k - r, axis=1).max() for k, r in zip(kps, ref,
                                                                                                   strict=True)])
    return int((worst <= TOLERANCE_PX).sum()), float(np.median(worst))


def stage_track(images: list[np.ndarray], mode: str = "video", **params) -> list[np.ndarray | None]:
    """Pixel keypoints of the first hand per frame through hands.landmarks at 25 fps."""
    stage = HandLandmarks(LandmarksParams(mode=mode, **params), Context(input=str(VIDEO)))
    out = []
    for i, image in enumerate(images):
        f = stage(Packet(i / 25, ImageFrame(image, str(VIDEO), i), "image"))
        out.append(f.hands[0].landmarks[:, :2].astype(float) if f.hands else None)
    stage.flush()
    return out


def jitter(kps: list[np.ndarray | None]) -> float:
    """Mean frame-to-frame displacement of the keypoints (px), after a 10-frame settling time."""
    k = np.array(kps[10:])
    return float(np.linalg.norm(np.diff(k, axis=0), axis=2).mean())


def still_clip(image: np.ndarray, n: int = 100, noise: float = 3.0) -> list[np.ndarray]:
    """A still hand: one real frame repeated with fresh sensor noise (Gaussian, ``noise`` grey levels)."""
    rng = np.random.default_rng(0)
    return [np.clip(image + rng.normal(0, noise, image.shape), 0, 255).astype(np.uint8) for _ in range(n)]


def lag_ms(raw: list[np.ndarray], smooth: list[np.ndarray], fps: float = 25.0) -> tuple[float, float]:
    """Delay of the smoothed track behind the raw one (the delay of the raw track, interpolated in time, that
    best matches the smoothed one; 1 ms steps) and the mean distance between the two (px)."""
    r, s = np.array(raw), np.array(smooth)
    t = np.arange(len(r)) / fps
    flat = r.reshape(len(r), -1)

    def delayed(d: float) -> np.ndarray:
        return np.stack([np.interp(t - d, t, flat[:, j]) for j in range(flat.shape[1])], axis=1).reshape(r.shape)

    delays = np.arange(0, 0.121, 0.001)
    err = [np.linalg.norm(s[5:] - delayed(d)[5:], axis=2).mean() for d in delays]
    return 1000.0 * float(delays[int(np.argmin(err))]), float(np.linalg.norm(s - r, axis=2).mean())


def raw_image_mode(photos: list[hands_photos.Photo], threshold: float) -> tuple[list[list[np.ndarray]], float]:
    """The anchor: MediaPipe's Tasks API in image mode, one detect per photo, thresholds at ``threshold``;
    (hands per photo, CPU seconds of the whole run: model load, decoding, detection)."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    cpu = time.process_time()
    task = vision.HandLandmarker.create_from_options(vision.HandLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(models.path(MODEL_IDS["full"]))),
        running_mode=vision.RunningMode.IMAGE, num_hands=4, min_hand_detection_confidence=threshold,
        min_hand_presence_confidence=threshold))
    out = []
    for p in photos:
        bgr = cv2.imread(str(p.path))
        r = task.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)))
        h, w = bgr.shape[:2]
        out.append([np.array([(q.x * w, q.y * h) for q in lms]) for lms in r.hand_landmarks])
    task.close()
    return out, time.process_time() - cpu


def recog_run_photos(photos: list[hands_photos.Photo], tmp: Path) -> tuple[list[list[np.ndarray]], float]:
    """`recog run pipelines/hands.yaml --input DIR --out OUT` on a folder holding the photos (as a user runs it);
    (hands per photo, CPU seconds of the command: start-up, model loads, every photo, the outputs written)."""
    folder, out = tmp / "photos", tmp / "out"
    folder.mkdir(parents=True)
    for p in photos:
        (folder / p.path.name).symlink_to(p.path)
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run([sys.executable, "-m", "platform_core", "run", str(ROOT / "pipelines" / "hands.yaml"),
                          "--input", str(folder), "--out", str(out)], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"recog run failed ({run.returncode}): {run.stderr[-2000:]}")
    end = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = end.ru_utime + end.ru_stime - cpu.ru_utime - cpu.ru_stime
    found = []
    for p in photos:
        (line,) = (out / f"{p.path.stem}.landmarks.jsonl").read_text().splitlines()
        found.append([np.array(h["landmarks"])[:, :2] for h in json.loads(line)["hands"]])
    return found, cpu_s


def photo_rows(tmp: Path) -> list[tuple[str, str, str]]:
    photos = hands_photos.photos(tmp)
    hands = sum(len(p.hands) for p in photos)

    def score(found: list[list[np.ndarray]], subset: set[str] | None = None) -> tuple[float, int, int]:
        c = n = m = k = 0
        for p, f in zip(photos, found, strict=True):
            if subset is None or p.source in subset:
                pc, pn, pm = hands_photos.pck(p.hands, f)
                c, n, m, k = c + pc, n + pn, m + pm, k + len(p.hands)
        return c / n, m, k

    ours, ours_cpu = recog_run_photos(photos, tmp)
    _, one_cpu = recog_run_photos(photos[:1], tmp / "one")  # start-up and one photo: the rest is per photo
    (default, default_cpu), (low, _) = raw_image_mode(photos, 0.5), raw_image_mode(photos, 0.1)
    rows = []
    for label, subset in (("all", None), ("hand-centred (InterHand2.6M, RHD, crop)", {"interhand2.6m", "rhd", "crop"}),
                          ("COCO scenes (hands of 11-24 px)", {"coco"})):
        (o, om, k), (d, dm, _), (lo, lm, _) = score(ours, subset), score(default, subset), score(low, subset)
        rows.append((f"PCK@0.2 on annotated photos, {label}: recog run hands.yaml", f"{o:.3f} ({om}/{k} hands)",
                     f"raw MediaPipe image mode 0.5: {d:.3f} ({dm}/{k}); 0.1: {lo:.3f} ({lm}/{k}); target >= 0.90"))
    rows.append(("CPU seconds per photo, recog run hands.yaml (12 photos less 1 photo, over 11)",
                 f"{(ours_cpu - one_cpu) / (len(photos) - 1):.2f} s",
                 f"raw MediaPipe image mode 0.5, in process: {default_cpu / len(photos):.2f} s; recog run's "
                 f"start-up with one photo {one_cpu:.1f} s"))
    rows.append(("(photos, hands)", f"{len(photos)}, {hands}", "../shared/data/hands-photos + a tight crop of "
                                                             "hands.jpg; PCK radius 0.2 x the hand's box side"))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3, help="alternating speed runs of each (best is kept)")
    ap.add_argument("--photos-only", action="store_true", help="only the rows on annotated photos")
    args = ap.parse_args()
    if args.photos_only:
        with tempfile.TemporaryDirectory() as tmp:
            print_rows(photo_rows(Path(tmp)), "annotated photos")
        return
    ref = reference()
    plugins.registry()  # load the installed plugins once, as `recog run` does before its first input
    rows = []
    best = {"plain": [0.0, 0.0], "run": [0.0, 0.0]}  # best wall and CPU fps of each
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):  # alternate, so both see the same machine load
            plain_kps, *fps = plain_loop()
            best["plain"] = np.maximum(best["plain"], fps)
            run_kps, *fps = recog_run(Path(tmp))
            best["run"] = np.maximum(best["run"], fps)
        lite_kps, lite_fps, lite_cpu = recog_run(Path(tmp), "lite")
    (plain_fps, plain_cpu), (run_fps, run_cpu) = best["plain"], best["run"]
    n = len(ref)
    ok_plain, med_plain = agreement(plain_kps, ref)
    ok_run, med_run = agreement(run_kps, ref)
    ok_lite, med_lite = agreement(lite_kps, ref)
    rows += [
        ("frames within 26 px, recog run (full, smoothing off)", f"{ok_run}/{n} ({ok_run / n:.1%})",
         f"plain Tasks API loop {ok_plain}/{n}; target >= 99 %"),
        ("median worst-keypoint error, recog run (full)", f"{med_run:.2f} px", f"plain loop {med_plain:.2f} px"),
        ("frames within 26 px, recog run (lite)", f"{ok_lite}/{n} ({ok_lite / n:.1%})", "(the reference is full)"),
        ("median worst-keypoint error, recog run (lite)", f"{med_lite:.2f} px", ""),
        ("speed per CPU second, recog run (full, video-file -> jsonl)", f"{run_cpu:.1f} fps",
         f"plain loop {plain_cpu:.1f} fps; ratio {run_cpu / plain_cpu:.2f} (target >= 0.95)"),
        ("speed per wall second, recog run (full)", f"{run_fps:.1f} fps",
         f"plain loop {plain_fps:.1f} fps; ratio {run_fps / plain_fps:.2f} (shared machine: noisy)"),
        ("speed, recog run (lite), per CPU / wall second", f"{lite_cpu:.1f} / {lite_fps:.1f} fps", "one run"),
    ]
    images = frames()
    still = still_clip(images[0])
    j_image = jitter(stage_track(still, mode="image"))
    j_video = jitter(stage_track(still))
    j_smooth = jitter(stage_track(still, smoothing=True))
    rows += [
        ("jitter of a still hand (frame 0 + noise sd 3), no smoothing", f"{j_video:.2f} px/frame",
         f"image mode (no filter at all) {j_image:.2f} px/frame"),
        ("jitter of a still hand, One Euro (min_cutoff 1, beta 0.05)", f"{j_smooth:.2f} px/frame",
         f"{1 - j_smooth / j_video:.0%} less than no smoothing"),
    ]
    raw = stage_track(images)
    smooth = stage_track(images, smoothing=True)
    both = [(r, s) for r, s in zip(raw, smooth, strict=True) if r is not None and s is not None]
    ok_smooth, med_smooth = agreement(smooth, ref)
    lag, gap = lag_ms(*zip(*both, strict=True))
    rows += [
        ("lag of One Euro smoothing on the ASL video", f"{lag:.0f} ms",
         f"delay that best aligns raw with smoothed; mean gap {gap:.2f} px"),
        ("frames within 26 px with smoothing on", f"{ok_smooth}/{n}", f"median worst error {med_smooth:.2f} px"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        rows += photo_rows(Path(tmp))
    print_rows(rows, f"{VIDEO.name}, {n} frames 620x1080; annotated photos")


def print_rows(rows: list[tuple[str, str, str]], what: str) -> None:
    print(f"# hands benchmark on {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}; {what}")
    w = max(len(r[0]) for r in rows)
    print(f"{'metric':<{w}}  {'ours':>22}  anchor")
    for name, ours, anchor in rows:
        print(f"{name:<{w}}  {ours:>22}  {anchor}")


if __name__ == "__main__":
    main()
