"""Motion analysis: pose landmarks over time → joint angles → a signal → coaching events.

Pure and clock-free: frames arrive with their own timestamps, so the same code runs on a live
camera, a recorded video and the synthetic sequences in the tests. Plain `math`, no numpy, so the
core stays importable without the camera extra.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Literal

from easeback.domain.models import TechniqueId
from easeback.domain.rhythm import PeriodCounter
from easeback.domain.values import Check, Frozen, value

# ---- landmarks ----

N_LANDMARKS = 33  # MediaPipe pose topology
NOSE, LEFT_EAR, RIGHT_EAR = 0, 7, 8
LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_ELBOW, RIGHT_ELBOW = 11, 12, 13, 14
LEFT_WRIST, RIGHT_WRIST, LEFT_HIP, RIGHT_HIP = 15, 16, 23, 24
LEFT_KNEE, RIGHT_KNEE, LEFT_ANKLE, RIGHT_ANKLE = 25, 26, 27, 28

VISIBLE = 0.5  # MediaPipe visibility above which a landmark counts as seen
FRAME_MARGIN = 0.02  # normalised coordinates may stray this far outside the picture
BEND_MAX = 150.0  # and it must not fold back on itself
BEND_MIN_RUN = 0.5  # a bend needs its first segment within 60° of horizontal (cos 60° = 0.5)


@dataclass(frozen=True, slots=True)
class Landmark:
    """One landmark in normalised image coordinates (x right, y down, 0..1) with its visibility."""

    x: float
    y: float
    visibility: float = 1.0

    @property
    def seen(self) -> bool:
        lo, hi = -FRAME_MARGIN, 1 + FRAME_MARGIN
        return self.visibility >= VISIBLE and lo <= self.x <= hi and lo <= self.y <= hi


@dataclass(frozen=True, slots=True)
class PoseFrame:
    """Landmarks of one frame at time t (seconds); None when no person was found."""

    t: float
    landmarks: tuple[Landmark, ...] | None


# ---- angles ----


class View(StrEnum):
    SIDE = "side"
    FRONT = "front"


class AngleKind(StrEnum):
    JOINT = "joint"  # interior angle at the middle point, 0..180 (180 = straight)
    BEND = "bend"  # signed deviation from straight, + toward the floor (image down)
    TILT = "tilt"  # signed angle of a segment from image-up, + toward image right
    LEAN = "lean"  # unsigned angle of a segment from image-up, 0..180


@dataclass(frozen=True)
class AngleDef:
    name: str
    kind: AngleKind
    points: tuple[tuple[int, ...], ...]  # each point is the midpoint of these landmarks
    meaning: str

    @property
    def landmarks(self) -> frozenset[int]:
        return frozenset(i for p in self.points for i in p)


_SIDES: dict[str, tuple[int, int, int, int, int, int, int]] = {
    # ear, shoulder, elbow, wrist, hip, knee, ankle
    "left": (LEFT_EAR, LEFT_SHOULDER, LEFT_ELBOW, LEFT_WRIST, LEFT_HIP, LEFT_KNEE, LEFT_ANKLE),
    "right": (
        RIGHT_EAR,
        RIGHT_SHOULDER,
        RIGHT_ELBOW,
        RIGHT_WRIST,
        RIGHT_HIP,
        RIGHT_KNEE,
        RIGHT_ANKLE,
    ),
}


def _angle_defs() -> dict[str, AngleDef]:
    defs: list[AngleDef] = []
    for side, (ear, sho, elb, wri, hip, kne, ank) in _SIDES.items():
        j, b = AngleKind.JOINT, AngleKind.BEND
        defs += [
            AngleDef(f"{side}_hip", j, ((sho,), (hip,), (kne,)), "shoulder–hip–knee"),
            AngleDef(f"{side}_knee", j, ((hip,), (kne,), (ank,)), "hip–knee–ankle"),
            AngleDef(f"{side}_shoulder", j, ((elb,), (sho,), (hip,)), "elbow–shoulder–hip"),
            AngleDef(f"{side}_elbow", j, ((sho,), (elb,), (wri,)), "shoulder–elbow–wrist"),
            AngleDef(f"{side}_hip_bend", b, ((sho,), (hip,), (kne,)), "thigh off the trunk line"),
            AngleDef(f"{side}_neck_bend", b, ((hip,), (sho,), (ear,)), "head off the trunk line"),
            AngleDef(f"{side}_shoulder_bend", b, ((hip,), (sho,), (elb,)), "arm off trunk line"),
        ]
    mid_sho, mid_hip = (LEFT_SHOULDER, RIGHT_SHOULDER), (LEFT_HIP, RIGHT_HIP)
    defs += [
        AngleDef("trunk_tilt", AngleKind.TILT, (mid_hip, mid_sho), "trunk sideways from upright"),
        AngleDef("trunk_lean", AngleKind.LEAN, (mid_hip, mid_sho), "trunk away from upright"),
        AngleDef(
            "thigh_tilt", AngleKind.TILT, (mid_hip, (LEFT_KNEE, RIGHT_KNEE)), "knees sideways"
        ),
    ]
    return {d.name: d for d in defs}


ANGLES: dict[str, AngleDef] = _angle_defs()
BILATERAL: frozenset[str] = frozenset(n.removeprefix("left_") for n in ANGLES if "left_" in n)
# what must be in view before coaching starts, per side of the body
_BODY = {side: (s[1], s[4], s[5], s[6]) for side, s in _SIDES.items()}


def _xy(lms: Sequence[Landmark], ids: tuple[int, ...], aspect: float) -> tuple[float, float]:
    """A point in pixel proportions: one landmark, or the midpoint of several."""
    if len(ids) == 1:
        lm = lms[ids[0]]
        return lm.x * aspect, lm.y
    n = len(ids)
    return sum(lms[i].x for i in ids) * aspect / n, sum(lms[i].y for i in ids) / n


def _angle(defn: AngleDef, lms: Sequence[Landmark], aspect: float) -> float | None:
    if defn.kind in (AngleKind.TILT, AngleKind.LEAN):
        (x0, y0), (x1, y1) = (_xy(lms, p, aspect) for p in defn.points)
        tilt = math.degrees(math.atan2(x1 - x0, y0 - y1))
        return tilt if defn.kind is AngleKind.TILT else abs(tilt)
    (ax, ay), (bx, by), (cx, cy) = (_xy(lms, p, aspect) for p in defn.points)
    ux, uy, vx, vy = bx - ax, by - ay, cx - bx, cy - by  # along the first segment, then on
    turn = math.degrees(math.atan2(ux * vy - uy * vx, ux * vx + uy * vy))
    if defn.kind is AngleKind.JOINT:
        return 180.0 - abs(turn)
    if abs(ux) < BEND_MIN_RUN * math.hypot(ux, uy):
        return None  # "toward the floor" is undefined for a segment this close to vertical
    if abs(turn) > BEND_MAX:
        return None  # folded back on itself, where the sign flips at ±180
    return turn if ux >= 0 else -turn  # a positive turn is toward the floor when moving right


def measure(defn: AngleDef, lms: Sequence[Landmark], aspect: float = 1.0) -> float | None:
    """The angle in degrees, or None when one of its landmarks is not seen.

    aspect is the picture's width / height, so that angles are taken in pixels, not in the
    normalised coordinates, which stretch a wide picture.
    """
    if not all(lms[i].seen for i in defn.landmarks):
        return None
    return _angle(defn, lms, aspect)


def measure_all(
    lms: Sequence[Landmark], names: Iterable[str] | None = None, aspect: float = 1.0
) -> dict[str, float]:
    """Every named angle (default: all) that can be measured in this frame."""
    seen = {i for i, lm in enumerate(lms) if lm.seen}
    out: dict[str, float] = {}
    for name in ANGLES if names is None else names:
        defn = ANGLES[name]
        if defn.landmarks <= seen and (value := _angle(defn, lms, aspect)) is not None:
            out[name] = value
    return out


# ---- signals: which angle a technique moves, declared in content/motion ----


@value
class Signal(Frozen):
    """How the camera sees one technique: the angle it moves, from where to where, how fast."""

    technique: TechniqueId
    view: View
    angle: str
    side: Literal["left", "right", "either"] | None = None
    absolute: bool = False  # compare |angle|: a per-side movement done to either side
    start: Annotated[float, Check(ge=-180, le=180)]
    end: Annotated[float, Check(ge=-180, le=180)]
    past_margin: Annotated[float, Check(gt=0, le=60)] | None = None
    min_move_seconds: Annotated[float, Check(gt=0, le=30)]
    holds: bool
    note: str | None = None

    def __post_init__(self) -> None:
        base = self.angle
        if base not in ANGLES and base not in BILATERAL:
            raise ValueError(f"unknown angle {base!r}; known: {', '.join(sorted(_known()))}")
        if (base in BILATERAL) != (self.side is not None):
            raise ValueError(
                f"angle {base!r} needs side: left, right or either"
                if base in BILATERAL
                else f"angle {base!r} takes no side"
            )
        if abs(self.end - self.start) < 10:
            raise ValueError("start and end must be at least 10 degrees apart")
        kind = self.kind
        if kind in (AngleKind.JOINT, AngleKind.LEAN) or self.absolute:
            lo, hi = (0.0, 180.0)
            for name, v in (("start", self.start), ("end", self.end)):
                if not lo <= v <= hi:
                    raise ValueError(f"{name} {v} is outside 0..180 for this angle")
            if self.past_margin is not None:
                beyond = self.end + self.past_margin * (1 if self.end > self.start else -1)
                if not lo < beyond < hi:
                    raise ValueError(
                        f"past_margin puts the limit at {beyond:g}, which this angle cannot "
                        "reach; leave past_margin out"
                    )
        if kind is AngleKind.BEND:
            limit = abs(self.end) + (self.past_margin or 0.0)
            if max(abs(self.start), limit) > BEND_MAX:
                raise ValueError(f"a bend is measured only within ±{BEND_MAX:g} degrees")
        wanted = View.FRONT if kind is AngleKind.TILT else View.SIDE
        if kind in (AngleKind.BEND, AngleKind.TILT) and self.view is not wanted:
            raise ValueError(f"a {kind.value} angle is measured from the {wanted.value} view")

    @property
    def kind(self) -> AngleKind:
        return ANGLES[self.names[0]].kind

    @property
    def names(self) -> tuple[str, ...]:
        """The concrete angle names this signal reads (two when either side may move)."""
        if self.side is None:
            return (self.angle,)
        if self.side == "either":
            return (f"left_{self.angle}", f"right_{self.angle}")
        return (f"{self.side}_{self.angle}",)

    @property
    def span(self) -> float:
        return self.end - self.start

    def progress(self, value: float) -> float:
        """0 at the start pose, 1 at the end pose."""
        return ((abs(value) if self.absolute else value) - self.start) / self.span


def _known() -> set[str]:
    return {n for n in ANGLES if not n.startswith("right_")} | BILATERAL


# ---- events ----


class EventKind(StrEnum):
    SETUP = "setup"  # the body is not (or no longer) fully in view from the right side
    READY = "ready"
    REP = "rep"
    HOLD = "hold"  # a hold ended; value = its seconds
    SLOW_DOWN = "slow_down"
    BOUNCING = "bouncing"
    PAST_RANGE = "past_range"


WARNINGS = frozenset(
    {EventKind.SETUP, EventKind.SLOW_DOWN, EventKind.BOUNCING, EventKind.PAST_RANGE}
)

MESSAGES: dict[EventKind, str] = {
    EventKind.SETUP: "Move so the camera sees your whole body",
    EventKind.READY: "Ready: I can see you",
    EventKind.REP: "Repetition",
    EventKind.HOLD: "Hold done",
    EventKind.SLOW_DOWN: "Slow down: move slowly and smoothly",
    EventKind.BOUNCING: "Stay still at the end; no bouncing",
    EventKind.PAST_RANGE: "Ease back: that is past a comfortable range",
}


@dataclass(frozen=True, slots=True)
class Event:
    t: float
    kind: EventKind
    detail: str = ""
    value: float | None = None

    @property
    def message(self) -> str:
        return MESSAGES[self.kind] + (f" ({self.detail})" if self.detail else "")


# ---- tuning: why each number is what it is ----

START_BAND = 0.25  # progress at or below this is "at the start"
END_BAND = 0.75  # at or above this is "at the end"; the gap between them is the hysteresis
HOLD_BAND = 0.85  # a hold counts only this close to the end pose...
HOLD_BAND_MIN_DEG = 4.0  # ...but never tighter than the angle noise allows
READY_SECONDS = 0.5  # the body must stay in view this long before coaching starts
LOST_SECONDS = 1.0  # out of view this long: back to setup, the rep in progress is dropped
MAX_GAP = 0.5  # dropped frames up to this long still count towards a hold
SMOOTH_TAU = 0.1  # seconds; exponential smoothing after a 3-frame median against spikes
BOUNCE_MIN_DEG = 4.0  # a reversal smaller than this (or 12% of the range) is noise
BOUNCE_FRACTION = 0.12
BOUNCE_JITTER = 4.0  # ...or this many times the angle's own jitter (short segments are noisy)
JITTER_TAU = 2.0  # seconds over which that jitter is averaged
BOUNCE_REVERSALS = 3  # this many reversals...
BOUNCE_WINDOW = 2.5  # ...within this many seconds near the end pose is bouncing
BOUNCE_ZONE = 0.5  # "near the end pose"
EITHER_AGREE = 10.0  # degrees; two sides closer than this are the same movement
MIDDLE_SHARE = 1 / 3  # a smooth (eased) move crosses the middle half of its range in 1/3
RHYTHM_DEGREES = 90.0  # the angle's scale for the rhythm counter (its unit is about a torso)


class _Smoother:
    """3-sample median (drops single-frame spikes) then exponential smoothing."""

    def __init__(self) -> None:
        self.raw: deque[float] = deque(maxlen=3)
        self.value: float | None = None
        self.t: float | None = None
        self.jitter = 0.0  # running mean of |sample - median|: the angle's own noise

    def reset(self) -> None:
        self.raw.clear()
        self.value = self.t = None
        self.jitter = 0.0

    def update(self, t: float, x: float) -> float:
        self.raw.append(x)
        med = sorted(self.raw)[len(self.raw) // 2]
        if self.value is None or self.t is None:
            self.value = med
        else:
            dt = max(t - self.t, 0.0)
            alpha = 1.0 - math.exp(-dt / SMOOTH_TAU)
            self.value += alpha * (med - self.value)
            self.jitter += (1.0 - math.exp(-dt / JITTER_TAU)) * (abs(x - med) - self.jitter)
        self.t = t
        return self.value


def fully_visible(
    lms: Sequence[Landmark], view: View, names: Sequence[str], aspect: float = 1.0
) -> str | None:
    """None when the body is in view from the right side for these angles; else what is wrong."""
    body_sides = [s for s, ids in _BODY.items() if all(lms[i].seen for i in ids)]
    if view is View.FRONT and len(body_sides) < 2:
        return "face the camera with your whole body in the picture"
    if view is View.SIDE and not body_sides:
        return "turn side-on with your whole body in the picture"
    if not any(ANGLES[n].landmarks <= {i for i, lm in enumerate(lms) if lm.seen} for n in names):
        return "the moving part is out of view"
    width = abs(lms[LEFT_SHOULDER].x - lms[RIGHT_SHOULDER].x) * aspect
    length = math.dist(
        _xy(lms, (LEFT_SHOULDER, RIGHT_SHOULDER), aspect), _xy(lms, (LEFT_HIP, RIGHT_HIP), aspect)
    )
    if len(body_sides) == 2 and length > 0:
        facing = width / length > 0.4
        if view is View.SIDE and facing and all(ANGLES[n].kind is AngleKind.BEND for n in names):
            return "turn side-on to the camera"
    return None


@dataclass
class Summary:
    reps: int
    hold_seconds: float
    events: list[Event]

    @property
    def warnings(self) -> list[Event]:
        return [e for e in self.events if e.kind in WARNINGS]


@dataclass
class Coach:
    """Turns a stream of pose frames into coaching events for one technique's signal."""

    signal: Signal
    aspect: float = 1.0
    keep_events: bool = True
    reps: int = 0
    hold_seconds: float = 0.0
    events: list[Event] = field(default_factory=list)
    _ready: bool = False
    _seen_since: float | None = None
    _last_seen: float | None = None
    _setup_said: bool = False
    _said_problem: str | None = None  # what the last setup guidance said was wrong
    _problem: str | None = None  # a different problem, and since when it has lasted
    _problem_since: float = 0.0
    _smooth: _Smoother = field(default_factory=_Smoother)
    _at: Literal["start", "end"] | None = None
    _left_start: float = 0.0  # last time at the start band
    _left_end: float = 0.0  # last time at the end band
    _t: float | None = None
    _rep_hold: float = 0.0
    _past: bool = False
    _zig_extreme: float | None = None
    _zig_dir: int = 0
    _reversals: deque[float] = field(default_factory=lambda: deque(maxlen=8))
    _bounce_said: bool = False
    value: float | None = None  # the smoothed signal, for display
    _rhythm: PeriodCounter = field(default_factory=lambda: PeriodCounter(("angle",)))
    _recent: deque[float] = field(default_factory=lambda: deque(maxlen=5))
    _reached: tuple[float, float] = (math.inf, -math.inf)  # progress seen, lowest and highest

    def update(self, frame: PoseFrame) -> list[Event]:
        """Feed one frame; returns the events it caused."""
        out: list[Event] = []
        raw = self._read(frame, out)
        if raw is not None:
            self._track(frame.t, raw, out)
        # the rhythm reads the angle wherever its own landmarks are seen, whole body or not
        seen = None if frame.landmarks is None else self._pick(frame.landmarks)
        self._rhythm.add(frame.t, None if seen is None else (seen / RHYTHM_DEGREES,))
        if seen is not None:
            self._recent.append(self.signal.progress(seen))
            p = sorted(self._recent)[len(self._recent) // 2]  # a median: one noisy frame is not
            self._reached = (min(self._reached[0], p), max(self._reached[1], p))  # a pose
        if self.keep_events:
            self.events.extend(out)
        return out

    @property
    def counted(self) -> int:
        """Repetitions: each one from the start pose to the end pose and back. When the body is
        never wholly in view (feet out of the picture, say) but the angle's own landmarks are,
        and it has moved between the start and end poses: the cycles of its rhythm. A movement
        that stops short of the end pose is not a repetition either way."""
        lo, hi = self._reached
        if self.reps or lo > START_BAND or hi < END_BAND:
            return self.reps
        return self._rhythm.reps

    def run(self, frames: Iterable[PoseFrame]) -> Summary:
        for f in frames:
            self.update(f)
        return self.summary()

    def summary(self) -> Summary:
        return Summary(self.counted, round(self.hold_seconds, 2), list(self.events))

    # -- visibility and setup --

    def _read(self, frame: PoseFrame, out: list[Event]) -> float | None:
        t, lms = frame.t, frame.landmarks
        problem = "no one in the picture" if lms is None else None
        if lms is not None:
            problem = fully_visible(lms, self.signal.view, self.signal.names, self.aspect)
        if problem is not None:
            if self._last_seen is not None and t - self._last_seen <= MAX_GAP:
                return None  # a dropped frame or two: keep the ready timer running
            self._seen_since = None
            lost = self._last_seen is None or t - self._last_seen > LOST_SECONDS
            if lost and not self._setup_said:
                out.append(Event(t, EventKind.SETUP, problem))
                self._setup_said, self._said_problem, self._problem = True, problem, None
                self._ready = False
                self._restart()
            elif self._setup_said and problem != self._said_problem:
                # Still not ready, for another reason now (seen at last, but side-on where the
                # technique needs the front): say the new one once it has lasted, or the person
                # reads "no one in the picture" over their own outline. A problem flickering
                # between two never lasts, so it is not said over and over.
                if problem != self._problem:
                    self._problem, self._problem_since = problem, t
                elif t - self._problem_since >= LOST_SECONDS:
                    out.append(Event(t, EventKind.SETUP, problem))
                    self._said_problem, self._problem = problem, None
            else:
                self._problem = None
            return None
        assert lms is not None
        self._last_seen = t
        if not self._ready:
            self._seen_since = t if self._seen_since is None else self._seen_since
            if t - self._seen_since < READY_SECONDS:
                return None
            self._ready, self._setup_said = True, False
            out.append(Event(t, EventKind.READY))
        return self._pick(lms)

    def _pick(self, lms: Sequence[Landmark]) -> float | None:
        """The signal's value; with either side, the side further toward the end pose.

        When both sides agree (within EITHER_AGREE degrees) their mean is used instead, so that
        taking the larger of two noisy readings does not bias holds upward.
        """
        sig = self.signal
        found = [v for n in sig.names if (v := measure(ANGLES[n], lms, self.aspect)) is not None]
        if not found:
            return None
        if sig.absolute:
            found = [abs(v) for v in found]
        if len(found) == 2 and abs(found[0] - found[1]) < EITHER_AGREE:
            return (found[0] + found[1]) / 2
        return max(found, key=sig.progress)

    def _restart(self) -> None:
        self._smooth.reset()
        self._at, self._t, self._past, self._rep_hold = None, None, False, 0.0
        self._reset_zigzag()

    # -- the signal --

    def _track(self, t: float, raw: float, out: list[Event]) -> None:
        sig = self.signal
        v = self._smooth.update(t, raw)
        self.value = v
        p = (v - sig.start) / sig.span
        dt = 0.0 if self._t is None else t - self._t
        self._t = t
        self._hold(p, v, dt, out, t)
        if p <= START_BAND:
            if self._at == "end":
                self._finish_rep(t, out)
            if self._at == "end" or self._at is None:
                self._at = "start"
            self._left_start = t
        elif p >= END_BAND:
            if self._at == "start":
                self._at = "end"
                self._check_tempo(t - self._left_start, t, out)
            self._left_end = t
        self._bounce(t, p, v, out)
        self._past_range(t, v, out)

    def _hold_band(self) -> float:
        span = abs(self.signal.span)
        return min(HOLD_BAND, 1.0 - HOLD_BAND_MIN_DEG / span)

    def _hold(self, p: float, v: float, dt: float, out: list[Event], t: float) -> None:
        if not self.signal.holds or self._at != "end" or dt > MAX_GAP:
            return
        if p >= self._hold_band() and not self._beyond(v):
            self._rep_hold += dt
            self.hold_seconds += dt

    def _finish_rep(self, t: float, out: list[Event]) -> None:
        self.reps += 1
        self._check_tempo(t - self._left_end, t, out)
        if self.signal.holds:
            out.append(Event(t, EventKind.HOLD, value=round(self._rep_hold, 2)))
        out.append(Event(t, EventKind.REP, str(self.reps), float(self.reps)))
        self._rep_hold = 0.0
        self._bounce_said = False

    def _check_tempo(self, transit: float, t: float, out: list[Event]) -> None:
        estimated = transit / MIDDLE_SHARE  # of the time it takes from one end to the other
        if estimated < self.signal.min_move_seconds:
            out.append(Event(t, EventKind.SLOW_DOWN, f"{estimated:.1f} s", estimated))

    def _overshoot(self, v: float) -> float:
        sig = self.signal
        return (v - sig.end) * (1.0 if sig.span > 0 else -1.0)

    def _beyond(self, v: float) -> bool:
        m = self.signal.past_margin
        return m is not None and self._overshoot(v) > m

    def _past_range(self, t: float, v: float, out: list[Event]) -> None:
        m = self.signal.past_margin
        if m is None:
            return
        over = self._overshoot(v)
        if not self._past and over > m:
            self._past = True
            out.append(Event(t, EventKind.PAST_RANGE, f"{over:.0f}° past the end pose", over))
        elif self._past and over < m / 2:
            self._past = False

    # -- bouncing: repeated reversals near the end pose --

    def _reset_zigzag(self) -> None:
        self._zig_extreme, self._zig_dir = None, 0
        self._reversals.clear()

    def _bounce(self, t: float, p: float, v: float, out: list[Event]) -> None:
        if p < BOUNCE_ZONE or self._at is None:
            self._reset_zigzag()
            return
        step = max(
            BOUNCE_MIN_DEG,
            BOUNCE_FRACTION * abs(self.signal.span),
            BOUNCE_JITTER * self._smooth.jitter,
        )
        if self._zig_extreme is None:
            self._zig_extreme = v
            return
        d = v - self._zig_extreme
        if self._zig_dir == 0:
            if abs(d) >= step:
                self._zig_dir, self._zig_extreme = (1 if d > 0 else -1), v
            return
        if d * self._zig_dir > 0:
            self._zig_extreme = v  # still going the same way
        elif abs(d) >= step:
            self._zig_dir, self._zig_extreme = -self._zig_dir, v
            self._reversals.append(t)
            recent = [r for r in self._reversals if t - r <= BOUNCE_WINDOW]
            if len(recent) >= BOUNCE_REVERSALS and not self._bounce_said:
                self._bounce_said = True
                out.append(Event(t, EventKind.BOUNCING))


# ---- generic mode: easeback.domain.repetition counts whatever repeats ----

AUTO_CANDIDATES: tuple[str, ...] = tuple(
    n
    for n, d in ANGLES.items()
    if d.kind is not AngleKind.TILT  # tilts wrap at ±180
)
