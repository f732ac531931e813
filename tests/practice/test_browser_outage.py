"""The practice's guided session survives PostgreSQL going away (Chromium, a real PostgreSQL
stopped with pg_ctl mid-session): a stop for numbness still says what to do, from the page, and
says it is kept on the phone; when PostgreSQL is back the phone sends it, it is saved once, and
the clinician sees the person flagged."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright", reason="the test extra is not installed")

from playwright.sync_api import expect

from easeback.storage import open_engine
from easeback.storage import practice as repo
from easeback.usecases import practice
from tests.practice.conftest import T0
from tests.practice.test_browser import (  # noqa: F401  (fixtures shared with the practice tests)
    PHONE,
    _contexts_closed,
    base_url,
    browser_type_launch_args,
    clean,
    open_as,
    pytestmark,
)
from tests.practice.web import dispose, practice_app, signed_in
from tests.storage import pg
from tests.web.answers import clear_answers
from tests.web.browser import live_server, shoot

PENDING = "Saved on this phone; will be sent when the connection is back."


@dataclass
class Postgres:
    """A PostgreSQL server of this test's own, to stop and start again as an outage would."""

    bins: Path
    data: Path
    log: Path
    opts: str
    url: str

    def ctl(self, *args: str) -> None:
        cmd = [str(self.bins / "pg_ctl"), "-D", str(self.data), *args]
        subprocess.run(pg._as_owner(cmd), check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.ctl("-o", self.opts, "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self) -> None:
        self.ctl("-m", "fast", "-w", "-t", "60", "stop")


@pytest.fixture
def postgres() -> Iterator[Postgres]:
    bins = pg.bindir()
    if bins is None:
        if os.environ.get("EASEBACK_TEST_POSTGRES") == "require":
            pytest.fail(pg.HOW_TO_ENABLE)
        pytest.skip(pg.HOW_TO_ENABLE)
    base = Path(tempfile.mkdtemp(prefix="easeback-pg-outage-"))
    os.chmod(base, 0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    port = pg._free_port()
    server = Postgres(
        bins,
        base / "data",
        base / "server.log",
        f"-k {base} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off",
        f"postgresql+psycopg://easeback@127.0.0.1:{port}",
    )
    try:
        subprocess.run(
            pg._as_owner(
                [str(bins / "initdb"), "-D", str(server.data), "-U", "easeback",
                 "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"]
            ),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        server.start()
        try:
            yield server
        finally:
            if _running(server):
                server.ctl("-m", "immediate", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _running(server: Postgres) -> bool:
    cmd = [str(server.bins / "pg_ctl"), "-D", str(server.data), "status"]
    return subprocess.run(pg._as_owner(cmd), capture_output=True, timeout=60).returncode == 0


def test_a_stop_while_postgresql_is_down_says_what_to_do_and_arrives_once(
    browser: Any, postgres: Postgres, password_hash: str, catalogue: Any
) -> None:
    url = pg.create_database(postgres.url, "outage")
    engine = open_engine(url)
    north = repo.clinic_id(engine, "North", T0)
    ids = {
        name: repo.add_user(engine, email, role, north, password_hash, T0)
        for name, email, role in [
            ("alice", "alice@north.example", "clinician"),
            ("ann", "ann@example.org", "person"),
        ]
    }
    alice, ann = (repo.user_by_id(engine, ids[n]) for n in ("alice", "ann"))
    assert alice is not None and ann is not None
    now = datetime.now(UTC)
    items = [
        {"id": "bridge", "hold_seconds": 3, "reps": 5, "sets": 1},
        {"id": "cat-cow", "reps": 5},
    ]
    practice.prescribe(engine, catalogue, alice, ann.id, items, 3, now)
    practice.screen(engine, catalogue, ann, clear_answers(pain_days=10), now)

    app = practice_app(url)
    try:
        with live_server(app) as base:
            page, net = open_as(browser, base, "ann@example.org", PHONE)
            expect(page).to_have_url(base + "/programme")
            page.goto(base + "/programme/session")
            player = page.locator("#player")
            expect(player).to_have_attribute("data-state", "ready", timeout=60_000)
            page.get_by_role("button", name="Start").click()
            expect(page.locator("#technique-label")).to_have_text(
                "Technique 1 of 2: Bridge", timeout=60_000
            )
            postgres.stop()

            page.get_by_role("button", name="Stop: it hurts").click()
            expect(page.locator("#stop-panel")).to_be_visible()
            page.locator("#stop-panel").get_by_role("button", name="Numbness or tingling").click()
            expect(
                page.get_by_role("heading", name="You stopped: numbness or tingling")
            ).to_be_visible()
            expect(page.get_by_text("needs emergency care now")).to_be_visible()
            chosen = page.locator('#stop-advice section[data-reason="numbness"]')
            expect(chosen.get_by_text("Your programme waits until")).to_be_visible()
            status = page.locator("#stop-advice [data-outbox-status]")
            expect(status).to_have_text(PENDING)
            shoot(page, "practice-stop-database-down")
            (kept,) = page.evaluate("JSON.parse(localStorage.getItem('easeback-outbox'))")
            assert (kept["url"], kept["fields"]["reason"]) == ("/programme/stop", "numbness")

            postgres.start()
            expect(status).to_have_text("Sent: the stop is saved now.", timeout=90_000)
            engine.dispose()  # its pooled connections died with the server
            (session,) = practice.history(engine, ann).sessions
            assert [s.reason.value for s in session.stops] == ["numbness"]
            assert [r.outcome for r in session.results] == ["stopped", "not_reached"]
            # its answer lost, the phone would send it once more: still one stop
            resend = {**kept["fields"], "key": kept["key"]}
            again = page.request.post(base + kept["url"], form=resend)
            assert again.ok and again.url.endswith("/programme/stopped/numbness?saved=1")
            assert len(practice.history(engine, ann).sessions) == 1
            # the clinician's list flags her (signed in past the staff's second step)
            people = signed_in(app, "alice@north.example").get("/people")
            row = re.search(rf'<tr data-person="{ann.id}"[^>]*>.*?</tr>', people.text, re.S)
            assert row and 'class="flagged"' in row[0] and "stopped for numbness" in row[0], (
                people.text
            )
            clean(net)
    finally:
        dispose(app)
        engine.dispose()
