"""The guided session as a pure timeline of cues, and a session clock that never drifts.

`build_timeline` turns a routine into cues with offsets from the start. Every cue lasts at least as
long as it takes to say and read (`speaking_seconds`), and `item_seconds` adds up the same phases,
so the planner's totals are the session's real length. `SessionClock` keeps absolute deadlines from
one monotonic start time; pausing shifts them by the paused time and skipping jumps to the next
technique. Time is always passed in; nothing here reads a clock.
"""

from __future__ import annotations

import re
from enum import StrEnum

from easeback.domain.models import StepPhase, StopReason, Technique, Variant
from easeback.domain.values import TYPE_CHECKING, Frozen, record, replace

if TYPE_CHECKING:
    from easeback.domain.planning import PlannedTechnique, Routine

READY_SECONDS = 5  # the get-ready countdown before the first technique
READY_TEXT = "Get ready. Find a comfortable position."
# A calm guiding voice: 2.5 words a second (150 a minute), then half a second's pause to take it in.
WORDS_PER_SECOND = 2.5
PAUSE_SECONDS = 0.5


def speaking_seconds(text: str) -> int:
    """Whole seconds to say (or read) a text at 2.5 words a second, plus a pause; 0 if empty."""
    words = len(text.split())
    # ceil(words / 2.5 + 0.5) in integers: (4 * words + 5) / 10 rounded up
    return (4 * words + 5 + 9) // 10 if words else 0


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


