"""Use cases that join the content, the domain and (later) storage; every door calls these."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from easeback.content.loader import Catalogue
from easeback.domain.models import Category, Disposition, Equipment, Goal, Place, Technique
from easeback.domain.planning import PlannedTechnique, PlanRequest, Routine, build_plan
from easeback.domain.screening import ScreeningResult, screen


class InputError(ValueError):
    """Bad input from a person or a file; the message names what was wrong."""


def read_json_file(path: str | Path, what: str) -> Any:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{what} file not found: {path}") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} file {path}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{what} file {path} is not valid JSON: {exc.msg} at line {exc.lineno}"
        ) from None


def write_json_file(path: str | Path, data: Any) -> None:
    try:
        Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


def screen_answers(cat: Catalogue, raw: object) -> ScreeningResult:
    if not isinstance(raw, Mapping):
        raise InputError("answers must be a JSON object keyed by question id")
    try:
        return screen(cat.screening, raw)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def parse_place(value: str) -> Place | str:
    if value == "any":
        return "any"
    try:
        return Place(value)
    except ValueError:
        allowed = ", ".join([p.value for p in Place] + ["any"])
        raise InputError(f"unknown place {value!r}; use one of {allowed}") from None


def parse_equipment(value: str | None) -> frozenset[Equipment]:
    if not value:
        return frozenset()
    out: set[Equipment] = set()
    for name in (v.strip() for v in value.split(",") if v.strip()):
        try:
            out.add(Equipment(name))
        except ValueError:
            allowed = ", ".join(e.value for e in Equipment)
            raise InputError(f"unknown equipment {name!r}; use any of {allowed}") from None
    return frozenset(out)


def parse_goal(value: str | None) -> Goal:
    try:
        return Goal(value) if value else Goal.GENERAL_RELIEF
    except ValueError:
        allowed = ", ".join(g.value for g in Goal)
        raise InputError(f"unknown goal {value!r}; use one of {allowed}") from None


def parse_category(value: str) -> Category:
    try:
        return Category(value)
    except ValueError:
        allowed = ", ".join(c.value for c in Category)
        raise InputError(f"unknown category {value!r}; use one of {allowed}") from None


def make_request(
    place: str, minutes: int, equipment: str | None = None, goal: str | None = None, **extra: Any
) -> PlanRequest:
    if not 1 <= minutes <= 120:
        raise InputError(f"minutes must be between 1 and 120, got {minutes}")
    return PlanRequest(
        place=parse_place(place),
        minutes=minutes,
        equipment=parse_equipment(equipment),
        goal=parse_goal(goal),
        **extra,
    )


def plan_routine(cat: Catalogue, result: ScreeningResult, req: PlanRequest) -> Routine | None:
    """The routine, or None when the screening does not allow one (incomplete or blocking)."""
    plannable = result.plannable()
    if plannable is None:
        return None
    return build_plan(plannable, req, cat.techniques)


def desk_break_routine(
    cat: Catalogue, result: ScreeningResult, minutes: int = 3, **history: Any
) -> Routine | None:
    """The short chair routine a desk-break reminder offers, from a screening that allows one
    (None otherwise); `history` holds the journal's planner inputs when there is a journal."""
    return plan_routine(
        cat, result, make_request("chair", minutes, "chair", "desk-break", **history)
    )


def filter_techniques(
    cat: Catalogue,
    place: str | None = None,
    equipment: str | None = None,
    category: str | None = None,
) -> list[Technique]:
    """Catalogue entries doable at a place with the given equipment (all equipment if None)."""
    items: Iterable[Technique] = cat.techniques
    if place:
        p = parse_place(place)
        items = [t for t in items if p == "any" or p in t.places]
    if equipment is not None:
        have = parse_equipment(equipment)
        items = [t for t in items if set(t.equipment) <= have]
    if category:
        c = parse_category(category)
        items = [t for t in items if t.category is c]
    return list(items)


# ---- public shapes (the scripting contract) ----


