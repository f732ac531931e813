"""A person's progress summary is kept (per server process) until their next write, and never
served stale: every write route changes the version of the person's data in the database
(users.data_version, by triggers) and a read after it equals the summary worked out from
scratch; and on two real server processes on one PostgreSQL a write through one is read back
at once through the other, while with the version's trigger switched off the other process
does serve what it kept (so the version, not luck, is what keeps it current)."""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, datetime, timedelta

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.encoders import jsonable_encoder
from fastapi.testclient import TestClient
from sqlalchemy import text

from easeback.content.loader import default_catalogue
from easeback.storage import make_engine, open_engine
from easeback.storage import practice as repo
from easeback.storage.versioned import Kept, kept
from easeback.usecases import accounts, practice
from tests.practice.conftest import PASSWORD
from tests.practice.served import request, serving
from tests.practice.web import BASE, dispose, practice_app, signed_in, through_second_step
from tests.storage import pg
from tests.web.answers import clear_answers

BRIDGE = {"id": "bridge", "hold_seconds": 3, "reps": 5, "sets": 1}
CAT_COW = {"id": "cat-cow", "reps": 5}
TRIGGER = "check_ins_person_changed"  # migration 0011's


def _version(engine, user_id: int, column: str = "data_version") -> int:
    with engine.connect() as conn:
        found = conn.execute(text(f"SELECT {column} FROM users WHERE id = :u"), {"u": user_id})
        return int(found.scalar_one())


