from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from easeback.domain.models import Disposition
from easeback.domain.planning import PlanRequest, build_plan
from easeback.domain.screening import (
    Exclusion,
    PlannableScreening,
    QuestionKind,
    next_question,
    screen,
)
from easeback.usecases.errors import InputError
from easeback.usecases.planning import plan_routine
from easeback.usecases.screening import screen_answers
from tests.domain.answers import CLEARANCE, CONTEXT, RED_FLAGS, clear_answers


def test_questions_are_exactly_the_spec(catalogue):
    table = catalogue.screening
    assert {q.id for q in table.red_flags} == set(RED_FLAGS)
    assert {q.id for q in table.context} == CONTEXT | {CLEARANCE}
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
    result = screen(catalogue.screening, clear_answers(pain_now=0))
    assert result.disposition is Disposition.CLEAR
    assert result.reasons == ()
    assert result.plannable() is not None
    assert result.not_asked == ()  # nothing was skipped: the clearance did not apply
    sore = screen(catalogue.screening, clear_answers(pain_now=1))
    assert sore.disposition is Disposition.CLEAR
    assert [r.rule for r in sore.reasons] == ["ctx_pain_now_draw_in"]


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
    answers = clear_answers(osteoporosis="yes", fever_chills="unsure", pain_days=100, pain_now=0)
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
    with pytest.raises(ValueError, match="comes only from"):
        PlannableScreening(result=blocked, token=object())
    clear = screen(catalogue.screening, clear_answers())
    with pytest.raises(ValueError, match="comes only from"):
        PlannableScreening(result=clear, token=object())


answer_value = st.sampled_from(["yes", "no", "unsure"])
yes_no = st.sampled_from(["yes", "no"])
PROFESSIONAL_FIRST = sorted(q for q, d in RED_FLAGS.items() if d == "professional_first")
SEVERE = sorted(q for q, d in RED_FLAGS.items() if d in ("emergency", "urgent"))
# Conditions that, even cleared, keep end-range or loaded flexion and twisting out.
STILL_FILTERED = {
    "disc_herniation",
    "spinal_condition",
    "past_back_surgery",
    "recent_back_surgery",
    "osteoporosis",
    "spinal_fracture",  # not in the contract's list; easeback takes the cautious reading
}
NERVE_SIGNS = {"pain_below_knee", "leg_numbness_tingling"}


def _context(draw) -> dict[str, object]:
    answers: dict[str, object] = {
        "pain_days": draw(st.integers(0, 400)),
        "pain_now": draw(st.integers(0, 10)),
    }
    for q in sorted(CONTEXT - {"pain_days", "pain_now", "pregnant_weeks"}):
        answers[q] = draw(yes_no)
    if draw(st.booleans()):
        answers["pregnant_weeks"] = draw(st.integers(0, 42))
    return answers


@st.composite
def answer_sets(draw, with_red_flag: bool):
    answers = {q: draw(answer_value) for q in RED_FLAGS}
    if with_red_flag:
        flagged = draw(st.sampled_from(sorted(RED_FLAGS)))
        answers[flagged] = draw(st.sampled_from(["yes", "unsure"]))
        clearance = draw(st.sampled_from([None, "no"]))  # absent means not cleared
        if clearance is not None:
            answers[CLEARANCE] = clearance
    else:
        answers = dict.fromkeys(RED_FLAGS, "no")
    return answers | _context(draw)


@st.composite
def cleared_sets(draw):
    """Only professional_first flags, at least one, and a professional's clearance."""
    answers = dict.fromkeys(RED_FLAGS, "no")
    for q in draw(st.sets(st.sampled_from(PROFESSIONAL_FIRST), min_size=1)):
        answers[q] = draw(st.sampled_from(["yes", "unsure"]))
    return answers | {CLEARANCE: "yes"} | _context(draw)


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
def test_no_red_flag_without_clearance_ever_yields_a_routine(catalogue, answers, req):
    result = screen(catalogue.screening, answers)
    assert result.disposition is not None
    assert not result.disposition.allows_routine
    assert result.plannable() is None
    assert plan_routine(catalogue, result, req) is None


@settings(max_examples=200, deadline=None)
@given(answers=cleared_sets())
def test_cleared_professional_first_becomes_caution_with_reasons_kept(catalogue, answers):
    result = screen(catalogue.screening, answers)
    assert result.complete and result.disposition is Disposition.CAUTION
    flagged = {q for q in PROFESSIONAL_FIRST if answers[q] in ("yes", "unsure")}
    cleared = {r.question for r in result.reasons if r.cleared}
    assert cleared == flagged
    for r in result.reasons:
        if r.cleared:
            assert r.disposition is Disposition.CAUTION and "professional's plan first" in r.advice
    assert result.plannable() is not None


