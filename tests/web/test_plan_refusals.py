"""The web door when a screening allows a routine but none can be planned here."""

from __future__ import annotations

from .answers import clear_answers


def test_api_nothing_suits_the_place_says_why_and_where(client):
    """28 weeks pregnant, in bed: used to answer planned: true with zero techniques."""
    body = {"answers": clear_answers(pregnant_weeks=28), "place": "bed", "minutes": 10}
    plan = client.post("/api/plan", json=body).json()
    assert plan["planned"] is False and plan["techniques"] == []
    assert plan["disposition"] == "caution" and "bed" in plan["reason"]
    assert "floor" in plan["suggest"] and "bed" not in plan["suggest"]


def test_api_too_few_minutes_names_the_shortest(client):
    body = {"answers": clear_answers(), "place": "pool", "minutes": 1}
    plan = client.post("/api/plan", json=body).json()
    assert plan["planned"] is False and plan["shortest_minutes"] >= 2
    assert f"at least {plan['shortest_minutes']} minutes" in plan["reason"]


def test_plan_form_says_why_nothing_was_planned(visitor):
    visitor.screen(clear_answers(pregnant_weeks=28))
    resp = visitor.post("/plan", {"place": "bed", "minutes": 10})
    assert resp.status_code == 200 and resp.url.path == "/plan"
    assert "No technique suits" in resp.text and "floor" in resp.text
    assert visitor.client.get("/routine").url.path != "/routine"
