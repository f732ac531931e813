"""Answer sets for tests, keyed by safety.md's question ids."""

from __future__ import annotations

from easeback.content.loader import default_catalogue

RED_FLAGS = {
    "bladder_bowel_control": "emergency",
    "saddle_numbness": "emergency",
    "leg_weakness_worsening": "emergency",
    "major_trauma": "urgent",
    "severe_unrelenting": "urgent",
    "fever_chills": "urgent",
    "weight_loss": "urgent",
    "cancer_history": "urgent",
    "severe_pain_limits_movement": "urgent",
    "pain_below_knee": "professional_first",
    "leg_numbness_tingling": "professional_first",
    "leg_weakness": "professional_first",
    "osteoporosis": "professional_first",
    "spinal_fracture": "professional_first",
    "recent_back_surgery": "professional_first",
    "disc_herniation": "professional_first",
    "recent_injury_locked": "professional_first",
    "sharp_pain_moving": "professional_first",
    "pain_despite_medication": "professional_first",
    "spinal_condition": "professional_first",
    "past_back_surgery": "professional_first",
    "leg_pain_above_knee": "professional_first",
}
CLEARANCE = "cleared_by_professional"
CONTEXT = {
    "pain_days",
    "pain_now",
    "limits_daily_activities",
    "self_care_failed",
    "pregnant_weeks",
    "knee_problem",
    "wrist_problem",
    "hip_replacement",
    "balance_problem",
    "other_condition",
    "old_back_injury",
    "bone_density_low",
}


def clear_answers(**overrides: object) -> dict[str, object]:
    answers: dict[str, object] = {q: "no" for q in RED_FLAGS}
    answers |= {
        "pain_days": 1,
        "pain_now": 3,
        "limits_daily_activities": "no",
        "self_care_failed": "no",
        "knee_problem": "no",
        "wrist_problem": "no",
        "hip_replacement": "no",
        "balance_problem": "no",
        "other_condition": "no",
        "old_back_injury": "no",
        "bone_density_low": "no",
    }
    answers.update(overrides)
    return answers


def catalogue_ids() -> list[str]:
    return [t.id for t in default_catalogue().techniques]