def technique_public(t: Technique, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": t.id,
        "name": t.name,
        "places": [p.value for p in t.places],
        "equipment": [e.value for e in t.equipment],
    } | t.rule_fields()
    if full:
        d = t.dosage
        out |= {
            "aliases": list(t.aliases),
            "summary": t.summary,
            "hold_seconds": [d.hold_seconds.min, d.hold_seconds.max] if d.hold_seconds else None,
            "reps": [d.reps.min, d.reps.max],
            "sets": d.sets,
            "per_side": d.per_side,
            "times_per_day": d.times_per_day,
            "steps": [s.text for s in t.steps],
            "sources": list(t.sources),
        }
    return out


def planned_public(item: PlannedTechnique) -> dict[str, Any]:
    return technique_public(item.technique) | {
        "hold_seconds": item.hold_seconds,
        "reps": item.reps,
        "sets": item.sets,
        "per_side": item.technique.dosage.per_side,
        "seconds": item.seconds,
        "variant": item.variant.kind.value if item.variant else None,
        "reason": item.reason,
    }


def routine_public(r: Routine) -> dict[str, Any]:
    if not r.planned:  # nothing could be planned for this place or length: why, and what to try
        return {
            "planned": False,
            "disposition": r.disposition.value,
            "place": r.place if isinstance(r.place, str) else r.place.value,
            "minutes": r.minutes,
            "goal": r.goal.value,
            "reason": r.reason,
            "suggest": [p.value for p in r.suggest],
            "shortest_minutes": r.shortest_minutes,
            "total_seconds": 0,
            "notes": list(r.notes),
            "techniques": [],
        }
    return {
        "planned": True,
        "disposition": r.disposition.value,
        "place": r.place if isinstance(r.place, str) else r.place.value,
        "minutes": r.minutes,
        "goal": r.goal.value,
        "total_seconds": r.total_seconds,
        "notes": list(r.notes),
        "techniques": [planned_public(i) for i in r.items],
    }


def screening_public(result: ScreeningResult) -> dict[str, Any]:
    return {
        "complete": result.complete,
        "disposition": result.disposition.value if result.disposition else None,
        "missing": list(result.missing),
        "not_asked": list(result.not_asked),
        "reasons": [
            {
                "question": r.question,
                "answer": r.answer,
                "disposition": r.disposition.value if r.disposition else None,
                "advice": r.advice,
                "rule": r.rule,
                "cleared": r.cleared,
                "see": list(r.see),
                "learn": list(r.learn),
            }
            for r in result.reasons
        ],
    }


def routine_from_public(cat: Catalogue, data: object) -> Routine:
    """Rebuild a routine from `plan --json` output, checking it against the catalogue."""
    if not isinstance(data, Mapping) or data.get("planned") is not True:
        raise InputError(
            "plan file must be the output of `easeback plan --json` with planned: true"
        )
    try:
        disposition = Disposition(data["disposition"])
        if not disposition.allows_routine:
            raise InputError(
                f"plan file has disposition {disposition.value!r}, which allows no routine"
            )
        items = []
        for k, raw in enumerate(data["techniques"]):
            try:
                t = cat.technique(raw["id"])
            except KeyError:
                raise InputError(
                    f"plan technique {k}: unknown technique id {raw['id']!r}"
                ) from None
            variant = next((v for v in t.variants if v.kind.value == raw.get("variant")), None)
            hold = raw.get("hold_seconds")
            if (hold is None) != (t.dosage.hold_seconds is None):
                raise InputError(
                    f"plan technique {t.id!r}: hold_seconds does not match the technique"
                )
            items.append(
                PlannedTechnique(
                    technique=t,
                    hold_seconds=hold,
                    reps=int(raw["reps"]),
                    sets=int(raw["sets"]),
                    variant=variant,
                    reason=str(raw.get("reason", "")),
                )
            )
        return Routine(
            disposition=disposition,
            place=parse_place(str(data.get("place", "any"))),
            minutes=int(data.get("minutes", 10)),
            goal=parse_goal(data.get("goal")),
            items=tuple(items),
            notes=tuple(data.get("notes", ())),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"plan file is malformed: {exc}") from None