@record
class Cue(Frozen):
    offset: float  # seconds from the session start
    duration: float
    kind: CueKind
    text: str  # shown
    technique_id: str | None = None
    index: int | None = None  # which routine item
    side: str | None = None
    rep: int | None = None
    reps: int | None = None
    breath: str | None = None  # shown with every repetition, said with the first
    phase_end: float | None = None  # what a countdown counts to; set by build_timeline
    say: str = ""  # spoken; the cue lasts at least its speaking time (and the text's)

    @property
    def end(self) -> float:
        return self.offset + self.duration

    def as_dict(self) -> dict[str, object]:
        return {
            "offset": self.offset,
            "duration": self.duration,
            "kind": self.kind.value,
            "text": self.text,
            "say": self.say or self.text,
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


# Patterns, compiled on first use (re keeps them): planning reads this module for its
# arithmetic, and a plan needs none of them.
# A step that keeps the position ("stay for the hold", "rest there ... for the time shown").
_HOLD_STEP = (
    r"(?i)\b(for the (whole )?hold|for the count|for the time shown|stay (there|still|for)|"
    r"rest there|hold that|keep that)\b"
)
_THEN = r"(?i),\s*then\s+"
_FINISH = r"(?i)^(to finish|finish|come to a stop)\b"
_REPEAT = r"(?i)^repeat\b"  # the timeline's own counts say this


@record
class Script(Frozen):
    """Where a technique's steps are said: the position steps before the hold while getting into
    position (setup), the steps marked as the movement with the first moving in, the hold step
    at the first hold, what follows it at the first release, and a closing step ("To finish,
    ...") after the last repetition. Movement, hold and release words never come early."""

    setup: tuple[str, ...]  # the intro, then numbered steps
    move: str | None  # said with the first moving in
    hold: str | None
    release: str | None
    finish: str | None


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def _split_then(step: str) -> tuple[str, str]:
    """ "Stay for the hold, then return slowly." -> ("Stay for the hold.", "Return slowly.")"""
    parts = re.split(_THEN, step, maxsplit=1)
    if len(parts) == 1:
        return step, ""
    return parts[0].rstrip(".") + ".", _sentence(parts[1])


def script(t: Technique, variant: Variant | None) -> Script:
    """Split a technique's steps by the phase they describe: setup says only how to get into
    position; the steps marked as the movement come with the first repetition."""
    intro = _join(f"{t.name}.", variant.text if variant else None)
    texts = [s.text for s in t.steps]
    at = next((i for i, s in enumerate(texts) if re.search(_HOLD_STEP, s)), None)
    before = t.steps if at is None else t.steps[:at]
    position = [s.text for s in before if s.phase in (None, StepPhase.POSITION)]
    moving = [s.text for s in before if s.phase is StepPhase.MOVE]
    move = " ".join([*moving, variant.move] if variant and variant.move else moving) or None
    back = [s.text for s in before if s.phase is StepPhase.RELEASE]
    numbered = tuple(f"{k}. {s}" for k, s in enumerate(position, start=1))
    if at is None:
        release_only = " ".join(back) or None
        return Script((intro, *numbered), move, hold=None, release=release_only, finish=None)
    held, after = _split_then(texts[at])
    later = texts[at + 1 :]
    release = [*back, after] if after else list(back)
    release += [s for s in later if not re.match(_FINISH, s) and not re.match(_REPEAT, s)]
    finish = [s for s in later if re.match(_FINISH, s)]
    if t.dosage.hold_seconds is None:  # nothing is held: the hold step belongs to the return
        release.insert(0, held)
        held = ""
    return Script(
        setup=(intro, *numbered),
        move=move,
        hold=held or None,
        release=" ".join(release) or None,
        finish=" ".join(finish) or None,
    )


_MOVE_FIRST = "Move slowly into position."
_MOVE = "move in slowly."
_RELEASE = "Slowly come back."
_SWITCH = "Switch to the right side."


def _rest_text(rest_seconds: int) -> str:
    return "Rest and breathe." if rest_seconds >= speaking_seconds("Rest and breathe.") else "Rest."


@record
class _Line(Frozen):
    text: str
    say: str
    seconds: int


def _line(text: str, extra: str | None, floor: int, spoken_extra: bool = True) -> _Line:
    say = _join(text, extra) if spoken_extra else text
    return _Line(text, say, max(floor, speaking_seconds(say), speaking_seconds(text)))


def _hold_text(seconds: int, sc: Script, first: bool) -> str:
    return _join(f"Hold for {seconds} seconds.", sc.hold if first else None)


def _short_holds(seconds: int) -> tuple[str, str]:
    """The hold said alone, then shorter still for a hold of a second or two."""
    return f"Hold for {seconds} seconds.", f"Hold {seconds} seconds."


@record
class _Rep(Frozen):
    """The cues of one repetition (move in, maybe hold, move out)."""

    move: _Line
    hold: _Line | None
    release: _Line

    @property
    def seconds(self) -> int:
        return self.move.seconds + (self.hold.seconds if self.hold else 0) + self.release.seconds


def _rep(
    t: Technique,
    sc: Script,
    hold: int | None,
    rep: int,
    reps: int,
    side: str | None,
    first: bool,
    last: bool,
) -> _Rep:
    d, b = t.dosage, t.breathing
    where = f" on the {side} side" if side and first else ""
    move_text = (
        f"Repetition {rep} of {reps}{where}. {sc.move or _MOVE_FIRST}"
        if first
        else f"{rep} of {reps}: {_MOVE}"
    )
    move_say: str | None = b.into
    hold_line = None
    if hold:
        hold_line = _line(_hold_text(hold, sc, first), b.hold, hold, first)
        if hold_line.seconds != hold:
            # What to do in the hold would outlast it: say it while moving in, so the hold is
            # as long as planned (a 3 s bridge hold, not 9 s because of the words).
            if first and sc.hold:
                move_text = _join(move_text, _then(sc.hold))
            if first and b.hold:
                move_say = _join(b.into, b.hold)
            hold_line = min(
                (_line(text, None, hold) for text in _short_holds(hold)),
                key=lambda x: x.seconds,
            )
    release_text = (sc.release or _RELEASE) if first else _RELEASE
    if last:
        release_text = _join(release_text, sc.finish)
    return _Rep(
        move=_line(move_text, move_say, d.move_seconds, first),
        hold=hold_line,
        release=_line(release_text, b.out, d.move_seconds, first),
    )


def _then(step: str) -> str:
    """ "Stay there for a few seconds." -> "Then stay there for a few seconds." """
    return f"Then {step[:1].lower()}{step[1:]}"


_SCRIPTS: dict[tuple[int, int], tuple[Technique, Variant | None, Script]] = {}


def _script(t: Technique, variant: Variant | None) -> Script:
    """`script`, remembered per technique object (the planner asks thousands of times)."""
    key = (id(t), id(variant))
    hit = _SCRIPTS.get(key)
    if hit is not None and hit[0] is t and hit[1] is variant:
        return hit[2]
    sc = script(t, variant)
    _SCRIPTS[key] = (t, variant, sc)
    return sc


def _setup_lines(t: Technique, sc: Script) -> list[_Line]:
    """Each setup text gets its speaking time; the dosage's setup time, if longer, is shared out."""
    lines = [_Line(s, s, speaking_seconds(s)) for s in sc.setup]
    spare = t.dosage.setup_seconds - sum(x.seconds for x in lines)
    if spare > 0:
        share, rest = divmod(spare, len(lines))
        lines = [
            replace(x, seconds=x.seconds + share + (rest if k == len(lines) - 1 else 0))
            for k, x in enumerate(lines)
        ]
    return lines


def _gap_seconds(rest_seconds: int) -> int:
    return max(rest_seconds, speaking_seconds(_rest_text(rest_seconds))) if rest_seconds else 0


def item_seconds(
    t: Technique, hold: int | None, reps: int, sets: int, variant: Variant | None = None
) -> int:
    """Length of one technique as the timeline plays it: setup, then every repetition (move in,
    hold, move out) with rests, each phase at least as long as what is said in it."""
    sc = _script(t, variant)
    d = t.dosage
    n = reps * sets * (2 if d.per_side else 1)
    side = "left" if d.per_side else None
    setup = sum(x.seconds for x in _setup_lines(t, sc))
    if n == 1:
        return setup + _rep(t, sc, hold, 1, reps, side, True, True).seconds
    first = _rep(t, sc, hold, 1, reps, side, True, False).seconds
    other = _rep(t, sc, hold, 2, reps, side, False, False).seconds
    last = _rep(t, sc, hold, reps, reps, side, False, True).seconds
    gaps = (n - 1) * _gap_seconds(d.rest_seconds)
    if d.per_side:
        gaps += max(d.rest_seconds, speaking_seconds(_SWITCH)) - _gap_seconds(d.rest_seconds)
    return setup + first + (n - 2) * other + last + gaps


def _technique_cues(item: PlannedTechnique, index: int, start: float) -> list[Cue]:
    t, d = item.technique, item.technique.dosage
    sc = _script(t, item.variant)
    cues: list[Cue] = []
    at = start
    for k, line in enumerate(_setup_lines(t, sc)):
        kind = CueKind.INTRO if k == 0 else CueKind.STEP
        cues.append(Cue(at, line.seconds, kind, line.text, t.id, index, say=line.say))
        at += line.seconds
    sides = ["left", "right"] if d.per_side else [None]
    n_total = len(sides) * item.sets * item.reps
    done = 0
    for side in sides:
        for _set in range(item.sets):
            for rep in range(1, item.reps + 1):
                r = _rep(
                    t,
                    sc,
                    item.hold_seconds,
                    rep,
                    item.reps,
                    side,
                    done == 0,
                    done == n_total - 1,
                )
                b = t.breathing
                phases = [(CueKind.MOVE, r.move, b.into)]
                if r.hold is not None:
                    phases.append((CueKind.HOLD, r.hold, b.hold))
                phases.append((CueKind.RELEASE, r.release, b.out))
                for kind, line, breath in phases:
                    cues.append(
                        Cue(
                            at,
                            line.seconds,
                            kind,
                            line.text,
                            t.id,
                            index,
                            side,
                            rep,
                            item.reps,
                            breath,
                            say=line.say,
                        )
                    )
                    at += line.seconds
                done += 1
                if done == n_total:
                    continue
                if side is not None and done == n_total // 2:
                    gap = max(d.rest_seconds, speaking_seconds(_SWITCH))
                    cues.append(
                        Cue(at, gap, CueKind.SWITCH_SIDE, _SWITCH, t.id, index, side, say=_SWITCH)
                    )
                    at += gap
                elif d.rest_seconds:
                    text = _rest_text(d.rest_seconds)
                    gap = _gap_seconds(d.rest_seconds)
                    cues.append(Cue(at, gap, CueKind.REST, text, t.id, index, side, say=text))
                    at += gap
    return cues


def build_timeline(routine: Routine) -> tuple[Cue, ...]:
    """Every cue of the session, in order; the last is the completion cue at the total length."""
    cues = [Cue(0.0, READY_SECONDS, CueKind.READY, READY_TEXT, say=READY_TEXT)]
    at = float(READY_SECONDS)
    for index, item in enumerate(routine.items):
        cues.extend(_technique_cues(item, index, at))
        at = cues[-1].end
    done = "Well done. The routine is complete."
    cues.append(Cue(at, 0.0, CueKind.COMPLETE, done, say=done))
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


@record
class SessionClock(Frozen):
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
    outcomes: tuple[tuple[int, Outcome], ...] = ()

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
