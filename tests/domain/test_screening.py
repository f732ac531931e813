from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from easeback.domain.models import Disposition
from easeback.domain.planning import PlanRequest, build_plan
from easeback.domain.screening import PlannableScreening, QuestionKind, screen
from easeback.services import InputError, plan_routine, screen_answers
from tests.domain.answers import CONTEXT, RED_FLAGS, clear_answers


def test_questions_are_exactly_the_spec(catalogue):
    table = catalogue.screening
    assert {q.id for q in table.red_flags} == set(RED_FLAGS)
    assert {q.id for q in table.context} == CONTEXT
    assert all(q.kind is QuestionKind.RED_FLAG for q in table.red_flags)


@pytest.mark.parametrize(("qid", "expected"), sorted(RED_FLAGS.items()))
@pytest.mark.parametrize("answer", ["yes", "unsure"])
def test_each_red_flag_reaches_its_disposition(catalogue, qid, expected, answer):
    result = screen(catalogue.screening, clear_answers(**{qid: answer}))
    assert result.complete
    assert result.disposition == Disposition(expected)
    fired = [r for r in result.reasons if r.question == qid]
    assert fired and fired[0].answer == answer and fired[0].advice
    assert result.plannable() is None


def test_all_no_is_clear(catalogue):
    result = screen(catalogue.screening, clear_answers())
    assert result.disposition is Disposition.CLEAR
    assert result.reasons == ()
    assert result.plannable() is not None


@pytest.mark.parametrize("qid", sorted(RED_FLAGS))
def test_missing_red_flag_makes_screening_incomplete(catalogue, qid):
    answers = clear_answers()
    del answers[qid]
    result = screen(catalogue.screening, answers)
    assert not result.complete
    assert result.disposition is None
    assert qid in result.missing
    assert result.plannable() is None


def test_most_severe_wins_and_every_reason_is_listed(catalogue):
    answers = clear_answers(osteoporosis="yes", fever_chills="unsure", pain_days=100)
    result = screen(catalogue.screening, answers)
    assert result.disposition is Disposition.URGENT
    assert {r.question for r in result.reasons} == {"osteoporosis", "fever_chills", "pain_days"}
    assert {r.rule for r in result.reasons} >= {"ctx_pain_days_over_3", "ctx_pain_days_chronic"}


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"pain_days": 4}, "ctx_pain_days_over_3"),
        ({"pain_days": 84}, "ctx_pain_days_chronic"),
        ({"pain_now": 7}, "ctx_pain_now_high"),
        ({"limits_daily_activities": "yes"}, "ctx_limits_daily_activities"),
        ({"self_care_failed": "yes"}, "ctx_self_care_failed"),
        ({"pregnant_weeks": 8}, "ctx_pregnant"),
    ],
)
def test_context_rules_give_caution(catalogue, overrides, rule):
    result = screen(catalogue.screening, clear_answers(**overrides))
    assert result.disposition is Disposition.CAUTION
    assert rule in {r.rule for r in result.reasons}


def test_context_boundaries(catalogue):
    assert screen(catalogue.screening, clear_answers(pain_days=3)).disposition is Disposition.CLEAR
    assert screen(catalogue.screening, clear_answers(pain_now=6)).disposition is Disposition.CLEAR
    high = screen(catalogue.screening, clear_answers(pain_days=83))
    assert "ctx_pain_days_chronic" not in {r.rule for r in high.reasons}


def test_filters_alone_do_not_change_the_disposition(catalogue):
    answers = clear_answers(knee_problem="yes", wrist_problem="yes", hip_replacement="yes")
    result = screen(catalogue.screening, answers)
    assert result.disposition is Disposition.CLEAR
    assert len(result.constraints.exclusions) >= 5


@pytest.mark.parametrize(
    ("qid", "value", "fragment"),
    [
        ("pain_now", 11, "at most 10"),
        ("pain_now", -1, "at least 0"),
        ("pain_days", "three", "whole number"),
        ("osteoporosis", "maybe", "one of yes, no, unsure"),
        ("knee_problem", "unsure", "one of yes, no"),
        ("not_a_question", "yes", "unknown question id"),
    ],
)
def test_bad_answers_are_named(catalogue, qid, value, fragment):
    with pytest.raises(InputError, match=fragment):
        screen_answers(catalogue, clear_answers(**{qid: value}))


