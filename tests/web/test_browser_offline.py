"""The guided session survives the server (Chromium): with the server gone mid-session, a stop
still says what to do for the reason chosen (every reason's advice is in the page), is kept on
the phone and shown as pending; the home page and the stopped pages open from the service worker;
when the server is back on the same port and data, the stop is sent and saved once."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.staticfiles import StaticFiles
from playwright.sync_api import expect

from easeback.content.loader import default_catalogue
from easeback.settings import Settings
from easeback.web import create_app
from easeback.web.journal_door import journal_installed

from .browser import ASSETS, Network, free_port, run_axe, shoot
from .test_browser import (  # noqa: F401  (fixtures shared with the journey tests)
    base_url,
    browser_context_args,
    browser_type_launch_args,
    go,
    pytestmark,
    wait_state,
)
from .test_browser_player import prepare

PENDING = "Saved on this phone; will be sent when the connection is back."


class Restartable:
    """The app served in a thread on one port; stopped and started again on that port, each
    time a new app on the same data folder (as a restarted easeback would be)."""

    def __init__(self, data: Path) -> None:
        self.data, self.port = data, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.app: Any = None
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.app = create_app(Settings(data_dir=str(self.data)), allow_speed=True)
        self.app.mount("/__test__", StaticFiles(directory=ASSETS), name="test-assets")
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "server did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=30)
            assert not self.thread.is_alive(), "server did not stop"
        self.server = self.thread = None


@pytest.fixture
def restartable(tmp_path: Path) -> Iterator[Restartable]:
    srv = Restartable(tmp_path)
    srv.start()
    yield srv
    srv.stop()


@pytest.mark.skipif(not journal_installed(), reason="the journal extra is missing")
def test_a_stop_while_the_server_is_gone_says_what_to_do_and_is_saved_once_when_it_is_back(
    page: Any, context: Any, restartable: Restartable
) -> None:
    srv = restartable
    network = Network(srv.base)
    network.attach(context)
    network.watch(page)
    page.set_default_timeout(30_000)
    page.base = srv.base
    prepare(page, minutes=3)
    go(page, "/player?speed=2")
    wait_state(page, "ready")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)
    page.wait_for_function(
        """async () => {
          const c = await caches.open('easeback-player-v1');
          const paths = ['/', '/static/nav.js', '/static/offline.js', '/stopped/numbness',
                         '/stopped/sharp_pain', '/player/timeline.json'];
          for (const p of paths) { if (!(await c.match(p))) { return false; } }
          return true;
        }""",
        timeout=30_000,
    )
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#player")).to_have_attribute("data-index", "0", timeout=30_000)

    page.get_by_role("button", name="Stop: it hurts").click()
    wait_state(page, "stopped")
    # every reason's advice is already in the page, from the content
    for reason, advice in default_catalogue().stops.items():
        section = page.locator(f'#stop-advice section[data-reason="{reason.value}"]')
        expect(section).to_contain_text(advice.advice)
    # the server hangs on the stop, then goes away: the advice does not wait for it
    held: list[Any] = []
    page.route(re.compile(r"/stop$"), lambda route: held.append(route))
    try:
        page.locator("#stop-panel").get_by_role("button", name="Numbness or tingling").click()
        heading = page.get_by_role("heading", name="You stopped: numbness or tingling")
        expect(heading).to_be_visible()
        assert len(held) == 1, "the stop was sent and is unanswered"
        assert run_axe(page) == []
        srv.stop()
    finally:
        for route in held:
            route.abort()
        page.unroute_all(behavior="ignoreErrors")
    expect(page.get_by_text("New numbness around the groin")).to_be_visible()
    chosen = page.locator('#stop-advice section[data-reason="numbness"]')
    expect(chosen.get_by_text("Before any further session, answer the safety")).to_be_visible()
    expect(page.get_by_role("heading", name="Stopped. What happened?")).to_be_hidden()
    status = page.locator("#stop-advice [data-outbox-status]")
    expect(status).to_have_text(PENDING)
    expect(page.get_by_role("button", name="Numbness or tingling")).to_be_hidden()
    kept = page.evaluate("JSON.parse(localStorage.getItem('easeback-outbox'))")
    assert [(i["url"], i["fields"]["reason"], i["what"]) for i in kept] == [
        ("/stop", "numbness", "stop")
    ]
    shoot(page, "offline-stop-pending")

    # with no server at all: the home page and a stopped page open from the service worker,
    # with their menu script; they show the stop as pending too
    other = context.new_page()
    network.watch(other)
    other.goto(srv.base + "/stopped/sharp_pain")
    expect(
        other.get_by_role("heading", name="You stopped: sharp, shooting or unfamiliar pain")
    ).to_be_visible()
    other.goto(srv.base + "/")
    expect(other.get_by_role("button", name="Menu")).to_be_visible()  # nav.js ran
    expect(other.locator("[data-outbox-status]")).to_have_text(PENDING)
    # a check-in made with no server: kept beside the stop
    other.goto(srv.base + "/check-in")
    for group, value in (("Pain now", "3"), ("Stiffness now", "2")):
        scale = other.get_by_role("group", name=re.compile(group))
        scale.get_by_role("radio", name=value, exact=True).click()
    other.get_by_role("button", name="Save", exact=True).click()
    expect(other.locator("[data-outbox-status]")).to_have_text(PENDING + " (2 waiting)")
    expect(status).to_have_text(PENDING + " (2 waiting)")  # the stop's tab hears of it

    srv.start()  # the same port and data folder
    sent = re.compile(r"^Sent: the (stop and the check-in|check-in and the stop) are saved now\.$")
    expect(status).to_have_text(sent, timeout=60_000)
    expect(other.locator("[data-outbox-status]")).to_have_text(sent, timeout=60_000)
    assert page.evaluate("localStorage.getItem('easeback-outbox')") == "[]"
    # its answer lost, the phone would send it once more: still one stop
    resend = {**kept[0]["fields"], "key": kept[0]["key"]}
    again = page.request.post(srv.base + "/stop", form=resend)
    assert again.ok and again.url.endswith("/stopped/numbness"), again.url
    sessions = srv.app.state.web.journal.history().sessions
    assert [[s.reason.value for s in x.stops] for x in sessions] == [["numbness"]]
    assert sessions[0].results[0].outcome == "stopped"
    check_ins = srv.app.state.web.journal.history().check_ins
    assert [(c.pain, c.stiffness) for c in check_ins] == [(3, 2)]
    # and the server applied it: the player asks for the safety questions again
    other.goto(srv.base + "/player")
    expect(other).not_to_have_url(srv.base + "/player")
    assert network.foreign == []
    assert network.csp_errors == []