@settings(max_examples=300, deadline=None)
@given(
    answers=answer_sets(with_red_flag=False),
    severe=st.sampled_from(SEVERE),
    others=st.dictionaries(st.sampled_from(sorted(RED_FLAGS)), answer_value),
    clearance=st.sampled_from(["yes", "no"]),
)
def test_emergency_and_urgent_are_never_lowered(catalogue, answers, severe, others, clearance):
    answers = answers | others | {severe: "yes", CLEARANCE: clearance}
    result = screen(catalogue.screening, answers)
    assert result.complete and result.disposition is not None
    assert result.disposition.severity >= Disposition(RED_FLAGS[severe]).severity
    assert result.plannable() is None


@settings(max_examples=300, deadline=None)
@given(
    full=st.one_of(
        answer_sets(with_red_flag=True), answer_sets(with_red_flag=False), cleared_sets()
    )
)
def test_asking_in_order_stops_early_and_lists_the_rest_as_not_asked(catalogue, full):
    """Answer only what the flow asks: the outcome is the one all answers give, nothing
    skipped is recorded as an answer, and the skipped questions are listed as not asked."""
    table = catalogue.screening
    asked: dict[str, object] = {}
    q = next_question(table, asked)
    while q is not None:
        if q.id in full:
            asked[q.id] = full[q.id]
        elif q.id == CLEARANCE:
            asked[q.id] = "no"
        q = next_question(table, asked, after=q.id)
    result = screen(table, asked)
    assert result.complete, result.missing
    assert result.disposition == screen(table, full).disposition
    assert set(result.not_asked).isdisjoint(result.answers)
    unanswered = {x.id for x in table.questions if x.id not in asked}
    assert set(result.not_asked) <= unanswered
    if result.disposition in (Disposition.EMERGENCY, Disposition.URGENT):
        assert "pain_now" in result.not_asked  # the context was never asked


@settings(max_examples=300, deadline=None)
@given(answers=st.one_of(answer_sets(with_red_flag=False), cleared_sets()), req=request)
def test_routine_never_holds_an_excluded_technique(catalogue, answers, req):
    result = screen(catalogue.screening, answers)
    plannable = result.plannable()
    assert plannable is not None
    routine = build_plan(plannable, req, catalogue.techniques)
    weeks = answers.get("pregnant_weeks")
    flexion_twist_out = answers["bone_density_low"] == "yes" or any(
        answers[q] in ("yes", "unsure") for q in STILL_FILTERED
    )
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
            assert not t.adducts_hip, t.id
        if flexion_twist_out:
            assert not t.end_range_flexion and not t.twist, t.id
        if answers["leg_pain_above_knee"] == "yes" or any(
            answers[q] in ("yes", "unsure") for q in NERVE_SIGNS
        ):
            assert not t.nerve_tension, t.id
        if t.max_pain_now is not None:
            assert answers["pain_now"] <= t.max_pain_now, t.id
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


def test_an_emergency_answer_ends_the_screening(catalogue):
    early = screen(catalogue.screening, {"bladder_bowel_control": "no", "saddle_numbness": "yes"})
    assert early.complete and early.disposition is Disposition.EMERGENCY
    assert early.emergency_now and early.missing == ()
    assert "leg_weakness_worsening" in early.not_asked and "pain_now" in early.not_asked
    # An urgent answer cannot excuse the emergency questions before it.
    urgent_only = screen(catalogue.screening, {"fever_chills": "yes"})
    assert not urgent_only.complete and not urgent_only.emergency_now
    assert urgent_only.missing == (
        "bladder_bowel_control",
        "saddle_numbness",
        "leg_weakness_worsening",
    )


# ---- safety contract v2: cases ----


@pytest.mark.parametrize("qid", sorted(CONTEXT - {"pregnant_weeks"}))
def test_a_missing_context_answer_makes_a_routine_screening_incomplete(catalogue, qid):
    answers = clear_answers()
    del answers[qid]
    result = screen(catalogue.screening, answers)
    assert not result.complete and result.disposition is None
    assert result.missing == (qid,)
    assert result.plannable() is None


def test_pregnant_weeks_and_clearance_may_be_absent(catalogue):
    result = screen(catalogue.screening, clear_answers())
    assert "pregnant_weeks" not in clear_answers() and CLEARANCE not in clear_answers()
    assert result.complete and result.disposition is Disposition.CLEAR


def test_missing_context_does_not_matter_when_no_routine_can_follow(catalogue):
    answers = {q: v for q, v in clear_answers(disc_herniation="yes").items() if q in RED_FLAGS}
    result = screen(catalogue.screening, answers)  # clearance absent: not cleared
    assert result.complete and result.disposition is Disposition.PROFESSIONAL_FIRST
    assert set(result.not_asked) == CONTEXT  # an absent clearance counts as "not cleared"
    cleared = screen(catalogue.screening, answers | {CLEARANCE: "yes"})
    assert not cleared.complete and set(cleared.missing) == CONTEXT - {"pregnant_weeks"}


