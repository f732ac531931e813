"""Crafted input gets a clear 4xx, never a 500: ids outside the database's integers, control
characters in text, malformed emails, clinic names in another case, sign-in from `Origin: null`.
On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient

from tests.practice.conftest import PASSWORD, T0
from tests.practice.web import BASE, dispose, practice_app, signed_in

HUGE = [2**31, 2**63, 2**70, -1, 0]


@pytest.fixture
def app(db_url, people, engine, password_hash):
    from easeback.storage import practice as repo

    north = repo.clinic_id(engine, "North", T0)
    repo.add_user(engine, "root@north.example", "admin", north, password_hash, T0)
    app = practice_app(db_url)
    yield app
    dispose(app)


def test_ids_outside_the_databases_integers_are_not_found(app):
    alice = signed_in(app, "alice@north.example")
    admin = signed_in(app, "root@north.example")
    ann = signed_in(app, "ann@example.org")
    for n in HUGE:
        assert alice.get(f"/api/people/{n}/progress").status_code == 404, n
        assert alice.get(f"/api/people/{n}/programme").status_code == 404, n
        assert alice.get(f"/api/people/{n}/export/fhir").status_code == 404, n
        assert alice.get(f"/people/{n}").status_code == 404, n
        assert admin.post(f"/api/users/{n}/lock").status_code == 404, n
        assert ann.delete(f"/api/tokens/{n}").status_code == 404, n


def test_control_characters_in_text_are_refused_with_422(app):
    c = TestClient(app, base_url=BASE)
    nul = c.post("/api/login", json={"email": "ann\x00@example.org", "password": PASSWORD})
    assert nul.status_code == 422 and "control character" in nul.json()["detail"]
    form = c.post("/sign-in", data={"email": "ann@example.org", "password": "pass\x00word"})
    assert form.status_code == 422 and "control character" in form.text
    admin = signed_in(app, "root@north.example")
    bell = admin.post(
        "/api/users", json={"email": "dan@example.org", "role": "person", "clinic": "No\x07rth"}
    )
    assert bell.status_code == 422
    assert admin.get("/api/users?x=%00").status_code == 422
    # what is allowed still works: a tab or a new line is not refused by this check
    ok = admin.post(
        "/api/users", json={"email": "dan@example.org", "role": "person", "clinic": "North"}
    )
    assert ok.status_code in (200, 201), ok.text


def test_malformed_emails_are_refused(app):
    admin = signed_in(app, "root@north.example")
    for email in ["a@b", "pat@example.org\nBcc: x@example.org", "pat@@example.org", "@x.org"]:
        resp = admin.post("/api/users", json={"email": email, "role": "person", "clinic": "North"})
        assert resp.status_code in (400, 422), (email, resp.status_code)
        assert "email" in resp.text, resp.text


def test_normal_email_explains_the_refusal():
    from easeback.usecases import accounts
    from easeback.usecases.errors import InputError

    assert accounts.normal_email(" Pat@Example.ORG ") == "pat@example.org"
    with pytest.raises(InputError, match="is not an email address"):
        accounts.normal_email("a@b")
    with pytest.raises(InputError, match="is not an email address"):
        accounts.normal_email("pat@example.org\n")


def test_clinic_names_are_one_name_whatever_their_case(engine, people):
    from easeback.storage import practice as repo

    north = repo.clinic_id(engine, "North", T0)
    assert repo.clinic_id(engine, "north", T0) == north
    assert repo.clinic_id(engine, "  NORTH ", T0) == north
    street = repo.clinic_id(engine, "North Street", T0)
    assert repo.clinic_id(engine, "north street", T0) == street != north


def test_a_person_added_with_another_case_joins_the_same_clinic(app, engine):
    from easeback.usecases import accounts

    now = datetime.now(UTC)
    uid, _ = accounts.add_user(engine, "dan@example.org", "person", "NORTH", None, now)
    alice = signed_in(app, "alice@north.example")
    assert uid in {p["id"] for p in alice.get("/api/people").json()}


def test_sign_in_from_origin_null_is_refused(app):
    c = TestClient(app, base_url=BASE)
    body = {"email": "ann@example.org", "password": PASSWORD}
    assert c.post("/sign-in", data=body, headers={"origin": "null"}).status_code == 403
    assert c.post("/api/login", json=body, headers={"origin": "null"}).status_code == 403
    # the pages send their real origin on their own forms: their referrer policy allows it
    page = c.get("/sign-in")
    assert page.headers["referrer-policy"] == "same-origin"
    same = c.post("/sign-in", data=body, headers={"origin": BASE}, follow_redirects=False)
    assert same.status_code == 303


def test_the_migration_merges_clinics_told_apart_only_by_case(db_url):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from easeback.storage import make_engine, open_engine
    from easeback.storage.engine import MIGRATIONS

    old = make_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with old.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
    at = T0.replace(tzinfo=None)
    with old.begin() as conn:
        names = ["North Street", "south", "north street ", "NORTH  STREET"]
        for cid, name in enumerate(names, start=1):
            conn.execute(
                text("INSERT INTO clinics (id, name, created_at) VALUES (:id, :name, :at)"),
                {"id": cid, "name": name, "at": at},
            )
        for uid, cid in [(1, 1), (2, 3), (3, 4), (4, 2)]:
            conn.execute(
                text(
                    "INSERT INTO users (id, email, role, clinic_id, created_at) "
                    "VALUES (:id, :email, 'person', :cid, :at)"
                ),
                {"id": uid, "email": f"p{uid}@example.org", "cid": cid, "at": at},
            )
    old.dispose()
    engine = open_engine(db_url)
    try:
        with engine.connect() as conn:
            clinics = conn.execute(text("SELECT id, name FROM clinics ORDER BY id")).all()
            users = conn.execute(text("SELECT id, clinic_id FROM users ORDER BY id")).all()
        assert [tuple(r) for r in clinics] == [(1, "North Street"), (2, "south")]
        assert [tuple(r) for r in users] == [(1, 1), (2, 1), (3, 1), (4, 2)]
        from easeback.storage import practice as repo

        assert repo.clinic_id(engine, "north street", T0) == 1
        assert repo.clinic_id(engine, "South", T0) == 2
    finally:
        engine.dispose()
