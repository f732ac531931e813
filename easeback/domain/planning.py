"""Routine planning: pick, order and dose techniques for a person, a place and a time budget.

Only a `PlannableScreening` can be planned from, so a routine always rests on a screening that
allows one. The planner is deterministic: the same inputs give the same routine.
"""

from __future__ import annotations

from _thread import allocate_lock  # threading would cost start-up time for one lock
from collections.abc import Iterable, Mapping
from heapq import heapify, heappop, heappush
from math import inf

from easeback.domain.models import (
    Direction,
    Disposition,
    Equipment,
    Goal,
    Place,
    Technique,
    Variant,
)
from easeback.domain.screening import PlannableScreening
from easeback.domain.timeline import READY_SECONDS
from easeback.domain.timeline import item_seconds as _timeline_seconds
from easeback.domain.values import TYPE_CHECKING, Frozen, field, record, replace, value

if TYPE_CHECKING:
    from typing import Literal
else:  # typing costs start-up time; the content edge makes it typing's own
    from easeback.domain.values import Literal

HOLD_STEP = 5  # holds grow in steps of this many seconds
TOLERANCE = 0.10  # total time must be within this fraction of the minutes asked
MAX_TECHNIQUES = 6
# In a routine of three or more techniques, no technique with repetitions grows past this share
# of it (2/5 = 40%); with fewer techniques a share like that cannot be kept.
MAX_SHARE = (2, 5)
MAX_SHARE_FROM = 3
# Near-duplicates never share one routine (safety.md, "Progressions").
NEAR_DUPLICATES = (frozenset({"pelvic-tilt", "supine-abdominal-draw-in"}),)

PlaceChoice = Place | Literal["any"]


def item_seconds(
    t: Technique, hold: int | None, reps: int, sets: int, variant: Variant | None = None
) -> int:
    """Length of one technique: setup, then every repetition (move in, hold, move out) with rests.

    The session timeline owns the arithmetic (each phase lasts at least its speaking time), so a
    plan's total is its real length; lengths are remembered per technique object.
    """
    return _memo_of(t, variant).seconds((hold, reps, sets))


@value
class PlanRequest(Frozen):
    place: PlaceChoice
    minutes: int
    equipment: frozenset[Equipment] = frozenset()
    goal: Goal = Goal.GENERAL_RELIEF
    left_out: frozenset[str] = frozenset()  # techniques stopped for sharp pain, not yet restored
    helps: Mapping[str, float] = field(default_factory=dict)  # technique id -> mean pain drop
    hold_targets: Mapping[str, int] = field(default_factory=dict)  # progression, seconds
    # techniques with a logged session; empty means a first-timer (bottom of every range, and the
    # easiest version of every progression)
    done: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not 1 <= self.minutes <= 120:
            raise ValueError(f"minutes must be between 1 and 120, got {self.minutes}")
        # Names are accepted for the choices ("floor", "mat"), as they come from a person.
        setter = object.__setattr__
        if self.place != "any":
            setter(self, "place", Place(self.place))
        setter(self, "goal", Goal(self.goal))
        setter(self, "equipment", frozenset(Equipment(e) for e in self.equipment))
        setter(self, "left_out", frozenset(self.left_out))
        setter(self, "done", frozenset(self.done))

    def available_equipment(self) -> frozenset[Equipment]:
        implied = {Place.CHAIR: Equipment.CHAIR, Place.POOL: Equipment.POOL}
        extra = implied.get(self.place) if isinstance(self.place, Place) else None
        return self.equipment | {extra} if extra else self.equipment


@value
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


@value
class Routine(Frozen):
    """A planned routine, or (planned false, no items) the reason none could be planned here."""

    disposition: Disposition
    place: PlaceChoice
    minutes: int
    goal: Goal
    items: tuple[PlannedTechnique, ...]
    notes: tuple[str, ...] = ()
    planned: bool = True
    reason: str | None = None  # why nothing was planned
    suggest: tuple[Place, ...] = ()  # places that do have a routine, when none suits this one
    shortest_minutes: int | None = None  # the shortest routine here, when the minutes are too few

    @property
    def total_seconds(self) -> int:
        if not self.items:
            return 0
        return READY_SECONDS + sum(i.seconds for i in self.items)