def test_a_plannable_screening_cannot_be_forged(catalogue):
    blocked = screen(catalogue.screening, clear_answers(saddle_numbness="yes"))
    with pytest.raises(ValidationError):
        PlannableScreening(result=blocked, token=object())
    clear = screen(catalogue.screening, clear_answers())
    with pytest.raises(ValidationError):
        PlannableScreening(result=clear, token=object())


answer_value = st.sampled_from(["yes", "no", "unsure"])


@st.composite
def answer_sets(draw, with_red_flag: bool):
    answers = {q: draw(answer_value) for q in RED_FLAGS}
    if with_red_flag:
        flagged = draw(st.sampled_from(sorted(RED_FLAGS)))
        answers[flagged] = draw(st.sampled_from(["yes", "unsure"]))
    else:
        answers = dict.fromkeys(RED_FLAGS, "no")
    answers |= {
        "pain_days": draw(st.integers(0, 400)),
        "pain_now": draw(st.integers(0, 10)),
        "limits_daily_activities": draw(st.sampled_from(["yes", "no"])),
        "self_care_failed": draw(st.sampled_from(["yes", "no"])),
        "knee_problem": draw(st.sampled_from(["yes", "no"])),
        "wrist_problem": draw(st.sampled_from(["yes", "no"])),
        "hip_replacement": draw(st.sampled_from(["yes", "no"])),
        "balance_problem": draw(st.sampled_from(["yes", "no"])),
    }
    if draw(st.booleans()):
        answers["pregnant_weeks"] = draw(st.integers(0, 42))
    return answers


request = st.builds(
    PlanRequest,
    place=st.sampled_from(["any", "bed", "floor", "chair", "standing", "pool"]),
    minutes=st.integers(1, 60),
    equipment=st.frozensets(
        st.sampled_from(["chair", "ball", "foam-roller", "towel", "pillow", "mat", "wall", "pool"])
    ),
    goal=st.sampled_from(["morning-stiffness", "desk-break", "general-relief", "strengthen"]),
)


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets(with_red_flag=True), req=request)
def test_no_red_flag_ever_yields_a_routine(catalogue, answers, req):
    result = screen(catalogue.screening, answers)
    assert result.disposition is not None
    assert not result.disposition.allows_routine
    assert plan_routine(catalogue, result, req) is None


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets(with_red_flag=False), req=request)
def test_routine_never_holds_an_excluded_technique(catalogue, answers, req):
    result = screen(catalogue.screening, answers)
    plannable = result.plannable()
    assert plannable is not None
    routine = build_plan(plannable, req, catalogue.techniques)
    weeks = answers.get("pregnant_weeks")
    for item in routine.items:
        t = item.technique
        pos = {p.value for p in t.positions}
        loads = {x.value for x in t.loads}
        variant = item.variant.kind.value if item.variant else None
        if answers["knee_problem"] == "yes" and (
            pos & {"kneeling", "all-fours"} or "knees" in loads
        ):
            assert variant == "padded", t.id
        if answers["wrist_problem"] == "yes":
            assert "hands" not in loads, t.id
        if answers["hip_replacement"] == "yes":
            assert t.hip_flexion_deg <= 90 and not t.crosses_legs, t.id
        if weeks is not None:
            assert "prone" not in pos, t.id
            if weeks >= 20:
                assert "supine" not in pos, t.id
        if answers["balance_problem"] == "yes" and "standing" in pos:
            assert variant == "supported", t.id
        if answers["pain_now"] >= 7:
            assert t.category.value != "stability-strength", t.id
            if item.hold_seconds is not None:
                assert t.dosage.hold_seconds is not None
                assert item.hold_seconds == t.dosage.hold_seconds.min, t.id
    if answers["pain_now"] >= 7:
        assert routine.total_seconds <= 10 * 60 * 1.1


def test_an_emergency_answer_is_known_before_the_screening_is_complete(catalogue):
    partial = screen(catalogue.screening, {"bladder_bowel_control": "no", "saddle_numbness": "yes"})
    assert not partial.complete and partial.disposition is None
    assert partial.emergency_now
    urgent_only = screen(catalogue.screening, {"fever_chills": "yes"})
    assert not urgent_only.emergency_now
