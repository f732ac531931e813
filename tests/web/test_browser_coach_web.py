"""The camera coach in the browser, in a real Chromium whose camera is the sports2d demo clip
(a real person; Chromium's fake capture device loops it): the pose model runs in the page, only
landmarks go over the socket, and the server's coach answers. On a phone-size guided session a
count arrives, a warning is shown and said, and Stop and the countdown stay in view; with no camera
and with the camera refused, a plain sentence and the session goes on; the same signed in to a
practice's guided session. No request leaves for another host.

The pose model runs at well under a frame a second on a loaded machine (WebGL in SwiftShader),
so each step waits on the page's state with generous bounds."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright", reason="the test extra is not installed")

from playwright.sync_api import expect

from easeback.settings import Settings
from easeback.web import create_app, pose_assets
from tests.pose.conftest import demo_clip  # noqa: F401  (the clip fixture, shared)
from tests.practice.conftest import password_hash  # noqa: F401  (hashed once per run)

from .answers import clear_answers
from .browser import CHROMIUM, CHROMIUM_ARGS, Network, live_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need /usr/bin/chromium"),
]

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 640}
JACKKNIFE = "seated-reverse-jackknife"  # its knee signal follows the clip's person's knees
# Chromium's WebGL on the CPU for the pose model; camera-less otherwise
GL_ARGS = ["--enable-unsafe-swiftshader", "--use-angle=swiftshader"]
RECORD_SPEECH = """
window.__said = [];
Object.defineProperty(window, "speechSynthesis", {
  value: { speak: function (u) { window.__said.push(u.text); }, cancel: function () {} },
});
"""
SWITCH = "Count my repetitions with this device's camera"
# The clip plays SLOW times slower than filmed, so that a model running at half a frame a second
# still finds the body 15 times a second of the movement's own time (what the coach needs to
# count: coach_web.MIN_RATE); each pass begins with EMPTY s with no one in view. The page divides
# its times by FASTER times as much (?pose-timescale=): the coach sees the clip's person move that
# much faster than filmed, too fast for the technique, and says "slow down".
SLOW = 16
FASTER = 2
EMPTY = 1.5
PLAYER = f"/player?pose-timescale={SLOW * FASTER}"


@pytest.fixture(scope="session")
def base_url() -> None:
    """Shadows pytest-base-url's fixture (its method-style fixture warns under pytest 9)."""
    return None


@pytest.fixture(scope="module")
def pose_web() -> Path:
    folder = Settings.from_env().pose_web_folder()
    if not pose_assets.present(folder):
        message = f"the in-page pose model is not fetched: {pose_assets.HOW_TO}"
        if os.environ.get("EASEBACK_TEST_POSE_WEB") == "require":
            pytest.fail(message)
        pytest.skip(message)
    return folder


@pytest.fixture(scope="module")
def fake_camera(tmp_path_factory: pytest.TempPathFactory, demo_clip: Path) -> Path:  # noqa: F811
    from .fake_camera import write_y4m

    y4m = tmp_path_factory.mktemp("camera") / "demo.y4m"
    write_y4m(demo_clip, y4m, slow=SLOW, empty=EMPTY)
    return y4m


@pytest.fixture(scope="module")
def camera_browser(browser_type: Any, fake_camera: Path) -> Iterator[Any]:
    args = [a for a in CHROMIUM_ARGS if a != "--disable-gpu"] + GL_ARGS
    args += [
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={fake_camera}",
    ]
    browser = browser_type.launch(executable_path=str(CHROMIUM), args=args)
    yield browser
    browser.close()


def opened(browser: Any, base: str, viewport: dict[str, int], camera: bool) -> tuple[Any, Network]:
    context = browser.new_context(viewport=viewport, locale="en-GB")
    if camera:
        context.grant_permissions(["camera"], origin=base)
    net = Network(base)
    net.attach(context)
    page = context.new_page()
    page.add_init_script(RECORD_SPEECH)
    net.watch(page)
    page.set_default_timeout(60_000)
    return page, net


