"""Issue 10 on the web: every page that plans or plays a routine needs answers that are still
valid (7 days, no nerve-sign stop since), and the JSON API never gives techniques to a result
that allows none."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")
pytest.importorskip("sqlalchemy", reason="the journal extra is not installed")

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from easeback.settings import Settings
from easeback.storage.wizard import WizardRow, key_of
from easeback.usecases import journal
from easeback.web import create_app
from tests.web.answers import clear_answers
from tests.web.conftest import BASE, Visitor

GATED = ["/routine", "/player", "/plan"]


@pytest.fixture
def app(tmp_path: Any) -> Any:
    return create_app(Settings(data_dir=str(tmp_path)), allow_speed=True)


@pytest.fixture
def visitor(app: Any) -> Iterator[Visitor]:
    with TestClient(app, base_url=BASE) as c:
        yield Visitor(c)


def _plan(v: Visitor) -> dict[str, Any]:
    resp = v.post("/plan", {"place": "floor", "minutes": 5, "equipment": "mat"})
    assert resp.url.path == "/routine", resp.text
    return dict(v.client.get("/player/timeline.json").json())


def _edit_state(app: Any, v: Visitor, **changes: Any) -> None:
    """Change this browser's stored wizard state as time would (the row stays recently used)."""
    cookie = v.client.cookies.get("easeback_session")
    assert cookie
    with Session(app.state.web.journal.engine) as s, s.begin():
        row = s.get(WizardRow, key_of(cookie))
        assert row is not None
        state = json.loads(row.state)
        state.update(changes)
        row.state = json.dumps(state)


def _assert_gated(v: Visitor) -> None:
    for url in GATED:
        resp = v.client.get(url)
        assert resp.url.path == "/", (url, resp.url)
    assert v.client.get("/player/timeline.json").status_code == 404
    assert "Screening comes first" in v.client.get("/desk-breaks").text
    ics = v.client.get("/desk-breaks.ics")
    assert ics.url.path == "/desk-breaks" and "BEGIN:VCALENDAR" not in ics.text


def test_answers_8_days_old_send_the_visitor_back_to_the_questions(app, visitor):
    visitor.screen(clear_answers())
    assert _plan(visitor)["cues"]
    assert visitor.client.get("/desk-breaks.ics").status_code == 200
    # still valid on day 6
    _edit_state(app, visitor, screened_at=(datetime.now(UTC) - timedelta(days=6)).isoformat())
    assert visitor.client.get("/player").url.path == "/player"
    _edit_state(app, visitor, screened_at=(datetime.now(UTC) - timedelta(days=8)).isoformat())
    home = visitor.client.get("/")
    assert "8 days ago" in home.text and "valid for 7 days" in home.text
    _assert_gated(visitor)
    # the whole screening again (emergency and urgent questions first, as always) lets it plan
    first = visitor.post("/screening/start")
    assert first.url.path == "/screening/1" and "bladder" in first.text.lower()
    visitor.screen(clear_answers())
    assert _plan(visitor)["cues"]


def test_a_nerve_sign_stop_recorded_in_the_terminal_reopens_the_web_screening(app, visitor):
    from easeback.usecases import planning

    visitor.screen(clear_answers())
    assert _plan(visitor)["cues"]
    # the same person stops a session in the terminal for numbness (one journal for both doors)
    routine = planning.routine_from_public(app.state.web.catalogue, _routine_of(app, visitor))
    first = routine.items[0].technique.id
    engine = app.state.web.journal.engine
    journal.log_session(engine, routine, 3, 3, journal.utc_now(), f"{first}:numbness")
    assert "nerve sign" in visitor.client.get("/").text
    _assert_gated(visitor)


def _routine_of(app: Any, v: Visitor) -> dict[str, Any]:
    cookie = v.client.cookies.get("easeback_session")
    assert cookie
    with Session(app.state.web.journal.engine) as s:
        row = s.get(WizardRow, key_of(cookie))
        assert row is not None
        routine = json.loads(row.state)["routine"]
    assert isinstance(routine, dict)
    return routine


def test_answers_kept_without_a_time_count_as_lapsed(app, visitor):
    """State kept before answers carried their time: nobody can tell their age."""
    visitor.screen(clear_answers())
    _plan(visitor)
    _edit_state(app, visitor, screened_at=None)
    _assert_gated(visitor)
    assert "without the time" in visitor.client.get("/").text


def test_going_back_to_change_an_answer_keeps_a_finished_screening_valid(visitor):
    visitor.screen(clear_answers())
    visitor.post("/screening/2", {"answer": "no"})  # changed after the result, then away
    assert _plan(visitor)["cues"]


def test_the_gates_read_the_same_stops_as_the_whole_history(tmp_path, catalogue):
    """The web gates read stops and restores only (no check-ins): the same stops, the same
    techniques left out, as loading the whole journal."""
    from easeback.domain import progression
    from easeback.storage import open_engine, repository
    from easeback.usecases import planning
    from easeback.usecases.screening import screen_answers

    engine = open_engine(f"sqlite:///{tmp_path / 'j.sqlite3'}")
    result = screen_answers(catalogue, clear_answers())
    routine = planning.plan_routine(catalogue, result, planning.make_request("floor", 10))
    assert routine is not None
    ids = [i.technique.id for i in routine.items]
    now = journal.utc_now()
    for k, (tid, reason) in enumerate(
        [(ids[0], "sharp_pain"), (ids[1], "numbness"), (ids[2], "sharp_pain"), (ids[0], "other")]
    ):
        at = now - timedelta(days=5 - k)
        journal.log_check_in(engine, journal.make_check_in(3, 3, at))
        journal.log_session(engine, routine, 3, 3, at, f"{tid}:{reason}")
    journal.restore(engine, ids[2], now)
    whole, gates = repository.load_history(engine), repository.load_stops(engine)
    assert [(s.at, s.reason, s.technique_id) for s in gates.stops()] == [
        (s.at, s.reason, s.technique_id) for s in whole.stops()
    ]
    assert progression.left_out(gates) == progression.left_out(whole) == {ids[0]}
    assert gates.check_ins == () and len(whole.check_ins) == 4
    engine.dispose()
