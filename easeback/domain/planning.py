"""Routine planning: pick, order and dose techniques for a person, a place and a time budget.

Only a `PlannableScreening` can be planned from, so a routine always rests on a screening that
allows one. The planner is deterministic: the same inputs give the same routine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Literal

from pydantic import Field

from easeback.domain.models import (
    Direction,
    Disposition,
    Equipment,
    Frozen,
    Goal,
    Place,
    Technique,
    Variant,
)
from easeback.domain.screening import PlannableScreening
from easeback.domain.timeline import READY_SECONDS
from easeback.domain.timeline import item_seconds as _timeline_seconds

HOLD_STEP = 5  # holds grow in steps of this many seconds
TOLERANCE = 0.10  # total time must be within this fraction of the minutes asked
MAX_TECHNIQUES = 6

PlaceChoice = Place | Literal["any"]


def item_seconds(
    t: Technique, hold: int | None, reps: int, sets: int, variant: Variant | None = None
) -> int:
    """Length of one technique: setup, then every repetition (move in, hold, move out) with rests.

    The session timeline owns the arithmetic (each phase lasts at least its speaking time), so a
    plan's total is its real length.
    """
    return _timeline_seconds(t, hold, reps, sets, variant)


class PlanRequest(Frozen):
    place: PlaceChoice
    minutes: Annotated[int, Field(ge=1, le=120)]
    equipment: frozenset[Equipment] = frozenset()
    goal: Goal = Goal.GENERAL_RELIEF
    left_out: frozenset[str] = frozenset()  # techniques stopped for sharp pain, not yet restored
    helps: Mapping[str, float] = Field(default_factory=dict)  # technique id -> mean pain drop
    hold_targets: Mapping[str, int] = Field(default_factory=dict)  # progression, seconds

    def available_equipment(self) -> frozenset[Equipment]:
        implied = {Place.CHAIR: Equipment.CHAIR, Place.POOL: Equipment.POOL}
        extra = implied.get(self.place) if isinstance(self.place, Place) else None
        return self.equipment | {extra} if extra else self.equipment


class PlannedTechnique(Frozen):
    technique: Technique
    hold_seconds: int | None
    reps: int
    sets: int
    variant: Variant | None = None
    reason: str

    @property
    def seconds(self) -> int:
        return item_seconds(self.technique, self.hold_seconds, self.reps, self.sets, self.variant)


class Routine(Frozen):
    disposition: Disposition
    place: PlaceChoice
    minutes: int
    goal: Goal
    items: tuple[PlannedTechnique, ...]
    notes: tuple[str, ...] = ()

    @property
    def total_seconds(self) -> int:
        if not self.items:
            return 0
        return READY_SECONDS + sum(i.seconds for i in self.items)


class _Candidate(Frozen):
    technique: Technique
    variant: Variant | None
    score: float


def _fits_place(t: Technique, req: PlanRequest) -> bool:
    return req.place == "any" or req.place in t.places


def _screen_filter(t: Technique, s: PlannableScreening) -> tuple[bool, Variant | None]:
    """Whether the screening's exclusions allow t, and the variant they require if any."""
    variant: Variant | None = None
    for _rule, exclusion in s.constraints.exclusions:
        if not exclusion.matches(t):
            continue
        kind = exclusion.unless_variant
        if kind is None or not t.has_variant(kind):
            return False, None
        variant = t.variant(kind)
    return True, variant


def suitable(
    catalogue: Iterable[Technique], s: PlannableScreening, req: PlanRequest
) -> list[_Candidate]:
    """Every technique this person may do here with what they have, scored for the goal."""
    have = req.available_equipment()
    out: list[_Candidate] = []
    for t in catalogue:
        if t.id in req.left_out or not _fits_place(t, req) or not set(t.equipment) <= have:
            continue
        allowed, variant = _screen_filter(t, s)
        if allowed:
            out.append(_Candidate(technique=t, variant=variant, score=_score(t, req)))
    return out


def _score(t: Technique, req: PlanRequest) -> float:
    score = 10.0 if req.goal in t.goals else 0.0
    if req.goal is Goal.STRENGTHEN:
        score += 2.0 * t.intensity
    elif req.goal is Goal.MORNING_STIFFNESS:
        score += 3.0 - t.intensity
    return score + 2.0 * req.helps.get(t.id, 0.0)


def _pick_value(c: _Candidate, chosen: list[_Candidate], covered: set[Direction]) -> float:
    dirs = set(c.technique.directions)
    repeats = sum(1 for p in chosen if set(p.technique.directions) == dirs)
    return c.score + 4.0 * len(dirs - covered) - 6.0 * repeats


def _pick(cands: list[_Candidate], n: int) -> list[_Candidate]:
    """Greedy choice that favours the goal and spreads the movement directions."""
    chosen: list[_Candidate] = []
    covered: set[Direction] = set()
    pool = sorted(cands, key=lambda c: c.technique.id)
    while pool and len(chosen) < n:
        # max keeps the first of equals, so id order breaks ties
        best = max(pool, key=lambda c: _pick_value(c, chosen, covered))
        chosen.append(best)
        covered |= set(best.technique.directions)
        pool.remove(best)
    return chosen


