"""Isolation, route by route, with the route list taken from the app itself so that a new route
cannot be missed: without sign-in every route but sign-in and static files refuses; a route about
one person answers 404 to anyone outside their scope; a person's own routes never show another
person's data. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient
from starlette.routing import Mount

from tests.practice.web import BASE, dispose, practice_app, signed_in
from tests.web.answers import clear_answers

PUBLIC = {
    "/sign-in", "/api/login", "/invite/{invite}", "/sign-in/second", "/api/login/second",
    "/forgot-password", "/api/password/forgot", "/reset/{link}",
    "/healthz", "/readyz",  # health: no data
    "/pose-web/ready.json", "/pose-web/{name}",  # the pose model's library files, like /static
}  # fmt: skip
ISO = re.compile(r"\d{4}-\d\d-\d\dT[\d:.+Z]+")


@pytest.fixture
def app(db_url, people):
    app = practice_app(db_url)
    yield app
    dispose(app)


def _walk(items) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for r in items:
        if hasattr(r, "effective_candidates"):  # a router included in the app (FastAPI 0.13x+)
            out += _walk(r.effective_candidates())
        elif isinstance(r, Mount):
            assert r.path == "/static", f"unexpected mount {r.path}"
        elif getattr(r, "methods", None):
            out += [(m, r.path) for m in sorted(set(r.methods) - {"HEAD"})]
    return out


def routes(app) -> list[tuple[str, str]]:
    """Every method and path the app answers, taken from the app."""
    out = _walk(app.routes)
    assert len(out) > 20
    return out


def fill(path: str, person: int) -> str:
    return (
        path.replace("{person_id}", str(person))
        .replace("{tid}", "bridge")
        .replace("{token_id}", "1")
        .replace("{user_id}", str(person))
    )


# A valid body for each write, so that scope (not validation) decides the answer.
PROGRAMME = {"techniques": [{"id": "cat-cow", "reps": 5}], "per_week": 3}
BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("POST", "/api/people/{person_id}/programme"): {"json": PROGRAMME},
    ("POST", "/people/{person_id}/programme"): {
        "data": {"use": "cat-cow", "reps_cat-cow": "5", "sets_cat-cow": "1", "per_week": "3"}
    },
    # the clinician's day (after the programme routes above, in the app's order)
    ("POST", "/api/people/{person_id}/notes"): {"json": {"text": "a note"}},
    ("PUT", "/api/people/{person_id}/clinician"): {"json": {"clinician_id": None}},
    ("POST", "/api/people/{person_id}/discharge"): {},
    ("POST", "/api/people/{person_id}/templates"): {"json": {"name": "from the API"}},
    ("POST", "/api/people/{person_id}/programme/from-template"): {"json": {"template_id": 1}},
    ("POST", "/people/{person_id}/notes"): {"data": {"text": "a note"}},
    ("POST", "/people/{person_id}/clinician"): {"data": {"clinician": ""}},
    ("POST", "/people/{person_id}/discharge"): {"data": {"confirm": "yes"}},
    ("POST", "/people/{person_id}/templates"): {"data": {"name": "from the page"}},
    ("POST", "/people/{person_id}/programme/from-template"): {"data": {"template": "1"}},
}


def call(client: TestClient, method: str, path: str, person: int):
    kw = dict(BODIES.get((method, path), {}))
    if "data" in kw:
        kw["data"] = {**kw["data"], "csrf_token": getattr(client, "csrf", "")}  # type: ignore[dict-item]
    return client.request(method, fill(path, person), follow_redirects=False, **kw)


def test_every_route_but_sign_in_needs_a_signed_in_user(app, people):
    anon = TestClient(app, base_url=BASE)
    checked = 0
    for method, path in routes(app):
        if path in PUBLIC:
            continue
        resp = call(anon, method, path, people["ann"])
        if path.startswith("/api"):
            assert resp.status_code == 401, (method, path, resp.status_code)
        else:
            assert resp.status_code in (303, 401, 403), (method, path, resp.status_code)
            if resp.status_code == 303:
                assert resp.headers["location"] == "/sign-in", (method, path)
        checked += 1
    assert checked > 15
    assert anon.get("/static/style.css").status_code == 200
    assert anon.get("/sign-in").status_code == 200


def test_routes_about_a_person_answer_404_outside_scope(app, people):
    """ann belongs to alice's clinic. bob (another person of that clinic), carol (a clinician of
    another clinic) and cat (her person) must get 404, exactly as for someone who does not exist."""
    emails = ["bob@example.org", "carol@south.example", "cat@example.org"]
    outsiders = {e.split("@")[0]: signed_in(app, e) for e in emails}
    alice = signed_in(app, "alice@north.example")
    scoped = [(m, p) for m, p in routes(app) if "{person_id}" in p]
    assert scoped, "no per-person routes found"
    for method, path in scoped:
        if method != "GET":
            assert (method, path) in BODIES, f"give {method} {path} a valid body in BODIES"
        for who, client in outsiders.items():
            resp = call(client, method, path, people["ann"])
            assert resp.status_code == 404, (who, method, path, resp.status_code)
            assert "ann@example.org" not in resp.text
        absent = call(alice, method, path, 999_999)
        assert absent.status_code == 404, (method, path)
        # and the same request inside scope works, so the 404s above are about scope
        assert call(alice, method, path, people["ann"]).status_code in (200, 201, 303), path


def _snapshot(client: TestClient, paths: list[str], me: int) -> dict[str, str]:
    out = {}
    for p in paths:
        resp = client.get(p, follow_redirects=False)
        text = resp.text
        if resp.headers.get("content-type") == "application/pdf":  # its words, not its dates
            from tests.export.test_exports import _pdf_text

            text = _pdf_text(resp.content)
        if p == "/api/audit":  # bob's own reads are audited too; leave those out
            text = str([r for r in resp.json() if r["actor_id"] != me])
        out[p] = f"{resp.status_code} " + ISO.sub("T", text)
    return out


def test_own_routes_never_show_another_persons_data(app, people):
    """Everything bob can read is unchanged by everything ann does."""
    bob, ann = signed_in(app, "bob@example.org"), signed_in(app, "ann@example.org")
    alice = signed_in(app, "alice@north.example")
    own = [p for m, p in routes(app) if m == "GET" and "{" not in p and p not in PUBLIC]
    before = _snapshot(bob, own, people["bob"])
    ann.post("/api/screenings", json={"answers": clear_answers()})
    alice.post(
        f"/api/people/{people['ann']}/programme",
        json={"techniques": [{"id": "cat-cow", "reps": 5}], "per_week": 3},
    )
    ann.post("/api/check-ins", json={"pain": 9, "stiffness": 8})
    ann.post("/api/sessions", json={"pain_before": 7, "pain_after": 6})
    after = _snapshot(bob, own, people["bob"])
    assert after == before
    assert "9/10" in ann.get("/api/history").text
