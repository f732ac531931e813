"""Finished answers kept (easeback.web.kept): a kept answer is byte for byte the one made afresh,
and whatever would change the answer (another plan body, a new routine, a stop in the journal,
the screening's 7 days, another visitor's cookie) gets a new one."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from easeback.settings import Settings
from easeback.web import create_app
from easeback.web.kept import KEEP_SECONDS, MAX_PLAN_BODY, keep_until

from .answers import clear_answers
from .conftest import BASE, Visitor

PAGES = ["/", "/player", "/player?speed=2", "/player/timeline.json"]
_JSON = {"content-type": "application/json"}


def _whole(resp: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    return resp.status_code, list(resp.headers.multi_items()), resp.content


def _planned(client: TestClient) -> Visitor:
    visitor = Visitor(client)
    visitor.screen(clear_answers())
    visitor.post("/plan", {"place": "floor", "minutes": 10, "equipment": "mat"})
    return visitor


def _forget_made(app: Any) -> None:
    """Everything the pages keep, so the next answer is made from the start."""
    st = app.state.web
    st.kept._items.clear()
    st.visitor_pages.clear()
    st.timelines.clear()
    st.routine_keys.clear()


@pytest.mark.parametrize("path", PAGES)
def test_a_kept_page_is_the_page_made_afresh(tmp_path: Any, path: str) -> None:
    app = create_app(Settings(data_dir=str(tmp_path)), allow_speed=True)
    with TestClient(app, base_url=BASE) as client:
        _planned(client)
        client.get(path)  # the journal's watch opens: from now on answers can be kept
        made = _whole(client.get(path))
        assert made[0] == 200
        assert len(app.state.web.kept) >= 1, "the answer was kept"
        for _ in range(2):
            assert _whole(client.get(path)) == made
        _forget_made(app)
        assert _whole(client.get(path)) == made


def test_a_visitor_never_gets_another_visitors_kept_page(tmp_path: Any) -> None:
    app = create_app(Settings(data_dir=str(tmp_path)))
    with TestClient(app, base_url=BASE) as one, TestClient(app, base_url=BASE) as two:
        first, second = _planned(one), _planned(two)
        for _ in range(3):
            for visitor in (first, second):
                page = visitor.client.get("/player")
                assert re.findall(r'name="csrf_token" value="([^"]+)"', page.text) == [visitor.csrf]
                assert page.headers["set-cookie"].startswith(
                    f"easeback_session={visitor.client.cookies['easeback_session']};"
                )
    with TestClient(app, base_url=BASE) as stranger:  # a first visit is never kept
        one_id = stranger.get("/").headers["set-cookie"]
    with TestClient(app, base_url=BASE) as stranger:
        assert stranger.get("/").headers["set-cookie"] != one_id


def test_a_new_routine_and_a_new_screening_change_the_kept_pages(tmp_path: Any) -> None:
    app = create_app(Settings(data_dir=str(tmp_path)))
    with TestClient(app, base_url=BASE) as client:
        visitor = _planned(client)
        for _ in range(2):
            before = client.get("/player/timeline.json").json()
        visitor.post("/plan", {"place": "floor", "minutes": 20, "equipment": "mat"})
        after = client.get("/player/timeline.json").json()
        assert after["total"] > before["total"]
        for _ in range(2):
            assert client.get("/player", follow_redirects=False).status_code == 200
        # a red flag answered on a new screening: no player, no timeline
        visitor.screen(clear_answers(bladder_bowel_control="yes"))
        assert client.get("/player", follow_redirects=False).status_code == 303
        assert client.get("/player/timeline.json").status_code == 404


def _terminal_stop(tmp_path: Any, reason: str, technique: str | None) -> None:
    """A stop recorded by the terminal: another connection to the journal."""
    from easeback.storage import open_engine, repository

    terminal = open_engine(f"sqlite:///{tmp_path / 'journal.sqlite3'}")
    now = datetime.now(UTC)
    sid = repository.start_session(terminal, now, {"techniques": []}, None)
    repository.add_stop(terminal, sid, now, reason, technique)
    terminal.dispose()


def test_a_nerve_sign_stop_in_the_terminal_ends_the_kept_pages(tmp_path: Any) -> None:
    app = create_app(Settings(data_dir=str(tmp_path)))
    with TestClient(app, base_url=BASE) as client:
        _planned(client)
        for _ in range(3):
            assert client.get("/player", follow_redirects=False).status_code == 200
            assert client.get("/player/timeline.json").status_code == 200
            assert "nerve sign" not in client.get("/").text
        assert len(app.state.web.kept) == 3
        _terminal_stop(tmp_path, "numbness", None)
        assert client.get("/player", follow_redirects=False).status_code == 303
        assert client.get("/player/timeline.json").status_code == 404
        assert "nerve sign" in client.get("/").text


def test_a_screening_that_lapses_ends_the_kept_pages_at_that_moment(tmp_path: Any) -> None:
    """The answers were given 7 days ago less a second: the player is kept, and no request made
    after the moment they lapse gets it (the page's safety gate would refuse it)."""
    app = create_app(Settings(data_dir=str(tmp_path)))
    with TestClient(app, base_url=BASE) as client:
        _planned(client)
        client.get("/player")  # the journal's watch opens
        store, cookie = app.state.web.sessions.store, client.cookies["easeback_session"]
        state = store.load(cookie)
        lapses = datetime.now(UTC) + timedelta(seconds=1)
        store.save(cookie, state | {"screened_at": (lapses - timedelta(days=7)).isoformat()})
        served = []
        deadline = datetime.now(UTC) + timedelta(seconds=KEEP_SECONDS)
        while datetime.now(UTC) < deadline:
            asked = datetime.now(UTC)
            status = client.get("/player", follow_redirects=False).status_code
            served.append(status)
            if asked >= lapses:
                assert status == 303, f"a kept player after the screening lapsed: {served}"
                break
        assert served.count(200) > 1, "the player was kept before the screening lapsed"
        assert served[-1] == 303
        assert "answer them again" in client.get("/").text


def test_an_answer_is_kept_until_the_first_moment_that_changes_it() -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert keep_until(now) == (now + timedelta(seconds=KEEP_SECONDS)).timestamp()
    soon, later = now + timedelta(seconds=1), now + timedelta(days=1)
    assert keep_until(now, later, None, soon) == soon.timestamp()
    assert keep_until(now, later) == (now + timedelta(seconds=KEEP_SECONDS)).timestamp()


def test_the_session_cookie_header_is_the_one_set_cookie_writes() -> None:
    """The header is made once and each response's session id put in: for any id the sessions
    give it is byte for byte what Response.set_cookie writes (other values are made by it)."""
    from easeback.web.state import _cookie_header, _set_cookie

    sids = [secrets.token_urlsafe(32) for _ in range(500)]
    sids += ["-" * 43, "_" * 43, "S" * 43, "0" * 43, "short", "S" * 43 + "\n", "a b" * 15]
    for sid in sids:
        assert _cookie_header(sid) == _set_cookie(sid), sid
    assert _cookie_header("-" * 43)[1].startswith(b"easeback_session=" + b"-" * 43 + b";")


# ---- POST /api/plan ----


BASE_PLAN: dict[str, Any] = {
    "answers": clear_answers(),
    "place": "floor",
    "minutes": 10,
    "equipment": ["mat"],
}
# each changes the plan, or refuses it
CHANGES: list[dict[str, Any]] = [
    {"place": "chair"},
    {"minutes": 20},
    {"equipment": ["mat", "foam-roller"]},
    {"goal": "desk-break", "place": "chair", "minutes": 3},
    {"answers": clear_answers(pain_now=7)},
    {"answers": clear_answers(bladder_bowel_control="yes")},  # a red flag: no routine
    {"answers": clear_answers(bladder_bowel_control="unsure")},
    {"minutes": 1},  # too short: planned false
]


def _post(client: TestClient, body: Any) -> Any:
    return client.post("/api/plan", content=json.dumps(body).encode(), headers=_JSON)


@pytest.fixture
def two_apps(tmp_path: Any) -> Any:
    """The app under test, and a fresh one per request to compare with."""
    app = create_app(Settings(data_dir=str(tmp_path / "app")))
    with TestClient(app, base_url=BASE) as client:
        yield app, client, tmp_path


def _fresh(tmp_path: Any, body: Any) -> Any:
    with TestClient(create_app(Settings(data_dir=str(tmp_path / "fresh"))), base_url=BASE) as c:
        return _whole(_post(c, body))


def test_a_kept_plan_is_the_plan_made_afresh(two_apps: Any) -> None:
    app, client, tmp_path = two_apps
    made = _whole(_post(client, BASE_PLAN))
    assert made[0] == 200 and json.loads(made[2])["planned"] is True
    assert len(app.state.web.plans) == 1
    for _ in range(2):
        assert _whole(_post(client, BASE_PLAN)) == made
    assert made == _fresh(tmp_path, BASE_PLAN)


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: json.dumps(c)[:50])
def test_every_change_of_the_request_gets_its_own_plan(two_apps: Any, change: Any) -> None:
    _, client, tmp_path = two_apps
    for _ in range(2):
        kept = _whole(_post(client, BASE_PLAN))
    changed = BASE_PLAN | change
    for _ in range(2):
        answer = _whole(_post(client, changed))
        assert answer != kept
        assert answer == _fresh(tmp_path, changed)
    if change.get("answers", {}).get("bladder_bowel_control") == "yes":
        assert json.loads(answer[2])["planned"] is False
        assert json.loads(answer[2])["techniques"] == []


