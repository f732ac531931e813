"""Planning use cases: a request from a person's choices, a routine from a screening, and the
public shape of a routine (the scripting contract) with its way back from a plan file."""

from __future__ import annotations

from collections.abc import Mapping

from easeback.content.loader import Catalogue
from easeback.domain.models import Disposition
from easeback.domain.planning import (
    PlannedTechnique,
    PlanRequest,
    Routine,
    build_plan,
    within_limits,
)
from easeback.domain.screening import ScreeningResult
from easeback.usecases.catalogue import technique_public
from easeback.usecases.choices import parse_equipment, parse_goal, parse_place
from easeback.usecases.errors import InputError

TYPE_CHECKING = False  # typing costs start-up time; only the type checker reads it
if TYPE_CHECKING:
    from typing import Any


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


def held_to(routine: Routine, result: ScreeningResult | None) -> Routine:
    """A routine planned earlier, held to the gentle and length rules of the screening in force
    (unchanged when none allows a routine: fitting it refuses that)."""
    plannable = result.plannable() if result is not None else None
    return routine if plannable is None else within_limits(routine, plannable)


def desk_break_routine(
    cat: Catalogue, result: ScreeningResult, minutes: int = 3, **history: Any
) -> Routine | None:
    """The short chair routine a desk-break reminder offers, from a screening that allows one
    (None otherwise); `history` holds the journal's planner inputs when there is a journal."""
    return plan_routine(
        cat, result, make_request("chair", minutes, "chair", "desk-break", **history)
    )


# ---- public shapes (the scripting contract) ----


def dose_public(item: PlannedTechnique) -> dict[str, Any]:
    """What a plan sets for a technique, after its catalogue part in `planned_public`."""
    return {
        "hold_seconds": item.hold_seconds,
        "reps": item.reps,
        "sets": item.sets,
        "per_side": item.technique.dosage.per_side,
        "seconds": item.seconds,
        "variant": item.variant.kind.value if item.variant else None,
        "reason": item.reason,
    }


def planned_public(item: PlannedTechnique) -> dict[str, Any]:
    return technique_public(item.technique) | dose_public(item)


def routine_head(r: Routine) -> dict[str, Any]:
    """`routine_public` without its last key, "techniques"."""
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
        }
    return {
        "planned": True,
        "disposition": r.disposition.value,
        "place": r.place if isinstance(r.place, str) else r.place.value,
        "minutes": r.minutes,
        "goal": r.goal.value,
        "total_seconds": r.total_seconds,
        "notes": list(r.notes),
    }


def routine_public(r: Routine) -> dict[str, Any]:
    head = routine_head(r)
    head["techniques"] = [planned_public(i) for i in r.items] if r.planned else []
    return head


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
            for name, value in (
                ("hold_seconds", hold),
                ("reps", raw["reps"]),
                ("sets", raw["sets"]),
            ):
                if value is None and name == "hold_seconds":
                    continue
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise InputError(
                        f"plan technique {t.id!r}: {name} must be a whole number of 1 or more, "
                        f"got {value!r}"
                    )
            # no more than the planner gives: a plan file edited by hand (or an old one after the
            # catalogue changed) must not lead a session past the articles' doses
            for name, value, most in (
                ("hold_seconds", hold, t.dosage.hold_ceiling),
                ("reps", raw["reps"], t.dosage.reps.max),
                ("sets", raw["sets"], t.dosage.sets_max),
            ):
                if value is not None and most is not None and value > most:
                    raise InputError(
                        f"plan technique {t.id!r}: {name} {value} is more than easeback ever "
                        f"plans for {t.name} ({most}); plan again"
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


# What a first routine can hold: tried with no equipment, a mat, and everything, since the
# planner picks other techniques with other equipment (more is not always longer).
_FIRST_TRIES: tuple[frozenset[str], ...] = (
    frozenset(),
    frozenset({"mat"}),
    frozenset({"chair", "ball", "foam-roller", "towel", "pillow", "mat", "wall"}),
)


def first_routine_seconds(
    cat: Catalogue, result: ScreeningResult, places: tuple[str, ...]
) -> dict[str, int]:
    """The longest first routine (every technique at the bottom of its range) that each place
    can hold for this screening, in seconds, whatever time is asked: what the plan form says
    before a first-timer picks a length. Places where nothing can be planned are left out."""
    plannable = result.plannable()
    if plannable is None:
        return {}
    out: dict[str, int] = {}
    for place in places:
        lengths = [
            build_plan(
                plannable, make_request(place, 120, ",".join(sorted(kit)) or None), cat.techniques
            )
            for kit in _FIRST_TRIES
        ]
        planned = [r.total_seconds for r in lengths if r.planned]
        if planned:
            out[place] = max(planned)
    return out
