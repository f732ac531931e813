"""The guided player in a real Chromium: the stop button inside the viewport at four sizes in every
phase, speech queued and never cut, the technique's figure moving with the countdown, the stop
panel's way back, asking before leaving, reduced motion, and a session that keeps counting down
(and reopens) after the server has gone away."""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import expect

from easeback.settings import Settings
from easeback.web import create_app

from .answers import clear_answers
from .browser import ASSETS, Network, free_port, run_axe, shoot
from .test_browser import (  # noqa: F401  (fixtures shared with the journey tests)
    base_url,
    browser_context_args,
    browser_type_launch_args,
    go,
    net,
    pytestmark,
    server,
    site,
    wait_state,
)

SIZES = [(360, 640), (390, 844), (1280, 800), (1366, 768)]
KINDS = ["ready", "intro", "step", "move", "hold", "release", "rest", "switch_side"]


def prepare(page: Any, minutes: int = 5, place: str = "floor") -> None:
    """Screen (all clear) and plan through the forms, with the browser's own cookie."""
    go(page, "/")
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")

    def post(path: str, data: dict[str, Any]) -> Any:
        resp = page.request.post(page.base + path, form={"csrf_token": csrf, **data})
        assert resp.ok, (path, resp.status)
        return resp

    resp = post("/screening/start", {})
    answers = clear_answers()
    while "/screening/" in resp.url:
        n = int(resp.url.rsplit("/", 1)[1])
        qid = re.search(r'data-question="([a-z_]+)"', resp.text())
        assert qid, resp.text()
        value = answers.get(qid.group(1))
        resp = post(f"/screening/{n}", {"answer": "" if value is None else str(value)})
    assert resp.url.endswith("/result"), resp.url
    resp = post("/plan", {"place": place, "minutes": str(minutes), "equipment": "mat"})
    assert resp.url.endswith("/routine"), resp.url


def timeline(page: Any) -> dict[str, Any]:
    data: dict[str, Any] = page.evaluate("fetch('/player/timeline.json').then(r => r.json())")
    return data


def stop_box_inside(page: Any) -> None:
    box = page.get_by_role("button", name="Stop: it hurts").bounding_box()
    size = page.viewport_size
    assert box is not None, "stop button not rendered"
    assert page.evaluate("window.scrollY") == 0
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= size["width"], (box, size)
    assert box["y"] + box["height"] <= size["height"], (box, size)
    assert box["height"] >= 44 and box["width"] >= 200, box


def wait_kind(page: Any, kind: str, timeout: float = 30_000) -> None:
    expect(page.locator("#player")).to_have_attribute("data-kind", kind, timeout=timeout)


PAUSE_AT = """kind => {
  const p = document.getElementById('player');
  if (p.dataset.kind !== kind || p.dataset.state !== 'running') { return false; }
  document.getElementById('pause').click();
  return true;
}"""


def pause_at(page: Any, kind: str) -> None:
    """Pause in the frame the player reaches a cue of this kind (short cues pass quickly)."""
    page.wait_for_function(PAUSE_AT, arg=kind, polling="raf", timeout=60_000)
    wait_state(page, "paused")


def test_stop_stays_in_the_viewport_at_four_sizes_in_every_phase(site: Any) -> None:  # noqa: F811
    page = site
    prepare(page, minutes=3)
    kinds = {c["kind"] for c in timeline(page)["cues"]}
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        go(page, "/player?speed=6")
        wait_state(page, "ready")
        stop_box_inside(page)
        shoot(page, f"player-{width}x{height}-ready")
        page.get_by_role("button", name="Start").click()
        seen = set()
        for kind in KINDS[1:]:
            if kind not in kinds:
                continue
            pause_at(page, kind)
            # Pause pauses at the click, which a loaded machine can carry into the next cue:
            # Stop is checked in whichever phase the player is paused in
            paused_in = page.locator("#player").get_attribute("data-kind")
            stop_box_inside(page)
            if paused_in not in seen:
                page.screenshot(path=_shot(f"player-{width}x{height}-{paused_in}"))
                seen.add(paused_in)
            page.get_by_role("button", name="Resume").click()
        page.get_by_role("button", name="Stop: it hurts").click()
        wait_state(page, "stopped")
        page.screenshot(path=_shot(f"player-{width}x{height}-stopped"))


