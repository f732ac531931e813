"""The practice in a real Chromium (Debian's), every request to another host blocked: a clinician
prescribes; a person signs in on a phone, does the safety check, follows the programme and logs
pain; the clinician sees it; another person and a clinician of another clinic see none of it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("playwright", reason="the test extra is not installed")

from playwright.sync_api import expect

from easeback.domain.screening import QuestionKind
from easeback.storage import open_engine
from easeback.storage import practice as repo
from tests.practice.conftest import PASSWORD, T0
from tests.practice.web import dispose, practice_app
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, Network, live_server, shoot

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
)

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def base_url() -> None:
    """Shadows pytest-base-url's fixture (its method-style fixture warns under pytest 9)."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture
def practice(tmp_path, password_hash) -> Iterator[tuple[str, dict[str, int]]]:
    url = f"sqlite:///{tmp_path / 'practice.sqlite3'}"
    engine = open_engine(url)
    ids = {}
    for email, role, clinic in [
        ("alice@north.example", "clinician", "North"),
        ("ann@example.org", "person", "North"),
        ("bob@example.org", "person", "North"),
        ("carol@south.example", "clinician", "South"),
        ("adam@practice.example", "admin", None),
    ]:
        clinic_id = repo.clinic_id(engine, clinic, T0) if clinic else None
        uid = repo.add_user(engine, email, role, clinic_id, password_hash, T0)
        ids[email.split("@")[0]] = uid
    engine.dispose()
    app = practice_app(url)
    with live_server(app) as base:
        yield base, ids
    dispose(app)


@pytest.fixture(autouse=True)
def _contexts_closed(browser: Any) -> Iterator[None]:
    """Each test's windows are closed when it ends: left open, a guided session on a phone page
    went on running its timers and animations for the rest of the test run (a third of a core
    each, in CI)."""
    yield
    for context in list(browser.contexts):
        context.close()