def _target_count(minutes: int) -> int:
    if minutes >= 15:
        return MAX_TECHNIQUES
    if minutes >= 10:
        return 5
    return max(1, min(4, (minutes + 1) // 2))


class _Dose(Frozen):
    cand: _Candidate
    hold: int | None
    hold_max: int | None
    reps: int
    reps_max: int
    sets: int
    sets_max: int

    @property
    def seconds(self) -> int:
        return item_seconds(self.cand.technique, self.hold, self.reps, self.sets, self.cand.variant)

    def progress(self) -> float:
        parts = [(self.reps - 1) / max(1, self.reps_max - 1)]
        if self.hold is not None and self.hold_max:
            parts.append(self.hold / self.hold_max)
        return self.sets - 1 + sum(parts) / len(parts)

    def grown(self) -> list[_Dose]:
        """Longer holds and more reps first; another set only once both are at their top."""
        options: list[_Dose] = []
        if self.hold is not None and self.hold_max is not None and self.hold < self.hold_max:
            longer = min(self.hold_max, self.hold + HOLD_STEP)
            options.append(self.model_copy(update={"hold": longer}))
        if self.reps < self.reps_max:
            options.append(self.model_copy(update={"reps": self.reps + 1}))
        if not options and self.sets < self.sets_max:
            reps = self.cand.technique.dosage.reps.min
            options.append(self.model_copy(update={"sets": self.sets + 1, "reps": reps}))
        return options


def _start_dose(c: _Candidate, req: PlanRequest, gentle: bool) -> _Dose:
    d = c.technique.dosage
    hold, hold_max = None, None
    if d.hold_seconds is not None:
        hold = d.hold_seconds.min
        ceiling = max(d.hold_seconds.max, d.progression_max_hold_seconds or 0)
        target = req.hold_targets.get(c.technique.id)
        hold_max = min(ceiling, target) if target else d.hold_seconds.max
        hold_max = max(hold, hold_max)
        if gentle:
            hold_max = hold
    return _Dose(
        cand=c,
        hold=hold,
        hold_max=hold_max,
        reps=d.reps.min,
        reps_max=d.reps.max,
        sets=d.sets,
        sets_max=d.sets_max,
    )


def _fill(doses: list[_Dose], budget: int) -> list[_Dose]:
    """Grow doses, least-grown first, until the routine reaches the budget without overshooting."""
    limit = int(budget * (1 + TOLERANCE))
    total = READY_SECONDS + sum(d.seconds for d in doses)
    while total < budget:
        options = [
            (d.progress(), i, g)
            for i, d in enumerate(doses)
            for g in d.grown()
            if total - d.seconds + g.seconds <= limit
        ]
        if not options:
            break
        _, i, g = min(options, key=lambda o: (o[0], o[1], o[2].seconds))
        total += g.seconds - doses[i].seconds
        doses[i] = g
    return doses


def _reason(c: _Candidate, goal: Goal, new_dirs: set[Direction], helps: float | None) -> str:
    t = c.technique
    parts = [f"{t.category.value.replace('-', ' ')}"]
    parts.append(
        f"suits {goal.value.replace('-', ' ')}" if goal in t.goals else "rounds out the flow"
    )
    if new_dirs:
        parts.append("adds " + ", ".join(sorted(d.value for d in new_dirs)) + " movement")
    if helps is not None and helps > 0:
        parts.append(f"has eased your pain by {helps:.1f} points on average")
    if c.variant is not None:
        parts.append(f"{c.variant.kind.value} version for you")
    return "; ".join(parts).capitalize() + "."


def build_plan(
    screening: PlannableScreening, req: PlanRequest, catalogue: Iterable[Technique]
) -> Routine:
    """Plan a routine: gentle before active, directions balanced, timed to the minutes asked."""
    constraints = screening.constraints
    minutes = min(req.minutes, constraints.max_minutes or req.minutes)
    budget = minutes * 60
    notes: list[str] = []
    if minutes < req.minutes:
        notes.append(f"Shortened to {minutes} minutes because your pain is high right now.")
    cands = suitable(catalogue, screening, req)
    chosen = _pick(cands, _target_count(minutes))
    doses = [_start_dose(c, req, constraints.gentle) for c in chosen]
    while len(doses) > 1 and READY_SECONDS + sum(d.seconds for d in doses) > budget * (
        1 + TOLERANCE
    ):
        doses.pop()  # the last pick scored lowest
    doses = _fill(doses, budget)
    if len(chosen) < _target_count(minutes):
        notes.append(
            f"Only {len(chosen)} techniques suit this place, your equipment and your answers."
        )
    total = READY_SECONDS + sum(d.seconds for d in doses)
    if doses and total < budget * (1 - TOLERANCE):
        notes.append(
            f"This routine lasts {total // 60} min {total % 60} s, shorter than the {minutes} "
            "minutes asked: easeback does not pad a routine with unsuitable or repeated exercises."
        )
    if not doses:
        notes.append("No technique suits this place, your equipment and your answers.")
    ordered = sorted(enumerate(doses), key=lambda p: (p[1].cand.technique.intensity, p[0]))
    items: list[PlannedTechnique] = []
    covered: set[Direction] = set()
    for _, d in ordered:
        t = d.cand.technique
        new = set(t.directions) - covered
        covered |= new
        items.append(
            PlannedTechnique(
                technique=t,
                hold_seconds=d.hold,
                reps=d.reps,
                sets=d.sets,
                variant=d.cand.variant,
                reason=_reason(d.cand, req.goal, new, req.helps.get(t.id)),
            )
        )
    return Routine(
        disposition=screening.disposition,
        place=req.place,
        minutes=minutes,
        goal=req.goal,
        items=tuple(items),
        notes=tuple(notes),
    )
