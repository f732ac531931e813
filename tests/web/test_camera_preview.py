"""What the camera coach's preview shows before, while and after the camera gives pictures: a
dark box that says it is waiting, never a broken picture with its alt text over it. The camera's
answers are scripted (its frames are a JPEG made here); the coach itself runs for real in
tests/web/test_camera_coach.py."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from easeback.settings import Settings
from easeback.web import create_app

from .test_camera_voice import (  # noqa: F401  (Debian's Chromium, and the same marks)
    ScriptedCamera,
    base_url,
    browser_context_args,
    browser_type_launch_args,
    pytestmark,
    screen_and_plan,
)


def a_jpeg() -> bytes:
    cv2 = pytest.importorskip("cv2", reason="camera extra not installed")
    import numpy as np

    ok, buf = cv2.imencode(".jpg", np.full((480, 640, 3), 90, dtype=np.uint8))
    assert ok
    return bytes(buf.tobytes())


@contextmanager
def scripted_player(page: Any, tmp_path: Path, held: list[Any] | None = None) -> Iterator[str]:
    """The app served live, screened and planned through the page's own session, its camera
    answered by a ScriptedCamera the test attaches. On the way out, whatever request the test
    still holds is answered and the routes dropped without waiting on them: Playwright waits for
    a held request's handler until the request is answered, and waiting on one that no one
    answers would never end (the CI run of 2026-12-01 stopped there at 90 min)."""
    from .browser import live_server

    app = create_app(Settings(data_dir=str(tmp_path / "data")), allow_speed=True)
    with live_server(app) as base:
        page.set_default_timeout(60_000)
        screen_and_plan(page, base)
        try:
            yield base
        finally:
            while held:
                held.pop().fulfill(status=503, body="{}")
            page.unroute_all(behavior="ignoreErrors")
            page.goto("about:blank")


def test_the_preview_waits_in_a_box_that_says_so_until_a_frame_comes(
    page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    cam = ScriptedCamera("bridge")
    frames = {"jpeg": None}
    jpeg = a_jpeg()

    def frame(route: Any) -> None:
        if frames["jpeg"] is None:
            route.fulfill(status=404, content_type="application/json", body="{}")
        else:
            route.fulfill(status=200, content_type="image/jpeg", body=frames["jpeg"])

    with scripted_player(page, tmp_path) as base:
        cam.attach(page)
        page.route("**/player/camera/frame.jpg*", frame)  # the newest route is asked first
        page.goto(base + "/player")
        preview, waiting = page.locator("#camera-preview"), page.locator(".camera-waiting")
        page.get_by_label("Count my repetitions and holds with the camera").check()
        expect(page.locator("#camera")).to_have_attribute("data-state", "on")
        cam.wait_polls(page, 3)  # the page has asked for frames, and had none
        expect(waiting).to_be_visible()
        expect(waiting).to_have_text("Waiting for the camera's picture…")
        expect(preview).to_be_hidden()

        frames["jpeg"] = jpeg
        expect(preview).to_be_visible()  # shown once a frame has loaded (its src then changes
        expect(waiting).to_be_hidden()  # every 80 ms, so its size is not sampled here)

        frames["jpeg"] = None  # the camera has gone: back to the box, not a broken picture
        expect(waiting).to_be_visible()
        expect(preview).to_be_hidden()

        frames["jpeg"] = jpeg
        expect(preview).to_be_visible()
        page.get_by_label("Count my repetitions and holds with the camera").uncheck()
        expect(page.locator("#camera-live")).to_be_hidden()
        expect(preview).to_have_class(re.compile(r"\bwaiting\b"))  # no stale frame next time


def test_a_camera_that_cannot_be_opened_says_what_to_do_and_switches_off(
    page: Any, tmp_path: Path
) -> None:
    """No webcam at the configured number: the real camera door fails to open it, and the page
    says so in words a person can act on, with the switch off and no box waiting for a picture."""
    from playwright.sync_api import expect

    from .browser import live_server

    pytest.importorskip("cv2", reason="camera extra not installed")
    settings = Settings(data_dir=str(tmp_path / "data"), camera_source=str(tmp_path / "none.mp4"))
    app = create_app(settings, allow_speed=True)
    with live_server(app) as base:
        page.set_default_timeout(60_000)
        screen_and_plan(page, base)
        page.goto(base + "/player")
        switch = page.get_by_label("Count my repetitions and holds with the camera")
        switch.check()
        expect(page.locator("#camera")).to_have_attribute("data-state", "error")
        error = page.locator("#camera-error")
        expect(error).to_be_visible()
        expect(error).to_contain_text("no video file at")  # the door's own reason
        expect(error).to_contain_text("Check that a webcam is connected")
        expect(switch).not_to_be_checked()
        expect(page.locator("#camera-live")).to_be_hidden()
        switch.check()  # trying again hides the old message until the new answer comes
        expect(error).to_be_visible()
        expect(switch).not_to_be_checked()
        page.goto("about:blank")


def test_an_earlier_error_does_not_switch_off_a_camera_starting_again(
    page: Any, tmp_path: Path
) -> None:
    """Until the server has taken the page's start request, a status still carrying an earlier
    run's error (a webcam plugged in since) leaves the switch on; once it has, an error is news."""
    from playwright.sync_api import expect

    cam = ScriptedCamera("bridge")
    held: list[Any] = []
    errored = {"on": True}

    def status(route: Any) -> None:
        cam.status(route) if not errored["on"] else route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(
                {
                    "installed": True,
                    "routine": [{"id": "bridge", "mode": "bridge"}],
                    "technique": "bridge",
                    "state": "error",
                    "error": "cannot open camera 0",
                    "reps": 0,
                    "hold_seconds": 0.0,
                    "warnings": {},
                    "message": None,
                }
            ),
        )
        cam.polls += errored["on"]

    with scripted_player(page, tmp_path, held) as base:
        cam.attach(page)
        page.route("**/player/camera.json", status)
        page.route("**/player/camera/start", lambda r: held.append(r))  # answered when told
        page.goto(base + "/player")
        switch = page.get_by_label("Count my repetitions and holds with the camera")
        switch.check()
        cam.wait_polls(page, 5)  # five polls of the stale error while the start is unanswered
        assert len(held) == 1, f"{len(held)} start requests, where the page sends one"
        expect(switch).to_be_checked()
        expect(page.locator("#camera-error")).to_be_hidden()
        held.pop().fulfill(status=200, body="{}")  # the server has taken it: the error is news
        expect(switch).not_to_be_checked()
        expect(page.locator("#camera")).to_have_attribute("data-state", "error")


