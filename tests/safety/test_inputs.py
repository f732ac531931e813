"""Issue 10: answers of the wrong type are refused naming the question (CLI exit 2, API 422);
a result that allows no routine never yields techniques through the API; the hip-replacement
filter is data that reads `adducts_hip`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from easeback.content.loader import Catalogue
from easeback.domain.models import Disposition
from easeback.domain.screening import screen
from easeback.domain.values import fields_of
from easeback.terminal.cli import main
from tests.domain.answers import RED_FLAGS, clear_answers

WRONG = [
    ("pain_now", "3", "must be a whole number, got '3'"),
    ("pain_now", [3], "must be a whole number, got [3]"),
    ("pain_now", 3.5, "must be a whole number, got 3.5"),
    ("pain_now", 3.0, "must be a whole number, got 3.0"),
    ("pain_now", -1, "must be at least 0"),
    ("pain_now", 11, "must be at most 10"),
    ("pain_now", True, "got the boolean true"),
    ("pain_days", "2", "must be a whole number"),
    ("pain_days", {"days": 2}, "must be a whole number"),
    ("pregnant_weeks", -3, "must be at least 0"),
    ("knee_problem", True, "as text, got the boolean true"),
    ("knee_problem", 1, "must be one of yes, no"),
    ("saddle_numbness", ["no"], "must be one of yes, no, unsure"),
    ("saddle_numbness", False, "got the boolean false"),
]


@pytest.mark.parametrize("command", ["plan", "screen"])
@pytest.mark.parametrize(("qid", "value", "message"), WRONG)
def test_cli_refuses_a_wrong_type_with_exit_2_naming_the_question(
    tmp_path: Path, monkeypatch: Any, capsys: Any, command: str, qid: str, value: object,
    message: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("EASEBACK_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(clear_answers(**{qid: value})))
    extra = ["--where", "floor", "--minutes", "10", "--json"] if command == "plan" else ["--json"]
    assert main([command, "--answers", str(path), *extra]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert f"answer to {qid!r}" in err and message in err
    assert not (tmp_path / "data" / "journal.sqlite3").exists()  # nothing saved


@pytest.mark.parametrize("qid", ["pain_now", "pain_days", "knee_problem"])
def test_cli_null_is_no_answer_and_a_routine_needs_one(
    tmp_path: Path, capsys: Any, monkeypatch: Any, qid: str
) -> None:
    monkeypatch.setenv("EASEBACK_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(clear_answers(**{qid: None})))
    assert main(["plan", "--answers", str(path), "--where", "floor", "--minutes", "5"]) == 2
    assert f"no answer for: {qid}" in capsys.readouterr().err


# ---- the JSON API ----


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Any]:
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    from fastapi.testclient import TestClient

    from easeback.settings import Settings
    from easeback.web import create_app

    with TestClient(create_app(Settings(data_dir=str(tmp_path))), base_url="http://127.0.0.1") as c:
        yield c


@pytest.mark.parametrize("endpoint", ["/api/plan", "/api/screening"])
@pytest.mark.parametrize(("qid", "value", "message"), WRONG)
def test_api_refuses_a_wrong_type_with_422_naming_the_field(
    client: Any, endpoint: str, qid: str, value: object, message: str
) -> None:
    resp = client.post(endpoint, json={"answers": clear_answers(**{qid: value})})
    assert resp.status_code == 422, resp.text
    errors = resp.json()["detail"]
    assert all(e["loc"][:3] == ["body", "answers", qid] for e in errors), errors


@pytest.mark.parametrize("qid", sorted(RED_FLAGS))
@pytest.mark.parametrize("answer", ["yes", "unsure"])
@pytest.mark.parametrize("cleared", [None, "no", "yes"])
def test_api_never_plans_for_a_result_that_allows_no_routine(
    client: Any, catalogue: Catalogue, qid: str, answer: str, cleared: str | None
) -> None:
    answers = clear_answers(**{qid: answer})
    if cleared is not None:
        answers["cleared_by_professional"] = cleared
    expected = screen(catalogue.screening, answers).disposition
    assert expected is not None
    for place in ("floor", "chair", "standing", "any"):
        body = {"answers": answers, "place": place, "minutes": 10}
        plan = client.post("/api/plan", json=body).json()
        assert plan["disposition"] == expected.value
        if expected.allows_routine:
            assert cleared == "yes" and RED_FLAGS[qid] == "professional_first"
        else:
            assert plan["planned"] is False and plan["techniques"] == [], plan
            forged = {"planned": True, "disposition": expected.value, "techniques": []}
            assert client.post("/api/timeline", json=forged).status_code == 400


def test_api_docs_say_the_screening_holds_for_one_request(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    text = spec["paths"]["/api/plan"]["post"]["description"]
    assert "this very request" in text and "valid for 7 days" in text
    assert "never yields techniques" in text


# ---- hip replacement: data, not an if ----


def test_hip_replacement_rule_is_a_row_of_the_decision_table(catalogue: Catalogue) -> None:
    rule = next(r for r in catalogue.screening.rules if r.question == "hip_replacement")
    fields = [{k: v for k, v in fields_of(e).items() if v is not None} for e in rule.exclude]
    assert {"adducts_hip": True} in fields and {"crosses_legs": True} in fields
    assert {"hip_flexion_over": 90} in fields
    code = Path(__file__).parents[2] / "easeback"
    mentions = [p for p in code.rglob("*.py") if "hip_replacement" in p.read_text()]
    assert mentions == [], "the hip rule must live in content, not in code"


def test_hip_replacement_leaves_out_every_technique_that_adducts_the_hip(
    catalogue: Catalogue,
) -> None:
    from easeback.domain.planning import PlanRequest, build_plan

    adducting = {t.id for t in catalogue.techniques if t.adducts_hip}
    assert {"supine-knee-drop", "in-bed-knee-drop", "supine-spinal-twist"} <= adducting
    result = screen(catalogue.screening, clear_answers(hip_replacement="yes"))
    assert result.disposition is Disposition.CLEAR or result.plannable() is not None
    plannable = result.plannable()
    assert plannable is not None
    for place in ("floor", "bed", "any"):
        for minutes in (5, 10, 30):
            routine = build_plan(
                plannable, PlanRequest(place=place, minutes=minutes), catalogue.techniques
            )
            planned = {i.technique.id for i in routine.items}
            assert not planned & adducting, (place, minutes)
            assert all(i.technique.hip_flexion_deg <= 90 for i in routine.items)
            assert not any(i.technique.crosses_legs for i in routine.items)
    # without the hip replacement the same movements are planned somewhere
    clear = screen(catalogue.screening, clear_answers()).plannable()
    assert clear is not None
    seen = {
        i.technique.id
        for place in ("floor", "bed")
        for i in build_plan(clear, PlanRequest(place=place, minutes=30), catalogue.techniques).items
    }
    assert seen & adducting