def open_as(browser: Any, base: str, email: str, viewport: dict[str, int]) -> tuple[Any, Network]:
    context = browser.new_context(viewport=viewport, locale="en-GB")
    net = Network(base)
    net.attach(context)
    page = context.new_page()
    net.watch(page)
    page.goto(base + "/")
    expect(page).to_have_url(base + "/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page, net


def clean(net: Network) -> None:
    assert net.foreign == [], f"requests to other hosts: {net.foreign}"
    assert net.csp_errors == [], f"CSP violations: {net.csp_errors}"


def answer_all_clear(page: Any, catalogue: Any) -> None:
    """The safety check with no red flag, a pain of 2."""
    for q in catalogue.screening.questions:
        box = page.locator(f'fieldset[data-question="{q.id}"]')
        if q.kind is QuestionKind.INTEGER:
            if not q.optional:
                box.locator("input").fill("2")
        else:
            box.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Check").click()


def prescribe(page: Any, base: str, person: str, ids: tuple[str, ...]) -> None:
    page.get_by_role("link", name=person).click()
    page.get_by_label("Sessions a week").fill("3")
    for tid in ids:
        page.locator(f'input[name="use"][value="{tid}"]').check()
    page.get_by_role("button", name="Save programme").click()
    expect(page.get_by_role("status")).to_have_text("Programme saved.")


def test_prescribe_follow_and_see_it(browser, practice, catalogue):
    base, ids = practice
    ann_id = ids["ann"]

    # the clinician prescribes bridge and cat-cow, three times a week
    alice, alice_net = open_as(browser, base, "alice@north.example", DESK)
    expect(alice).to_have_url(base + "/people")
    alice.get_by_role("link", name="ann@example.org").click()
    expect(alice.get_by_role("heading", name="ann@example.org")).to_be_visible()
    alice.get_by_label("Sessions a week").fill("3")
    for tid in ("bridge", "cat-cow"):
        alice.locator(f'input[name="use"][value="{tid}"]').check()
    alice.get_by_label("Bridge repetitions").fill("6")
    alice.get_by_role("button", name="Save programme").click()
    expect(alice.get_by_role("status")).to_have_text("Programme saved.")
    expect(alice.locator("#hidden")).to_contain_text("no safety check yet")
    shoot(alice, "practice-clinician-editor")

    # the person, on a phone: on hold until the safety check, then the programme
    ann, ann_net = open_as(browser, base, "ann@example.org", PHONE)
    expect(ann).to_have_url(base + "/programme")
    expect(ann.get_by_text("Your programme is on hold")).to_be_visible()
    ann.get_by_role("link", name="do the safety check first").click()
    answer_all_clear(ann, catalogue)
    expect(ann).to_have_url(base + "/programme?message=screened")
    cards = ann.locator("#programme > li")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("6 repetitions")
    shoot(ann, "practice-person-programme")
    width = ann.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the phone page scrolls sideways ({width}px)"
    ann.get_by_label("Pain before").fill("5")
    ann.get_by_label("Pain after").fill("3")
    with ann.expect_navigation():  # sent by the page (static/offline.js), then its answer shown
        ann.get_by_role("button", name="Save session").click()
    expect(ann.get_by_role("status")).to_have_text("Saved. Well done.")
    ann.get_by_label("Pain (0–10)").fill("3")
    ann.get_by_label("Stiffness (0–10)").fill("2")
    with ann.expect_navigation():
        ann.get_by_role("button", name="Save check-in").click()
    expect(ann.get_by_role("status")).to_have_text("Saved. Well done.")

    # the clinician sees the session, the adherence and the pain
    alice.goto(base + "/people")
    row = alice.locator(f'tr[data-person="{ann_id}"]')
    expect(row).to_contain_text("1 / 3")
    expect(row).to_contain_text("5 → 3 → 3")
    shoot(alice, "practice-clinician-people")
    alice.goto(f"{base}/people/{ann_id}")
    expect(alice.locator("#adherence")).to_have_text("1 / 3")
    expect(alice.locator("#shown")).to_contain_text("Bridge")

    # another person of the clinic and a clinician of another clinic see none of it
    bob, bob_net = open_as(browser, base, "bob@example.org", PHONE)
    expect(bob.get_by_text("has not prescribed a programme yet")).to_be_visible()
    assert "5 → 3" not in bob.content()
    for url in (f"/people/{ann_id}", "/people", f"/api/people/{ann_id}/progress"):
        resp = bob.goto(base + url)
        assert resp is not None and resp.status == 404, url
        assert "ann@example.org" not in bob.content()
    history = bob.goto(base + "/api/history")
    assert history is not None and history.json() == []
    carol, carol_net = open_as(browser, base, "carol@south.example", DESK)
    expect(carol.get_by_text("No people in this clinic yet.")).to_be_visible()
    resp = carol.goto(f"{base}/people/{ann_id}")
    assert resp is not None and resp.status == 404
    assert "ann@example.org" not in carol.content()
    for net in (alice_net, ann_net, bob_net, carol_net):
        clean(net)


def test_an_admin_invites_a_person_who_manages_their_sign_ins(browser, practice):
    base, _ids = practice
    adam, adam_net = open_as(browser, base, "adam@practice.example", DESK)
    expect(adam).to_have_url(base + "/users")
    adam.get_by_label("Email").fill("finn@example.org")
    adam.get_by_label("Role").select_option("person")
    adam.get_by_label("Clinic").fill("North")
    adam.get_by_role("button", name="Add and make an invite link").click()
    link = adam.locator("#invite-link").inner_text()
    assert link.startswith(base + "/invite/")
    expect(adam.locator("#users")).to_contain_text("finn@example.org")
    shoot(adam, "practice-admin-users")

    # finn opens the link on a phone, chooses a password, signs in twice (phone and laptop)
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    finn_net = Network(base)
    finn_net.attach(context)
    finn = context.new_page()
    finn_net.watch(finn)
    finn.goto(link)
    finn.get_by_label("New password").fill("finn's own password")
    finn.get_by_role("button", name="Save and sign in").click()
    finn.get_by_label("Password").fill("finn's own password")
    finn.get_by_role("button", name="Sign in").click()
    expect(finn).to_have_url(base + "/programme")
    laptop, laptop_net = open_as_password(browser, base, "finn@example.org", "finn's own password")
    # on a phone the links fold behind Menu, so the header stays one row above the programme
    account = finn.get_by_role("link", name="Account")
    expect(account).to_be_hidden()
    header = finn.locator("header.top").bounding_box()
    assert header is not None and header["height"] < 90, header
    finn.get_by_role("button", name="Menu").click()
    expect(finn.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
    account.click()
    expect(finn.get_by_role("link", name="Account", include_hidden=True)).to_have_attribute(
        "aria-current", "page"
    )
    rows = finn.locator("#sign-ins tbody tr")
    expect(rows).to_have_count(2)
    finn.get_by_role("button", name="Make an API token").click()
    expect(finn.locator("code.token")).to_be_visible()
    expect(rows).to_have_count(3)
    shoot(finn, "practice-account-phone")
    # the table's headings are hidden on a phone: each date says what it is
    labels = rows.first.locator("td").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)"
    )
    assert '"Since: "' in labels and '"Expires: "' in labels, labels
    width = finn.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the account page scrolls sideways ({width}px)"
    # signing the laptop out from the phone
    finn.goto(base + "/account")
    others = finn.locator("#sign-ins tbody tr", has_not_text="(this one)")
    others.filter(has_text="Browser sign-in").get_by_role("button", name="Revoke").click()
    expect(finn.get_by_role("status")).to_have_text("Signed out there.")
    expect(rows).to_have_count(2)
    laptop.goto(base + "/programme")
    expect(laptop).to_have_url(base + "/sign-in")
    for net in (adam_net, finn_net, laptop_net):
        clean(net)