def _shot(name: str) -> str:
    from .browser import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS / f"{name}.png")


SPEECH_RECORDER = """
(() => {
  const log = [];
  window.__speech = log;
  const synth = window.speechSynthesis;
  const speak = synth.speak.bind(synth), cancel = synth.cancel.bind(synth);
  synth.speak = (u) => {
    const p = document.getElementById('player');
    log.push({op: 'speak', text: u.text, t: performance.now(),
              cue: p ? Number(p.getAttribute('data-cue')) : -1,
              state: p ? p.getAttribute('data-state') : ''});
    return speak(u);
  };
  synth.cancel = () => {
    const p = document.getElementById('player');
    log.push({op: 'cancel', t: performance.now(), state: p ? p.getAttribute('data-state') : ''});
    return cancel();
  };
})();
"""


def test_speech_is_queued_never_cut_and_each_cue_has_time_to_be_said(site: Any) -> None:  # noqa: F811
    page = site
    page.add_init_script(SPEECH_RECORDER)
    prepare(page, minutes=3)
    cues = timeline(page)["cues"]
    speed = 4
    go(page, f"/player?speed={speed}")
    wait_state(page, "ready")
    page.get_by_role("button", name="Start").click()
    last = next(i for i, c in enumerate(cues) if c["kind"] == "rest")  # a few repetitions in
    expect(page.locator("#player")).to_have_attribute(
        "data-cue", re.compile(rf"^({last}|{last + 1}|{last + 2})$"), timeout=60_000
    )
    log = page.evaluate("window.__speech")
    running = [e for e in log if e["state"] == "running"]
    assert [e for e in running if e["op"] == "cancel"] == [], "speech was cut while running"
    speaks = [e for e in running if e["op"] == "speak"]
    assert [e["cue"] for e in speaks] == list(range(len(speaks))), "each cue said once, in order"
    for e in speaks:
        cue = cues[e["cue"]]
        assert e["text"] == cue["say"]
        assert not e["text"].startswith("Next:")
        # the slot leaves time to say it: words at 2.5 a second
        assert cue["duration"] >= len(e["text"].split()) / 2.5, cue
    for a, b in itertools.pairwise(speaks):
        gap = (b["t"] - a["t"]) / 1000 * speed  # session seconds between two utterances
        assert gap >= len(a["text"].split()) / 2.5 - 0.5, (a, b)
    assert "Next: Next:" not in page.inner_text("#player")


def wait_cue_index(page: Any, k: int, timeout: float = 60_000) -> None:
    expect(page.locator("#player")).to_have_attribute("data-cue", str(k), timeout=timeout)


def test_the_figure_moves_with_the_countdown_and_holds_still_on_request(site: Any) -> None:  # noqa: F811
    page = site
    prepare(page, minutes=3)
    cues = timeline(page)["cues"]
    hold = next(i for i, c in enumerate(cues) if c["kind"] == "hold")
    go(page, "/player?speed=5")
    wait_state(page, "ready")
    figure = page.locator("#player-figure svg")
    expect(figure).to_be_visible()
    box = figure.bounding_box()
    assert box is not None and box["width"] >= 300, box  # phone width, readable from the floor
    assert page.evaluate("document.querySelector('#player-figure svg').animationsPaused()")

    def svg_time() -> float:
        t: float = page.evaluate("document.querySelector('#player-figure svg').getCurrentTime()")
        return t

    # getting into position: the plain pose before Start, moving during the setup steps, the
    # start pose reached before the first repetition, the loop only from then on
    setup_from, setup_to = timeline(page)["pictures"][0]["setup"]
    assert svg_time() == setup_from
    page.get_by_role("button", name="Start").click()
    first_move = next(i for i, c in enumerate(cues) if c["kind"] == "move")
    intro = next(i for i, c in enumerate(cues) if c["kind"] == "intro")
    wait_cue_index(page, intro)
    times = []
    while int(page.locator("#player").get_attribute("data-cue") or 0) < first_move:
        times.append(svg_time())  # polled through the setup steps, until the first repetition
        page.wait_for_timeout(100)
    assert times == sorted(times) and setup_from <= times[0] < times[-1] <= setup_to, times
    wait_cue_index(page, first_move)
    assert svg_time() > setup_to, "the movement starts with repetition 1"

    wait_cue_index(page, hold - 2)  # the setup before this technique's first repetition
    at_start = svg_time()
    wait_cue_index(page, hold)
    page.get_by_role("button", name="Pause").click()
    held = svg_time()
    assert held > at_start, "the figure reached its end pose for the hold"
    page.get_by_role("button", name="Resume").click()
    wait_cue_index(page, hold + 1)  # coming back
    page.wait_for_timeout(300)
    assert svg_time() > held, "the figure comes back after the hold"
    page.get_by_role("button", name="Hold the picture still").click()
    expect(page.locator("#player-figure")).to_have_attribute("data-motion", "still")
    moving = next(i for i, c in enumerate(cues) if i > hold and c["kind"] == "move")
    wait_cue_index(page, moving)
    a = svg_time()
    page.wait_for_timeout(400)
    assert svg_time() == a, "a still picture does not move"
    assert run_axe(page) == []


