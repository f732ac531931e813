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


def test_a_first_visit_reads_nothing_and_a_returning_one_reads_its_row_once(tmp_path):
    app = create_app(Settings(data_dir=str(tmp_path)))
    with TestClient(app, base_url=BASE) as client:
        visitor = Visitor(client)
        _plan(visitor)
        cookie = client.cookies.get("easeback_session")
        seen = _statements(app.state.web.journal.engine)
        with TestClient(app, base_url=BASE) as stranger:
            page = stranger.get("/")
            assert page.status_code == 200 and "Start the safety check" in page.text
        assert seen == [], "a visitor without a cookie touches no database"

        client.cookies.set("easeback_session", cookie)
        page = client.get("/")
        assert "See the result of your last check" in page.text
        wizard = [s for s in seen if "web_wizard" in s]
        assert len(wizard) == 1 and wizard[0].lstrip().upper().startswith("SELECT"), seen
        seen.clear()
        assert client.get("/player").status_code == 200
        stops = [s for s in seen if "FROM stops" in s]
        assert len(stops) == 1, f"the journal's stops are read once per page, not {len(stops)}"


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
