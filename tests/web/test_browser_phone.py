"""The journey and the guided player on a phone, in a real Chromium at 360x640, 390x844 and
844x390 (on its side): each page's main action on the first screen, the figure big enough to
follow from the floor (its box 40% of the height upright, half of it sideways beside the count,
the body drawn across the box), the cue at 24 px or more, the count and the words never under
the stop bar, paused unmistakable, and no layout shift while the pages load. Screenshots of
every phase at each size go to artifacts/screenshots (phone-WxH-*.png)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from easeback.content.loader import default_catalogue

from .browser import run_axe, shoot
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
from .test_browser_player import pause_at, prepare

PHONES = [(360, 640), (390, 844), (844, 390)]

LAYOUT_SHIFT = """
window.__shift = 0;
new PerformanceObserver(list => {
  for (const e of list.getEntries()) { if (!e.hadRecentInput) { window.__shift += e.value; } }
}).observe({type: 'layout-shift', buffered: true});
"""

PLAYER = """() => {
  const box = e => { const b = e.getBoundingClientRect();
    return {left: b.left, top: b.top, right: b.right, bottom: b.bottom,
            width: b.width, height: b.height}; };
  const figure = document.getElementById('player-figure');
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  figure.querySelectorAll('use.o, circle.hd').forEach(u => { const b = u.getBoundingClientRect();
    x0 = Math.min(x0, b.left); y0 = Math.min(y0, b.top);
    x1 = Math.max(x1, b.right); y1 = Math.max(y1, b.bottom); });
  const px = id => parseFloat(getComputedStyle(document.getElementById(id)).fontSize);
  return {figure: box(figure), body: {width: x1 - x0, height: y1 - y0},
    countdown: box(document.getElementById('countdown')), cue: box(document.getElementById('cue')),
    bar: box(document.getElementById('player-bar')), cueSize: px('cue'), countSize: px('countdown'),
    figureOpacity: parseFloat(getComputedStyle(figure).opacity)};
}"""


def in_view(page: Any, locator: Any) -> None:
    """Inside the first screen, unscrolled."""
    assert page.evaluate("window.scrollY") == 0
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None, locator
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (locator, box, size)
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (locator, box, size)


def question_page(qid: str) -> str:
    ids = [q.id for q in default_catalogue().screening.questions]
    return f"/screening/{ids.index(qid) + 1}"


def check_player(page: Any, width: int, height: int) -> dict[str, Any]:
    m: dict[str, Any] = page.evaluate(PLAYER)
    fig, body, bar = m["figure"], m["body"], m["bar"]
    upright = height > width
    assert fig["height"] >= (0.4 if upright else 0.5) * height, m
    # the body is drawn across the box: it fills its width (or, for a tall figure, its height).
    # The view is the union of the loop's poses (cat-cow's round and hollow backs since pictures
    # v3): in a wide landscape box one moment's body fills a little less of it (72-75%).
    fill = 0.8 if upright else 0.7
    assert body["width"] >= fill * fig["width"] or body["height"] >= fill * fig["height"], m
    assert m["cueSize"] >= 24, m
    assert m["countSize"] >= 50, m  # about 9 mm on a phone: readable from 2 m
    assert fig["bottom"] <= bar["top"] + 1, m
    assert m["countdown"]["bottom"] <= bar["top"], m  # never under the stop bar
    assert m["cue"]["top"] + m["cueSize"] * 1.4 <= bar["top"], m  # its first line at least
    if not upright:  # the picture beside the count and the words
        assert fig["right"] <= m["countdown"]["left"] and fig["right"] <= m["cue"]["left"], m
    return m


@pytest.mark.parametrize(("width", "height"), PHONES, ids=[f"{w}x{h}" for w, h in PHONES])
def test_the_journey_and_the_player_fit_a_phone(site: Any, width: int, height: int) -> None:  # noqa: F811
    page = site
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(LAYOUT_SHIFT)
    name = f"phone-{width}x{height}"
    upright = height > width
    go(page, "/")
    in_view(page, page.get_by_role("button", name="Start the safety check"))
    if upright:  # the brief's fold: phones held upright
        go(page, question_page("spinal_condition"))  # the longest question, 52 words
        for answer in ("Yes", "No", "Not sure"):
            in_view(page, page.get_by_role("button", name=answer, exact=True))
        go(page, question_page("pain_now"))
        for end in ("0 none", "10 worst"):
            in_view(page, page.locator(".scale-ends span", has_text=end))
    prepare(page, minutes=5)
    if upright:
        go(page, "/result")
        in_view(page, page.get_by_role("link", name="Build a routine"))
        go(page, "/plan")
        in_view(page, page.get_by_role("button", name="Plan my routine"))
    go(page, "/routine")
    in_view(page, page.get_by_role("link", name="Start the guided session").first)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__shift") < 0.1, "the routine page shifts as it loads"

    go(page, "/player?speed=4")
    wait_state(page, "ready")
    expect(page.locator("#player-figure svg")).to_be_visible()
    assert page.evaluate("window.__shift") < 0.1, "the player shifts as it loads"
    check_player(page, width, height)
    shoot(page, f"{name}-ready")
    page.get_by_role("button", name="Start").click()
    paused_once = False
    for kind in ("intro", "step", "move", "hold", "release", "rest"):
        pause_at(page, kind)
        m = check_player(page, width, height)
        page.screenshot(path=_shot(f"{name}-{kind}"))
        if not paused_once:  # paused is unmistakable: picture and count dimmed, a large Resume
            assert m["figureOpacity"] <= 0.5, m
            expect(page.locator(".paused-badge")).to_be_visible()
            expect(page.locator("#phase")).to_have_text("Paused")
            resume = page.get_by_role("button", name="Resume")
            in_view(page, resume)
            assert resume.bounding_box()["height"] >= 48
            paused_once = True
        page.get_by_role("button", name="Resume").click()
        wait_state(page, "running")
        assert page.evaluate(PLAYER)["figureOpacity"] == 1
    if width == 390:
        assert run_axe(page) == []


def _shot(name: str) -> str:
    from .browser import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS / f"{name}.png")


PAUSE_INTO = """([k, after, button]) => {
  const p = document.getElementById('player');
  if (Number(p.dataset.cue) !== k || p.dataset.state !== 'running') { return false; }
  if (window.__seenAt === undefined || window.__seenCue !== k) {
    window.__seenAt = performance.now(); window.__seenCue = k;
  }
  if (performance.now() - window.__seenAt < after) { return false; }
  window.__pausedAt = performance.now();
  document.querySelector(button).click();
  return true;
}"""


def _said_after(page: Any, since: float) -> list[dict[str, Any]]:
    log: list[dict[str, Any]] = page.evaluate("window.__speech")
    return [e for e in log if e["op"] == "speak" and e["t"] >= since]


def test_carrying_on_speaks_from_where_the_session_is_never_the_whole_cue_again(
    site: Any,  # noqa: F811
) -> None:
    """Resume, and 'I'm fine, carry on' on the stop panel, say only what of the cue the voice had
    not reached, and only if it fits in what is left of the cue's time; then the next cue is
    said on time. Before, both re-read the whole cue from its start (heard 9 s late)."""
    from .test_browser_player import SPEECH_RECORDER, timeline

    page = site
    page.add_init_script(SPEECH_RECORDER)
    prepare(page, minutes=3)
    cues = timeline(page)["cues"]
    speed = 2
    go(page, f"/player?speed={speed}")
    wait_state(page, "ready")
    page.get_by_role("button", name="Start").click()
    # pause late in a setup step, carry on early in the first repetition's moving in
    step = next(k for k, c in enumerate(cues) if c["kind"] == "step" and c["duration"] >= 6)
    move = next(k for k, c in enumerate(cues) if k > step and c["kind"] == "move")
    for k, fraction, how in ((step, 0.7, "pause"), (move, 0.3, "stop")):
        cue = cues[k]
        after = fraction * cue["duration"] / speed * 1000
        selector = "#pause" if how == "pause" else "#stop-open button"
        page.wait_for_function(PAUSE_INTO, arg=[k, after, selector], polling="raf", timeout=90_000)
        wait_state(page, "paused" if how == "pause" else "stopped")
        seen_for = page.evaluate("window.__pausedAt - window.__seenAt") / 1000 * speed
        page.wait_for_timeout(300)
        resumed = page.evaluate("performance.now()")
        if how == "pause":
            page.get_by_role("button", name="Resume").click()
        else:
            page.get_by_role("button", name="I'm fine, carry on").click()
        wait_state(page, "running")
        expect(page.locator("#player")).to_have_attribute("data-cue", str(k + 1), timeout=60_000)
        said = _said_after(page, resumed)
        again = [e for e in said if e["cue"] == k]
        assert all(e["text"] != cue["say"] for e in again), ("the whole cue again", how, again)
        left = cue["duration"] - seen_for  # session seconds left in the cue when carried on
        for e in again:
            assert cue["say"].endswith(e["text"]), (how, e)  # its remaining part
            assert len(e["text"].split()) / 2.5 + 0.5 <= left + 0.5, (how, e, left)
        assert [e["cue"] for e in said if e["cue"] != k][:1] == [k + 1], (how, said)
        assert said[-1]["text"] == cues[k + 1]["say"] or said[-1]["cue"] > k + 1