@pytest.mark.parametrize("value", [True, False])
@pytest.mark.parametrize("qid", ["knee_problem", "disc_herniation", CLEARANCE])
def test_json_booleans_are_refused_as_answers(catalogue, qid, value):
    with pytest.raises(InputError, match=f"answer to '{qid}' must be one of .* got the boolean"):
        screen_answers(catalogue, clear_answers(**{qid: value}))


@pytest.mark.parametrize(
    ("qid", "value"), [("pain_now", True), ("pain_now", "3"), ("bone_density_low", 1)]
)
def test_answers_of_the_wrong_type_are_refused(catalogue, qid, value):
    with pytest.raises(InputError, match=f"answer to '{qid}'"):
        screen_answers(catalogue, clear_answers(**{qid: value}))


def test_an_urgent_answer_ends_the_questions_at_once(catalogue):
    table = catalogue.screening
    answers = {
        "bladder_bowel_control": "no",
        "saddle_numbness": "no",
        "leg_weakness_worsening": "no",
    }
    assert next_question(table, answers, after="leg_weakness_worsening").id == "major_trauma"
    answers["major_trauma"] = "yes"
    assert next_question(table, answers, after="major_trauma") is None
    result = screen(table, answers)
    assert result.complete and result.disposition is Disposition.URGENT
    assert len(result.not_asked) == len(table.questions) - 4 - 1  # all but 4 asked, no clearance
    assert CLEARANCE not in result.not_asked  # no professional_first answer fired
    assert "no" not in {result.answers.get(q) for q in result.not_asked}


def test_clearance_is_asked_only_after_a_professional_first_answer(catalogue):
    table = catalogue.screening
    red = {q: "no" for q in RED_FLAGS}
    assert next_question(table, red, after="leg_pain_above_knee").id == "pain_days"
    flagged = red | {"spinal_condition": "yes"}
    assert next_question(table, flagged, after="leg_pain_above_knee").id == CLEARANCE
    assert next_question(table, flagged | {CLEARANCE: "no"}, after=CLEARANCE) is None
    assert next_question(table, flagged | {CLEARANCE: "yes"}, after=CLEARANCE).id == "pain_days"


def test_answers_the_flow_would_skip_are_recorded_and_only_make_it_stricter(catalogue):
    answers = clear_answers(major_trauma="yes", pain_below_knee="yes", knee_problem="yes")
    answers[CLEARANCE] = "yes"
    result = screen(catalogue.screening, answers)
    assert result.disposition is Disposition.URGENT and result.answers["knee_problem"] == "yes"
    assert result.not_asked == ("pregnant_weeks",)  # the only question left without an answer
    assert {"rf_pain_below_knee", "ctx_knee_problem"} <= {r.rule for r in result.reasons}


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"bone_density_low": "yes"}, "ctx_bone_density_low"),
        ({"other_condition": "yes"}, "ctx_other_condition"),
        ({"old_back_injury": "yes"}, "ctx_old_back_injury"),
    ],
)
def test_new_context_rules_give_caution(catalogue, overrides, rule):
    result = screen(catalogue.screening, clear_answers(**overrides))
    assert result.disposition is Disposition.CAUTION
    assert rule in {r.rule for r in result.reasons}


def _planned_ids(catalogue, answers):
    """Techniques the screening's exclusions leave in (a variant may be required)."""
    plannable = screen(catalogue.screening, answers).plannable()
    assert plannable is not None
    out = set()
    for t in catalogue.techniques:
        blocking = [
            e
            for _rule, e in plannable.constraints.exclusions
            if e.matches(t) and (e.unless_variant is None or not t.has_variant(e.unless_variant))
        ]
        if not blocking:
            out.add(t.id)
    return out


def test_filters_read_the_v2_technique_fields(catalogue):
    every = {t.id for t in catalogue.techniques}
    bone = _planned_ids(catalogue, clear_answers(bone_density_low="yes", pain_now=0))
    assert every - bone == {t.id for t in catalogue.techniques if t.end_range_flexion or t.twist}
    assert "knee-to-chest-double" not in bone and "supine-knee-drop" not in bone
    leg_cleared = clear_answers(leg_pain_above_knee="yes", pain_now=0)
    leg_cleared[CLEARANCE] = "yes"
    leg = _planned_ids(catalogue, leg_cleared)
    assert every - leg == {"seated-forward-flexion"}
    hip = _planned_ids(catalogue, clear_answers(hip_replacement="yes"))
    assert {"supine-knee-drop", "in-bed-knee-drop", "supine-spinal-twist"}.isdisjoint(hip)
    cleared = clear_answers(disc_herniation="yes", pain_now=0)
    cleared[CLEARANCE] = "yes"
    disc = _planned_ids(catalogue, cleared)
    assert disc == bone


