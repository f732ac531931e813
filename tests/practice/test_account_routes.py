"""A user's own sign-ins (see them, make an API token, revoke any, nobody else's), what an admin
may do that nobody else may (add users and clinics), and the flags an urgent answer or a stop
for radiating pain puts on the clinician's list. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient

from easeback.storage import practice as repo
from easeback.usecases import accounts
from tests.practice.conftest import PASSWORD
from tests.practice.web import BASE, dispose, practice_app, signed_in
from tests.web.answers import clear_answers


@pytest.fixture
def app(db_url, people):
    app = practice_app(db_url)
    yield app
    dispose(app)


@pytest.fixture
def admin(engine, password_hash) -> int:
    """The practice's owner, with no clinic of their own (they manage the clinics' staff)."""
    return repo.add_user(engine, "adam@practice.example", "owner", None, password_hash, T_NOW)


@pytest.fixture
def nora(engine, people, password_hash) -> int:
    """The admin of the North clinic (alice, ann and bob's)."""
    north = repo.clinic_id(engine, "North", T_NOW)
    return repo.add_user(engine, "nora@north.example", "admin", north, password_hash, T_NOW)


T_NOW = datetime.now(UTC)  # tokens are checked against the real clock


def test_a_user_sees_their_sign_ins_and_revokes_one(app, people):
    ann_phone, ann_laptop = signed_in(app, "ann@example.org"), signed_in(app, "ann@example.org")
    listed = ann_phone.get("/api/tokens").json()
    assert [t["kind"] for t in listed] == ["session", "session"]
    assert [t["current"] for t in listed].count(True) == 1
    laptop = next(t for t in ann_laptop.get("/api/tokens").json() if t["current"])
    assert ann_phone.delete(f"/api/tokens/{laptop['id']}").status_code == 200
    assert ann_laptop.get("/api/me").status_code == 401
    assert ann_phone.get("/api/me").status_code == 200
    assert [t["id"] for t in ann_phone.get("/api/tokens").json()] != [laptop["id"]]
    assert len(ann_phone.get("/api/tokens").json()) == 1
    # revoked already: the same answer as a token that never existed
    assert ann_phone.delete(f"/api/tokens/{laptop['id']}").status_code == 404
    assert ann_phone.delete("/api/tokens/999999").status_code == 404
    trail = [r["action"] for r in ann_phone.get("/api/audit").json()]
    assert "token.revoke" in trail


def test_an_api_token_is_shown_once_works_and_expires_with_its_days(app, people, engine):
    ann = signed_in(app, "ann@example.org")
    made = ann.post("/api/tokens")
    assert made.status_code == 201 and made.json()["expires_in_days"] == accounts.API_DAYS
    token = made.json()["token"]
    script = TestClient(app, base_url=BASE, headers={"authorization": f"Bearer {token}"})
    assert script.get("/api/me").json()["email"] == "ann@example.org"
    listed = ann.get("/api/tokens").json()
    assert {t["kind"] for t in listed} == {"session", "api"}
    assert token not in str(listed)
    api = next(t for t in listed if t["kind"] == "api")
    created = datetime.fromisoformat(api["created_at"].rstrip("Z"))
    expires = datetime.fromisoformat(api["expires_at"].rstrip("Z"))
    assert (expires - created).days == accounts.API_DAYS
    assert ann.delete(f"/api/tokens/{api['id']}").status_code == 200
    assert script.get("/api/me").status_code == 401


def test_nobody_revokes_another_persons_token(app, people):
    ann, bob = signed_in(app, "ann@example.org"), signed_in(app, "bob@example.org")
    alice = signed_in(app, "alice@north.example")  # ann's own clinician
    ann_token = ann.get("/api/tokens").json()[0]["id"]
    for other in (bob, alice):
        assert other.delete(f"/api/tokens/{ann_token}").status_code == 404
        assert ann_token not in [t["id"] for t in other.get("/api/tokens").json()]
    assert ann.get("/api/me").status_code == 200


def test_the_account_page_lists_sign_ins_and_signs_out_elsewhere(app, people):
    phone, other = signed_in(app, "bob@example.org"), signed_in(app, "bob@example.org")
    page = phone.get("/account")
    assert page.status_code == 200
    assert page.text.count('data-token="') == 2 and "(this one)" in page.text
    other_id = next(t["id"] for t in other.get("/api/tokens").json() if t["current"])
    no_csrf = phone.post(f"/account/tokens/{other_id}/revoke", follow_redirects=False)
    assert no_csrf.status_code == 403 and other.get("/api/me").status_code == 200
    done = phone.post(
        f"/account/tokens/{other_id}/revoke",
        data={"csrf_token": phone.csrf},  # type: ignore[attr-defined]
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/account?message=revoked"
    assert other.get("/api/me").status_code == 401
    made = phone.post("/account/tokens", data={"csrf_token": phone.csrf})  # type: ignore[attr-defined]
    shown = re.search(r'<code class="token">([\w-]+)</code>', made.text)
    assert shown and made.headers["cache-control"] == "no-store"
    script = TestClient(app, base_url=BASE, headers={"authorization": f"Bearer {shown[1]}"})
    assert script.get("/api/me").json()["email"] == "bob@example.org"


def test_an_admin_adds_a_clinician_and_a_new_clinic(app, people, admin, engine):
    adam = signed_in(app, "adam@practice.example")
    added = adam.post(
        "/api/users",
        json={"email": "Dora@East.example", "role": "clinician", "clinic": "East"},
    )
    assert added.status_code == 201, added.text
    invite = added.json()["invite"]
    assert invite.startswith("/invite/")
    everyone = adam.get("/api/users").json()
    dora = next(u for u in everyone if u["email"] == "dora@east.example")
    assert dora == {"id": added.json()["id"], "email": "dora@east.example", "role": "clinician",
                    "clinic": "East", "can_sign_in": False, "has_signed_in": False}  # fmt: skip
    assert "password" not in str(everyone)
    c = TestClient(app, base_url=BASE)
    assert c.post(invite, data={"password": "dora's long password"}).status_code == 200
    dora_c = signed_in(app, "dora@east.example", "dora's long password")
    assert dora_c.get("/api/people").json() == []  # a new clinic: nobody else's people
    trail = repo.audit_trail(engine, added.json()["id"])
    assert (trail[0]["actor_id"], trail[0]["action"]) == (admin, "user.add")


def test_an_admin_gets_a_one_line_error_for_a_bad_user(app, people, admin):
    adam = signed_in(app, "adam@practice.example")
    bad = adam.post("/api/users", json={"email": "ann@example.org", "role": "clinician",
                                        "clinic": "North"})  # fmt: skip
    assert bad.status_code == 400
    assert bad.json() == {"detail": "ann@example.org already has an account"}
    person = adam.post("/api/users", json={"email": "x@example.org", "role": "person",
                                           "clinic": "North"})  # fmt: skip
    assert person.status_code == 400 and "admin adds its people" in person.json()["detail"]
    role = adam.post("/api/users", json={"email": "x@example.org", "role": "chief"})
    assert role.status_code == 400 and "unknown role 'chief'" in role.json()["detail"]
    owner = adam.post("/api/users", json={"email": "x@example.org", "role": "owner"})
    assert owner.status_code == 400 and "added on the server" in owner.json()["detail"]


def test_only_an_admin_lists_or_adds_users(app, people):
    body = {"email": "eve@example.org", "role": "admin"}
    for email in ("ann@example.org", "alice@north.example"):
        c = signed_in(app, email)
        assert c.get("/api/users").status_code == 404
        assert c.post("/api/users", json=body).status_code == 404
        assert c.get("/users").status_code == 404
    assert TestClient(app, base_url=BASE).post("/api/users", json=body).status_code == 401


def test_the_users_page_adds_a_person_and_shows_the_invite_once(app, people, nora):
    adam = signed_in(app, "nora@north.example")
    page = adam.get("/users")
    assert page.status_code == 200 and "ann@example.org" in page.text
    form = {"email": "finn@example.org", "role": "person"}
    added = adam.post("/users", data={**form, "csrf_token": adam.csrf})  # type: ignore[attr-defined]
    assert added.status_code == 200 and added.headers["cache-control"] == "no-store"
    link = re.search(r'id="invite-link">http://127\.0\.0\.1(/invite/[\w-]+)<', added.text)
    assert link, added.text
    alice = signed_in(app, "alice@north.example")
    assert "finn@example.org" in [p["email"] for p in alice.get("/api/people").json()]
    assert adam.post("/users", data=form).status_code == 403  # no CSRF token


def _login(app, email: str, password: str) -> int:
    body = {"email": email, "password": password}
    return TestClient(app, base_url=BASE).post("/api/login", json=body).status_code


def test_an_admin_locks_an_account_that_only_its_holder_opens_again(app, people, nora, engine):
    """Someone leaves or loses a phone: locking ends every sign-in and token at once and the
    password with them. Nobody but their clinic's admin may lock, never their own account; and
    as ann has signed in before, no admin gets a link that sets her password (it would let the
    admin become her): a reset goes to her by email (test_password_reset)."""
    adam = signed_in(app, "nora@north.example")
    ann = signed_in(app, "ann@example.org")
    token = ann.post("/api/tokens").json()["token"]
    script = TestClient(app, base_url=BASE, headers={"authorization": f"Bearer {token}"})
    assert script.get("/api/me").status_code == 200
    ann_id = people["ann"]
    for c in (signed_in(app, "alice@north.example"), signed_in(app, "bob@example.org")):
        assert c.post(f"/api/users/{ann_id}/lock").status_code == 404
        assert c.post(f"/api/users/{ann_id}/invite").status_code == 404
    assert adam.post("/api/users/999999/lock").status_code == 404
    assert adam.post(f"/api/users/{people['cat']}/lock").status_code == 404  # another clinic
    own = adam.post(f"/api/users/{nora}/lock")
    assert own.status_code == 400 and "your own account" in own.json()["detail"]

    locked = adam.post(f"/api/users/{ann_id}/lock")
    assert locked.status_code == 200 and locked.json() == {"id": ann_id, "can_sign_in": False}
    assert ann.get("/api/me").status_code == 401 and script.get("/api/me").status_code == 401
    assert _login(app, "ann@example.org", PASSWORD) == 401
    listed = next(u for u in adam.get("/api/users").json() if u["id"] == ann_id)
    assert listed["can_sign_in"] is False and listed["has_signed_in"] is True
    refused = adam.post(f"/api/users/{ann_id}/invite")
    assert refused.status_code == 400 and "reset email" in refused.json()["detail"]
    trail = [(r["actor_id"], r["action"]) for r in repo.audit_trail(engine, ann_id)]
    assert (nora, "user.lock") in trail and (nora, "user.invite") not in trail


def test_the_users_page_keeps_a_bad_entry_and_locks_with_a_second_step(app, people, nora):
    adam = signed_in(app, "nora@north.example")
    csrf = adam.csrf  # type: ignore[attr-defined]
    typed = {"email": "ann@example.org", "role": "clinician", "clinic": "North"}
    bad = adam.post("/users", data={**typed, "csrf_token": csrf})
    assert bad.status_code == 400
    assert 'role="alert"' in bad.text and "ann@example.org already has an account" in bad.text
    assert 'value="ann@example.org"' in bad.text and 'value="clinician" selected' in bad.text
    page = adam.get("/users").text
    ann_id = people["ann"]
    assert f'action="/users/{ann_id}/lock"' in page and "<details" in page
    assert f'action="/users/{nora}/lock"' not in page  # not their own
    assert adam.post(f"/users/{ann_id}/lock", data={}).status_code == 403  # no CSRF token
    done = adam.post(f"/users/{ann_id}/lock", data={"csrf_token": csrf})
    assert done.status_code == 200 and "ann@example.org</strong> is locked" in done.text
    assert f'action="/users/{ann_id}/lock"' not in done.text  # nothing left to lock
    # ann never signed in (the fixture wrote her): her invite link may still be made
    invited = adam.post(f"/users/{ann_id}/invite", data={"csrf_token": csrf})
    assert invited.status_code == 200 and invited.headers["cache-control"] == "no-store"
    assert re.search(r'id="invite-link">http://127\.0\.0\.1/invite/[\w-]+<', invited.text)


@pytest.mark.parametrize(
    ("answers", "stop", "flag"),
    [
        ({"major_trauma": "yes"}, None, "screening: urgent"),
        (None, "radiating_pain", "stopped for radiating pain"),
    ],
)
def test_an_urgent_screening_or_a_radiating_stop_flags_the_person(app, people, answers, stop, flag):
    alice, bob = signed_in(app, "alice@north.example"), signed_in(app, "bob@example.org")
    if answers is not None:
        resp = bob.post("/api/screenings", json={"answers": clear_answers() | answers})
        assert resp.json()["disposition"] == "urgent"
    if stop is not None:
        bob.post("/api/screenings", json={"answers": clear_answers()})
        alice.post(
            f"/api/people/{people['bob']}/programme",
            json={"techniques": [{"id": "cat-cow", "reps": 5}], "per_week": 3},
        )
        logged = bob.post(
            "/api/sessions",
            json={"pain_before": 3, "pain_after": 5, "stopped": f"cat-cow:{stop}"},
        )
        assert logged.status_code == 201, logged.text
    rows = {p["id"]: p["flags"] for p in alice.get("/api/people").json()}
    assert rows[people["bob"]] == [flag]
    assert rows[people["ann"]] == []
    # the clinician's page shows it too
    assert flag in alice.get("/people").text
    # and bob sees no programme to follow until a doctor or a new safety check says so
    assert bob.get("/api/programme").json()["techniques"] == []


def test_signing_in_again_after_revoking_everywhere_works(app, people, engine):
    ann = signed_in(app, "ann@example.org")
    for t in ann.get("/api/tokens").json():
        ann.delete(f"/api/tokens/{t['id']}")
    assert ann.get("/api/me").status_code == 401
    assert repo.live_tokens(engine, people["ann"], datetime.now(UTC)) == []
    again = TestClient(app, base_url=BASE).post(
        "/api/login", json={"email": "ann@example.org", "password": PASSWORD}
    )
    assert again.status_code == 200


# GET routes that read no one's journal or programme: the user's own account, pictures, forms.
NOT_PERSON_DATA = {
    "/", "/api/me", "/api/tokens", "/account", "/pictures/{tid}.svg", "/safety-check",
    "/api/audit",  # reading the audit trail itself
    "/programme/stop",  # the stop reasons, the same for everyone
    "/programme/stopped/{reason}",  # what to do after a stop, the same for everyone
}  # fmt: skip


def test_every_read_of_a_persons_data_leaves_an_audit_line(app, people, engine, admin):
    """Route list from the app: every GET but the few above writes a line naming who read
    whose data, whichever role the route is for (tried as ann, her clinician, the admin)."""
    from sqlalchemy import text

    from easeback.content.loader import default_catalogue
    from easeback.usecases import practice
    from tests.practice.test_isolation import PUBLIC, fill, routes
    from tests.web.answers import clear_answers

    # ann has a programme and a safety check in force, so that her guided session is there
    cat = default_catalogue()
    ann, alice = repo.user_by_id(engine, people["ann"]), repo.user_by_id(engine, people["alice"])
    assert ann is not None and alice is not None
    practice.prescribe(engine, cat, alice, ann.id, [{"id": "cat-cow", "reps": 5}], 3, T_NOW)
    practice.screen(engine, cat, ann, clear_answers(pain_days=10), T_NOW)
    callers = {
        "ann": signed_in(app, "ann@example.org"),
        "alice": signed_in(app, "alice@north.example"),
        "adam": signed_in(app, "adam@practice.example"),
    }
    ids = {**people, "adam": admin}

    def lines() -> list[tuple[int | None, int | None, str]]:
        with engine.connect() as conn:
            q = "SELECT actor_id, subject_id, action FROM audit_log ORDER BY id"
            return [tuple(r) for r in conn.execute(text(q))]  # type: ignore[misc]

    checked = []
    for method, path in routes(app):
        if method != "GET" or path in PUBLIC or path in NOT_PERSON_DATA:
            continue
        for who, client in callers.items():
            before = len(lines())
            resp = client.get(fill(path, people["ann"]), follow_redirects=False)
            if resp.status_code == 404:
                continue
            assert resp.status_code == 200, (who, path, resp.status_code)
            new = lines()[before:]
            assert any(actor == ids[who] for actor, _s, _a in new), (who, path, new)
            checked.append((who, path))
            break
        else:
            pytest.fail(f"nobody could read {path}")
    assert len(checked) >= 10, checked