def test_reduced_motion_holds_the_picture_still(site: Any) -> None:  # noqa: F811
    page = site
    page.emulate_media(reduced_motion="reduce")
    prepare(page, minutes=3)
    go(page, "/player?speed=3")
    wait_state(page, "ready")
    expect(page.locator("#player-figure")).to_have_attribute("data-motion", "still")
    expect(page.get_by_role("button", name="Move the picture")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("document.querySelector('#player-figure svg').animationsPaused()")
    start_pose = timeline(page)["pictures"][0]["setup"][1]  # no getting into position: the start
    assert page.evaluate("document.querySelector('#player-figure svg').getCurrentTime()") == (
        pytest.approx(start_pose)
    )


def test_stop_panel_offers_carry_on_and_leaving_asks_first(site: Any) -> None:  # noqa: F811
    page = site
    prepare(page, minutes=3)
    go(page, "/player?speed=3")
    wait_state(page, "ready")
    page.get_by_role("button", name="Start").click()
    wait_kind(page, "step")
    page.get_by_role("button", name="Stop: it hurts").click()
    wait_state(page, "stopped")
    assert run_axe(page) == []
    cue = page.locator("#player").get_attribute("data-cue")
    page.wait_for_timeout(500)
    page.get_by_role("button", name="I'm fine, carry on").click()
    wait_state(page, "running")
    assert page.locator("#player").get_attribute("data-cue") == cue, "carried on where it stopped"
    stop_box_inside(page)

    asked: list[str] = []

    def on_dialog(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # stay

    page.on("dialog", on_dialog)
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():  # on a phone the navigation folds behind the Menu button
        menu.click()
    page.get_by_role("link", name="Techniques").first.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith("/player?speed=3")
    assert page.locator("#player").get_attribute("data-state") == "running"


def test_after_an_accidental_reload_the_session_carries_on_where_it_was(site: Any) -> None:  # noqa: F811
    page = site
    prepare(page, minutes=3)
    go(page, "/player?speed=5")
    wait_state(page, "ready")
    expect(page.locator("#resume")).to_be_hidden()
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#player")).to_have_attribute("data-index", "0", timeout=30_000)
    pause_at(page, "move")
    cue = int(page.locator("#player").get_attribute("data-cue"))
    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" yes, by accident
    page.reload()
    wait_state(page, "ready")
    resume = page.get_by_role("button", name=re.compile(r"^Carry on from \d+:\d\d$"))
    expect(resume).to_be_visible()
    # the bar's fullest phase (Start again, Carry on and Stop) still fits at every size
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        stop_box_inside(page)
        for button in (resume, page.get_by_role("button", name="Start again")):
            box = button.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=_shot(f"player-{width}x{height}-carry-on-offered"))
    page.set_viewport_size({"width": 390, "height": 844})
    resume.click()
    wait_state(page, "running")
    assert int(page.locator("#player").get_attribute("data-cue")) >= cue - 1
    stop_box_inside(page)


@pytest.fixture
def own_server(tmp_path: Any) -> Iterator[tuple[str, Any]]:
    """A server of the test's own, so the test can stop it mid-session."""
    app = create_app(Settings(data_dir=str(tmp_path)), allow_speed=True)
    from fastapi.staticfiles import StaticFiles

    app.mount("/__test__", StaticFiles(directory=ASSETS), name="test-assets")
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "test server did not start"
        time.sleep(0.02)

    def stop() -> None:
        srv.should_exit = True
        thread.join(timeout=10)

    yield f"http://127.0.0.1:{port}", stop
    stop()


def test_a_started_session_keeps_running_and_reopens_when_the_server_stops(
    page: Any, context: Any, own_server: tuple[str, Any]
) -> None:
    base, stop_server = own_server
    network = Network(base)
    network.attach(context)
    network.watch(page)
    page.set_default_timeout(10_000)
    page.base = base
    prepare(page, minutes=3)
    go(page, "/player?speed=2")
    wait_state(page, "ready")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)
    page.wait_for_function(
        """async () => {
          const c = await caches.open('easeback-player-v1');
          return !!(await c.match('/player')) && !!(await c.match('/player/timeline.json'));
        }"""
    )
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#player")).to_have_attribute("data-index", "0", timeout=30_000)
    stop_server()
    before = int(page.locator("#player").get_attribute("data-cue"))
    expect(page.locator("#player")).not_to_have_attribute("data-cue", str(before), timeout=20_000)
    assert page.locator("#player").get_attribute("data-state") == "running"
    assert page.locator("#player-figure svg").is_visible()
    # reopened with no server at all: the service worker serves the player and its routine
    page.on("dialog", lambda d: d.accept())
    page.reload()
    wait_state(page, "ready")
    expect(page.locator("#player-figure svg")).to_be_visible()
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#player")).to_have_attribute("data-index", "0", timeout=30_000)
    assert network.foreign == []