@record
class _Candidate(Frozen):
    technique: Technique
    variant: Variant | None
    score: float
    dirs: frozenset[Direction]
    avoid: frozenset[str] = frozenset()  # ids never in one routine with it (easier, near-duplicate)
    instead_of: Technique | None = None  # the harder technique it stands in for


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


@record
class _Static(Frozen):
    """What a technique brings to every plan from its catalogue, worked out once."""

    easier: tuple[Technique, ...]  # the techniques it progresses from, nearest first
    avoid: frozenset[str]  # never in one routine with it: its easier versions, near-duplicates
    dirs: frozenset[Direction]


def _statics(techniques: tuple[Technique, ...]) -> dict[str, _Static]:
    by_id = {t.id: t for t in techniques}
    out: dict[str, _Static] = {}
    for t in techniques:
        easier: list[Technique] = []
        e = t
        while e.progresses_from is not None and e.progresses_from in by_id:
            e = by_id[e.progresses_from]
            easier.append(e)
        near = (other for group in NEAR_DUPLICATES if t.id in group for other in group)
        avoid = frozenset(x.id for x in easier).union(near) - {t.id}
        out[t.id] = _Static(tuple(easier), avoid, frozenset(t.directions))
    return out


_CATALOGUES: dict[int, tuple[tuple[Technique, ...], dict[str, _Static]]] = {}


def _static(techniques: tuple[Technique, ...]) -> dict[str, _Static]:
    hit = _CATALOGUES.get(id(techniques))
    if hit is None or hit[0] is not techniques:
        if len(_CATALOGUES) >= 16:  # catalogues passed as fresh tuples: start afresh
            _CATALOGUES.clear()
        hit = (techniques, _statics(techniques))
        _CATALOGUES[id(techniques)] = hit
    return hit[1]


class _Suited:
    """suitable()'s answer for one catalogue, set of exclusions and request, and _pick's choices
    from it by how many techniques are asked for: worked out once (all inputs immutable)."""

    __slots__ = ("cands", "picks", "techniques")

    def __init__(self, techniques: tuple[Technique, ...], cands: list[_Candidate]) -> None:
        self.techniques = techniques
        self.cands = cands
        self.picks: dict[int, list[_Candidate]] = {}

    def pick(self, n: int) -> list[_Candidate]:
        hit = self.picks.get(n)
        if hit is None:
            hit = self.picks[n] = _pick(self.cands, n)
        return list(hit)


_SUITED: dict[tuple[object, ...], _Suited] = {}  # bounded: cleared when full
MAX_SUITED = 2048  # about 1.3 kB each: 842 of them (bench/web's 4000 distinct plans) took 1.1 MB


def _suited(techniques: tuple[Technique, ...], s: PlannableScreening, req: PlanRequest) -> _Suited:
    have = req.available_equipment()
    key = (
        id(techniques),
        s.constraints.exclusions,
        req.place,
        have,
        req.goal,
        req.left_out,
        req.done,
        tuple(sorted(req.helps.items())),
    )
    hit = _SUITED.get(key)
    if hit is None or hit.techniques is not techniques:
        if len(_SUITED) >= MAX_SUITED:
            _SUITED.clear()
        hit = _SUITED[key] = _Suited(techniques, _suitable(techniques, s, req, have))
    return hit


def suitable(
    catalogue: Iterable[Technique], s: PlannableScreening, req: PlanRequest
) -> list[_Candidate]:
    """Every technique this person may do here with what they have, scored for the goal.

    A technique whose easier version has no logged session is replaced by that easier version
    (the easiest one not yet done); one whose easier version was left out is not offered.
    Worked out once for each catalogue, set of exclusions and request.
    """
    techniques = catalogue if isinstance(catalogue, tuple) else tuple(catalogue)
    return list(_suited(techniques, s, req).cands)


