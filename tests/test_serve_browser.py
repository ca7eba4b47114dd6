"""`recog serve` driven in a real headless Chromium (Debian's, through Playwright) on the shipped pipelines.

Screenshots of the pages go to $RECOG_SCREENSHOTS (docs/img holds the ones docs/web.md shows), else a temp folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from playwright import sync_api

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RUN_TIMEOUT_MS = 240_000  # a cold start loads the models on a busy two-core machine

assert os.path.exists(CHROMIUM), "no Chromium: scripts/install installs the Debian package `chromium`"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on the shipped sheet, digits and piano pipelines, served by uvicorn on a free local port."""
    from platform_core.serve.app import create_app

    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)  # the pipelines name their examples relative to the repository
        app = create_app([ROOT / "pipelines" / f"{p}.yaml" for p in ("sheet", "digits", "piano")],
                         tmp_path_factory.mktemp("runs"), workers=2, allowed_hosts=["127.0.0.1"])
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=srv.run, daemon=True)
        thread.start()
        while not srv.started:
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
        srv.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def playwright():
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright):
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield b
    b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = ctx.new_page()
    yield pg
    ctx.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("RECOG_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload(page, url: str, file) -> None:
    page.goto(url)
    page.set_input_files("#file", file)
    page.click("#run")


def finished(page, state: str = "done") -> None:
    """Wait until the run's page shows the run ended, and check how."""
    page.wait_for_selector("#status[data-state=done], #status[data-state=failed]", timeout=RUN_TIMEOUT_MS)
    assert page.get_attribute("#status", "data-state") == state, page.inner_text("main")


def test_a_sheet_page_comes_back_engraved_with_downloads(server, page, shots):
    page.goto(server)
    page.screenshot(path=shots / "index.png")
    upload(page, f"{server}/p/sheet", ROOT / "examples/sheet/bach_bwv437.png")
    finished(page)
    score = page.locator(".view-score")  # the finished page is rendered by the server, the score engraved in it
    assert score.locator("svg").count() >= 1, score.inner_text()  # a page of SVG per engraved page
    assert page.locator(".score svg g.note").count() > 20  # verovio engraved the recognised notes
    link = page.locator("a.download", has_text="bach_bwv437.musicxml")
    assert link.is_visible()
    got = page.request.get(link.get_attribute("href"))
    assert got.ok and "<score-partwise" in got.text()
    assert page.locator("a.download", has_text="bach_bwv437.mid").count() == 1
    assert page.locator(".view-image img").evaluate("img => img.naturalWidth") > 0  # the overlay
    page.locator(".view-score").scroll_into_view_if_needed()
    page.screenshot(path=shots / "sheet.png")


def test_a_digit_drawn_on_the_canvas_is_read(server, page, shots):
    page.goto(f"{server}/p/digits")
    box = page.locator("#canvas").bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.42, y + h * 0.2)  # a 7: the bar, then the stem
    page.mouse.down()
    for fx, fy in [(0.5, 0.2), (0.58, 0.2), (0.55, 0.4), (0.51, 0.6), (0.48, 0.82)]:
        page.mouse.move(x + w * fx, y + h * fy, steps=8)
    page.mouse.up()
    page.screenshot(path=shots / "digits-draw.png")
    page.click("#read")
    finished(page)
    assert page.inner_text("dd[data-key=text]") == "7"
    assert page.locator("h2", has_text="drawing.png").count() == 1
    page.screenshot(path=shots / "digits.png", full_page=True)


def test_a_piano_clip_comes_back_as_a_roll_with_playable_midi(server, page, shots):
    page.goto(f"{server}/p/piano")
    page.click("details.params summary")  # the form generated from the components' parameter models
    assert page.locator("input[name='set.notes.onset_threshold']").is_visible()
    page.screenshot(path=shots / "piano-form.png")
    upload(page, f"{server}/p/piano", ROOT / "examples/piano/cadence.wav")
    finished(page)
    roll = page.wait_for_selector("img[alt$='.pianoroll.png']")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=roll)
    player = page.wait_for_selector(".midi-player[data-notes]")  # the page's player parsed the MIDI file
    assert int(player.get_attribute("data-notes")) > 10
    page.screenshot(path=shots / "piano.png", full_page=True)


def test_a_bad_file_gives_the_error_page(server, page, shots, tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n this is not an image")
    upload(page, f"{server}/p/digits", bad)
    finished(page, "failed")
    assert "broken.png" in page.inner_text(".error-page")
    page.screenshot(path=shots / "error-run.png")
    upload(page, f"{server}/p/digits", {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not an image"})
    page.wait_for_selector("#error-message")
    assert "notes.txt: a .txt file is not accepted here" in page.inner_text("#error-message")
    page.screenshot(path=shots / "error-upload.png")


def test_a_recording_from_the_microphone_runs_like_an_upload(server, playwright):
    # Chromium's fake microphone (a beep a second), its permission prompt accepted
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, "--use-fake-device-for-media-stream",
                                                                   "--use-fake-ui-for-media-stream"])
    try:
        page = b.new_context(permissions=["microphone"]).new_page()
        page.goto(f"{server}/p/piano")
        page.click("#record")
        page.wait_for_selector("#record-status:has-text('recording')")
        page.wait_for_timeout(2500)
        page.click("#record")  # stop: the recording is uploaded as recording.webm
        finished(page)
        assert page.locator("h2", has_text="recording.webm").count() == 1
        assert page.locator(".midi-player").count() == 1
    finally:
        b.close()