def test_draw_in_is_planned_only_without_pain(catalogue):
    # 003: "If your back hurts at all then this exercise is not for you" (safety.md v3)
    calm = _planned_ids(catalogue, clear_answers(pain_now=0))
    sore = _planned_ids(catalogue, clear_answers(pain_now=1))
    assert "supine-abdominal-draw-in" in calm
    assert "supine-abdominal-draw-in" not in sore and "pelvic-tilt" in sore
    assert catalogue.technique("supine-abdominal-draw-in").max_pain_now == 0
    rule = next(r for r in catalogue.screening.rules if r.id == "ctx_pain_now_draw_in")
    assert "hurts at all" in rule.advice and "when the back is painful" not in rule.advice


def test_leg_pain_above_knee_is_a_clearable_red_flag(catalogue):
    table = catalogue.screening
    assert table.question("leg_pain_above_knee").kind.value == "red_flag"
    for answer in ("yes", "unsure"):
        result = screen(table, clear_answers(leg_pain_above_knee=answer))
        assert result.disposition is Disposition.PROFESSIONAL_FIRST
        assert result.plannable() is None
    cleared = clear_answers(leg_pain_above_knee="yes")
    cleared[CLEARANCE] = "yes"
    result = screen(table, cleared)
    assert result.disposition is Disposition.CAUTION
    assert ("rf_leg_pain_above_knee", Exclusion(nerve_tension=True)) in (
        result.constraints.exclusions
    )


def test_severe_pain_limiting_movement_says_now_and_offers_the_call(catalogue):
    result = screen(catalogue.screening, clear_answers(severe_pain_limits_movement="yes"))
    assert result.disposition is Disposition.URGENT and result.call
    (reason,) = [r for r in result.reasons if r.question == "severe_pain_limits_movement"]
    assert "now" in reason.advice and "today or within 24 hours" not in reason.advice
    assert "emergency" in reason.advice and reason.call
    assert not screen(catalogue.screening, clear_answers(fever_chills="yes")).call


@pytest.mark.parametrize(
    "qid", ["recent_injury_locked", "sharp_pain_moving", "pain_despite_medication"]
)
def test_see_someone_within_a_day_or_two(catalogue, qid):
    result = screen(catalogue.screening, clear_answers(**{qid: "yes"}))
    (reason,) = [r for r in result.reasons if r.question == qid]
    assert "as soon as possible (within a day or two)" in reason.advice


def test_clear_and_caution_results_say_to_check_first(catalogue):
    line = catalogue.screening.check_first
    assert line and "check with your doctor or physical therapist first" in line
    for answers in (clear_answers(pain_now=0), clear_answers(other_condition="yes")):
        result = screen(catalogue.screening, answers)
        assert result.disposition in (Disposition.CLEAR, Disposition.CAUTION)
        assert result.check_first == line and line in result.constraints.notes
    blocked = screen(catalogue.screening, clear_answers(fever_chills="yes"))
    assert blocked.check_first is None


def test_a_blocked_result_shows_only_what_to_do_instead(catalogue):
    answers = clear_answers(bladder_bowel_control="yes", knee_problem="yes", pain_now=8)
    result = screen(catalogue.screening, answers)
    assert result.disposition is Disposition.EMERGENCY
    assert {r.rule for r in result.reasons} >= {"ctx_knee_problem", "ctx_pain_now_high"}
    assert [r.rule for r in result.shown_reasons] == ["rf_bladder_bowel_control"]
    answers = clear_answers(fever_chills="yes", knee_problem="yes", pain_now=8, pain_days=100)
    urgent = screen(catalogue.screening, answers)
    shown = {r.rule for r in urgent.shown_reasons}
    assert {"rf_fever_chills", "ctx_pain_days_chronic"} <= shown  # what to do, and a check
    assert not shown & {"ctx_knee_problem", "ctx_pain_now_high", "ctx_pain_now_draw_in"}


def test_professional_first_advice_gives_a_time_frame(catalogue):
    text = catalogue.dispositions[Disposition.PROFESSIONAL_FIRST].do_now
    assert "within the next few days" in text and "same day" in text


def test_every_professional_first_rule_says_what_clearance_changes(catalogue):
    for rule in catalogue.screening.rules:
        if rule.disposition is Disposition.PROFESSIONAL_FIRST:
            assert rule.cleared_advice and "professional's plan first" in rule.cleared_advice, (
                rule.id
            )
