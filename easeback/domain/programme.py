"""Home programmes a clinician prescribes: techniques from the catalogue with doses inside their
ranges and a weekly frequency. A programme replaces the planner's choice, never the screening:
what the person is shown is filtered by their screening and by stops, and the clinician sees why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from easeback.domain.models import Disposition, Goal, StopReason, Technique, Variant
from easeback.domain.planning import PlannedTechnique, Routine
from easeback.domain.progression import History
from easeback.domain.screening import PlannableScreening, ScreeningResult

MAX_ITEMS = 12
NERVE_STOPS = (StopReason.RADIATING_PAIN, StopReason.NUMBNESS)


class ProgrammeError(ValueError):
    """A prescription that the catalogue does not allow; the message names the item and field."""


@dataclass(frozen=True)
class Prescribed:
    technique: Technique
    hold_seconds: int | None
    reps: int
    sets: int


@dataclass(frozen=True)
class Programme:
    items: tuple[Prescribed, ...]
    per_week: int


def _in(name: str, tid: str, value: object, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ProgrammeError(f"{tid}: {name} must be a whole number from {low} to {high}")
    return value


def prescribe(
    techniques: Mapping[str, Technique], items: Iterable[Mapping[str, object]], per_week: object
) -> Programme:
    """A checked programme: known techniques, each once, doses within the technique's ranges
    (sets up to its max_sets), 1 to 14 sessions a week."""
    out: list[Prescribed] = []
    seen: set[str] = set()
    for k, raw in enumerate(items):
        tid = str(raw.get("id", ""))
        t = techniques.get(tid)
        if t is None:
            raise ProgrammeError(f"item {k + 1}: unknown technique id {tid!r}")
        if tid in seen:
            raise ProgrammeError(f"{tid}: listed twice")
        seen.add(tid)
        d = t.dosage
        hold: int | None = None
        if d.hold_seconds is not None:
            hold = _in("hold_seconds", tid, raw.get("hold_seconds"), *hold_range(t))
        elif raw.get("hold_seconds") is not None:
            raise ProgrammeError(f"{tid}: has no hold, so hold_seconds must be left out")
        reps = _in("reps", tid, raw.get("reps"), d.reps.min, d.reps.max)
        sets = _in("sets", tid, raw.get("sets", d.sets), 1, d.max_sets or d.sets)
        out.append(Prescribed(t, hold, reps, sets))
    if not out:
        raise ProgrammeError("a programme needs at least one technique")
    if len(out) > MAX_ITEMS:
        raise ProgrammeError(f"a programme holds at most {MAX_ITEMS} techniques")
    weekly = _in("per_week", "programme", per_week, 1, 14)
    return Programme(tuple(out), weekly)


def hold_range(t: Technique) -> tuple[int, int]:
    """Seconds a clinician may prescribe: the technique's range, up to its progression ceiling."""
    h, ceiling = t.dosage.hold_seconds, t.dosage.hold_ceiling
    assert h is not None and ceiling is not None
    return h.min, ceiling


@dataclass(frozen=True)
class Hidden:
    technique_id: str
    why: str
    rules: tuple[str, ...] = ()  # the screening rules that leave it out, if any


def exclusions(t: Technique, screening: PlannableScreening) -> list[str]:
    """The screening rules that leave t out (a required variant that t has does not count)."""
    rules = []
    for rule, exclusion in screening.constraints.exclusions:
        if exclusion.matches(t) and not (
            exclusion.unless_variant is not None and t.has_variant(exclusion.unless_variant)
        ):
            rules.append(rule)
    return rules


def variant_for(t: Technique, screening: PlannableScreening) -> Variant | None:
    """The variant the screening asks for (a padded kneeling one, a supported standing one)."""
    for _rule, exclusion in screening.constraints.exclusions:
        kind = exclusion.unless_variant
        if exclusion.matches(t) and kind is not None and t.has_variant(kind):
            return t.variant(kind)
    return None


def _unasked(screening: ScreeningResult | None) -> str:
    if screening is None or screening.disposition is None:
        return "no safety check yet"
    return f"safety check says {screening.disposition.value.replace('_', ' ')}"


