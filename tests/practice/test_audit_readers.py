"""Every list read shows in the trail of each person it lists (a clinician's people list, an
admin's users list), and a person's trail names each reader with their role rather than a bare
number. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from easeback.storage import practice as repo
from tests.practice.conftest import T0
from tests.practice.web import dispose, practice_app, signed_in


@pytest.fixture
def app(db_url, people, engine, password_hash):
    north = repo.clinic_id(engine, "North", T0)
    repo.add_user(engine, "nora@north.example", "admin", north, password_hash, T0)
    app = practice_app(db_url)
    yield app
    dispose(app)


def _lines(engine, action: str) -> list[tuple[int | None, int | None]]:
    from sqlalchemy import text

    with engine.connect() as conn:
        q = text("SELECT actor_id, subject_id FROM audit_log WHERE action = :a ORDER BY id")
        return [(a, s) for a, s in conn.execute(q, {"a": action})]


def test_a_list_read_leaves_a_line_for_each_person_listed(app, people, engine):
    alice, nora = signed_in(app, "alice@north.example"), signed_in(app, "nora@north.example")
    listed = alice.get("/api/people").json()
    assert {p["id"] for p in listed} == {people["ann"], people["bob"]}
    assert sorted(_lines(engine, "people.list")) == sorted(
        [(people["alice"], people["ann"]), (people["alice"], people["bob"])]
    )
    assert alice.get("/people").status_code == 200  # the page too: two more lines
    assert len(_lines(engine, "people.list")) == 4
    nora_id = repo.user_by_email(engine, "nora@north.example").id
    users = {u["id"] for u in nora.get("/api/users").json()}
    assert people["cat"] not in users and people["ann"] in users
    assert sorted(s for _a, s in _lines(engine, "users.list")) == sorted(users - {nora_id})


def test_a_persons_trail_names_each_reader_and_their_role(app, people):
    alice, ann = signed_in(app, "alice@north.example"), signed_in(app, "ann@example.org")
    alice.get("/api/people")
    alice.get(f"/api/people/{people['ann']}/progress")
    trail = ann.get("/api/audit").json()
    by_alice = [r for r in trail if r["actor_id"] == people["alice"]]
    assert {r["action"] for r in by_alice} == {"people.list", "progress.read"}
    assert {r["actor"] for r in by_alice} == {"alice@north.example (clinician)"}
    assert {r["actor_role"] for r in by_alice} == {"clinician"}
    page = ann.get("/account").text
    assert "Who else read or changed your data" in page
    assert "alice@north.example (clinician)" in page and "progress.read" in page
    # ann's own reads are in the API's trail, not on her page
    assert any(r["actor_id"] == people["ann"] for r in ann.get("/api/audit").json())


def test_a_deleted_reader_is_named_by_number(engine, people):
    from easeback.storage import credentials

    repo.audit(engine, T0, 987654, "progress.read", people["ann"])
    repo.audit(engine, T0, None, "sign_in.failed", people["ann"])
    trail = credentials.named_trail(engine, people["ann"])
    assert trail[-2]["actor"] == "a deleted account (#987654)"
    assert trail[-1]["actor"] == "nobody signed in"