def open_as_password(browser: Any, base: str, email: str, password: str) -> tuple[Any, Network]:
    context = browser.new_context(viewport=DESK, locale="en-GB")
    net = Network(base)
    net.attach(context)
    page = context.new_page()
    net.watch(page)
    page.goto(base + "/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base + "/programme")
    return page, net


def test_a_guided_session_on_a_phone_with_stop_in_reach(browser, practice, catalogue):
    base, _ids = practice
    alice, alice_net = open_as(browser, base, "alice@north.example", DESK)
    prescribe(alice, base, "ann@example.org", ("bridge", "cat-cow"))
    ann, ann_net = open_as(browser, base, "ann@example.org", PHONE)
    ann.goto(base + "/safety-check")
    answer_all_clear(ann, catalogue)
    ann.get_by_role("link", name="Start a guided session").click()
    expect(ann).to_have_url(base + "/programme/session")
    player = ann.locator("#player")
    expect(player).to_have_attribute("data-state", "ready", timeout=60_000)
    expect(ann.locator("#next")).to_have_text("Bridge")
    ann.get_by_role("button", name="Start").click()
    expect(player).to_have_attribute("data-state", "running")
    label = ann.locator("#technique-label")
    expect(label).to_have_text("Technique 1 of 2: Bridge", timeout=60_000)  # past "get ready"
    stop = ann.get_by_role("button", name="Stop: it hurts")
    box = stop.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    shoot(ann, "practice-person-session")
    stop.click()
    expect(ann.locator("#stop-panel")).to_be_visible()
    ann.locator("#stop-panel").get_by_role(
        "button", name="Sharp, shooting or unfamiliar pain"
    ).click()
    expect(
        ann.get_by_role("heading", name="You stopped: sharp, shooting or unfamiliar pain")
    ).to_be_visible()
    shoot(ann, "practice-person-stopped")
    ann.goto(base + "/programme")
    expect(ann.locator("#programme > li")).to_have_count(1)  # the bridge is left out now
    alice.goto(base + "/people")  # the clinician sees the stopped session and why
    expect(alice.locator("table.people")).to_contain_text("1 / 3")
    alice.get_by_role("link", name="ann@example.org").click()
    expect(alice.locator("#hidden")).to_contain_text("stopped for sharp pain")
    for net in (alice_net, ann_net):
        clean(net)
