"""The guided session as a pure timeline of cues, and a session clock that never drifts.

`build_timeline` turns a routine into cues with offsets from the start. `SessionClock` keeps
absolute deadlines from one monotonic start time; pausing shifts them by the paused time and
skipping jumps to the next technique. Time is always passed in; nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from easeback.domain.models import StopReason
from easeback.domain.planning import READY_SECONDS, PlannedTechnique, Routine


class CueKind(StrEnum):
    READY = "ready"
    INTRO = "intro"
    STEP = "step"
    MOVE = "move"
    HOLD = "hold"
    RELEASE = "release"
    REST = "rest"
    SWITCH_SIDE = "switch_side"
    COMPLETE = "complete"


@dataclass(frozen=True)
class Cue:
    offset: float  # seconds from the session start
    duration: float
    kind: CueKind
    text: str
    technique_id: str | None = None
    index: int | None = None  # which routine item
    side: str | None = None
    rep: int | None = None
    reps: int | None = None
    breath: str | None = None
    phase_end: float | None = None  # what a countdown counts to; set by build_timeline

    @property
    def end(self) -> float:
        return self.offset + self.duration

    def as_dict(self) -> dict[str, object]:
        return {
            "offset": self.offset,
            "duration": self.duration,
            "kind": self.kind.value,
            "text": self.text,
            "technique_id": self.technique_id,
            "index": self.index,
            "side": self.side,
            "rep": self.rep,
            "reps": self.reps,
            "breath": self.breath,
            "phase_end": self.phase_end,
        }


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def _technique_cues(item: PlannedTechnique, index: int, start: float) -> list[Cue]:
    t, d = item.technique, item.technique.dosage
    cues: list[Cue] = []
    at = start
    intro = _join(f"Next: {t.name}.", item.variant.text if item.variant else None)
    steps = [s.text for s in t.steps]
    slot = d.setup_seconds / (len(steps) + 1)
    cues.append(Cue(at, slot, CueKind.INTRO, intro, t.id, index))
    for k, text in enumerate(steps, start=1):
        cues.append(Cue(at + k * slot, slot, CueKind.STEP, f"{k}. {text}", t.id, index))
    at += d.setup_seconds
    sides = ["left", "right"] if d.per_side else [None]
    n_total = len(sides) * item.sets * item.reps
    done = 0
    for side in sides:
        where = f" on the {side} side" if side else ""
        for _set in range(item.sets):
            for rep in range(1, item.reps + 1):
                phases: list[tuple[CueKind, float, str, str | None]] = [
                    (
                        CueKind.MOVE,
                        d.move_seconds,
                        f"Repetition {rep} of {item.reps}{where}. Move slowly into position.",
                        t.breathing.into,
                    ),
                ]
                if item.hold_seconds:
                    phases.append(
                        (
                            CueKind.HOLD,
                            item.hold_seconds,
                            f"Hold for {item.hold_seconds} seconds.",
                            t.breathing.hold,
                        )
                    )
                phases.append(
                    (CueKind.RELEASE, d.move_seconds, "Slowly come back.", t.breathing.out)
                )
                for kind, length, text, breath in phases:
                    cues.append(
                        Cue(at, length, kind, text, t.id, index, side, rep, item.reps, breath)
                    )
                    at += length
                done += 1
                if done < n_total:
                    switch = side is not None and done == n_total // 2
                    kind = CueKind.SWITCH_SIDE if switch else CueKind.REST
                    text = "Switch to the right side." if switch else "Rest and breathe."
                    cues.append(Cue(at, d.rest_seconds, kind, text, t.id, index, side))
                    at += d.rest_seconds
    return cues


def build_timeline(routine: Routine) -> tuple[Cue, ...]:
    """Every cue of the session, in order; the last is the completion cue at the total length."""
    cues = [Cue(0.0, READY_SECONDS, CueKind.READY, "Get ready. Find a comfortable position.")]
    at = float(READY_SECONDS)
    for index, item in enumerate(routine.items):
        cues.extend(_technique_cues(item, index, at))
        at += item.seconds
    cues.append(Cue(at, 0.0, CueKind.COMPLETE, "Well done. The routine is complete."))
    return _with_phase_ends(cues)


def _with_phase_ends(cues: list[Cue]) -> tuple[Cue, ...]:
    """Setup (intro and steps) counts down to the first movement as a whole; every other cue
    counts down to its own end."""
    first_move: dict[int | None, float] = {}
    for c in cues:
        if c.kind is CueKind.MOVE:
            first_move.setdefault(c.index, c.offset)
    setup = (CueKind.INTRO, CueKind.STEP)
    return tuple(
        replace(c, phase_end=first_move.get(c.index, c.end) if c.kind in setup else c.end)
        for c in cues
    )


class Outcome(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"
    STOPPED = "stopped"


@dataclass(frozen=True)
class SessionClock:
    """Where a session is, given monotonic readings passed in by the caller.

    elapsed(now) = now - started - paused_total + skipped; every deadline is absolute, so a
    late tick never shifts the cues that follow it.
    """

    timeline: tuple[Cue, ...]
    started: float
    paused_at: float | None = None
    paused_total: float = 0.0
    skipped: float = 0.0
    stopped: tuple[float, StopReason] | None = None
    outcomes: tuple[tuple[int, Outcome], ...] = field(default=())

    @property
    def length(self) -> float:
        return self.timeline[-1].offset

    def elapsed(self, now: float) -> float:
        ref = self.paused_at if self.paused_at is not None else now
        if self.stopped is not None:
            ref = min(ref, self.stopped[0])
        return max(0.0, min(self.length, ref - self.started - self.paused_total + self.skipped))

    def deadline(self, cue: Cue) -> float:
        """The monotonic time at which a cue starts, if nothing else is paused or skipped."""
        return self.started + self.paused_total - self.skipped + cue.offset

    def current(self, now: float) -> Cue:
        at = self.elapsed(now)
        current = self.timeline[0]
        for cue in self.timeline:
            if cue.offset <= at:
                current = cue
            else:
                break
        return current

    def next_cue(self, now: float) -> Cue | None:
        at = self.elapsed(now)
        return next((c for c in self.timeline if c.offset > at), None)

    def finished(self, now: float) -> bool:
        return self.stopped is not None or self.elapsed(now) >= self.length

    def pause(self, now: float) -> SessionClock:
        return self if self.paused_at is not None else replace(self, paused_at=now)

    def resume(self, now: float) -> SessionClock:
        if self.paused_at is None:
            return self
        return replace(self, paused_at=None, paused_total=self.paused_total + now - self.paused_at)

    def skip(self, now: float) -> SessionClock:
        """Jump to the start of the next technique, recording this one as skipped."""
        cue = self.current(now)
        if cue.index is None:
            nxt = next(
                (c for c in self.timeline if c.index is not None and c.offset > cue.offset), None
            )
            target = nxt.offset if nxt else self.length
            return replace(self, skipped=self.skipped + target - self.elapsed(now))
        following = [c for c in self.timeline if c.offset > cue.offset and c.index != cue.index]
        target = following[0].offset if following else self.length
        return replace(
            self,
            skipped=self.skipped + target - self.elapsed(now),
            outcomes=(*self.outcomes, (cue.index, Outcome.SKIPPED)),
        )

    def stop(self, now: float, reason: StopReason) -> SessionClock:
        cue = self.current(now)
        outcomes = self.outcomes
        if cue.index is not None:
            outcomes = (*outcomes, (cue.index, Outcome.STOPPED))
        return replace(self, stopped=(now, reason), outcomes=outcomes)

    def results(self, now: float, count: int) -> list[Outcome | None]:
        """Per routine item: done, skipped, stopped, or None if not reached."""
        marked = dict(self.outcomes)
        at = self.elapsed(now)
        out: list[Outcome | None] = []
        for i in range(count):
            if i in marked:
                out.append(marked[i])
                continue
            ends = [c.end for c in self.timeline if c.index == i]
            out.append(Outcome.DONE if ends and at >= max(ends) else None)
        return out