def planned_on_a_chair(page: Any, base: str) -> None:
    from .test_browser import answer_all

    page.goto(base + "/")
    page.get_by_role("button", name="Start the safety check").click()
    answer_all(page)
    page.wait_for_url(re.compile(r"/result$"))
    page.get_by_role("link", name="Build a routine").click()
    page.get_by_label("Where are you?").select_option("chair")
    page.get_by_label("Minutes you have (1 to 120)").fill("5")
    page.get_by_role("button", name="Plan my routine").click()
    page.wait_for_url(re.compile(r"/routine$"))


def started_at(page: Any, index: int) -> None:
    """Start the player, skip to the technique at `index` and pause there."""
    player = page.locator("#player")
    expect(player).to_have_attribute("data-state", "ready")
    page.locator("#start").click()
    expect(player).to_have_attribute("data-state", "running")
    for k in range(index + 1):
        page.locator("#skip").click()
        expect(player).to_have_attribute("data-index", str(k))
    page.locator("#pause").click()
    expect(player).to_have_attribute("data-state", "paused")


def in_view_and_uncovered(page: Any, selector: str) -> None:
    """The element is inside the viewport and what is drawn at its centre is it (not the
    camera's picture over it)."""
    hit = page.evaluate(
        """(sel) => {
          const el = document.querySelector(sel), r = el.getBoundingClientRect();
          const x = r.left + r.width / 2, y = r.top + r.height / 2;
          const top = document.elementFromPoint(x, y);
          return {inside: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight &&
                          r.right <= innerWidth, own: !!top && (top === el || el.contains(top))};
        }""",
        selector,
    )
    assert hit == {"inside": True, "own": True}, (selector, hit)


def clean(net: Network) -> None:
    assert net.foreign == [], f"requests to other hosts: {net.foreign}"
    assert net.csp_errors == [], f"CSP violations: {net.csp_errors}"


def test_a_phone_session_with_the_coach_counts_warns_and_keeps_stop_in_view(
    tmp_path: Path, pose_web: Path, camera_browser: Any
) -> None:
    settings = Settings(data_dir=str(tmp_path / "data"), pose_web_dir=str(pose_web))
    with live_server(create_app(settings)) as base:
        page, net = opened(camera_browser, base, PHONE, camera=True)
        planned_on_a_chair(page, base)
        page.goto(base + PLAYER)
        started_at(page, 2)
        box = page.locator("#coach-web")
        page.get_by_label(SWITCH).click()
        expect(box).to_have_attribute("data-state", "on", timeout=120_000)
        expect(box).to_have_attribute("data-technique", JACKKNIFE, timeout=60_000)
        # the model says which one runs (lite here: full is far under 15 frames a second)
        expect(page.locator("#coach-web-model")).to_have_text(
            re.compile(r"^Pose model: (full|lite)"), timeout=120_000
        )
        # the pass begins with no one in view: the coach's setup warning, shown and said
        warning = page.locator("#coach-web-warnings li").first
        expect(warning).to_have_attribute("data-kind", "setup", timeout=300_000)
        expect(warning).to_be_visible()
        said = page.evaluate("window.__said")
        assert "Move so the camera sees your whole body" in said, said
        # then the person moves, faster than the technique wants: "slow down", shown and said
        page.wait_for_function("() => window.__said.includes('Slow down')", timeout=900_000)
        expect(page.locator("#coach-web-warnings li[data-kind='slow_down']")).to_be_visible()
        assert box.get_attribute("data-counting") == "yes", box.get_attribute("data-fps")
        expect(page.locator("#coach-web-reps")).to_have_text(re.compile(r"^[1-9]"), timeout=600_000)
        expect(page.locator("#coach-web-badge-reps")).to_have_text(re.compile(r"^[1-9]"))
        expect(page.locator("#coach-web-pip canvas")).to_be_visible()
        for selector in ("#player-bar .stop", "#countdown"):
            in_view_and_uncovered(page, selector)
        shoot_viewport(page, "coach-web-390x844")  # not the full page: what the phone shows

        page.get_by_role("button", name="Stop: it hurts").click()
        expect(box).to_have_attribute("data-state", "off")
        assert page.evaluate("document.getElementById('coach-web-video').srcObject") is None
        clean(net)
        page.context.close()