def _suitable(
    techniques: tuple[Technique, ...],
    s: PlannableScreening,
    req: PlanRequest,
    have: frozenset[Equipment],
) -> list[_Candidate]:
    static = _static(techniques)
    left_out, done, place = req.left_out, req.done, req.place
    allowed: dict[str, tuple[bool, Variant | None]] = {}

    def check(t: Technique) -> tuple[bool, Variant | None]:
        hit = allowed.get(t.id)
        if hit is None:
            ok = (
                t.id not in left_out
                and (place == "any" or place in t.places)
                and have.issuperset(t.equipment)
            )
            hit = _screen_filter(t, s) if ok else (False, None)
            allowed[t.id] = hit
        return hit

    out: dict[str, _Candidate] = {}
    for t in techniques:
        ok, variant = check(t)
        if not ok:
            continue
        chosen, instead_of = t, None
        easier = static[t.id].easier
        if easier:
            if any(e.id in left_out for e in easier):
                continue
            steps_down = next((k for k, e in enumerate(easier) if e.id in done), len(easier))
            if steps_down:  # the easier version has no logged session: the easiest not done
                chosen, instead_of = easier[steps_down - 1], t
                ok, variant = check(chosen)
                if not ok:
                    continue
        score = _score(t, req) if instead_of is None else max(_score(t, req), _score(chosen, req))
        previous = out.get(chosen.id)
        if previous is not None:  # offered in its own right and for a harder one, or twice
            score = max(score, previous.score)
            instead_of = instead_of or previous.instead_of
        info = static[chosen.id]
        out[chosen.id] = _Candidate(chosen, variant, score, info.dirs, info.avoid, instead_of)
    return [out[t.id] for t in techniques if t.id in out]


def _score(t: Technique, req: PlanRequest) -> float:
    score = 10.0 if req.goal in t.goals else 0.0
    if req.goal is Goal.STRENGTHEN:
        score += 2.0 * t.intensity
    elif req.goal is Goal.MORNING_STIFFNESS:
        score += 3.0 - t.intensity
    return score + 2.0 * req.helps.get(t.id, 0.0)


def _pick(cands: list[_Candidate], n: int) -> list[_Candidate]:
    """Greedy choice that favours the goal and spreads the movement directions."""
    chosen: list[_Candidate] = []
    covered: frozenset[Direction] = frozenset()
    repeats: dict[frozenset[Direction], int] = {}
    pool = sorted(cands, key=lambda c: c.technique.id)
    avoided: frozenset[str] = frozenset().union(*(c.avoid for c in cands))
    while pool and len(chosen) < n:
        best, best_value = 0, 0.0
        for k, c in enumerate(pool):
            value = c.score + 4.0 * len(c.dirs - covered) - 6.0 * repeats.get(c.dirs, 0)
            if k == 0 or value > best_value:  # the first of equals wins: id order breaks ties
                best, best_value = k, value
        c = pool.pop(best)
        chosen.append(c)
        if c.avoid or c.technique.id in avoided:
            pool = [
                p for p in pool if p.technique.id not in c.avoid and c.technique.id not in p.avoid
            ]
        covered |= c.dirs
        repeats[c.dirs] = repeats.get(c.dirs, 0) + 1
    return chosen


