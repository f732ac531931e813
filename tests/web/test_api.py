"""The JSON API: the same services as the pages and the CLI."""

from __future__ import annotations

from easeback.content.loader import default_catalogue

from .answers import clear_answers


def test_questions_are_listed(client):
    data = client.get("/api/questions").json()
    assert [q["id"] for q in data] == [q.id for q in default_catalogue().screening.questions]


def test_screening_explains_the_disposition(client):
    out = client.post("/api/screening", json={"answers": clear_answers(fever_chills="yes")}).json()
    assert out["complete"] and out["disposition"] == "urgent"
    assert [r["question"] for r in out["reasons"]] == ["fever_chills"]


def test_incomplete_screening(client):
    out = client.post("/api/screening", json={"answers": {}}).json()
    assert not out["complete"] and out["disposition"] is None and out["missing"]


def test_bad_answers_are_a_422_naming_the_problem(client):
    resp = client.post("/api/screening", json={"answers": {"pain_now": 99}})
    assert resp.status_code == 422 and resp.json()["detail"][0]["loc"][-1] == "pain_now"
    assert "at most 10" in resp.json()["detail"][0]["msg"]
    resp = client.post("/api/screening", json={"answers": {"nope": "yes"}})
    assert resp.status_code == 422 and "nope" in resp.json()["detail"][0]["msg"]


def test_booleans_are_refused_as_answers(client):
    for qid, value in (("knee_problem", True), ("pain_now", True), ("disc_herniation", False)):
        resp = client.post("/api/screening", json={"answers": clear_answers(**{qid: value})})
        assert resp.status_code == 422, (qid, resp.text)
        error = resp.json()["detail"][0]
        assert error["loc"] == ["body", "answers", qid] and "boolean" in error["msg"]


def test_an_urgent_answer_lists_the_rest_as_not_asked(client):
    answers = {"bladder_bowel_control": "no", "saddle_numbness": "no"}
    answers |= {"leg_weakness_worsening": "no", "major_trauma": "yes"}
    out = client.post("/api/screening", json={"answers": answers}).json()
    assert out["complete"] and out["disposition"] == "urgent"
    assert "pain_now" in out["not_asked"] and "fever_chills" in out["not_asked"]


def test_plan_then_timeline(client):
    body = {"answers": clear_answers(), "place": "chair", "minutes": 5, "goal": "desk-break"}
    plan = client.post("/api/plan", json=body).json()
    assert plan["planned"] and plan["techniques"]
    cues = client.post("/api/timeline", json=plan).json()
    assert cues[0]["kind"] == "ready" and cues[-1]["offset"] == plan["total_seconds"]


def test_blocked_plan_says_why(client):
    body = {"answers": clear_answers(saddle_numbness="yes"), "minutes": 5}
    plan = client.post("/api/plan", json=body).json()
    assert plan == plan | {"planned": False, "disposition": "emergency"}
    assert plan["reasons"]


def test_timeline_refuses_a_plan_without_a_safe_disposition(client):
    resp = client.post(
        "/api/timeline", json={"planned": True, "disposition": "urgent", "techniques": []}
    )
    assert resp.status_code == 400


def test_techniques_filters(client):
    all_items = client.get("/api/techniques").json()
    assert len(all_items) == len(default_catalogue().techniques)
    chair = client.get("/api/techniques", params={"place": "chair"}).json()
    assert chair and all("chair" in t["places"] for t in chair)
    assert client.get("/api/techniques", params={"place": "moon"}).status_code == 422
    assert client.get("/api/techniques/cat-cow").json()["id"] == "cat-cow"
    assert client.get("/api/techniques/none").status_code == 404


def test_topics_and_stop_reasons(client):
    topics = client.get("/api/topics").json()
    assert client.get(f"/api/topics/{topics[0]['id']}").json()["sections"]
    reasons = [s["reason"] for s in client.get("/api/stop-reasons").json()]
    assert reasons == ["sharp_pain", "radiating_pain", "numbness", "dizziness", "other"]


def test_docs_are_served_locally(client):
    html = client.get("/docs").text
    assert "/api/plan" in html and "cdn" not in html.lower()
    assert client.get("/openapi.json").json()["paths"]["/api/plan"]