def shoot_viewport(page: Any, name: str) -> None:
    from .browser import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_no_camera_and_a_refused_camera_each_say_so_and_the_session_goes_on(
    tmp_path: Path, pose_web: Path, camera_browser: Any, browser_type: Any
) -> None:
    settings = Settings(data_dir=str(tmp_path / "data"), pose_web_dir=str(pose_web))
    with live_server(create_app(settings)) as base:
        # refused: the fake camera is there, but this page was never allowed it
        page, net = opened(camera_browser, base, PHONE, camera=False)
        planned_on_a_chair(page, base)
        page.goto(base + "/player")
        page.get_by_label(SWITCH).click()
        notice = page.locator("#coach-web-notice")
        expect(notice).to_contain_text("The camera was not allowed", timeout=60_000)
        expect(notice).to_contain_text("the session goes on without it")
        expect(page.locator("#coach-web")).to_have_attribute("data-state", "error")
        expect(page.get_by_label(SWITCH)).not_to_be_checked()
        started_at(page, 0)  # the session itself goes on
        clean(net)
        cookies = page.context.cookies()
        page.context.close()

        # no camera at all: a Chromium without the fake device
        bare = browser_type.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = bare.new_context(viewport=PHONE, locale="en-GB")
            context.grant_permissions(["camera"], origin=base)
            context.add_cookies(cookies)  # the same visitor, routine planned
            page = context.new_page()
            net = Network(base)
            net.attach(context)
            net.watch(page)
            page.goto(base + "/player")
            page.get_by_label(SWITCH).click()
            expect(page.locator("#coach-web-notice")).to_contain_text(
                "No camera was found on this device", timeout=60_000
            )
            started_at(page, 0)
            clean(net)
        finally:
            bare.close()


@pytest.fixture
def practice_base(
    tmp_path: Path,
    pose_web: Path,
    password_hash: str,  # noqa: F811
) -> Iterator[str]:
    from easeback.content.loader import default_catalogue
    from easeback.storage import open_engine
    from easeback.storage import practice as repo
    from easeback.usecases import practice
    from tests.practice.conftest import T0
    from tests.practice.web import dispose, practice_app

    url = f"sqlite:///{tmp_path / 'practice.sqlite3'}"
    engine = open_engine(url)
    clinic = repo.clinic_id(engine, "North", T0)
    alice = repo.add_user(engine, "alice@north.example", "clinician", clinic, password_hash, T0)
    ann = repo.add_user(engine, "ann@example.org", "person", clinic, password_hash, T0)
    cat = default_catalogue()
    now = datetime.now(UTC)
    clinician, person = repo.user_by_id(engine, alice), repo.user_by_id(engine, ann)
    assert clinician is not None and person is not None
    practice.prescribe(engine, cat, clinician, ann, [{"id": JACKKNIFE, "reps": 10}], 3, now)
    practice.screen(engine, cat, person, clear_answers(pain_days=10), now)
    engine.dispose()
    app = practice_app(url, pose_web_dir=str(pose_web))
    with live_server(app) as base:
        yield base
    dispose(app)


def test_signed_in_to_a_practice_the_coach_answers_on_a_small_phone(
    practice_base: str, camera_browser: Any
) -> None:
    from tests.practice.conftest import PASSWORD

    base = practice_base
    page, net = opened(camera_browser, base, SMALL_PHONE, camera=True)
    page.goto(base + "/sign-in")
    page.get_by_label("Email").fill("ann@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(base + f"/programme/session?pose-timescale={SLOW}")
    box = page.locator("#coach-web")
    expect(box).to_have_attribute("data-socket", "/programme/coach")
    page.get_by_label(SWITCH).click()
    expect(box).to_have_attribute("data-technique", JACKKNIFE, timeout=120_000)
    # landmarks went over the practice's socket and its coach answered them
    expect(box).to_have_attribute("data-answers", re.compile(r"^[1-9]"), timeout=300_000)
    for selector in ("#player-bar .stop", "#countdown"):
        in_view_and_uncovered(page, selector)
    shoot_viewport(page, "coach-web-practice-360x640")
    page.get_by_label(SWITCH).uncheck()
    expect(box).to_have_attribute("data-state", "off")
    clean(net)
    page.context.close()
