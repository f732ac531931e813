"""The camera coach in the web player, with the sports2d demo clip standing in for a webcam:
switched on through the page's endpoints, numbers and a preview arrive, nothing but the journal
lands on disk, and a recorded session keeps the derived numbers per technique."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from easeback.settings import Settings
from easeback.web import create_app
from easeback.web.journal_door import journal_installed
from tests.pose.conftest import demo_clip  # noqa: F401  (the clip fixture, shared)

from .answers import clear_answers
from .browser import CHROMIUM
from .conftest import BASE, Visitor
from .test_browser import (  # noqa: F401  (Debian's Chromium for the browser check)
    base_url,
    browser_context_args,
    browser_type_launch_args,
)

NO_SIGNAL = "pelvic-tilt"  # no camera signal of its own: coached in the generic mode
WITH_SIGNAL = "bridge"
# what the app may write to its data folder: the journal and the web forms' key, never a picture
JOURNAL_FILES = {"journal.sqlite3", "journal.sqlite3-wal", "journal.sqlite3-shm", "web-secret"}


@pytest.fixture
def camera_app(tmp_path: Path, demo_clip: Path) -> Any:  # noqa: F811
    return create_app(
        Settings(data_dir=str(tmp_path / "data"), camera_source=str(demo_clip)), allow_speed=True
    )


@pytest.fixture
def camera_visitor(camera_app: Any) -> Iterator[Visitor]:
    with TestClient(camera_app, base_url=BASE) as client:
        v = Visitor(client)
        yield v
        camera_app.state.camera.stop()


def planned(v: Visitor) -> str:
    """Screen and plan; returns the player page."""
    v.screen(clear_answers())
    v.post("/plan", {"place": "floor", "minutes": 5, "equipment": "mat"})
    page = v.client.get("/player")
    assert page.status_code == 200
    return page.text


def start(v: Visitor, technique: str, run: str = "run-1", token: str | None = None) -> Any:
    return v.client.post(
        "/player/camera/start",
        json={"technique": technique, "run": run},
        headers={"x-csrf-token": v.csrf if token is None else token},
    )


def stop(v: Visitor) -> Any:
    return v.client.post("/player/camera/stop", headers={"x-csrf-token": v.csrf})


def poll(v: Visitor, until: Any, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        s = v.client.get("/player/camera.json").json()
        if until(s):
            return s
        assert time.monotonic() < deadline, f"camera coach never got there: {s}"
        time.sleep(0.1)


def files_in(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_coach_runs_on_the_clip_and_shows_numbers_and_a_preview(camera_visitor, camera_app):
    v = camera_visitor
    html = planned(v)
    assert 'id="camera-on"' in html and "never written to disk" in html
    assert '<script src="/static/camera.js"></script>' in html
    before = v.client.get("/player/camera.json").json()
    assert before["state"] == "off" and before["installed"] is True
    assert before["routine"] and all(r["mode"] in (r["id"], "auto") for r in before["routine"])

    assert start(v, NO_SIGNAL, token="forged").status_code == 403
    assert start(v, "no-such-technique").status_code == 400
    assert start(v, NO_SIGNAL).status_code == 200
    s = poll(v, lambda s: s["frames_with_pose"] > 0 and s["events"])
    assert s["state"] == "on" and s["technique"] == NO_SIGNAL and s["mode"] == "auto"
    assert {"reps", "hold_seconds", "warnings", "message", "pose"} <= set(s)

    frame = v.client.get("/player/camera/frame.jpg")
    assert frame.status_code == 200 and frame.headers["content-type"] == "image/jpeg"
    assert frame.content[:3] == b"\xff\xd8\xff" and frame.content.endswith(b"\xff\xd9")
    import cv2
    import numpy as np

    picture = cv2.imdecode(np.frombuffer(frame.content, np.uint8), cv2.IMREAD_COLOR)
    assert picture is not None and picture.shape[1] == 640

    assert stop(v).json() == {"state": "off"}
    assert not camera_app.state.camera.running
    assert v.client.get("/player/camera.json").json()["state"] == "off"
    assert v.client.get("/player/camera/frame.jpg").status_code == 404  # dropped with the camera
    data = Path(camera_app.state.web.settings.data_dir)
    assert files_in(data) <= JOURNAL_FILES


@pytest.mark.slow
@pytest.mark.skipif(not journal_installed(), reason="the journal extra is missing")
def test_a_recorded_session_keeps_the_derived_numbers(camera_visitor, camera_app):
    from easeback.storage import repository
    from easeback.usecases.journal import open_journal

    v = camera_visitor
    planned(v)
    start(v, WITH_SIGNAL)
    poll(v, lambda s: s["technique"] == WITH_SIGNAL and s["frames"] >= 30)
    start(v, NO_SIGNAL)  # the player moved on: the coach follows
    s = poll(v, lambda s: s["state"] == "ended", timeout=120)
    assert s["technique"] == NO_SIGNAL and s["reps"] >= 1  # the clip has a few clear cycles

    v.post("/stop", {"reason": "other", "index": 0})
    data = Path(camera_app.state.web.settings.data_dir)
    assert files_in(data) <= JOURNAL_FILES
    engine = open_journal(camera_app.state.web.settings)
    (session,) = repository.rows(engine, "sessions")
    counts = {c["technique_id"]: c for c in repository.coach_counts(engine, session["id"])}
    assert set(counts) == {WITH_SIGNAL, NO_SIGNAL}
    assert counts[NO_SIGNAL]["reps"] == s["reps"]
    assert counts[WITH_SIGNAL]["setup"] >= 1  # the clip is not side-on on the floor
    for c in counts.values():
        assert set(c) == {"technique_id", *repository.COACH_FIELDS}

    # the numbers went with that session only: the next recorded one has none
    v.post("/check-in", {"after": "1", "pain_before": 4, "pain": 3, "stiffness": 3})
    sessions = repository.rows(engine, "sessions")
    assert len(sessions) == 2 and repository.coach_counts(engine, sessions[1]["id"]) == []
    engine.dispose()


@pytest.mark.slow
def test_camera_goes_off_when_no_page_asks(camera_visitor, camera_app):
    v = camera_visitor
    planned(v)
    camera_app.state.camera.idle_seconds = 0.5
    start(v, NO_SIGNAL)
    deadline = time.monotonic() + 30
    while camera_app.state.camera.running:
        assert time.monotonic() < deadline, "the idle camera kept running"
        time.sleep(0.1)
    assert camera_app.state.camera.frame() is None


def test_without_the_camera_extra_the_page_says_how_to_install(visitor, monkeypatch):
    from easeback.web import camera

    monkeypatch.setattr(camera, "installed", lambda: False)
    html = planned(visitor)
    assert "pip install 'easeback[camera]'" in html
    assert visitor.client.get("/player/camera.json").json()["installed"] is False
    resp = start(visitor, NO_SIGNAL)
    assert resp.status_code == 409 and "pip install 'easeback[camera]'" in resp.json()["detail"]
    assert not visitor.client.app.state.camera.running


def test_stop_needs_the_pages_token(visitor):
    assert visitor.client.post("/player/camera/stop").status_code == 403


# ---- in a real Chromium ----


def coach_generic_mode_first(route: Any) -> None:
    """The routine's first technique, as the page learns it, is one the generic mode coaches: it
    counts the cycles of the clip's movement (a floor technique's signal sees only setup)."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        resp = route.fetch()
    except PlaywrightError:  # the test server already stopped: nothing left to rewrite
        route.abort()
        return
    status = resp.json()
    status["routine"][0] = {"id": NO_SIGNAL, "mode": "auto"}
    route.fulfill(response=resp, json=status)


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need /usr/bin/chromium")
def test_browser_count_updates_from_the_camera(
    tmp_path: Path,
    demo_clip: Path,  # noqa: F811
    page: Any,
) -> None:
    from playwright.sync_api import expect

    from .browser import Network, live_server
    from .test_browser import answer_all, plan

    settings = Settings(data_dir=str(tmp_path / "data"), camera_source=str(demo_clip))
    app = create_app(settings, allow_speed=True)
    with live_server(app) as base:
        net = Network(base)
        net.attach(page.context)
        net.watch(page)
        page.set_default_timeout(30_000)
        page.goto(base + "/")
        page.get_by_role("button", name="Start the safety check").click()
        answer_all(page)
        page.wait_for_url(re.compile(r"/result$"))
        plan(page)
        page.route("**/player/camera.json", coach_generic_mode_first)
        page.goto(base + "/player")
        box = page.locator("#camera")
        expect(box).to_have_attribute("data-state", "off")
        expect(page.locator("#camera-live")).to_be_hidden()
        page.get_by_label("Count my repetitions and holds with the camera").check()
        expect(box).to_have_attribute("data-state", "on", timeout=30_000)
        # the first message waits for the person to be seen in the clip: seconds on a busy machine
        expect(page.locator("#camera-message")).not_to_have_text(
            "Starting the camera…", timeout=120_000
        )
        # every frame of the clip is analysed (none dropped), so the count comes; how soon depends
        # on the machine: the pose model runs at a few frames a second on a loaded 2-core box
        expect(page.locator("#camera-reps")).to_have_text(re.compile(r"^[1-9]"), timeout=240_000)
        # the preview's src changes every 80 ms, so wait for a loaded frame rather than sample one
        # (polled from here: a string predicate would need eval, which the page's CSP forbids)
        deadline = time.monotonic() + 60
        while page.evaluate("document.getElementById('camera-preview').naturalWidth") != 640:
            assert time.monotonic() < deadline, "no loaded 640-pixel preview frame"
            time.sleep(0.05)
        page.get_by_label("Count my repetitions and holds with the camera").uncheck()
        expect(box).to_have_attribute("data-state", "off")
        deadline = time.monotonic() + 60
        while app.state.camera.running:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        # drop the rewriting route without waiting on a rewrite in flight (its error is ignored)
        page.unroute_all(behavior="ignoreErrors")
        page.goto("about:blank")
        assert net.foreign == [] and net.csp_errors == []