def _fit(
    items: Iterable[PlannedTechnique], plannable: PlannableScreening, left_out: frozenset[str]
) -> tuple[tuple[PlannedTechnique, ...], tuple[Hidden, ...]]:
    """The items the screening and the stops allow, each in the variant the screening asks for,
    and the others with why."""
    kept: list[PlannedTechnique] = []
    hidden: list[Hidden] = []
    for item in items:
        t = item.technique
        rules = exclusions(t, plannable)
        if t.id in left_out:
            hidden.append(Hidden(t.id, "stopped for sharp pain"))
        elif rules:
            hidden.append(Hidden(t.id, "screening rule " + ", ".join(rules), tuple(rules)))
        else:
            variant = variant_for(t, plannable)
            kept.append(
                item if item.variant == variant else item.model_copy(update={"variant": variant})
            )
    return tuple(kept), tuple(hidden)


def shown(
    programme: Programme,
    screening: ScreeningResult | None,
    left_out: frozenset[str],
) -> tuple[Routine | None, tuple[Hidden, ...]]:
    """What the person may do of the programme now, and what is hidden and why. Without a
    screening that allows a routine nothing is shown."""
    plannable = screening.plannable() if screening is not None else None
    if plannable is None:
        why = _unasked(screening)
        return None, tuple(Hidden(p.technique.id, why) for p in programme.items)
    prescribed = (
        PlannedTechnique(
            technique=p.technique,
            hold_seconds=p.hold_seconds,
            reps=p.reps,
            sets=p.sets,
            variant=None,
            reason="prescribed by your clinician",
        )
        for p in programme.items
    )
    items, hidden = _fit(prescribed, plannable, left_out)
    routine = Routine(
        disposition=plannable.disposition,
        place="any",
        minutes=10,
        goal=Goal.GENERAL_RELIEF,
        items=items,
    )
    return routine, hidden


def fitted(
    routine: Routine, screening: ScreeningResult | None, left_out: frozenset[str]
) -> tuple[Routine | None, tuple[Hidden, ...]]:
    """A routine planned earlier (a plan file, a saved routine) as the screening in force now and
    the stops since allow it: what they rule out is taken out (with why), what needs a variant
    gets it. None when the screening allows no routine."""
    plannable = screening.plannable() if screening is not None else None
    if plannable is None:
        why = _unasked(screening)
        return None, tuple(Hidden(i.technique.id, why) for i in routine.items)
    items, hidden = _fit(routine.items, plannable, left_out)
    if items == routine.items and routine.disposition == plannable.disposition:
        return routine, hidden
    return routine.model_copy(update={"items": items, "disposition": plannable.disposition}), hidden


def flags(history: History, last_screening: LastScreening | None) -> list[str]:
    """Why a clinician should look at this person now: their latest screening (finished or
    stopped early at an emergency answer) reached emergency or urgent, or they stopped for
    radiating pain or numbness since it."""
    out: list[str] = []
    if last_screening is not None:
        for severe in (Disposition.EMERGENCY, Disposition.URGENT):
            if severe in last_screening.reached:
                out.append(f"screening: {severe.value}")
                break
    since = last_screening.at if last_screening else None
    for stop in history.stops():
        if stop.reason in NERVE_STOPS and (since is None or stop.at >= since):
            out.append(f"stopped for {stop.reason.value.replace('_', ' ')}")
    return sorted(set(out))


@dataclass(frozen=True)
class LastScreening:
    at: datetime
    reached: frozenset[Disposition]  # every disposition its reasons reached


def adherence(
    history: History, programme: Programme | None, since: datetime, now: datetime
) -> tuple[int, int] | None:
    """(sessions done, sessions prescribed) since the programme began, by whole weeks so far
    (at least one week)."""
    if programme is None:
        return None
    done = sum(1 for s in history.sessions if since <= s.at <= now)
    weeks = max(1, -(-(now - since) // timedelta(days=7)))
    return done, programme.per_week * weeks
