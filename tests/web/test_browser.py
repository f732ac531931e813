"""The journey in a real Chromium (Debian's), with every request to another host blocked and
recorded: screening, routine, an accelerated session, the emergency and stop paths, keyboard-only
use, background-tab timing, and axe-core's accessibility rules on every main page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from easeback.content.loader import default_catalogue
from easeback.domain.screening import QuestionKind, next_question
from easeback.settings import Settings
from easeback.web import create_app
from easeback.web.journal_door import journal_installed

from .browser import CHROMIUM, CHROMIUM_ARGS, Network, live_server, run_axe, shoot

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
)

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def base_url() -> None:
    """Shadows pytest-base-url's fixture (its method-style fixture warns under pytest 9)."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": PHONE, "locale": "en-GB"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[str]:
    data = tmp_path_factory.mktemp("data")
    with live_server(create_app(Settings(data_dir=str(data)), allow_speed=True)) as base:
        yield base


@pytest.fixture
def net(server: str, context: Any) -> Iterator[Network]:
    network = Network(server)
    network.attach(context)
    yield network
    assert network.foreign == [], f"requests to other hosts: {network.foreign}"
    assert network.csp_errors == [], f"CSP violations: {network.csp_errors}"


@pytest.fixture
def site(page: Any, server: str, net: Network) -> Any:
    net.watch(page)
    page.set_default_timeout(30_000)  # generous: 2 shared cores draw the pictures on first view
    page.base = server
    return page


def wait_state(page: Any, state: str, timeout: float = 10_000) -> None:
    expect(page.locator("#player")).to_have_attribute("data-state", state, timeout=timeout)


def wait_cue(page: Any, at_least: int) -> None:
    """Wait until the player shows cue number `at_least` (0-9) or a later one."""
    later = re.compile(rf"^([{at_least}-9]|\d\d+)$")
    expect(page.locator("#player")).to_have_attribute("data-cue", later)


def go(page: Any, path: str) -> None:
    page.goto(page.base + path)


def answer_all(page: Any, overrides: dict[str, str] | None = None) -> None:
    """Click through the wizard: every answer no, numbers 2, unless overridden."""
    overrides = overrides or {}
    table = default_catalogue().screening
    for q in table.questions:
        # the question's own form (asked again, pain_days also offers the earlier episode's)
        form = page.locator("form.question[data-question]")
        if form.get_attribute("data-question") != q.id:
            continue  # the order of asking skipped it (the clearance, with nothing to clear)
        value = overrides.get(q.id)
        before = page.url
        if q.kind is QuestionKind.INTEGER:
            if value is None and q.optional:
                value = ""
            value = "2" if value is None else value
            scale = page.locator("button.scale-step")
            if scale.count():  # pain 0-10: a row of buttons, a tap answers
                scale.filter(has_text=re.compile(rf"^{value}$")).click()
            else:
                page.get_by_role("spinbutton").fill(value)
                page.get_by_role("button", name="Next").click()
        else:
            label = {"yes": "Yes", "no": "No", "unsure": "Not sure"}[value or "no"]
            name = re.compile(rf"^{label}( your last answer)?$")
            page.locator("button.choice").filter(has_text=name).click()
        page.wait_for_url(lambda url, before=before: url != before)
        if "/result" in page.url:
            return


def plan(page: Any, minutes: str = "2") -> None:
    page.get_by_role("link", name="Build a routine").click()
    page.get_by_label("Where are you?").select_option("floor")
    page.get_by_label("Minutes you have (1 to 120)").fill(minutes)
    page.get_by_label("Mat", exact=True).check()
    page.get_by_role("button", name="Plan my routine").click()
    page.wait_for_url(re.compile(r"/routine$"))


def test_full_journey(site: Any) -> None:
    page = site
    go(page, "/")
    shoot(page, "01-welcome")
    # said in the summary above the first button, and again under "What easeback is not"
    assert "does not diagnose" in page.locator("p.lead").inner_text()
    assert page.locator("#isnot + ul").get_by_text("Not a diagnosis").is_visible()
    page.get_by_role("button", name="Start the safety check").click()
    assert "Question 1 of" in page.inner_text("main")
    shoot(page, "02-question")
    answer_all(page, {"pain_now": "4", "knee_problem": "yes"})
    page.wait_for_url(re.compile(r"/result$"))
    shoot(page, "03-result-caution")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Gentle self-care")
    plan(page)
    shoot(page, "04-routine")
    n_items = page.locator("ol.routine > li").count()
    assert n_items >= 1
    assert page.locator("figure.picture").count() == n_items
    go(page, "/player?speed=40")
    player = page.locator("#player")
    wait_state(page, "ready")
    shoot(page, "05-player-ready")
    page.get_by_role("button", name="Start").click()
    wait_cue(page, 3)
    assert page.locator("#technique-label").inner_text().startswith("Technique 1 of")
    shoot(page, "06-player-running")
    page.get_by_role("button", name="Pause").click()
    assert player.get_attribute("data-state") == "paused"
    cue = player.get_attribute("data-cue")
    page.wait_for_timeout(300)
    assert player.get_attribute("data-cue") == cue, "paused player moved on"
    page.get_by_role("button", name="Resume").click()
    page.get_by_role("button", name="Skip technique").click()
    wait_state(page, "done", timeout=30_000)
    assert page.locator("#done").is_visible()
    shoot(page, "07-player-done")
    if not journal_installed():
        return
    page.get_by_role("link", name="How do you feel now?").click()
    # ratings are rows of large tap targets, as in the screening
    for group, value in (
        ("Pain before the session", "5"),
        ("Pain now", "3"),
        ("Stiffness now", "4"),
    ):
        scale = page.get_by_role("group", name=re.compile(group))
        scale.get_by_role("radio", name=value, exact=True).click()  # a tap on the big square
        assert scale.get_by_role("radio", name=value, exact=True).is_checked()
    pain_now = page.get_by_role("group", name=re.compile("Pain now"))
    box = pain_now.get_by_role("radio", name="10").bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44, box
    shoot(page, "14-check-in")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/journal$"))
    assert page.get_by_role("img", name=re.compile("Pain by day")).is_visible()
    assert "pain 5 → 3" in page.inner_text("main")
    shoot(page, "15-journal")
    check_axe_clean(page)


