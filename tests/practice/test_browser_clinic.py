"""The clinician's day in a real Chromium: a week of three people (ann's pain rising, bob
stopping for numbness, dee skipping everything), played partly by the use cases back in time
and partly on phones today; the clinician's list orders them by need with the right reasons,
each page shows its timeline and charts, and PEG and PSFS entered on a phone reach the chart,
the FHIR export (validated) and the CSV. Every clinician page fits a 360 px phone."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

pytest.importorskip("playwright", reason="the test extra is not installed")

from playwright.sync_api import expect

from easeback.content.loader import default_catalogue
from easeback.storage import open_engine
from easeback.storage import practice as repo
from easeback.usecases import practice as uc
from tests.practice.conftest import T0
from tests.practice.test_browser import (  # noqa: F401  (fixtures used by name)
    DESK,
    PHONE,
    _contexts_closed,
    base_url,
    browser_type_launch_args,
    clean,
    open_as,
)
from tests.practice.web import dispose, practice_app
from tests.web.answers import clear_answers
from tests.web.browser import CHROMIUM, live_server, shoot

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
)

SMALL = {"width": 360, "height": 640}
ITEMS = [{"id": "bridge", "hold_seconds": 3, "reps": 5, "sets": 1}, {"id": "cat-cow", "reps": 5}]


@pytest.fixture
def clinic(tmp_path, password_hash) -> Iterator[tuple[str, dict[str, int]]]:
    """alice's clinic, the three people prescribed bridge and cat-cow three times a week ten
    days ago; ann's check-ins went 3, 5, 6, 6 over the last two weeks; each did the safety
    check yesterday."""
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    engine = open_engine(url)
    cat = default_catalogue()
    ids = {}
    north = repo.clinic_id(engine, "North", T0)
    for email, role in [
        ("alice@north.example", "clinician"),
        ("ann@example.org", "person"),
        ("bob@example.org", "person"),
        ("dee@example.org", "person"),
    ]:
        ids[email.split("@")[0]] = repo.add_user(engine, email, role, north, password_hash, T0)
    users = {k: repo.user_by_id(engine, v) for k, v in ids.items()}
    now = datetime.now(UTC)
    for who in ("ann", "bob", "dee"):
        uc.prescribe(engine, cat, users["alice"], ids[who], ITEMS, 3, now - timedelta(days=10))
        uc.screen(engine, cat, users[who], clear_answers(), now - timedelta(days=1))
    for days, pain in ((13, 3), (10, 5), (6, 6), (3, 6)):
        uc.check_in(engine, users["ann"], pain, 3, now - timedelta(days=days))
    uc.log_session(engine, cat, users["ann"], 6, 5, now - timedelta(days=3))
    engine.dispose()
    app = practice_app(url)
    with live_server(app) as base:
        yield base, ids
    dispose(app)


def fits(page: Any, what: str) -> None:
    width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth).slice(0, 5).map(e => e.tagName + '.' + e.className + ' '"
        " + Math.round(e.getBoundingClientRect().right))"
    )
    assert width[0] <= width[1], f"{what} is {width[0]} px wide at {width[1]} px: {wide}"


def test_a_week_in_the_clinic(browser, clinic):
    base, ids = clinic

    # ann, on a phone: pain 8 today, then the weekly questions and her activities
    ann, ann_net = open_as(browser, base, "ann@example.org", PHONE)
    expect(ann.locator("#outcomes-due")).to_be_visible()
    ann.get_by_label("Pain (0–10)").fill("8")
    ann.get_by_label("Stiffness (0–10)").fill("5")
    ann.get_by_role("button", name="Save check-in").click()
    expect(ann.get_by_role("status")).to_have_text("Saved. Well done.")
    ann.locator("#outcomes-due a").click()
    expect(ann).to_have_url(base + "/outcomes")
    ann.locator("#peg_pain").fill("7")
    ann.locator("#peg_enjoyment").fill("6")
    ann.locator("#peg_activity").fill("8")
    ann.get_by_role("button", name="Save weekly questions").click()
    expect(ann.get_by_role("status")).to_have_text("Saved: your weekly questions.")
    ann.get_by_label("What activity?").first.fill("Putting on socks")
    ann.locator("#score_0").fill("3")
    ann.locator("#activity_1").fill("Gardening")
    ann.locator("#score_1").fill("12")
    ann.get_by_role("button", name="Save activities").click()
    expect(ann.get_by_role("alert")).to_contain_text(
        "activity 'Gardening' must be a whole number from 0 to 10"
    )
    ann.locator("#activity_0").fill("Putting on socks")
    ann.locator("#score_0").fill("3")
    ann.locator("#activity_1").fill("Gardening")
    ann.locator("#score_1").fill("5")
    ann.get_by_role("button", name="Save activities").click()
    expect(ann.get_by_role("status")).to_have_text("Saved: your activities.")
    expect(ann.locator("#activity_1")).to_have_value("Gardening")
    fits(ann, "the PSFS form")
    shoot(ann, "clinic-psfs-phone")

    # bob stops at cat-cow for numbness; dee skips everything
    bob, bob_net = open_as(browser, base, "bob@example.org", PHONE)
    bob.get_by_label("Pain before").fill("3")
    bob.get_by_label("Pain after").fill("5")
    bob.get_by_label("Did you stop early?").select_option("cat-cow:numbness")
    bob.get_by_role("button", name="Save session").click()
    expect(bob.get_by_role("status")).to_have_text("Saved. Well done.")
    dee, dee_net = open_as(browser, base, "dee@example.org", PHONE)
    dee.get_by_label("Pain before").fill("4")
    dee.get_by_label("Pain after").fill("4")
    dee.get_by_label("I skipped Bridge").check()
    dee.get_by_label("I skipped Cat-cow").check()
    dee.get_by_role("button", name="Save session").click()
    expect(dee.get_by_role("status")).to_have_text("Saved. Well done.")

    # the clinician's list: by need, each with the right reasons
    alice, alice_net = open_as(browser, base, "alice@north.example", DESK)
    rows = alice.locator("#people tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("bob@example.org")
    expect(rows.nth(0).locator("td.needs")).to_have_text("stopped for numbness at Cat-cow")
    expect(rows.nth(1)).to_contain_text("ann@example.org")
    expect(rows.nth(1).locator("td.needs")).to_contain_text("pain rose 3 → 8 since")
    expect(rows.nth(2)).to_contain_text("dee@example.org")
    expect(rows.nth(2).locator("td.needs")).to_have_text(
        "no session done in 10 days of the programme"
    )
    shoot(alice, "clinic-people-desk")
    alice.get_by_role("link", name="Numbness or radiating-pain stop").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("bob@example.org")
    alice.get_by_role("link", name="Everyone").click()

    # the reason links to the stop on bob's page, with the advice he was shown
    alice.get_by_role("link", name="stopped for numbness at Cat-cow").click()
    stop = alice.locator("ol.timeline > li:target")
    expect(stop).to_contain_text("numbness or tingling at Cat-cow")
    expect(stop).to_contain_text("Advice shown:")
    expect(alice.locator("ol.timeline")).to_contain_text("Cat-cow: stopped")

    # dee's page: the session reads skipped, not completed, and does not count
    alice.goto(f"{base}/people/{ids['dee']}")
    expect(alice.locator("ol.timeline")).to_contain_text("Session: skipped, pain 4 → 4")
    expect(alice.locator("ol.timeline")).to_contain_text("Bridge: skipped")
    expect(alice.locator("#adherence")).to_have_text("0 / 6")

    # ann's page: the dated charts, PEG and PSFS among them, and her timeline
    alice.goto(f"{base}/people/{ids['ann']}")
    for cid in ("chart-pain", "chart-peg", "chart-psfs"):
        chart = alice.locator(f"#{cid} svg")
        expect(chart).to_be_visible()
        assert chart.locator("text").count() >= 8, cid  # the value and date axes' labels
    expect(alice.locator("#chart-pain circle")).to_have_count(7)
    expect(alice.locator("#chart-peg circle title")).to_contain_text("7 on")
    expect(alice.locator("ol.timeline")).to_contain_text("PSFS: 4.0: Putting on socks 3/10")
    expect(alice.locator("#needs")).to_contain_text("pain rose 3 → 8")
    shoot(alice, "clinic-person-desk")
    fhir = alice.request.get(f"{base}/api/people/{ids['ann']}/export/fhir")
    assert fhir.ok
    codes = [
        e["resource"].get("code", {}).get("coding", [{}])[0].get("code")
        for e in json.loads(fhir.text())["entry"]
    ]
    assert codes.count("91148-7") == 1 and codes.count("psfs") == 1
    csv = alice.request.get(f"{base}/api/people/{ids['ann']}/export/csv")
    with zipfile.ZipFile(io.BytesIO(csv.body())) as z:
        lines = z.read("outcomes.csv").decode().splitlines()
    assert len(lines) == 3 and "Putting on socks" in lines[2]

    # every clinician page fits a phone, at 360 and 390 px
    for size in (SMALL, PHONE):
        phone, phone_net = open_as(browser, base, "alice@north.example", size)
        for url in ("/people", f"/people/{ids['ann']}", f"/people/{ids['bob']}"):
            phone.goto(base + url)
            fits(phone, url)
        if size is SMALL:
            shoot(phone, "clinic-person-phone")
            phone.goto(base + "/people")
            shoot(phone, "clinic-people-phone")
        clean(phone_net)
    ann.set_viewport_size(DESK)
    ann.goto(base + "/outcomes")
    shoot(ann, "clinic-psfs-desk")
    for net in (ann_net, bob_net, dee_net, alice_net):
        clean(net)
