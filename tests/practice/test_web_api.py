"""The practice API: sign-in, a person's own data, a clinician's people, programmes that never
override the screening, flags, and the audit trail. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient

from tests.practice.conftest import PASSWORD
from tests.practice.web import BASE, dispose, practice_app, signed_in
from tests.web.answers import clear_answers

CLEAR = clear_answers()

BRIDGE = {"id": "bridge", "hold_seconds": 3, "reps": 5, "sets": 1}


@pytest.fixture
def app(db_url, people):
    app = practice_app(db_url)
    yield app
    dispose(app)


def test_login_gives_a_token_and_a_session_cookie(app):
    c = TestClient(app, base_url=BASE)
    resp = c.post("/api/login", json={"email": "ann@example.org", "password": PASSWORD})
    assert resp.status_code == 200
    assert resp.json()["token"]
    cookie = resp.headers["set-cookie"]
    assert "easeback_session=" in cookie and "HttpOnly" in cookie and "Secure" not in cookie
    assert c.get("/api/me").json()["email"] == "ann@example.org"  # by cookie
    assert resp.headers.get("strict-transport-security") is None


def test_wrong_password_and_unknown_email_get_the_same_answer(app):
    c = TestClient(app, base_url=BASE)
    a = c.post("/api/login", json={"email": "ann@example.org", "password": "wrong password"})
    b = c.post("/api/login", json={"email": "zed@example.org", "password": "wrong password"})
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json() == {"detail": "Wrong email or password."}


def test_the_eleventh_failure_in_a_minute_is_429(app):
    c = TestClient(app, base_url=BASE)
    for _ in range(10):
        assert (
            c.post("/api/login", json={"email": "ann@example.org", "password": "x"}).status_code
            == 401
        )
    resp = c.post("/api/login", json={"email": "ann@example.org", "password": PASSWORD})
    assert resp.status_code == 429 and resp.headers["retry-after"] == "60"


def test_the_limit_is_shared_by_workers(db_url, people):
    """Two app instances (as two worker processes) count failures in the same database."""
    apps = [practice_app(db_url), practice_app(db_url)]
    one, two = (TestClient(a, base_url=BASE) for a in apps)
    for k in range(10):
        client = one if k % 2 else two
        client.post("/api/login", json={"email": "bob@example.org", "password": "x"})
    again = two.post("/api/login", json={"email": "bob@example.org", "password": PASSWORD})
    for a in apps:
        dispose(a)
    assert again.status_code == 429


def test_logout_revokes_the_token(app):
    c = signed_in(app, "ann@example.org")
    assert c.get("/api/me").status_code == 200
    assert c.post("/api/logout").status_code == 200
    assert c.get("/api/me").status_code == 401


def test_cookie_sessions_need_the_csrf_header_for_writes(app):
    c = TestClient(app, base_url=BASE)
    login = c.post("/api/login", json={"email": "ann@example.org", "password": PASSWORD}).json()
    assert c.post("/api/check-ins", json={"pain": 4, "stiffness": 3}).status_code == 403
    resp = c.post(
        "/api/check-ins", json={"pain": 4, "stiffness": 3}, headers={"x-csrf-token": login["csrf"]}
    )
    assert resp.status_code == 201


def test_https_gets_secure_cookies_and_hsts(app):
    c = TestClient(app, base_url="https://127.0.0.1")
    resp = c.post("/api/login", json={"email": "ann@example.org", "password": PASSWORD})
    assert "Secure" in resp.headers["set-cookie"]
    assert resp.headers["strict-transport-security"].startswith("max-age=")


def test_clinician_prescribes_and_the_person_follows(app, people):
    alice, ann = signed_in(app, "alice@north.example"), signed_in(app, "ann@example.org")
    pid = people["ann"]
    resp = alice.post(
        f"/api/people/{pid}/programme",
        json={"techniques": [BRIDGE, {"id": "cat-cow", "reps": 5}], "per_week": 3},
    )
    assert resp.status_code == 201, resp.text
    # no screening yet: the person sees nothing, the clinician sees why
    assert ann.get("/api/programme").json()["on_hold"]
    hidden = alice.get(f"/api/people/{pid}/programme").json()["hidden"]
    assert {h["why"] for h in hidden} == {"no safety check yet"}
    assert ann.post("/api/screenings", json={"answers": CLEAR}).status_code == 201
    mine = ann.get("/api/programme").json()
    assert [t["id"] for t in mine["techniques"]] == ["bridge", "cat-cow"]
    assert "hidden" not in mine
    assert ann.post("/api/sessions", json={"pain_before": 5, "pain_after": 3}).status_code == 201
    assert ann.post("/api/check-ins", json={"pain": 3, "stiffness": 2}).status_code == 201
    row = next(p for p in alice.get("/api/people").json() if p["id"] == pid)
    assert row["adherence"] == {"done": 1, "prescribed": 3}
    assert [r["value"] for r in row["pain"]] == [5, 3, 3]
    assert row["last_activity"] and row["flags"] == []
    progress = alice.get(f"/api/people/{pid}/progress").json()
    assert progress["sessions"] if "sessions" in progress else progress["adherence"]["done"] == 1


def test_doses_outside_the_catalogue_ranges_are_refused(app, people):
    alice = signed_in(app, "alice@north.example")
    url = f"/api/people/{people['ann']}/programme"
    resp = alice.post(url, json={"techniques": [BRIDGE | {"reps": 99}], "per_week": 3})
    assert resp.status_code == 400 and "bridge: reps must be a whole number from" in resp.text
    resp = alice.post(url, json={"techniques": [{"id": "neck-crack", "reps": 1}], "per_week": 3})
    assert resp.status_code == 400 and "unknown technique id 'neck-crack'" in resp.text
    resp = alice.post(url, json={"techniques": [BRIDGE], "per_week": 0})
    assert resp.status_code == 400 and "per_week" in resp.text


def test_screening_exclusions_hide_a_technique_and_the_clinician_sees_why(app, people):
    alice, ann = signed_in(app, "alice@north.example"), signed_in(app, "ann@example.org")
    pid = people["ann"]
    # a wrist problem leaves out techniques that bear weight on the hands (cat-cow)
    ann.post("/api/screenings", json={"answers": CLEAR | {"wrist_problem": "yes"}})
    alice.post(
        f"/api/people/{pid}/programme",
        json={"techniques": [BRIDGE, {"id": "cat-cow", "reps": 5}], "per_week": 3},
    )
    assert [t["id"] for t in ann.get("/api/programme").json()["techniques"]] == ["bridge"]
    hidden = alice.get(f"/api/people/{pid}/programme").json()["hidden"]
    assert [h["id"] for h in hidden] == ["cat-cow"] and "screening rule" in hidden[0]["why"]


def test_a_knee_problem_shows_the_padded_variant(app, people):
    alice, ann = signed_in(app, "alice@north.example"), signed_in(app, "ann@example.org")
    ann.post("/api/screenings", json={"answers": CLEAR | {"knee_problem": "yes"}})
    alice.post(
        f"/api/people/{people['ann']}/programme",
        json={"techniques": [{"id": "cat-cow", "reps": 5}], "per_week": 3},
    )
    [cat_cow] = ann.get("/api/programme").json()["techniques"]
    assert cat_cow["variant"] == "padded"


def test_a_sharp_pain_stop_hides_the_technique_and_a_numbness_stop_flags(app, people):
    alice, ann = signed_in(app, "alice@north.example"), signed_in(app, "ann@example.org")
    pid = people["ann"]
    ann.post("/api/screenings", json={"answers": CLEAR})
    alice.post(
        f"/api/people/{pid}/programme",
        json={"techniques": [BRIDGE, {"id": "cat-cow", "reps": 5}], "per_week": 3},
    )
    ann.post(
        "/api/sessions", json={"pain_before": 4, "pain_after": 6, "stopped": "bridge:sharp_pain"}
    )
    assert [t["id"] for t in ann.get("/api/programme").json()["techniques"]] == ["cat-cow"]
    why = alice.get(f"/api/people/{pid}/programme").json()["hidden"]
    assert why == [{"id": "bridge", "why": "stopped for sharp pain"}]
    ann.post(
        "/api/sessions", json={"pain_before": 4, "pain_after": 5, "stopped": "cat-cow:numbness"}
    )
    row = next(p for p in alice.get("/api/people").json() if p["id"] == pid)
    assert row["flags"] == ["stopped for numbness"]
    # the numbness stop re-opens the screening: the programme is on hold until it is done again
    assert ann.get("/api/programme").json()["on_hold"]


def test_an_emergency_screening_flags_the_person(app, people):
    alice, bob = signed_in(app, "alice@north.example"), signed_in(app, "bob@example.org")
    resp = bob.post("/api/screenings", json={"answers": {"bladder_bowel_control": "yes"}})
    assert [r["disposition"] for r in resp.json()["reasons"]] == ["emergency"]
    row = next(p for p in alice.get("/api/people").json() if p["id"] == people["bob"])
    assert row["flags"] == ["screening: emergency"]


def test_every_read_and_change_is_audited(app, people):
    alice, ann = signed_in(app, "alice@north.example"), signed_in(app, "ann@example.org")
    alice.get(f"/api/people/{people['ann']}/progress")
    alice.get(f"/api/people/{people['ann']}/export/fhir")
    trail = ann.get("/api/audit").json()
    seen = [(r["actor_id"], r["action"]) for r in trail]
    assert (people["alice"], "progress.read") in seen
    assert (people["alice"], "export.fhir") in seen


def test_a_person_downloads_everything_and_deletes_the_account(app, people):
    ann = signed_in(app, "ann@example.org")
    ann.post("/api/check-ins", json={"pain": 6, "stiffness": 5})
    bundle = ann.get("/api/export/fhir")
    assert bundle.status_code == 200 and bundle.headers["content-type"] == "application/fhir+json"
    entries = bundle.json()["entry"]
    assert [e["resource"]["resourceType"] for e in entries] == ["Patient", "Observation"]
    kept = ann.request("DELETE", "/api/account", json={"password": "not my password"})
    assert kept.status_code == 403 and "kept" in kept.json()["detail"]
    assert ann.delete("/api/account").status_code == 422  # no password: refused
    assert ann.get("/api/me").status_code == 200
    deleted = ann.request("DELETE", "/api/account", json={"password": PASSWORD})
    assert deleted.status_code == 200
    assert ann.get("/api/me").status_code == 401
    again = TestClient(app, base_url=BASE).post(
        "/api/login", json={"email": "ann@example.org", "password": PASSWORD}
    )
    assert again.status_code == 401


def test_my_history_comes_a_page_at_a_time_newest_first(app):
    """/api/history pages through the journal with `limit` and the `Link` header's next address,
    every entry once, newest first; a bad `before` is named, and another person sees none."""
    ann = signed_in(app, "ann@example.org")
    for pain in range(7):
        assert ann.post("/api/check-ins", json={"pain": pain, "stiffness": 1}).status_code == 201
    assert ann.post("/api/screenings", json={"answers": CLEAR}).status_code in (200, 201)
    everything = ann.get("/api/history").json()
    assert len(everything) == 8 and "link" not in ann.get("/api/history").headers
    assert everything[0] == everything[0] | {"kind": "Safety check", "details": "clear"}
    assert everything[-1]["details"] == "pain 0/10, stiffness 1/10"
    assert all(r["at"].endswith("Z") for r in everything)
    seen, url, older = [], "/api/history?limit=3", []
    while url:
        resp = ann.get(url)
        assert resp.status_code == 200
        seen += resp.json()
        link = resp.headers.get("link")
        older.append(resp.headers.get("x-older-entries"))
        url = link[1 : link.index(">")] if link else ""
    assert seen == everything
    assert older == ["5", "2", None]
    bad = ann.get("/api/history?before=nowhere")
    assert bad.status_code == 400 and "before" in bad.text
    assert ann.get("/api/history?limit=0").status_code == 422
    assert signed_in(app, "bob@example.org").get("/api/history").json() == []


def test_one_session_a_week_reads_as_one(app, people):
    """A programme of one session a week says so in the singular, to both sides."""
    alice, ann = signed_in(app, "alice@north.example"), signed_in(app, "ann@example.org")
    pid = people["ann"]
    for per_week, words in ((1, "1 session a week."), (3, "3 sessions a week.")):
        resp = alice.post(
            f"/api/people/{pid}/programme",
            json={"techniques": [{"id": "cat-cow", "reps": 5}], "per_week": per_week},
        )
        assert resp.status_code == 201, resp.text
        if per_week == 1:
            assert ann.post("/api/screenings", json={"answers": CLEAR}).status_code == 201
        assert words in alice.get(f"/people/{pid}").text
        assert words in ann.get("/programme").text
    # a dose in words, as the personal app gives it: one repetition of a long rest
    resp = alice.post(
        f"/api/people/{pid}/programme",
        json={"techniques": [{"id": "decompression-90-90", "reps": 1, "hold_seconds": 300}]}
        | {"per_week": 2},
    )
    assert resp.status_code == 201, resp.text
    page = ann.get("/programme").text
    assert "1 repetition of 5 min" in page and "repetitions" not in page