def test_the_camera_waits_for_the_routine_before_starting(page: Any, tmp_path: Path) -> None:
    """The player changes its state as it sets itself up, which the camera coach follows. Before
    the first answer names the routine, that change starts nothing: one start request, for the
    technique on screen, never one for the generic mode followed at once by another."""
    cam = ScriptedCamera("bridge")
    held: list[Any] = []
    holding = {"on": True}  # the numbers wait until told
    starts: list[str] = []

    def status(route: Any) -> None:
        held.append(route) if holding["on"] else cam.status(route)

    def record(request: Any) -> None:
        if request.method == "POST" and request.url.endswith("/player/camera/start"):
            starts.append(str(request.post_data_json["technique"]))

    with scripted_player(page, tmp_path, held) as base:
        cam.attach(page)
        page.route("**/player/camera.json", status)
        page.on("request", record)
        page.goto(base + "/player")
        page.get_by_label("Count my repetitions and holds with the camera").check()
        deadline = time.monotonic() + 60
        while not held:
            assert time.monotonic() < deadline, "the page never asked for the numbers"
            page.wait_for_timeout(50)
        # the player moves on (as it does when it has set itself up) before any answer came
        page.evaluate("document.getElementById('player').setAttribute('data-index', '0')")
        page.evaluate("document.getElementById('player').setAttribute('data-state', 'ready')")
        holding["on"] = False  # from now on the numbers are answered at once
        while held:
            cam.status(held.pop())
        cam.wait_polls(page, 3)
        assert starts == ["bridge"]
