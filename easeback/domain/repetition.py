"""Counting repetitions of any movement from pose landmarks, without knowing the movement.

Many signals at once: landmark positions relative to the shoulders, scaled by the torso (camera
motion and zoom cancel out), the shoulders' own movement against a slowly following centre (a jump
or a bob), and joint angles, each read only where its landmarks are visible. easeback.domain
.rhythm finds the period they share and counts by it. Beside them, when the camera door gives
them, a few numbers per frame of what the picture itself shows form a second group, whose own
rhythm counts when it stands further above chance.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from easeback.domain.motion import (
    LEFT_ANKLE,
    LEFT_ELBOW,
    LEFT_HIP,
    LEFT_KNEE,
    LEFT_SHOULDER,
    LEFT_WRIST,
    NOSE,
    RIGHT_ANKLE,
    RIGHT_ELBOW,
    RIGHT_HIP,
    RIGHT_KNEE,
    RIGHT_SHOULDER,
    RIGHT_WRIST,
    Event,
    EventKind,
    Landmark,
    PoseFrame,
    Summary,
)
from easeback.domain.rhythm import PeriodCounter, Similarities, similarities

VISIBLE_MIN = 0.3  # landmarks below this visibility are left out
SCALE_TAU = 1.0  # seconds; the torso length is averaged over this
CENTRE_TAU = 2.0  # seconds; the slow centre the whole body's movement is measured against

_POINTS = {
    "nose": (NOSE,),
    "left_shoulder": (LEFT_SHOULDER,),
    "right_shoulder": (RIGHT_SHOULDER,),
    "left_elbow": (LEFT_ELBOW,),
    "right_elbow": (RIGHT_ELBOW,),
    "left_wrist": (LEFT_WRIST,),
    "right_wrist": (RIGHT_WRIST,),
    "left_knee": (LEFT_KNEE,),
    "right_knee": (RIGHT_KNEE,),
    "left_ankle": (LEFT_ANKLE,),
    "right_ankle": (RIGHT_ANKLE,),
}
_JOINTS = {
    "left_elbow": (LEFT_SHOULDER, LEFT_ELBOW, LEFT_WRIST),
    "right_elbow": (RIGHT_SHOULDER, RIGHT_ELBOW, RIGHT_WRIST),
    "left_shoulder": (LEFT_ELBOW, LEFT_SHOULDER, LEFT_HIP),
    "right_shoulder": (RIGHT_ELBOW, RIGHT_SHOULDER, RIGHT_HIP),
    "left_hip": (LEFT_SHOULDER, LEFT_HIP, LEFT_KNEE),
    "right_hip": (RIGHT_SHOULDER, RIGHT_HIP, RIGHT_KNEE),
    "left_knee": (LEFT_HIP, LEFT_KNEE, LEFT_ANKLE),
    "right_knee": (RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE),
}
SIGNALS: tuple[str, ...] = (
    *(f"{p}_{axis}" for p in _POINTS for axis in "xy"),
    "body_x",
    "body_y",
    *_JOINTS,
)
# What the picture itself shows (numbers the camera door makes from each frame, see
# easeback.pose.appearance): analysed apart from the pose's signals, so that a movement no
# landmark carries (only hands in view, a hoop, a person too small to track well) is still
# counted, and whichever of the two stands further above chance counts.
PICTURE_SIGNALS: tuple[str, ...] = tuple(f"picture_{i}" for i in range(1, 9))


def _ok(lm: Landmark) -> bool:
    return lm.visibility >= VISIBLE_MIN and -0.1 <= lm.x <= 1.1 and -0.1 <= lm.y <= 1.1


def _joint(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
    ux, uy, vx, vy = a[0] - b[0], a[1] - b[1], c[0] - b[0], c[1] - b[1]
    return abs(math.atan2(ux * vy - uy * vx, ux * vx + uy * vy))


@dataclass
class _Body:
    """The frame of reference: where the hips are and how long the torso is, averaged."""

    scale: float | None = None
    cx: float | None = None
    cy: float | None = None
    t: float | None = None

    def reset(self) -> None:
        self.scale = self.cx = self.cy = self.t = None

    def update(self, t: float, torso: float, hx: float, hy: float) -> None:
        if self.scale is None or self.cx is None or self.cy is None or self.t is None:
            self.scale, self.cx, self.cy = torso, hx, hy
        else:
            dt = max(t - self.t, 0.0)
            self.scale += (1 - math.exp(-dt / SCALE_TAU)) * (torso - self.scale)
            k = 1 - math.exp(-dt / CENTRE_TAU)
            self.cx += k * (hx - self.cx)
            self.cy += k * (hy - self.cy)
        self.t = t


def signals(
    lms: Sequence[Landmark], body: _Body, t: float, aspect: float = 1.0
) -> list[float | None] | None:
    """Every signal of one frame (None where its landmarks are not seen); None without a torso."""
    if not (_ok(lms[LEFT_SHOULDER]) and _ok(lms[RIGHT_SHOULDER])):
        return None

    def xy(i: int) -> tuple[float, float]:
        return lms[i].x * aspect, lms[i].y

    # the shoulders are the reference: hips are often out of the picture in real footage
    (ax, ay), (bx, by) = xy(LEFT_SHOULDER), xy(RIGHT_SHOULDER)
    hx, hy = (ax + bx) / 2, (ay + by) / 2
    size = 1.2 * math.hypot(ax - bx, ay - by)
    if _ok(lms[LEFT_HIP]) and _ok(lms[RIGHT_HIP]):
        (cx, cy), (dx, dy) = xy(LEFT_HIP), xy(RIGHT_HIP)
        size = max(size, math.hypot((cx + dx) / 2 - hx, (cy + dy) / 2 - hy))
    body.update(t, max(size, 1e-3), hx, hy)
    assert body.scale is not None and body.cx is not None and body.cy is not None
    s = body.scale
    out: list[float | None] = []
    for ids in _POINTS.values():
        lm = lms[ids[0]]
        if _ok(lm):
            out += [(lm.x * aspect - hx) / s, (lm.y - hy) / s]
        else:
            out += [None, None]
    out += [(hx - body.cx) / s, (hy - body.cy) / s]
    for a, b, c in _JOINTS.values():
        if _ok(lms[a]) and _ok(lms[b]) and _ok(lms[c]):
            out.append(_joint(xy(a), xy(b), xy(c)) / 1.5)  # radians / 1.5: about torso lengths
        else:
            out.append(None)
    return out


_NO_POSE: tuple[None, ...] = (None,) * len(SIGNALS)
_NO_PICTURE: tuple[None, ...] = (None,) * len(PICTURE_SIGNALS)


@dataclass
class RepCounter(PeriodCounter):
    """Counts repetitions of whatever a body repeats, frame by frame."""

    names: tuple[str, ...] = (*SIGNALS, *PICTURE_SIGNALS)
    groups: tuple[tuple[str, ...], ...] = (SIGNALS, PICTURE_SIGNALS)
    aspect: float = 1.0
    body: _Body = field(default_factory=_Body)

    def update(
        self, t: float, lms: Sequence[Landmark] | None, picture: Sequence[float] | None = None
    ) -> None:
        """One frame: its landmarks (None: no one found) and what its picture shows (None: not
        seen, as when only landmarks are known)."""
        pose = None if lms is None else signals(lms, self.body, t, self.aspect)
        if picture is None:
            self.add(t, None if pose is None else [*pose, *_NO_PICTURE])
            return
        if len(picture) != len(PICTURE_SIGNALS):
            raise ValueError(
                f"a frame's picture takes {len(PICTURE_SIGNALS)} numbers, not {len(picture)}"
            )
        self.add(t, [*(pose or _NO_POSE), *picture])


@dataclass
class AutoCoach:
    """Generic mode: count the repetitions of whatever repeats, with an event for each."""

    aspect: float = 1.0
    alike: Similarities = similarities  # see PeriodCounter.alike
    counter: RepCounter = field(init=False)
    events: list[Event] = field(default_factory=list)
    _reps: int = 0
    _ready: bool = False

    def __post_init__(self) -> None:
        self.counter = RepCounter(aspect=self.aspect, alike=self.alike)

    @property
    def best(self) -> str | None:
        """The signal that carries the rhythm most (None until something repeats)."""
        r = self.counter.rhythm
        return r.signal if r is not None and self._reps else None

    @property
    def reps(self) -> int:
        """The count so far; it may settle below the repetitions already announced when the
        last moments of a stretch turn out to be a pause."""
        return self.counter.reps

    @property
    def counted(self) -> int:
        return self.reps

    def update(self, frame: PoseFrame, picture: Sequence[float] | None = None) -> list[Event]:
        """One frame; picture: the numbers its picture gives (see RepCounter.update)."""
        self.counter.update(frame.t, frame.landmarks, picture)
        out: list[Event] = []
        if frame.landmarks is not None and not self._ready:
            self._ready = True  # tell the person they are seen: counting needs a few cycles
            out.append(Event(frame.t, EventKind.READY))
        reps = self.counter.reps
        while reps > self._reps:  # never back down from a repetition already announced
            self._reps += 1
            out.append(Event(frame.t, EventKind.REP, f"{self._reps} ({self.best})", self._reps))
        self.events.extend(out)
        return out

    def finish(self) -> list[Event]:
        """The stream has ended: count what its last moments showed (see PeriodCounter.finish)."""
        self.counter.finish()
        out: list[Event] = []
        t = self.counter.time
        while self.counter.reps > self._reps:
            self._reps += 1
            out.append(Event(t, EventKind.REP, f"{self._reps} ({self.best})", self._reps))
        self.events.extend(out)
        return out

    def run(self, frames: Iterable[PoseFrame]) -> Summary:
        for f in frames:
            self.update(f)
        self.finish()
        return Summary(self.reps, 0.0, list(self.events))
