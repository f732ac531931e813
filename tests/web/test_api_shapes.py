"""POST /api/plan answers a routine without validating it against PlanOut on every request:
its body must already be exactly what the documented model gives, for every kind of answer."""

from __future__ import annotations

from typing import Any

import pytest

from easeback.web.api import PlanOut

from .answers import clear_answers

REQUESTS: list[dict[str, Any]] = [
    {"place": "floor", "minutes": 10, "equipment": ["mat"]},
    {"place": "any", "minutes": 60, "equipment": ["mat"]},
    {"place": "chair", "minutes": 3, "goal": "desk-break"},
    {"place": "standing", "minutes": 20},
    {"place": "floor", "minutes": 1},  # too few minutes: planned false, with the shortest
    {"place": "bed", "minutes": 120, "equipment": ["mat", "pillow"]},
]


@pytest.mark.parametrize("req", REQUESTS, ids=lambda r: f"{r['place']}-{r['minutes']}")
def test_a_plan_is_already_what_the_model_documents(client: Any, req: dict[str, Any]) -> None:
    resp = client.post("/api/plan", json={"answers": clear_answers(), **req})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body == PlanOut.model_validate(body).model_dump(mode="json")
    assert body["planned"] is (body["reason"] is None)


def test_a_blocked_plan_is_still_validated_by_the_model(client: Any) -> None:
    body = client.post(
        "/api/plan", json={"answers": clear_answers(bladder_bowel_control="yes"), "place": "floor"}
    ).json()
    assert body["planned"] is False and body["techniques"] == []
    assert body == PlanOut.model_validate(body).model_dump(mode="json")


def test_one_set_of_answers_is_screened_once_for_every_request(client: Any) -> None:
    web = client.app.state.web
    for minutes in (5, 10, 5):
        client.post("/api/plan", json={"answers": clear_answers(), "minutes": minutes})
    other = clear_answers()
    other[next(iter(other))] = "unsure"
    client.post("/api/plan", json={"answers": other})
    assert len(web.screenings) == 2