def test_pictures_on_the_routine_page_can_be_paused_and_start_still_under_reduced_motion(
    site: Any,  # noqa: F811
) -> None:
    page = site
    prepare(page, minutes=3)
    go(page, "/routine")
    pause = page.get_by_role("button", name="Pause the picture").first
    expect(pause).to_be_visible()
    svg = page.locator(".picture-inline svg").first
    assert not svg.evaluate("s => s.animationsPaused()")
    box = svg.bounding_box()
    assert box is not None and box["width"] >= 150, box
    pause.click()
    assert svg.evaluate("s => s.animationsPaused()")
    assert (
        page.get_by_role("button", name="Play the picture").first.get_attribute("aria-pressed")
        == "true"
    )
    page.screenshot(path=_shot("routine-390x844-paused"))
    assert run_axe(page) == []
    page.emulate_media(reduced_motion="reduce")
    page.reload()
    expect(page.get_by_role("button", name="Play the picture").first).to_be_visible()
    assert page.locator(".picture-inline svg").first.evaluate("s => s.animationsPaused()")


def test_the_technique_page_picture_has_a_pause_control_and_starts_still_under_reduced_motion(
    site: Any,  # noqa: F811
) -> None:
    page = site
    go(page, "/techniques/cat-cow")
    pause = page.get_by_role("button", name="Pause the picture")
    expect(pause).to_be_visible(timeout=30_000)
    svg = page.locator(".picture-inline svg")
    assert not svg.evaluate("s => s.animationsPaused()")
    box = svg.bounding_box()
    assert box is not None and box["width"] >= 300, box  # the picture uses the width it has
    pause.click()
    assert svg.evaluate("s => s.animationsPaused()")
    expect(page.get_by_role("button", name="Play the picture")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert run_axe(page) == []
    page.emulate_media(reduced_motion="reduce")
    page.reload()
    play = page.get_by_role("button", name="Play the picture")
    expect(play).to_be_visible(timeout=30_000)
    frozen = page.locator(".picture-inline svg")
    assert frozen.evaluate("s => s.animationsPaused() && s.getCurrentTime() === 0")
    play.click()  # a person may still choose to watch it move
    assert not frozen.evaluate("s => s.animationsPaused()")