def check_axe_clean(page: Any) -> None:
    assert run_axe(page) == []


def test_emergency_offers_nothing_but_help(site: Any) -> None:
    page = site
    go(page, "/")
    page.get_by_role("button", name="Start the safety check").click()
    page.get_by_role("button", name="Not sure").click()
    page.wait_for_url(re.compile(r"/result$"))
    shoot(page, "08-emergency")
    assert page.get_by_role("alert").inner_text().startswith("Get emergency help now")
    # a call button with the number for the browser's region (en-GB: 999), the way back, no more
    links = page.locator("a")
    assert links.count() == 2
    assert links.nth(0).get_attribute("href") == "tel:999"
    assert links.nth(0).inner_text() == "Call 999"
    assert page.locator("button, input, select, form, nav").count() == 0
    color = page.eval_on_selector(".alarm", "e => getComputedStyle(e).backgroundColor")
    assert color == "rgb(176, 0, 32)"
    page.get_by_role("link", name="I answered by mistake").click()
    page.wait_for_url(re.compile(r"/screening/1$"))
    page.get_by_role("button", name=re.compile("^No( your last answer)?$")).click()
    page.wait_for_url(re.compile(r"/screening/2$"))


def test_stop_button_pauses_and_gives_advice(site: Any) -> None:
    page = site
    go(page, "/")
    page.get_by_role("button", name="Start the safety check").click()
    answer_all(page)
    plan(page)
    go(page, "/player?speed=20")
    wait_state(page, "ready")
    page.get_by_role("button", name="Start").click()
    wait_cue(page, 2)
    page.get_by_role("button", name="Stop: it hurts").click()
    assert page.locator("#player").get_attribute("data-state") == "stopped"
    assert page.evaluate("document.activeElement.id") == "stop-title"
    shoot(page, "09-stop-reasons")
    labels = [s.label for s in default_catalogue().stops.values()]
    for label in labels:
        assert page.get_by_role("button", name=label).is_visible()
    page.get_by_role("button", name=labels[0]).click()
    page.wait_for_url(re.compile(r"/stopped/sharp_pain$"))
    shoot(page, "10-stopped")
    assert "Sharp pain is a signal" in page.inner_text("main")


def test_player_does_not_drift_when_timers_are_held_back(site: Any) -> None:
    """A background tab's timers are throttled; here the main thread is blocked instead. The
    player must land on the cue for the real elapsed time, not count the ticks it missed."""
    page = site
    go(page, "/")
    page.get_by_role("button", name="Start the safety check").click()
    answer_all(page)
    plan(page, "5")
    data = page.evaluate("fetch('/player/timeline.json').then(r => r.json())")
    go(page, "/player")
    wait_state(page, "ready")
    page.get_by_role("button", name="Start").click()
    page.evaluate("() => { const t = performance.now(); while (performance.now() - t < 7000) {} }")
    page.wait_for_timeout(400)
    cue = int(page.locator("#player").get_attribute("data-cue"))
    expected = max(i for i, c in enumerate(data["cues"]) if c["offset"] <= 7.0)
    assert cue in (expected, expected + 1)


