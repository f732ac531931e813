"""The camera coach's spoken warnings in the player: a new warning is said once, in words a
person can act on, no more than once per kind every few seconds, and not at all with the voice
off. The camera's numbers are scripted here (the page polls them; the counting itself is tested in
tests/domain and tests/pose), and the browser's speech is recorded instead of played."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from easeback.settings import Settings
from easeback.web import create_app

from .answers import clear_answers
from .browser import CHROMIUM
from .conftest import csrf_of
from .test_browser import (  # noqa: F401  (Debian's Chromium for the browser check)
    base_url,
    browser_context_args,
    browser_type_launch_args,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need /usr/bin/chromium"),
]

# Recorded, not spoken: each utterance's text lands in a list on the page.
RECORD_SPEECH = """
window.__said = [];
Object.defineProperty(window, "speechSynthesis", {
  value: { speak: function (u) { window.__said.push(u.text); }, cancel: function () {} },
});
"""


class ScriptedCamera:
    """Answers the page's camera requests; warnings are what the test sets them to."""

    def __init__(self, technique: str) -> None:
        self.technique = technique
        self.warnings: dict[str, int] = {}
        self.polls = 0

    def status(self, route: Any) -> None:
        self.polls += 1
        body = {
            "installed": True,
            "routine": [{"id": self.technique, "mode": self.technique}],
            "technique": self.technique,
            "mode": self.technique,
            "state": "on",
            "signal": "hip_bend",
            "reps": 1,
            "hold_seconds": 0.0,
            "warnings": dict(self.warnings),
            "message": None,
            "error": None,
        }
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    def attach(self, page: Any) -> None:
        page.route("**/player/camera.json", self.status)
        page.route("**/player/camera/start", lambda r: r.fulfill(status=200, body="{}"))
        page.route("**/player/camera/stop", lambda r: r.fulfill(status=200, body="{}"))
        page.route("**/player/camera/frame.jpg*", lambda r: r.fulfill(status=404, body=""))

    def wait_polls(self, page: Any, n: int) -> None:
        """Let the page poll n more times (every 300 ms; slower on a loaded machine). Waits in
        Playwright, whose event loop is what answers the page's requests."""
        goal, deadline = self.polls + n, time.monotonic() + 60
        while self.polls < goal:
            assert time.monotonic() < deadline, "the page stopped polling the camera"
            page.wait_for_timeout(50)


def screen_and_plan(page: Any, base: str) -> None:
    """Through the page's own session (its cookies), as tests/web/conftest.py's Visitor does:
    the wizard's answers are not what this test is about."""
    csrf = csrf_of(page.request.get(base + "/").text())
    answers = clear_answers()

    def post(path: str, data: dict[str, object]) -> Any:
        return page.request.post(base + path, form={"csrf_token": csrf, **data})

    resp = post("/screening/start", {})
    while "/screening/" in resp.url:
        n = int(resp.url.rsplit("/", 1)[1])
        qid = re.search(r'data-question="([a-z_]+)"', resp.text())
        assert qid, resp.text()
        value = answers.get(qid.group(1))
        resp = post(f"/screening/{n}", {"answer": "" if value is None else str(value)})
    resp = post("/plan", {"place": "floor", "minutes": "5", "equipment": "mat"})
    assert resp.ok, resp.text()


def said(page: Any) -> list[str]:
    return list(page.evaluate("window.__said"))


def test_new_warnings_are_said_once_and_rate_limited(page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from .browser import live_server

    cam = ScriptedCamera("bridge")
    app = create_app(Settings(data_dir=str(tmp_path / "data")), allow_speed=True)
    with live_server(app) as base:
        page.add_init_script(RECORD_SPEECH)
        page.set_default_timeout(20_000)
        screen_and_plan(page, base)
        cam.attach(page)
        page.goto(base + "/player")
        cam.warnings = {"bouncing": 2}  # from before: the baseline, not news
        page.get_by_label("Count my repetitions and holds with the camera").check()
        expect(page.locator("#camera")).to_have_attribute("data-state", "on")
        cam.wait_polls(page, 3)
        assert said(page) == []

        cam.warnings = {"bouncing": 3}
        cam.wait_polls(page, 3)
        assert said(page) == ["No bouncing"]

        # more bouncing and a quick movement within seconds: the new kind is said, the same
        # kind is not said again so soon
        cam.warnings = {"bouncing": 5, "slow_down": 1}
        cam.wait_polls(page, 3)
        assert said(page) == ["No bouncing", "Slow down"]
        expect(page.locator("#camera-warnings li")).to_have_count(2)

        page.get_by_label("Speak the steps").uncheck()
        cam.warnings = {"bouncing": 5, "slow_down": 1, "past_range": 1}
        cam.wait_polls(page, 3)
        assert said(page) == ["No bouncing", "Slow down"]  # the voice is off: shown only
        expect(page.locator("#camera-warnings li[data-kind='past_range']")).to_have_count(1)
