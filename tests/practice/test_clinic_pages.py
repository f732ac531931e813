"""The clinician's day through the web door (SQLite): the list's reasons and filters, a person's
page with its charts and timeline, the person's PEG and PSFS forms and skip boxes on a phone
page, the CSV and the record as JSON; and the single-person app's PEG and PSFS."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient

from easeback.settings import Settings
from easeback.storage import open_engine
from easeback.storage import practice as repo
from easeback.web import create_app
from tests.practice.conftest import T0
from tests.practice.web import dispose, practice_app, signed_in
from tests.web.answers import clear_answers
from tests.web.conftest import BASE, Visitor

BRIDGE = {"id": "bridge", "hold_seconds": 3, "reps": 5, "sets": 1}


@pytest.fixture
def app(tmp_path, password_hash):
    url = f"sqlite:///{tmp_path / 'practice.sqlite3'}"
    engine = open_engine(url)
    for email, role in [
        ("alice@north.example", "clinician"),
        ("ann@example.org", "person"),
        ("bob@example.org", "person"),
    ]:
        uid = repo.add_user(
            engine, email, role, repo.clinic_id(engine, "North", T0), password_hash, T0
        )
        repo.audit(engine, T0, None, "user.add", uid)
    engine.dispose()
    app = practice_app(url)
    yield app
    dispose(app)


def form(c: TestClient, url: str, data: dict[str, object]):
    return c.post(url, data={"csrf_token": c.csrf, **data}, follow_redirects=False)  # type: ignore[attr-defined]


def test_a_day_in_the_clinic_through_the_pages(app):
    alice, ann, bob = (
        signed_in(app, e) for e in ("alice@north.example", "ann@example.org", "bob@example.org")
    )
    ann_id, bob_id = ann.get("/api/me").json()["id"], bob.get("/api/me").json()["id"]
    for pid in (ann_id, bob_id):
        body = {"techniques": [BRIDGE, {"id": "cat-cow", "reps": 5}], "per_week": 3}
        assert alice.post(f"/api/people/{pid}/programme", json=body).status_code == 201
    for c in (ann, bob):
        assert c.post("/api/screenings", json={"answers": clear_answers()}).status_code == 201

    # ann: the programme page asks for the weekly questions; she skips everything once
    page = ann.get("/programme").text
    assert 'id="outcomes-due"' in page and 'name="skipped" value="bridge"' in page
    resp = form(
        ann, "/programme/log", {"pain_before": 4, "pain_after": 4, "skipped": ["bridge", "cat-cow"]}
    )
    assert resp.status_code == 303
    resp = form(ann, "/outcomes/peg", {"pain": 6, "enjoyment": 4, "activity": 5})
    assert resp.headers["location"] == "/outcomes?message=peg"
    bad = form(ann, "/outcomes/psfs", {"activity_0": "Putting on socks", "score_0": "12"})
    assert bad.status_code == 400
    assert 'role="alert">activity &#39;Putting on socks&#39; must be a whole number' in bad.text
    resp = form(
        ann,
        "/outcomes/psfs",
        {
            "activity_0": "Putting on socks",
            "score_0": "3",
            "activity_1": "Gardening",
            "score_1": "5",
        },
    )
    assert resp.status_code == 303
    page = ann.get("/outcomes").text
    assert 'value="Putting on socks"' in page and "(done this week)" in page
    assert 'id="outcomes-due"' not in ann.get("/programme").text
    # bob stops for numbness
    assert (
        bob.post(
            "/api/sessions", json={"pain_before": 3, "pain_after": 5, "stopped": "cat-cow:numbness"}
        ).status_code
        == 201
    )

    # the clinician's list: bob first, with his reason linked to the stop
    html = alice.get("/people").text
    assert html.index("bob@example.org") < html.index("ann@example.org")
    link = re.search(rf'href="(/people/{bob_id}#stop-\d+)">stopped for numbness at Cat-cow', html)
    assert link, html
    nerve = alice.get("/people", params={"need": "nerve"}).text
    assert "bob@example.org" in nerve and "ann@example.org" not in nerve
    assert alice.get("/api/people", params={"need": "soon"}).status_code == 400
    # bob's page: the stop the link points at, with the advice he was shown
    bob_page = alice.get(f"/people/{bob_id}").text
    anchor = link.group(1).split("#")[1]
    stop = re.search(rf'<li id="{anchor}" class="alert">(.*?)</li>\s*</ul>', bob_page, re.S)
    assert stop and "numbness or tingling at Cat-cow" in stop.group(1)
    assert "Advice shown:" in stop.group(1)
    # ann's page: charts with axes, the skipped session, PEG and PSFS
    ann_page = alice.get(f"/people/{ann_id}").text
    for cid in ("chart-pain", "chart-peg", "chart-psfs"):
        assert f'<figure class="dated-chart" id="{cid}">' in ann_page, cid
    assert "minimal important change" in ann_page
    assert "<strong>Session</strong>: skipped, pain 4 → 4" in ann_page
    assert "<strong>PSFS</strong>: 4.0: Putting on socks 3/10; Gardening 5/10" in ann_page
    assert 'id="weeks"' in ann_page and 'id="adherence">0 / 3<' in ann_page
    record = alice.get(f"/api/people/{ann_id}/record").json()
    assert [p["value"] for p in record["peg"]] == [5.0]
    assert ann.get(f"/api/people/{ann_id}/record").status_code == 404
    data = alice.get(f"/api/people/{ann_id}/export/csv")
    assert data.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(data.content)) as z:
        rows = z.read("outcomes.csv").decode().splitlines()
    assert len(rows) == 3 and rows[0].startswith("id,person,user_id,at,measure,items,score")
    assert alice.get(f"/api/people/{bob_id}/export/csv").status_code == 200
    assert bob.get(f"/api/people/{ann_id}/export/csv").status_code == 404
    # the API takes the same measures
    assert (
        ann.post("/api/outcomes/peg", json={"pain": 5, "enjoyment": 5, "activity": 11}).status_code
        == 422
    )
    assert ann.get("/api/outcomes/due").json()["peg"] is False

    # care: a note and a discharge from bob's page; bob never sees the note
    resp = form(alice, f"/people/{bob_id}/care/note", {"text": "Numbness: GP letter sent."})
    assert resp.headers["location"] == f"/people/{bob_id}?message=note#care"
    page = alice.get(f"/people/{bob_id}").text
    assert "Numbness: GP letter sent." in page and "Note saved." not in page
    assert form(alice, f"/people/{bob_id}/care/discharged", {}).status_code == 400
    form(alice, f"/people/{bob_id}/care/discharged", {"confirm": "yes"})
    page = alice.get(f"/people/{bob_id}?message=discharged").text
    assert "Discharged: the programme has ended" in page and 'id="episode">Discharged on' in page
    mine = bob.get("/programme").text
    assert 'id="discharged"' in mine and "GP letter" not in mine
    assert bob.get(f"/api/people/{bob_id}/care").status_code == 404
    assert "GP letter" not in bob.get("/api/history").text
    assert alice.post(f"/api/people/{ann_id}/notes", json={"text": ""}).status_code == 422
    assert alice.post(f"/api/people/{ann_id}/notes", json={"text": "ok"}).status_code == 201
    body = alice.get(f"/api/people/{ann_id}/care").json()
    assert [n["text"] for n in body["notes"]] == ["ok"]


def test_the_single_person_app_records_peg_and_psfs(tmp_path):
    app = create_app(Settings(data_dir=str(tmp_path)), allow_speed=True)
    with TestClient(app, base_url=BASE) as client:
        v = Visitor(client)
        page = client.get("/check-in").text
        assert "Weekly questions (PEG)" in page and "Activities that are hard (PSFS)" in page
        resp = v.post("/check-in/peg", {"peg_pain": 6, "peg_enjoyment": 4, "peg_activity": 5})
        assert resp.status_code == 200 and "PEG 5.0 (first recording)" in resp.text
        assert "(done this week)" in resp.text
        resp = v.post("/check-in/psfs", {"activity_0": "Socks", "score_0": 3})
        assert 'value="Socks"' in resp.text and "PSFS 3.0 (first recording)" in resp.text
        bad = v.post("/check-in/psfs", {"activity_0": "", "score_0": 3})
        assert bad.status_code == 400 and "each rated activity needs a name" in bad.text
        v.post("/check-in/peg", {"peg_pain": 8, "peg_enjoyment": 7, "peg_activity": 6})
        assert "PEG 5.0 → 7.0: worse" in client.get("/check-in").text
        data = v.client.get("/journal/export/csv").content
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert len(z.read("outcomes.csv").decode().splitlines()) == 4
        fhir = v.client.get("/journal/export/fhir").json()
        codes = [
            e["resource"].get("code", {}).get("coding", [{}])[0].get("code") for e in fhir["entry"]
        ]
        assert codes.count("91148-7") == 2 and codes.count("psfs") == 1
        from tests.export.test_exports import _pdf_text

        text = _pdf_text(v.client.get("/journal/export/pdf").content)
        assert "PEG 5.0" in text and "7.0: worse." in text, text
        assert "Socks 3" in text