def _target_count(minutes: int) -> int:
    if minutes >= 15:
        return MAX_TECHNIQUES
    if minutes >= 10:
        return 5
    return max(1, min(4, (minutes + 1) // 2))


# One dose: (hold, reps, sets). A dose grows along a fixed path (its chain): longer holds and more
# reps first, whichever adds fewer seconds; another set only once both are at their top.
_State = tuple[int | None, int, int]


@record
class _Range(Frozen):
    """Where a dose starts and how far it may grow."""

    hold: int | None
    hold_max: int | None
    reps: int
    reps_max: int
    sets: int
    sets_max: int


class _Chain:
    """A dose's growth path, worked out only as far as a plan has needed it: states, their
    lengths in seconds, their progress (sets done plus the mean of reps and hold grown) and
    whether they repeat the movement (reps x sets over one)."""

    __slots__ = ("done", "memo", "progress", "range", "repeated", "seconds", "states")

    def __init__(self, memo: _Memo, r: _Range) -> None:
        self.memo, self.range = memo, r
        first: _State = (r.hold, r.reps, r.sets)
        self.states = [first]
        self.seconds = [memo.seconds(first)]
        self.progress = [_progress(first, r)]
        self.repeated = [r.reps * r.sets > 1]
        self.done = False

    def has_next(self, k: int) -> bool:
        """Whether state k has a next one (working it out if needed)."""
        if k + 1 < len(self.states):
            return True
        with self.memo.lock:  # plans may run in several threads; lists only ever grow
            while not self.done and k + 1 >= len(self.states):
                self._grow()
        return k + 1 < len(self.states)

    def _grow(self) -> None:
        r, (hold, reps, sets) = self.range, self.states[-1]
        options: list[_State] = []
        if hold is not None and r.hold_max is not None and hold < r.hold_max:
            options.append((min(r.hold_max, hold + HOLD_STEP), reps, sets))
        if reps < r.reps_max:
            options.append((hold, reps + 1, sets))
        if not options and sets < r.sets_max:
            options.append((hold, r.reps, sets + 1))
        if not options:
            self.done = True
            return
        # the shorter step first; on equal lengths the longer hold (listed first)
        nxt = min(options, key=self.memo.seconds)
        self.seconds.append(self.memo.seconds(nxt))
        self.progress.append(_progress(nxt, r))
        self.repeated.append(nxt[1] * nxt[2] > 1)
        self.states.append(nxt)  # last: a reader checks len(states) before the others


class _Memo:
    """Lengths and growth paths of one technique (and variant), remembered between plans: the
    timeline's arithmetic is exact but not cheap, and a catalogue is planned from many times."""

    __slots__ = ("chains", "lengths", "lock", "technique", "variant")

    def __init__(self, t: Technique, variant: Variant | None) -> None:
        self.technique = t
        self.variant = variant
        self.lock = allocate_lock()
        self.lengths: dict[_State, int] = {}
        self.chains: dict[_Range, _Chain] = {}

    def seconds(self, state: _State) -> int:
        hit = self.lengths.get(state)
        if hit is None:
            hit = _timeline_seconds(self.technique, *state, self.variant)
            if len(self.lengths) >= _LENGTHS_LIMIT:  # doses from plan files can be anything
                self.lengths.clear()
            self.lengths[state] = hit
        return hit

    def chain(self, r: _Range) -> _Chain:
        hit = self.chains.get(r)
        if hit is None:
            hit = _Chain(self, r)
            self.chains[r] = hit
        return hit


def _progress(state: _State, r: _Range) -> float:
    hold, reps, sets = state
    parts = [(reps - 1) / max(1, r.reps_max - 1)]
    if hold is not None and r.hold_max:
        parts.append(hold / r.hold_max)
    return sets - 1 + sum(parts) / len(parts)


_MEMOS: dict[tuple[int, int], _Memo] = {}
_MEMO_LIMIT = 1024
_LENGTHS_LIMIT = 4096


def _memo_of(t: Technique, variant: Variant | None) -> _Memo:
    key = (id(t), id(variant))
    hit = _MEMOS.get(key)
    if hit is None or hit.technique is not t or hit.variant is not variant:
        if len(_MEMOS) >= _MEMO_LIMIT:  # catalogues reloaded many times: start afresh
            _MEMOS.clear()
        hit = _Memo(t, variant)
        _MEMOS[key] = hit
    return hit


def _memo(c: _Candidate) -> _Memo:
    return _memo_of(c.technique, c.variant)


def _start(c: _Candidate, req: PlanRequest, gentle: bool) -> _Range:
    d = c.technique.dosage
    if not req.done:  # a first-timer: the bottom of every range
        hold = d.hold_seconds.min if d.hold_seconds is not None else None
        return _Range(hold, hold, d.reps.min, d.reps.min, d.sets, d.sets)
    hold, hold_max = None, None
    if d.hold_seconds is not None:
        hold = d.hold_seconds.min
        ceiling = d.hold_ceiling or d.hold_seconds.max
        target = req.hold_targets.get(c.technique.id)
        hold_max = min(ceiling, target) if target else d.hold_seconds.max
        hold_max = max(hold, hold_max)
        if gentle:
            hold_max = hold
    return _Range(hold, hold_max, d.reps.min, d.reps.max, d.sets, d.sets_max)


_FILLS: dict[tuple[object, ...], tuple[int, ...]] = {}  # bounded: cleared when full
MAX_FILLS = 4096


def _filled(chains: list[_Chain], budget: int) -> tuple[int, ...]:
    """_fill's answer, remembered: it depends only on the chains (each a fixed growth path,
    worked out lazily but always the same) and the budget, and a long routine takes a few
    hundred growth steps to fill."""
    key = (budget, *chains)  # the chains themselves: kept alive, so compared by identity
    hit = _FILLS.get(key)
    if hit is None:
        if len(_FILLS) >= MAX_FILLS:
            _FILLS.clear()
        hit = _FILLS[key] = tuple(_fill(chains, budget))
    return hit


def _fill(chains: list[_Chain], budget: int) -> list[int]:
    """Grow doses, least-grown first, until the routine reaches the budget without overshooting.

    Returns each dose's position on its chain. Only integers change hands and the total is kept
    up to date step by step. A dose whose next step no longer fits is dropped for good (the total
    only grows); one that would take more than its share of the routine waits until the others
    have grown. The least-grown dose keeps growing without a trip through the queue for as long
    as it stays the least grown.
    """
    limit = int(budget * (1 + TOLERANCE))
    num, den = MAX_SHARE if len(chains) >= MAX_SHARE_FROM else (1, 1)
    at = [0] * len(chains)
    total = READY_SECONDS + sum(ch.seconds[0] for ch in chains)
    # (progress, index): the least-grown dose first, the earlier pick on equal progress
    queue = [(ch.progress[0], i) for i, ch in enumerate(chains) if ch.has_next(0)]
    heapify(queue)
    waiting: list[int] = []
    while queue and total < budget:
        _, i = heappop(queue)
        ch, k = chains[i], at[i]
        states, seconds, progress, repeated = ch.states, ch.seconds, ch.progress, ch.repeated
        rival, rival_i = queue[0] if queue else (inf, i)
        grew = False
        while True:
            after = total + seconds[k + 1] - seconds[k]
            if after > limit:
                break  # dropped
            if repeated[k + 1] and den * seconds[k + 1] > num * after:
                waiting.append(i)  # over its share for now
                break
            total, k, grew = after, k + 1, True
            if not (k + 1 < len(states) or ch.has_next(k)):
                break  # at the top of its range
            p = progress[k]
            if total >= budget or p > rival or (p == rival and i > rival_i):
                heappush(queue, (p, i))
                break
        at[i] = k
        if grew and waiting:
            for j in waiting:
                heappush(queue, (chains[j].progress[at[j]], j))
            waiting.clear()
    return at


def _reason(c: _Candidate, goal: Goal, new_dirs: frozenset[Direction], helps: float | None) -> str:
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
    if c.instead_of is not None:
        name = c.instead_of.name  # mid-sentence: "the easier version of knees to chest"
        parts.append(f"the easier version of {name[:1].lower()}{name[1:]}, to do first")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _minutes_for(seconds: int) -> int:
    """The fewest whole minutes whose time rule allows a routine of this many seconds."""
    m = max(1, -(-seconds // 60))
    while m > 1 and seconds <= (m - 1) * 60 * (1 + TOLERANCE):
        m -= 1
    return m


def _places_with_a_routine(
    catalogue: tuple[Technique, ...], s: PlannableScreening, req: PlanRequest
) -> tuple[Place, ...]:
    return tuple(
        p for p in Place if p != req.place and suitable(catalogue, s, replace(req, place=p))
    )


def _refusal(
    screening: PlannableScreening,
    req: PlanRequest,
    minutes: int,
    reason: str,
    suggest: tuple[Place, ...] = (),
    shortest_minutes: int | None = None,
) -> Routine:
    return Routine(
        disposition=screening.disposition,
        place=req.place,
        minutes=minutes,
        goal=req.goal,
        items=(),
        planned=False,
        reason=reason,
        suggest=suggest,
        shortest_minutes=shortest_minutes,
        notes=screening.constraints.notes,
    )


def _why_none(techniques: tuple[Technique, ...], s: PlannableScreening, req: PlanRequest) -> str:
    """Why nothing suits this place, naming what left the techniques out: the screening's rules
    (their advice, so a pregnant person reads the week-20 rule, not "your equipment"), the
    equipment at hand, or both."""
    where = "anywhere" if req.place == "any" else f"here ({req.place.value})"
    have = req.available_equipment()
    blocked: dict[str, set[str]] = {}  # rule id -> the techniques here it leaves out
    equipment = False
    for t in techniques:
        if t.id in req.left_out or (req.place != "any" and req.place not in t.places):
            continue
        blocking = [
            rid
            for rid, e in s.constraints.exclusions
            if e.matches(t) and (e.unless_variant is None or not t.has_variant(e.unless_variant))
        ]
        for rid in blocking:
            blocked.setdefault(rid, set()).add(t.id)
        if not blocking and not have.issuperset(t.equipment):
            equipment = True
    # the fewest rules that explain every technique left out, those leaving out most first
    rules: list[str] = []
    left = set().union(*blocked.values()) if blocked else set()
    while left:
        rid = max(blocked, key=lambda r: len(blocked[r] & left))
        rules.append(rid)
        left -= blocked[rid]
    advice = {r.rule: r.advice for r in s.result.reasons}
    said = " ".join(dict.fromkeys(advice[r] for r in rules if r in advice))
    if said and not equipment:
        return f"No technique suits your answers {where}: {said}"
    if said:
        return f"No technique suits your answers and your equipment {where}: {said}"
    return f"No technique suits your answers and your equipment {where}."


def _at_most(minutes: int) -> str:
    return f"{minutes} minute" + ("" if minutes == 1 else "s")


def build_plan(
    screening: PlannableScreening, req: PlanRequest, catalogue: Iterable[Technique]
) -> Routine:
    """Plan a routine: gentle before active, directions balanced, timed to the minutes asked.

    The routine lasts at most 10% more than the minutes asked. When even the shortest routine
    here is longer, or nothing suits the place, nothing is planned and the result says why
    (`shortest_minutes`, or `suggest`: the places that do have a routine).
    """
    techniques = tuple(catalogue)
    constraints = screening.constraints
    minutes = min(req.minutes, constraints.max_minutes or req.minutes)
    budget = minutes * 60
    notes: list[str] = []
    if minutes < req.minutes:
        notes.append(f"Shortened to {minutes} minutes because your pain is high right now.")
    suited = _suited(techniques, screening, req)
    cands = list(suited.cands)
    if not cands:
        suggest = _places_with_a_routine(techniques, screening, req)
        reason = _why_none(techniques, screening, req)
        if suggest:
            reason += " Places with a routine for you: " + ", ".join(p.value for p in suggest) + "."
        return _refusal(screening, req, minutes, reason, suggest=suggest)
    chosen = suited.pick(_target_count(minutes))
    picked = len(chosen)
    chains = [_memo(c).chain(_start(c, req, constraints.gentle)) for c in chosen]
    start = READY_SECONDS + sum(ch.seconds[0] for ch in chains)
    while len(chains) > 1 and start > budget * (1 + TOLERANCE):
        start -= chains.pop().seconds[0]  # the last pick scored lowest
    if start > budget * (1 + TOLERANCE):  # one technique, still too long: the shortest one?
        shortest = min(
            cands, key=lambda c: _memo(c).chain(_start(c, req, constraints.gentle)).seconds[0]
        )
        chain = _memo(shortest).chain(_start(shortest, req, constraints.gentle))
        need = READY_SECONDS + chain.seconds[0]
        if need > budget * (1 + TOLERANCE):
            at_least = _minutes_for(need)
            reason = (
                f"The shortest routine here lasts {need // 60} min {need % 60} s, longer than "
                f"{_at_most(minutes)}: ask for at least {_at_most(at_least)}."
            )
            if minutes < req.minutes and at_least > minutes:
                reason = (
                    f"The shortest routine here lasts {need // 60} min {need % 60} s, longer than "
                    f"the {_at_most(minutes)} your pain allows right now."
                )
            return _refusal(screening, req, minutes, reason, shortest_minutes=at_least)
        chosen, chains = [shortest], [chain]
    at = _filled(chains, budget)
    if picked < _target_count(minutes):
        suit = "technique suits" if picked == 1 else "techniques suit"
        notes.append(f"Only {picked} {suit} this place, your equipment and your answers.")
    total = READY_SECONDS + sum(ch.seconds[k] for ch, k in zip(chains, at, strict=True))
    if total < budget * (1 - TOLERANCE):
        if not req.done:
            notes.append(
                f"This routine lasts {total // 60} min {total % 60} s, shorter than the {minutes} "
                "minutes asked: a first routine keeps every technique at the bottom of its range. "
                "Later routines grow toward the time you ask for."
            )
        else:
            notes.append(
                f"This routine lasts {total // 60} min {total % 60} s, shorter than the {minutes} "
                "minutes asked: easeback does not pad a routine with unsuitable or repeated "
                "exercises."
            )
    order = sorted(range(len(chains)), key=lambda i: (chosen[i].technique.intensity, i))
    items: list[PlannedTechnique] = []
    covered: frozenset[Direction] = frozenset()
    for i in order:
        c = chosen[i]
        hold, reps, sets = chains[i].states[at[i]]
        new = c.dirs - covered
        covered |= new
        items.append(
            PlannedTechnique(
                technique=c.technique,
                hold_seconds=hold,
                reps=reps,
                sets=sets,
                variant=c.variant,
                reason=_reason(c, req.goal, new, req.helps.get(c.technique.id)),
            )
        )
    return Routine(
        disposition=screening.disposition,
        place=req.place,
        minutes=minutes,
        goal=req.goal,
        items=tuple(items),
        notes=(*screening.constraints.notes, *notes),
    )


def within_limits(routine: Routine, screening: PlannableScreening) -> Routine:
    """A routine planned earlier, held to the gentle and length rules of the screening in force
    (the pain asked just before a session can be higher than when it was planned: safety.md,
    "Asking again"): holds at the bottom of their range, techniques dropped from the end (the
    most active) while it is longer than allowed, and the screening's notes added. Leaving out
    what the screening excludes is `programme.fitted`'s part."""
    c = screening.constraints
    items = list(routine.items)
    if c.gentle:
        items = [
            i
            if i.hold_seconds is None or i.technique.dosage.hold_seconds is None
            else replace(i, hold_seconds=min(i.hold_seconds, i.technique.dosage.hold_seconds.min))
            for i in items
        ]
    minutes = routine.minutes
    if c.max_minutes is not None:
        minutes = min(minutes, c.max_minutes)
        budget = c.max_minutes * 60 * (1 + TOLERANCE)
        while len(items) > 1 and READY_SECONDS + sum(i.seconds for i in items) > budget:
            items.pop()
    notes = tuple(dict.fromkeys((*c.notes, *routine.notes)))
    if tuple(items) == routine.items and minutes == routine.minutes and notes == routine.notes:
        return routine
    return replace(routine, items=tuple(items), minutes=minutes, notes=notes)


def plan_inputs(screening: PlannableScreening, req: PlanRequest) -> tuple[object, ...]:
    """Everything build_plan reads besides its catalogue, as a hashable key: with one catalogue,
    equal keys give equal routines, however the answers behind the screening differ (the
    planner sees only the screening's disposition and constraints). A door may keep a routine,
    or its answer, under this key."""
    return (
        screening.disposition,
        screening.constraints,
        req.place,
        req.minutes,
        req.equipment,
        req.goal,
        req.left_out,
        req.done,
        tuple(sorted(req.helps.items())),
        tuple(sorted(req.hold_targets.items())),
    )
