"""Desk-break reminders in a real Chromium: the countdown, shortened with the test speed, ends in
a visible banner whose link opens the routine builder prefilled for a chair break."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .browser import run_axe, shoot
from .test_browser import (  # noqa: F401  (fixtures shared with the journey tests)
    answer_all,
    base_url,
    browser_context_args,
    browser_type_launch_args,
    go,
    net,
    pytestmark,
    server,
    site,
)


def test_desk_break_banner_appears_when_due(site: Any) -> None:  # noqa: F811
    page = site
    go(page, "/")
    page.get_by_role("button", name="Start the safety check").click()
    answer_all(page)
    page.wait_for_url(re.compile(r"/result$"))
    go(page, "/desk-breaks?every=5&speed=150")  # 5 minutes in 2 seconds
    timer = page.locator("#desk-timer")
    expect(timer).to_have_attribute("data-state", "counting")
    banner = page.locator("#desk-due")
    expect(banner).to_be_hidden()
    expect(banner).to_be_visible(timeout=10_000)
    expect(timer).to_have_attribute("data-state", "due")
    shoot(page, "desk-break-due")
    assert run_axe(page) == []
    page.get_by_role("link", name="Start the desk-break routine").click()
    page.wait_for_url(re.compile(r"/plan\?"))
    expect(page.get_by_label("Where are you?")).to_have_value("chair")
    expect(page.get_by_label("Goal")).to_have_value("desk-break")
    expect(page.get_by_label("Minutes you have (1 to 120)")).to_have_value("3")
