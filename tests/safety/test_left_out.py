"""Issue 10: a technique stopped for sharp pain is left out of every plan, the reminders and the
desk-break routine until it is put back, whichever door recorded the stop."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")
pytest.importorskip("sqlalchemy", reason="the journal extra is not installed")

from fastapi.testclient import TestClient

from easeback.settings import Settings
from easeback.usecases import journal, planning
from easeback.usecases.screening import screen_answers
from easeback.web import create_app
from tests.web.answers import clear_answers
from tests.web.conftest import BASE, Visitor


@pytest.fixture
def app(tmp_path: Any) -> Any:
    return create_app(Settings(data_dir=str(tmp_path)), allow_speed=True)


@pytest.fixture
def visitor(app: Any) -> Iterator[Visitor]:
    with TestClient(app, base_url=BASE) as c:
        yield Visitor(c)


def _stop_in_the_terminal(app: Any, technique_id: str, place: str) -> None:
    """Record, as `easeback log-session --stopped ID:sharp_pain` does, a stop in the journal."""
    cat = app.state.web.catalogue
    result = screen_answers(cat, clear_answers())
    req = planning.make_request(place, 10, "chair" if place == "chair" else "mat")
    routine = planning.plan_routine(cat, result, req)
    assert routine is not None
    engine = app.state.web.journal.engine
    planned = [i.technique.id for i in routine.items]
    if technique_id not in planned:  # make it part of the logged routine
        routine = planning.routine_from_public(
            cat,
            planning.routine_public(routine)
            | {
                "techniques": [
                    planning.routine_public(routine)["techniques"][0] | {"id": technique_id}
                ]
            },
        )
    journal.log_session(
        engine, routine, 3, 4, journal.utc_now(), f"{technique_id}:sharp_pain"
    )


def _desk_break_ids(v: Visitor) -> set[str]:
    page = v.client.get("/desk-breaks").text
    return set(re.findall(r'href="/techniques/([a-z0-9-]+)"', page))


def test_a_sharp_pain_stop_from_the_terminal_leaves_the_web_plans_and_desk_breaks(app, visitor):
    visitor.screen(clear_answers())
    cat = app.state.web.catalogue
    before = planning.desk_break_routine(cat, screen_answers(cat, clear_answers()), 3)
    assert before is not None and before.items
    gone = before.items[0].technique
    ics = visitor.client.get("/desk-breaks.ics")
    assert ics.status_code == 200 and gone.name in ics.text.replace("\r\n ", "")
    assert gone.id in _desk_break_ids(visitor)
    _stop_in_the_terminal(app, gone.id, "chair")
    # the desk-break page, its calendar and the chair plan built from its banner link
    ics = visitor.client.get("/desk-breaks.ics")
    assert ics.status_code == 200, ics.text
    assert gone.name not in ics.text.replace("\r\n ", "")
    assert gone.id not in _desk_break_ids(visitor)
    resp = visitor.post("/plan", {"place": "chair", "minutes": 3, "goal": "desk-break",
                                  "equipment": "chair"})  # fmt: skip
    assert resp.url.path == "/routine", resp.text
    cues = visitor.client.get("/player/timeline.json").json()["cues"]
    assert gone.id not in {c["technique_id"] for c in cues}
    # put back in the journal, it returns
    app.state.web.journal.restore(gone.id)
    ics = visitor.client.get("/desk-breaks.ics")
    assert gone.name in ics.text.replace("\r\n ", "")
    assert gone.id in _desk_break_ids(visitor)


def test_web_floor_plans_leave_out_what_the_journal_left_out(app, visitor):
    visitor.screen(clear_answers())
    visitor.post("/plan", {"place": "floor", "minutes": 10, "equipment": "mat"})
    first = visitor.client.get("/player/timeline.json").json()["cues"][1]["technique_id"]
    _stop_in_the_terminal(app, first, "floor")
    for minutes in (5, 10, 20):
        visitor.post("/plan", {"place": "floor", "minutes": minutes, "equipment": "mat"})
        cues = visitor.client.get("/player/timeline.json").json()["cues"]
        assert first not in {c["technique_id"] for c in cues}, minutes


def test_after_a_sharp_pain_stop_the_same_routine_plays_without_that_technique(visitor):
    """Back to the player after a sharp-pain stop, without planning again: the stopped
    technique is not in the routine page, the player or its timeline."""
    visitor.screen(clear_answers())
    visitor.post("/plan", {"place": "floor", "minutes": 10, "equipment": "mat"})
    timeline = visitor.client.get("/player/timeline.json").json()
    first = timeline["cues"][1]["technique_id"]
    name = timeline["techniques"][0]
    resp = visitor.post("/stop", {"reason": "sharp_pain", "index": 0})
    assert resp.url.path == "/stopped/sharp_pain"
    again = visitor.client.get("/player/timeline.json").json()
    assert first not in {c["technique_id"] for c in again["cues"]}
    assert again["techniques"] == timeline["techniques"][1:]
    assert again["total"] < timeline["total"]
    assert name not in visitor.client.get("/routine").text
    assert name not in visitor.client.get("/player").text


def test_a_terminal_stop_after_planning_on_the_web_takes_it_out_of_the_web_routine(
    app, visitor
):
    visitor.screen(clear_answers())
    visitor.post("/plan", {"place": "floor", "minutes": 10, "equipment": "mat"})
    timeline = visitor.client.get("/player/timeline.json").json()
    ids = list(dict.fromkeys(c["technique_id"] for c in timeline["cues"] if c["technique_id"]))
    _stop_in_the_terminal(app, ids[1], "floor")
    again = visitor.client.get("/player/timeline.json").json()
    kept = list(dict.fromkeys(c["technique_id"] for c in again["cues"] if c["technique_id"]))
    assert kept == [ids[0], *ids[2:]]
