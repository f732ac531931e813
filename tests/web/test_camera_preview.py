"""What the camera coach's preview shows before, while and after the camera gives pictures: a
dark box that says it is waiting, never a broken picture with its alt text over it. The camera's
answers are scripted (its frames are a JPEG made here); the coach itself runs for real in
tests/web/test_camera_coach.py."""

from __future__ import annotations

import re
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


def test_the_preview_waits_in_a_box_that_says_so_until_a_frame_comes(
    page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from .browser import live_server

    cam = ScriptedCamera("bridge")
    frames = {"jpeg": None}
    jpeg = a_jpeg()

    def frame(route: Any) -> None:
        if frames["jpeg"] is None:
            route.fulfill(status=404, content_type="application/json", body="{}")
        else:
            route.fulfill(status=200, content_type="image/jpeg", body=frames["jpeg"])

    app = create_app(Settings(data_dir=str(tmp_path / "data")), allow_speed=True)
    with live_server(app) as base:
        page.set_default_timeout(60_000)
        screen_and_plan(page, base)
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
        expect(preview).to_be_visible()
        expect(waiting).to_be_hidden()
        assert page.evaluate("document.getElementById('camera-preview').naturalWidth") == 640

        frames["jpeg"] = None  # the camera has gone: back to the box, not a broken picture
        expect(waiting).to_be_visible()
        expect(preview).to_be_hidden()

        frames["jpeg"] = jpeg
        expect(preview).to_be_visible()
        page.get_by_label("Count my repetitions and holds with the camera").uncheck()
        expect(page.locator("#camera-live")).to_be_hidden()
        expect(preview).to_have_class(re.compile(r"\bwaiting\b"))  # no stale frame next time
        page.unroute_all(behavior="wait")
        page.goto("about:blank")