def test_plans_kept_are_bounded_and_long_bodies_are_not_kept(two_apps: Any) -> None:
    app, client, _ = two_apps
    plans = app.state.web.plans
    plans.max_plans = 3
    for minutes in range(5, 12):
        assert _post(client, BASE_PLAN | {"minutes": minutes}).status_code == 200
    assert len(plans) == 3
    long = json.dumps(BASE_PLAN).encode() + b" " * MAX_PLAN_BODY  # the same plan, padded
    plans._items.clear()
    assert client.post("/api/plan", content=long, headers=_JSON).status_code == 200
    assert len(plans) == 0


def test_a_refused_plan_is_never_kept(two_apps: Any) -> None:
    app, client, _ = two_apps
    refused = BASE_PLAN | {"answers": clear_answers(bladder_bowel_control="yes")}
    for _ in range(2):
        assert json.loads(_post(client, refused).content)["planned"] is False
    assert len(app.state.web.plans) == 0


# ---- the journal's watch ----


def test_the_journal_is_asked_once_per_turn_of_the_event_loop(tmp_path: Any) -> None:
    """Every `PRAGMA data_version` the watching connection runs is counted (sqlite3's own trace
    callback): the peeks of one turn share one, the next turn asks again and sees a commit.
    In a thread of its own: a browser test may have left this thread's event loop running."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(_asked_once_per_turn, tmp_path).result()


def _asked_once_per_turn(tmp_path: Any) -> None:
    from easeback.storage import open_engine
    from easeback.storage.watch import JournalWatch

    engine = open_engine(f"sqlite:///{tmp_path / 'journal.sqlite3'}")
    watch = JournalWatch(engine)
    asked: list[str] = []
    watch._raw.set_trace_callback(lambda sql: asked.append(sql) if "data_version" in sql else None)
    now = datetime.now(UTC)

    async def turns() -> tuple[Any, Any]:
        first = watch.generation()
        watch.peek_stops()
        watch.peek_wizard("c" * 43, now)
        assert watch.generation() == first
        assert len(asked) == 1, asked
        _terminal_stop(tmp_path, "other", None)
        await asyncio.sleep(0)  # the next turn of the loop
        return first, watch.generation()

    first, second = asyncio.run(turns())
    assert len(asked) == 2 and second != first
    watch.generation()
    watch.generation()  # off the loop, every call asks
    assert len(asked) == 4
    watch.save_wizard("c" * 43, {"answers": {}}, now)
    assert watch.generation() != second
    before = watch.generation()
    watch.invalidate()
    assert watch.generation() != before
    engine.dispose()


def test_other_answers_with_the_same_constraints_get_the_same_routine(two_apps: Any) -> None:
    """Plans are kept by what the planner reads too (plan_inputs): other bytes whose screening
    gives the same disposition and constraints get that routine's answer, made afresh for
    them or not, and other constraints get their own."""
    app, client, tmp_path = two_apps
    planned = app.state.web.plans._planned
    first = BASE_PLAN | {"answers": clear_answers(pain_now=2)}
    made = _whole(_post(client, first))
    assert len(planned) == 1
    for other in (
        BASE_PLAN | {"answers": clear_answers(pain_now=1)},
        {"equipment": ["mat"], **BASE_PLAN, "answers": clear_answers(pain_now=2)},  # reordered
    ):
        answer = _whole(_post(client, other))
        assert len(planned) == 1, "no new plan was made"
        assert answer == made == _fresh(tmp_path, other)
    knee = BASE_PLAN | {"answers": clear_answers(pain_now=2, knee_problem="yes")}
    answer = _whole(_post(client, knee))
    assert len(planned) == 2
    assert answer != made
    assert answer == _fresh(tmp_path / "knee", knee)