def _tab_to(page: Any, text: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(document.activeElement.innerText || '').trim()") == text:
            return
    raise AssertionError(f"could not reach {text!r} with the Tab key")


def test_keyboard_only(site: Any) -> None:
    page = site
    go(page, "/")
    _tab_to(page, "Start the safety check")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/screening/1$"))
    table = default_catalogue().screening
    asked: dict[str, object] = {}
    q = next_question(table, asked)
    while q is not None:
        n = table.questions.index(q) + 1
        page.wait_for_url(re.compile(rf"/screening/{n}$"))
        if page.locator("input[name=answer]").count():  # a number typed, then Enter
            expect(page.locator("input[name=answer]")).to_be_focused()
            page.keyboard.type("" if q.optional else "2")
        else:  # nothing has focus or looks chosen until the person moves to an answer
            assert page.evaluate("document.activeElement.name") != "answer"
            _tab_to(page, "2" if q.kind is QuestionKind.INTEGER else "No")
            if q.kind is not QuestionKind.INTEGER:
                asked[q.id] = "no"
        if q.kind is QuestionKind.INTEGER and not q.optional:
            asked[q.id] = 2
        page.keyboard.press("Enter")
        q = next_question(table, asked, after=q.id)
    page.wait_for_url(re.compile(r"/result$"))
    _tab_to(page, "Build a routine")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/plan$"))
    _tab_to(page, "Plan my routine")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/routine$"))
    _tab_to(page, "Start the guided session")
    page.keyboard.press("Enter")
    wait_state(page, "ready")
    _tab_to(page, "Start")
    page.keyboard.press("Enter")
    assert page.locator("#player").get_attribute("data-state") == "running"
    _tab_to(page, "Stop: it hurts")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the first reason
    page.wait_for_url(re.compile(r"/stopped/"))


def test_library_search_and_learn(site: Any) -> None:
    page = site
    go(page, "/techniques")
    page.get_by_label("Search").fill("cat")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"q=cat"))  # is_visible() does not wait for the new page
    expect(page.get_by_role("link", name=re.compile("Cat", re.I)).first).to_be_visible()
    shoot(page, "11-library")
    page.get_by_role("link", name=re.compile("Cat", re.I)).first.click()
    shoot(page, "12-technique")
    go(page, "/learn")
    page.get_by_role("link").filter(has_text="pop").first.click()
    shoot(page, "13-learn-topic")
    assert page.get_by_role("heading", level=1).is_visible()


AXE_PAGES = ["/", "/screening/1", "/techniques", "/techniques/cat-cow", "/learn", "/docs", "/stop"]


def test_accessibility_with_axe(site: Any) -> None:
    page = site
    problems: dict[str, Any] = {}

    def check(name: str) -> None:
        found = run_axe(page)
        # nothing scrolls sideways at phone width (390 px)
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wide > 0:
            found = [*found, {"id": "scrolls-sideways", "pixels": wide}]
        if found:
            problems[name] = found

    for path in AXE_PAGES:
        go(page, path)
        check(path)
    go(page, "/learn/why-backs-pop")
    check("topic")
    go(page, "/")
    page.get_by_role("button", name="Start the safety check").click()
    answer_all(page)
    check("result")
    page.get_by_role("link", name="Build a routine").click()
    check("plan")
    page.get_by_role("button", name="Plan my routine").click()
    check("routine")
    go(page, "/player")
    wait_state(page, "ready")
    check("player")
    page.get_by_role("button", name="Stop: it hurts").click()
    check("player-stopped")
    page.get_by_role("button", name="Something else").click()
    page.wait_for_url(re.compile(r"/stopped/other$"))  # the stop is sent, then its page opens
    check("stopped")
    go(page, "/")
    page.get_by_role("button", name=re.compile("Start the safety check")).click()
    page.get_by_role("button", name="Yes", exact=True).click()
    page.wait_for_url(re.compile(r"/result$"))
    check("emergency")
    for path in MORE_AXE_PAGES:
        go(page, path)
        check(path)
    go(page, "/")
    page.get_by_role("button", name="Menu").click()  # the phone's collapsed navigation, open
    expect(page.get_by_role("navigation").get_by_role("link", name="Techniques")).to_be_visible()
    check("menu-open")
    assert problems == {}


MORE_AXE_PAGES = [
    "/techniques?place=chair&category=stretch&have=mat",
    "/desk-breaks",
    "/check-in",
    "/journal",
    "/stopped/numbness",
    "/no-such-page",
]


def test_an_urgent_answer_ends_the_screening_early(site: Any) -> None:
    page = site
    go(page, "/")
    page.get_by_role("button", name="Start the safety check").click()
    total = len(default_catalogue().screening.questions)
    asked: list[str] = []
    while "/screening/" in page.url:
        qid = page.locator("form.question[data-question]").get_attribute("data-question")
        asked.append(qid)
        before = page.url
        if qid == "cancer_history":
            page.get_by_role("button", name="Yes", exact=True).click()
        elif page.locator("button.choice").count():
            page.get_by_role("button", name="No", exact=True).click()
        elif page.locator("button.scale-step").count():
            page.locator("button.scale-step").filter(has_text=re.compile(r"^2$")).click()
        else:
            page.get_by_role("spinbutton").fill("2")
            page.get_by_role("button", name="Next").click()
        page.wait_for_url(lambda url, before=before: url != before)
        assert len(asked) <= total
    assert page.url.endswith("/result")
    assert asked[-1] == "cancer_history", "the answer that settled it was the last one asked"
    assert len(asked) < total, "the questions after an urgent answer were not asked"
    assert page.get_by_role("heading", level=1).inner_text() == "See a doctor today"
    assert page.get_by_role("link", name="Build a routine").count() == 0
    shoot(page, "16-result-urgent-early")
