"""Journal pages wired to easeback.usecases.journal: check-in, history, chart, what helps,
exports."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from easeback.web.journal_door import journal_installed

from .answers import clear_answers

pytestmark = pytest.mark.skipif(not journal_installed(), reason="the journal extra is missing")


def _session(visitor, minutes: int = 5) -> dict:
    visitor.screen(clear_answers())
    visitor.post("/plan", {"place": "floor", "minutes": minutes, "equipment": "mat"})
    return visitor.client.get("/player/timeline.json").json()


def test_after_session_check_in_shows_in_history_and_chart(visitor):
    _session(visitor)
    page = visitor.client.get("/check-in", params={"session": 1}).text
    assert "Pain before the session" in page
    resp = visitor.post(
        "/check-in",
        {"after": "1", "pain_before": 5, "pain": 3, "stiffness": 4, "soreness": "low"},
    )
    assert resp.url.path == "/journal"
    html = resp.text
    assert "pain 5 → 3" in html and "Check-in" in html and "Safety check" in html
    assert '<svg class="chart" role="img"' in html and "<polyline" in html
    assert "What helps you" in html


def test_check_in_refuses_out_of_range(visitor):
    resp = visitor.post("/check-in", {"pain": 11, "stiffness": 2})
    assert resp.status_code == 400 and 'role="alert"' in resp.text


def test_stop_is_recorded_and_the_technique_can_be_put_back(visitor):
    cues = _session(visitor)["cues"]
    first = next(c["technique_id"] for c in cues if c["technique_id"])
    visitor.post("/stop", {"reason": "sharp_pain", "index": 0})
    html = visitor.client.get("/journal").text
    assert "stopped (sharp pain)" in html
    assert 'name="technique" value="' + first + '"' in html
    visitor.post("/journal/restore", {"technique": first})
    assert 'name="technique" value="' + first + '"' not in visitor.client.get("/journal").text


def test_exports_download(visitor):
    _session(visitor)
    visitor.post("/check-in", {"pain": 3, "stiffness": 3})
    pdf = visitor.client.get("/journal/export/pdf")
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
    csv = zipfile.ZipFile(io.BytesIO(visitor.client.get("/journal/export/csv").content))
    assert csv.namelist()
    fhir = json.loads(visitor.client.get("/journal/export/fhir").content)
    assert fhir["resourceType"] == "Bundle"
    assert b"BEGIN:VCALENDAR" in visitor.client.get("/journal/export/ics").content
    assert visitor.client.get("/journal/export/doc").status_code == 404


def test_journal_api(client):
    assert client.post("/api/check-ins", json={"pain": 4, "stiffness": 2}).status_code == 201
    assert client.post("/api/check-ins", json={"pain": 40, "stiffness": 2}).status_code == 422
    history = client.get("/api/history").json()
    assert history[0]["kind"] == "Check-in"
    assert client.get("/api/progress").json()["latest_pain"] == 4


def test_journal_can_be_turned_off():
    from fastapi.testclient import TestClient

    from easeback.settings import Settings
    from easeback.web import create_app

    with TestClient(create_app(Settings(), journal=False), base_url="http://127.0.0.1") as c:
        assert c.get("/journal").status_code == 404
        assert 'href="/journal"' not in c.get("/").text


@pytest.mark.parametrize(("first", "disposition"), [("yes", "emergency"), ("no", "urgent")])
def test_a_screening_ended_early_is_kept_in_the_journal(visitor, first, disposition):
    visitor.post("/screening/start")
    resp = visitor.post("/screening/1", {"answer": first})
    if first == "no":
        visitor.post("/screening/2", {"answer": "no"})
        visitor.post("/screening/3", {"answer": "no"})
        resp = visitor.post("/screening/4", {"answer": "yes"})  # major_trauma
    assert resp.url.path == "/result"
    history = visitor.client.get("/api/history").json()
    kept = [h for h in history if h["kind"] == "Safety check"]
    assert kept and disposition in json.dumps(kept[0]).lower(), history


def test_history_comes_a_page_at_a_time(visitor, tmp_path):
    from datetime import UTC, datetime, timedelta

    from easeback.domain.progression import CheckIn
    from easeback.storage import open_engine
    from easeback.storage import repository as repo

    engine = open_engine(f"sqlite:///{tmp_path / 'journal.sqlite3'}")
    start = datetime(2024, 1, 1, 12, tzinfo=UTC)
    for day in range(62):  # the pain tells the day: 0..9 over and over
        c = CheckIn(start + timedelta(days=day), day % 10, 1)
        repo.add_check_in(engine, c, c.at)
    engine.dispose()
    client = visitor.client
    first = client.get("/api/history")
    assert first.status_code == 200 and len(first.json()) == 50
    assert (
        first.json()[0]["at"].startswith("2024-03-02") and first.headers["x-older-entries"] == "12"
    )
    link = first.headers["link"]
    assert link.endswith('>; rel="next"')
    rest = client.get(link[1 : link.index(">")])
    assert [e["at"][:10] for e in rest.json()][:2] == ["2024-01-12", "2024-01-11"]
    assert len(rest.json()) == 12 and "link" not in rest.headers
    assert len(client.get("/api/history", params={"since": "2024-02-25"}).json()) == 7
    small = client.get("/api/history", params={"limit": 5})
    assert len(small.json()) == 5 and "limit=5" in small.headers["link"]
    assert client.get("/api/history", params={"limit": 0}).status_code in (400, 422)
    bad = client.get("/api/history", params={"before": "yesterday"})
    assert bad.status_code == 400 and "not a place in the journal" in bad.text
    page = client.get("/journal").text
    row = '<tr><td><span class="nowrap">'  # dates read "12 Jan 2024 09:00"
    assert page.count(row) == 50 and "Older entries</a> (12 more)" in page
    older = page.split('href="/journal?before=')[1].split('"')[0]
    page = client.get(f"/journal?before={older}").text
    assert page.count(row) == 12 and '"nowrap">1 Jan 2024</span>' in page
    assert "Older entries" not in page and "Back to the newest entries" in page