def _cookie_client(app, email: str) -> tuple[TestClient, str]:
    c = TestClient(app, base_url=BASE)
    page = c.post("/sign-in", data={"email": email, "password": PASSWORD})
    page = through_second_step(app, c, email, page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    return c, token.group(1)


def _fresh(db_url: str, people: dict[str, int], now: datetime) -> tuple[dict, dict, dict]:
    """Ann's progress, her row of alice's list and her programme as alice sees it, worked out
    from scratch: a new engine has nothing kept."""
    engine = make_engine(db_url)
    cat = default_catalogue()
    try:
        alice = repo.user_by_id(engine, people["alice"])
        assert alice is not None
        own = practice.progress(engine, alice, people["ann"], now)
        rows = practice.people(engine, cat, alice, now)
        programme = practice.programme_view(engine, cat, alice, people["ann"], now)
    finally:
        engine.dispose()
    (row,) = [r for r in rows if r["id"] == people["ann"]]
    return jsonable_encoder(own), jsonable_encoder(row), jsonable_encoder(programme)


# Every route that writes to a person's data: (who writes, method, path, body or form).
# {ann} is her id; "form" bodies go to the HTML routes with the session's CSRF token.
PROGRAMME = {"techniques": [BRIDGE, CAT_COW], "per_week": 3}
# writes that leave a programme's standing (what the person may do now) as it was
NOT_PLAN = {
    "/api/check-ins", "/check-in", "/api/outcomes/peg", "/api/outcomes/psfs",
    "/api/people/{ann}/notes",
}  # fmt: skip
WRITES = [
    ("alice", "POST", "/api/people/{ann}/programme", PROGRAMME),
    ("ann", "POST", "/api/screenings", {"answers": clear_answers(pain_days=10)}),
    ("ann", "POST", "/api/check-ins", {"pain": 6, "stiffness": 4}),
    ("ann", "POST", "/check-in", {"form": {"pain": "5", "stiffness": "3"}}),
    ("ann", "POST", "/api/sessions", {"pain_before": 5, "pain_after": 3}),
    ("ann", "POST", "/api/sessions", {"pain_before": 4, "pain_after": 6, "skipped": ["bridge"]}),
    ("ann", "POST", "/api/outcomes/peg", {"pain": 6, "enjoyment": 5, "activity": 4}),
    ("ann", "POST", "/api/outcomes/psfs", {"activities": [{"name": "gardening", "score": 4}]}),
    ("ann", "POST", "/programme/stop", {"form": {"index": "0", "reason": "sharp_pain"}}),
    ("ann", "POST", "/api/sessions",
     {"pain_before": 3, "pain_after": 3, "stopped": "cat-cow:numbness"}),
    ("ann", "POST", "/safety-check", {"form": None}),
    ("alice", "POST", "/api/people/{ann}/notes", {"text": "Seen today."}),
    ("alice", "PUT", "/api/people/{ann}/clinician", {"clinician_id": None}),
    ("alice", "POST", "/api/people/{ann}/programme/from-template", {"template_id": None}),
    ("alice", "POST", "/api/people/{ann}/discharge", None),
]  # fmt: skip


def test_every_write_route_changes_the_version_and_the_read_after_it_is_current(db_url, people):
    app = practice_app(db_url)
    engine = app.state.practice.engine
    try:
        alice = signed_in(app, "alice@north.example")
        ann, csrf = _cookie_client(app, "ann@example.org")
        template = None
        ann_id = people["ann"]
        for who, method, path, body in WRITES:
            # the reads before: the summaries kept for the version now
            own = ann.get("/api/progress")
            listed = alice.get("/api/people")
            programme = alice.get(f"/api/people/{ann_id}/programme")
            assert own.status_code == listed.status_code == programme.status_code == 200
            assert ann.get("/api/programme").status_code == 200
            before = _version(engine, ann_id)
            plan_before = _version(engine, ann_id, "plan_version")
            if path.endswith("from-template"):
                assert template is not None
                body = {"template_id": template}
            client = alice if who == "alice" else ann
            url = path.format(ann=ann_id)
            if body is not None and "form" in body:
                form = body["form"]
                if path == "/safety-check":
                    form = {k: str(v) for k, v in clear_answers(pain_days=10).items()}
                resp = client.post(url, data={**form, "csrf_token": csrf})
            else:
                resp = client.request(
                    method, url, json=body, headers={"x-csrf-token": csrf} if who == "ann" else {}
                )
            assert resp.status_code < 400, (path, resp.status_code, resp.text[:300])
            if path == "/api/people/{ann}/programme":
                made = alice.post(f"/api/people/{ann_id}/templates", json={"name": "Basics"})
                template = made.json()["template"]
            assert _version(engine, ann_id) != before, f"{method} {path} left the version"
            # the programme's own version changes only with what its standing reads
            plan_changed = _version(engine, ann_id, "plan_version") != plan_before
            assert plan_changed == (path not in NOT_PLAN), f"{method} {path}: plan_version"
            now = datetime.now(UTC)
            own_after = ann.get("/api/progress").json()
            (row_after,) = [r for r in alice.get("/api/people").json() if r["id"] == ann_id]
            via_clinician = alice.get(f"/api/people/{ann_id}/progress").json()
            programme_after = alice.get(f"/api/people/{ann_id}/programme").json()
            fresh_own, fresh_row, fresh_programme = _fresh(db_url, people, now)
            assert programme_after == fresh_programme, f"stale programme after {method} {path}"
            assert own_after == fresh_own, f"stale progress after {method} {path}"
            assert via_clinician == fresh_own, f"stale progress after {method} {path}"
            assert row_after == fresh_row, f"stale list row after {method} {path}"
        # the writes did change what is shown (the test is not comparing empty summaries)
        assert own_after["latest_pain"] is not None and own_after["discharged"] is not None
        assert len(kept(engine, "progress")) >= 2  # ann and bob, kept by this process
    finally:
        dispose(app)


def test_a_read_of_the_same_version_is_served_from_what_was_kept(db_url, people):
    engine = open_engine(db_url)
    try:
        cat = default_catalogue()
        alice = repo.user_by_id(engine, people["alice"])
        assert alice is not None
        now = datetime.now(UTC)
        practice.prescribe(engine, cat, alice, people["ann"], [BRIDGE], 3, now)
        cache = kept(engine, "progress")
        first = practice.progress(engine, alice, people["ann"], now)
        misses, hits = cache.misses, cache.hits
        again = practice.progress(engine, alice, people["ann"], now + timedelta(seconds=1))
        assert again == first and (cache.hits, cache.misses) == (hits + 1, misses)
        # each read is still audited
        trail = [r["action"] for r in repo.audit_trail(engine, people["ann"])]
        assert trail.count("progress.read") == 2
        # a check-in just over TREND_DAYS ago is outside the trend now, inside it a day ago:
        # a read for a time before the check-ins kept were read from reads them again
        ann = repo.user_by_id(engine, people["ann"])
        assert ann is not None
        old = now - timedelta(days=practice.TREND_DAYS, hours=12)
        practice.check_in(engine, ann, 7, 2, old)
        assert [p["value"] for p in practice.progress(engine, alice, ann.id, now)["pain"]] == []
        earlier = practice.progress(engine, alice, ann.id, now - timedelta(days=1))
        assert [p["value"] for p in earlier["pain"]] == [7]
    finally:
        engine.dispose()


def test_kept_holds_the_newest_version_of_the_most_recent_people():
    k: Kept[str] = Kept(size=2)
    k.put(1, 10, "one")
    k.put(2, 20, "two")
    assert k.get(1, 10) == "one" and k.get(1, 11) is None
    k.put(3, 30, "three")  # 2 was used least recently
    assert k.get(2, 20) is None and k.get(1, 10) == "one" and k.get(3, 30) == "three"
    k.put(1, 11, "one, newer")
    assert k.get(1, 10) is None and k.get(1, 11) == "one, newer"


def _token(engine, user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    repo.add_token(engine, user_id, accounts.token_hash(token), "api", now, now + timedelta(days=1))
    return token


def test_a_write_through_one_process_is_read_at_once_through_the_other(pg_server, tmp_path):
    url = pg.create_database(pg_server, f"kept{tmp_path.name[-12:].replace('-', '_')}")
    engine = open_engine(url)
    cat = default_catalogue()
    now = datetime.now(UTC)
    hashed = accounts.hash_password(PASSWORD)
    clinic = repo.clinic_id(engine, "North", now)
    alice_id = repo.add_user(engine, "alice@north.example", "clinician", clinic, hashed, now)
    ann_id = repo.add_user(engine, "ann@example.org", "person", clinic, hashed, now)
    alice = repo.user_by_id(engine, alice_id)
    assert alice is not None
    practice.prescribe(engine, cat, alice, ann_id, [BRIDGE, CAT_COW], 3, now)
    tokens = {"alice": _token(engine, alice_id), "ann": _token(engine, ann_id)}

    def call(base: str, who: str, path: str, body: dict | None = None) -> dict:
        status, _h, data = request(
            base + path,
            method="GET" if body is None else "POST",
            body=body,
            headers={"authorization": f"Bearer {tokens[who]}"},
        )
        assert status in (200, 201), (path, status, data[:300])
        return json.loads(data)

    def reads(base: str) -> tuple[int | None, int | None, int | None]:
        own = call(base, "ann", "/api/progress")["latest_pain"]
        theirs = call(base, "alice", f"/api/people/{ann_id}/progress")["latest_pain"]
        (row,) = call(base, "alice", "/api/people")
        return own, theirs, (row["pain"][-1]["value"] if row["pain"] else None)

    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    # one worker each: a process's reads all meet the same kept summaries
    try:
        with (
            serving(url, logs[0], "--workers", "1") as (one, _),
            serving(url, logs[1], "--workers", "1") as (two, _),
        ):
            for pain, (writer, reader) in zip(
                (3, 7, 2, 9), ((one, two), (two, one), (one, two), (two, one)), strict=True
            ):
                reads(reader)  # the reader keeps the summaries of the version before
                reads(writer)
                call(writer, "ann", "/api/check-ins", {"pain": pain, "stiffness": 2})
                assert reads(reader) == (pain, pain, pain)
            # the other way round: with the check-ins' trigger off, a check-in leaves the
            # version as it was, and the other process serves what it kept for that version
            with engine.begin() as conn:
                conn.execute(text(f"ALTER TABLE check_ins DISABLE TRIGGER {TRIGGER}"))
            try:
                assert reads(two) == (9, 9, 9)
                call(one, "ann", "/api/check-ins", {"pain": 1, "stiffness": 2})
                assert reads(two) == (9, 9, 9)  # kept: stale without the version's change
                assert reads(one)[0] == 9  # one kept it too (read before the write)
            finally:
                with engine.begin() as conn:
                    conn.execute(text(f"ALTER TABLE check_ins ENABLE TRIGGER {TRIGGER}"))
            call(one, "ann", "/api/check-ins", {"pain": 4, "stiffness": 2})
            assert reads(two) == (4, 4, 4)
    finally:
        engine.dispose()
