"""The wizard's answers and routine live in the journal database: they survive a restart of the
server and no flood of other visitors can push them out."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from easeback.settings import Settings
from easeback.web import create_app

from .answers import clear_answers
from .conftest import BASE, Visitor


def _plan(visitor: Visitor) -> None:
    visitor.screen(clear_answers())
    resp = visitor.post("/plan", {"place": "floor", "minutes": 5, "goal": "general-relief"})
    assert resp.url.path == "/routine"


def test_answers_and_routine_survive_a_restart(tmp_path):
    settings = Settings(data_dir=str(tmp_path))
    with TestClient(create_app(settings), base_url=BASE) as first:
        visitor = Visitor(first)
        _plan(visitor)
        routine = first.get("/routine").text
        cookie = first.cookies.get("easeback_session")
    assert cookie
    with TestClient(create_app(settings), base_url=BASE) as second:  # a new process's app
        second.cookies.set("easeback_session", cookie)
        again = second.get("/routine")
        assert again.url.path == "/routine"
        ids = re.findall(r'href="/techniques/([a-z0-9-]+)"', routine)
        assert ids and ids == re.findall(r'href="/techniques/([a-z0-9-]+)"', again.text)
        back = second.get("/screening/1")
        assert re.search(r'value="no"[^>]*>No <span class="was">your last answer', back.text), (
            "the first answer is still there"
        )
        # the form token issued before the restart is still accepted
        resp = second.post("/screening/start", data={"csrf_token": visitor.csrf})
        assert resp.url.path == "/screening/1"


def test_a_flood_of_new_visitors_neither_evicts_nor_grows_anything(tmp_path):
    from easeback.storage.wizard import count_wizards

    app = create_app(Settings(data_dir=str(tmp_path)))
    with TestClient(app, base_url=BASE) as client:
        visitor = Visitor(client)
        _plan(visitor)
        cookie = client.cookies.get("easeback_session")
        with TestClient(app, base_url=BASE) as stranger:
            for _ in range(2100):
                stranger.cookies.clear()
                assert stranger.get("/").status_code == 200
        engine = app.state.web.journal.engine
        assert count_wizards(engine) == 1, "visits with nothing to keep store nothing"
        client.cookies.set("easeback_session", cookie)
        assert client.get("/routine").url.path == "/routine"


def test_without_the_journal_a_visitor_keeps_state_in_memory(tmp_path):
    app = create_app(Settings(data_dir=str(tmp_path)), journal=False)
    with TestClient(app, base_url=BASE) as client:
        visitor = Visitor(client)
        _plan(visitor)
        with TestClient(app, base_url=BASE) as stranger:
            for _ in range(2100):
                stranger.cookies.clear()
                stranger.get("/")
        assert client.get("/routine").url.path == "/routine"


def test_a_forged_or_foreign_cookie_gets_a_fresh_session(client):
    client.cookies.set("easeback_session", "not-a-session")
    resp = client.get("/")
    assert resp.status_code == 200
    fresh = resp.cookies.get("easeback_session")
    assert fresh and fresh != "not-a-session"


def _statements(engine) -> list[str]:
    """Every SQL statement the engine runs from now on (a real SQLAlchemy event, not a mock)."""
    from sqlalchemy import event

    seen: list[str] = []

    def log(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", log)
    return seen


def test_a_first_visit_reads_nothing_and_a_returning_one_reads_only_what_changed(tmp_path):
    """Every statement of both the app's engine and its watching connection is counted: a
    returning visitor's state and the journal's stops are read again only after another
    connection (here the terminal's, recording a stop) committed, and then once."""
    from datetime import UTC, datetime

    from easeback.storage import open_engine, repository

    app = create_app(Settings(data_dir=str(tmp_path)))
    with TestClient(app, base_url=BASE) as client:
        visitor = Visitor(client)
        _plan(visitor)
        cookie = client.cookies.get("easeback_session")
        door = app.state.web.journal
        seen = _statements(door.engine)
        event_own = _statements(door.watch._own)
        with TestClient(app, base_url=BASE) as stranger:
            page = stranger.get("/")
            assert page.status_code == 200 and "Start the safety check" in page.text
        assert seen == [] and event_own == [], "a visitor without a cookie touches no database"

        client.cookies.set("easeback_session", cookie)
        for _ in range(3):
            page = client.get("/")
            assert "See the result of your last check" in page.text
            assert client.get("/player").status_code == 200
            assert client.get("/player/timeline.json").status_code == 200
        assert seen == [] and event_own == [], "nothing changed: nothing is read again"

        # the terminal (another connection) records a stop for sharp pain in the routine's
        # first technique: the next page reads the stops and this visitor's state once, and
        # the player leaves that technique out
        first = re.findall(r'href="/techniques/([a-z0-9-]+)"', client.get("/routine").text)[0]
        terminal = open_engine(f"sqlite:///{tmp_path / 'journal.sqlite3'}")
        now = datetime.now(UTC)
        sid = repository.start_session(terminal, now, {"techniques": []}, None)
        repository.add_stop(terminal, sid, now, "sharp_pain", first)
        terminal.dispose()
        seen.clear()
        event_own.clear()
        timeline = client.get("/player/timeline.json")
        assert first not in [c.get("technique_id") for c in timeline.json()["cues"]]
        assert client.get("/player").status_code == 200
        stops = [s for s in seen if "FROM stops" in s]
        assert len(stops) == 1, f"the journal's stops are read once after a change: {seen}"
        wizard = [s for s in event_own if "web_wizard" in s]
        assert wizard and wizard[0].lstrip().upper().startswith("SELECT"), event_own
        assert len([s for s in wizard if s.lstrip().upper().startswith("SELECT")]) == 1


def test_a_state_written_by_another_server_is_seen(tmp_path):
    """Two apps on one data folder (two servers): what one writes for a browser, the other's
    next page shows, although it kept that browser's state in memory."""
    settings = Settings(data_dir=str(tmp_path))
    with (
        TestClient(create_app(settings), base_url=BASE) as one,
        TestClient(create_app(settings), base_url=BASE) as two,
    ):
        _plan(Visitor(one))
        cookie = one.cookies.get("easeback_session")
        assert cookie
        two.cookies.set("easeback_session", cookie)
        assert two.get("/player").status_code == 200
        assert one.get("/player").status_code == 200  # both keep the state now
        # the other server starts the screening again: the routine is gone there
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', two.get("/").text)
        assert csrf
        two.post("/screening/start", data={"csrf_token": csrf.group(1)})
        assert one.get("/player", follow_redirects=False).status_code == 303
        assert "See the result of your last check" not in one.get("/").text


def test_one_routine_has_one_timeline_worked_out_once_for_everyone(tmp_path):
    app = create_app(Settings(data_dir=str(tmp_path)))
    bodies = []
    for _ in range(2):  # two visitors who plan the same routine
        with TestClient(app, base_url=BASE) as client:
            _plan(Visitor(client))
            first = client.get("/player/timeline.json")
            assert first.status_code == 200 and first.json()["cues"]
            bodies.append(first.content)
            assert client.get("/player/timeline.json").content == first.content
    assert bodies[0] == bodies[1]
    assert len(app.state.web.timelines) == 1
