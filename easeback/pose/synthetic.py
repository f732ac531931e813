"""Synthetic pose sequences for tests and demos: a simple 2D skeleton moved through a script.

A base pose per scene (lying, on all fours, seated, standing...) is posed by rotating the body part
a signal measures about its joint until the measured angle equals the scripted value, so the
sequences agree with easeback.domain.motion by construction. Then realistic trouble is added:
landmark noise, single-frame spikes, dropped frames and a setup phase out of view. Pure Python.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from easeback.domain.motion import (
    ANGLES,
    N_LANDMARKS,
    Landmark,
    PoseFrame,
    Signal,
    measure,
)

Point = tuple[float, float]

# landmark groups (MediaPipe indices)
FACE = tuple(range(0, 11))
LEFT_ARM, RIGHT_ARM = (13, 15, 17, 19, 21), (14, 16, 18, 20, 22)
LEFT_SHIN, RIGHT_SHIN = (27, 29, 31), (28, 30, 32)
LEFT_LEG, RIGHT_LEG = (25, *LEFT_SHIN), (26, *RIGHT_SHIN)
UPPER = tuple(range(0, 23))


def _side_scene(
    sho: Point, hip: Point, knee: Point, ankle: Point, ear: Point, elbow: Point, wrist: Point
) -> dict[int, Point]:
    """A side view: both sides of the body project to nearly the same place."""
    pts: dict[int, Point] = {}
    for off, (e, s, el, w, h, k, a) in (
        (0.0, (7, 11, 13, 15, 23, 25, 27)),
        (0.006, (8, 12, 14, 16, 24, 26, 28)),
    ):
        for i, p in ((e, ear), (s, sho), (el, elbow), (w, wrist), (h, hip), (k, knee), (a, ankle)):
            pts[i] = (p[0] + off, p[1] - off)
    for i in range(0, 7):
        pts[i] = (ear[0] - 0.03, ear[1] - 0.01)
    pts[9], pts[10] = (ear[0] - 0.03, ear[1] + 0.02), (ear[0] - 0.03, ear[1] + 0.02)
    for i, w in ((17, 15), (19, 15), (21, 15), (18, 16), (20, 16), (22, 16)):
        pts[i] = (pts[w][0] + 0.01, pts[w][1] + 0.01)
    for i, a in ((29, 27), (31, 27), (30, 28), (32, 28)):
        pts[i] = (pts[a][0] + 0.01, pts[a][1] + 0.01)
    return pts


def _front_scene(
    sho_y: float,
    hip_y: float,
    knee_y: float,
    ankle_y: float,
    widths: tuple[float, float, float, float],
) -> dict[int, Point]:
    ws, wh, wk, wa = widths
    pts: dict[int, Point] = {}
    for sign, (e, s, el, w, h, k, a) in (
        (1, (7, 11, 13, 15, 23, 25, 27)),  # the person's left is the picture's right
        (-1, (8, 12, 14, 16, 24, 26, 28)),
    ):
        pts[e] = (0.5 + sign * 0.04, sho_y - 0.09)
        pts[s] = (0.5 + sign * ws, sho_y)
        pts[el] = (0.5 + sign * (ws + 0.03), sho_y + 0.12)
        pts[w] = (0.5 + sign * (ws + 0.04), sho_y + 0.22)
        pts[h] = (0.5 + sign * wh, hip_y)
        pts[k] = (0.5 + sign * wk, knee_y)
        pts[a] = (0.5 + sign * wa, ankle_y)
    for i in (0, 1, 2, 3, 4, 5, 6, 9, 10):
        pts[i] = (0.5, sho_y - 0.08)
    for i, w in ((17, 15), (19, 15), (21, 15), (18, 16), (20, 16), (22, 16)):
        pts[i] = (pts[w][0], pts[w][1] + 0.02)
    for i, a in ((29, 27), (31, 27), (30, 28), (32, 28)):
        pts[i] = (pts[a][0], pts[a][1] + 0.02)
    return pts


SCENES: dict[str, dict[int, Point]] = {
    # lying on the back, head to the left, knees bent
    "supine": _side_scene(
        (0.22, 0.7), (0.52, 0.7), (0.66, 0.56), (0.8, 0.7), (0.14, 0.68), (0.34, 0.72), (0.46, 0.72)
    ),
    "prone": _side_scene(
        (0.22, 0.72),
        (0.52, 0.72),
        (0.72, 0.72),
        (0.9, 0.72),
        (0.14, 0.7),
        (0.24, 0.78),
        (0.14, 0.78),
    ),
    # on hands and knees, facing left
    "all-fours": _side_scene(
        (0.3, 0.45), (0.6, 0.45), (0.6, 0.65), (0.82, 0.66), (0.22, 0.45), (0.3, 0.55), (0.3, 0.65)
    ),
    # sitting on a chair, facing left
    "seated": _side_scene(
        (0.56, 0.25),
        (0.55, 0.55),
        (0.35, 0.55),
        (0.35, 0.8),
        (0.55, 0.17),
        (0.56, 0.4),
        (0.46, 0.5),
    ),
    "standing-front": _front_scene(0.3, 0.55, 0.72, 0.88, (0.11, 0.07, 0.07, 0.07)),
    # lying on the back seen from the feet, knees up
    "supine-feet": _front_scene(0.55, 0.62, 0.42, 0.72, (0.11, 0.08, 0.05, 0.07)),
}

# which scene, pivot and moving landmarks pose each angle; "one" moves the left limb only
POSING: dict[str, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]] = {
    # angle base name: (pivot landmarks, moving left, moving right)
    "hip_bend": ((23,), LEFT_LEG, RIGHT_LEG),
    "neck_bend": ((11,), FACE, ()),
    "knee": ((25,), LEFT_SHIN, RIGHT_SHIN),
    "trunk_tilt": ((23, 24), UPPER, ()),
    "trunk_lean": ((23, 24), UPPER, ()),
    "thigh_tilt": ((23, 24), LEFT_LEG + RIGHT_LEG, ()),
}

TECHNIQUE_SCENES: dict[str, str] = {
    "knee-to-chest-single": "supine",
    "knee-to-chest-double": "supine",
    "bridge": "supine",
    "sphinx": "prone",
    "cobra": "prone",
    "cat-cow": "all-fours",
    "bird-dog": "all-fours",
    "seated-reverse-jackknife": "seated",
    "seated-forward-curl": "seated",
    "standing-side-bend": "standing-front",
    "supine-knee-drop": "supine-feet",
}
ONE_SIDED = frozenset({"knee-to-chest-single", "bird-dog"})


def _rotate(p: Point, c: Point, deg: float) -> Point:
    r = math.radians(deg)
    dx, dy = p[0] - c[0], p[1] - c[1]
    return (c[0] + dx * math.cos(r) - dy * math.sin(r), c[1] + dx * math.sin(r) + dy * math.cos(r))


def _landmarks(pts: dict[int, Point]) -> tuple[Landmark, ...]:
    return tuple(Landmark(pts[i][0], pts[i][1], 0.95) for i in range(N_LANDMARKS))


@dataclass(frozen=True)
class Poser:
    """Poses a technique's scene so its signal reads a given value."""

    signal: Signal
    scene: dict[int, Point]
    one_sided: bool
    cache: dict[float, dict[int, Point]] = field(default_factory=dict, compare=False)

    @classmethod
    def for_signal(cls, signal: Signal) -> Poser:
        scene = SCENES[TECHNIQUE_SCENES[signal.technique]]
        return cls(signal, scene, signal.technique in ONE_SIDED)

    def _moved(self, pts: dict[int, Point], deg: float) -> dict[int, Point]:
        pivot_ids, left, right = POSING[self.signal.angle]
        out = dict(pts)
        groups = [(pivot_ids, left)]
        if right and not self.one_sided:
            mirror = tuple(i + 1 for i in pivot_ids) if len(pivot_ids) == 1 else pivot_ids
            groups.append((mirror, right))
        for pivots, moving in groups:
            c = (
                sum(pts[i][0] for i in pivots) / len(pivots),
                sum(pts[i][1] for i in pivots) / len(pivots),
            )
            for i in moving:
                out[i] = _rotate(pts[i], c, deg)
        return out

    def _read(self, pts: dict[int, Point]) -> float:
        name = self.signal.names[0]  # the left (or only) angle moves in every scene
        value = measure(ANGLES[name], _landmarks(pts))
        assert value is not None
        return abs(value) if self.signal.absolute else value

    def pose(self, value: float) -> dict[int, Point]:
        """Landmark positions whose signal reads `value` (Newton steps on one rotation)."""
        key = round(value, 6)
        if key not in self.cache:
            deg = 0.0
            slope = (self._read(self._moved(self.scene, 1.0)) - self._read(self.scene)) or 1.0
            for _ in range(3):
                deg += (value - self._read(self._moved(self.scene, deg))) / slope
            self.cache[key] = self._moved(self.scene, deg)
            if len(self.cache) > 4096:
                self.cache.pop(next(iter(self.cache)))
        return self.cache[key]


# ---- scripts: what the body does over time ----


@dataclass(frozen=True)
class Move:
    seconds: float
    to: float  # signal value at the end of the move (eased in and out)


@dataclass(frozen=True)
class Hold:
    seconds: float
    bounce_deg: float = 0.0  # amplitude of a bounce on top of the hold...
    bounce_hz: float = 1.5  # ...at this frequency


@dataclass(frozen=True)
class Away:
    seconds: float  # nobody in view (setup, or stepping out)


Step = Move | Hold | Away


def reps_script(
    signal: Signal,
    reps: int,
    move: float,
    hold: float = 0.0,
    rest: float = 1.0,
    bounce_deg: float = 0.0,
    overshoot: float = 0.0,
    lead_in: float = 1.5,
) -> list[Step]:
    """`reps` repetitions from the start pose: move in, hold, move back, rest."""
    sign = 1.0 if signal.end > signal.start else -1.0
    steps: list[Step] = [Away(lead_in), Hold(1.0)]
    for _ in range(reps):
        steps += [Move(move, signal.end + sign * overshoot), Hold(hold, bounce_deg)]
        steps += [Move(move, signal.start), Hold(rest)]
    return steps


def values(
    signal: Signal, script: Sequence[Step], fps: float
) -> Iterator[tuple[float, float | None]]:
    """The clean signal value at each frame time (None while away)."""
    t, current, dt = 0.0, signal.start, 1.0 / fps
    n = 0
    for step in script:
        end_t = t + step.seconds
        begin, start_value = t, current
        while n * dt < end_t - 1e-9:
            now = n * dt
            f = (now - begin) / step.seconds if step.seconds else 1.0
            if isinstance(step, Away):
                yield now, None
            elif isinstance(step, Move):
                current = start_value + (step.to - start_value) * (1 - math.cos(math.pi * f)) / 2
                yield now, current
            else:
                wave = step.bounce_deg * math.sin(2 * math.pi * step.bounce_hz * (now - begin))
                yield now, current + wave
            n += 1
        if isinstance(step, Move):
            current = step.to
        t = end_t


def frames(
    signal: Signal,
    script: Sequence[Step],
    fps: float = 30.0,
    noise: float = 0.003,
    spike_rate: float = 0.0,
    drop_rate: float = 0.0,
    seed: int = 0,
) -> list[PoseFrame]:
    """Landmark frames for a script, with noise (normalised units), spikes and dropped frames."""
    rng = random.Random(seed)
    poser = Poser.for_signal(signal)
    out: list[PoseFrame] = []
    for t, value in values(signal, script, fps):
        if value is None:
            out.append(PoseFrame(t, None))
            continue
        if rng.random() < drop_rate:
            out.append(PoseFrame(t, None))  # the detector missed this frame
            continue
        pts = poser.pose(value)
        lms = [
            Landmark(x + rng.gauss(0, noise), y + rng.gauss(0, noise), 0.9 + rng.random() * 0.09)
            for x, y in (pts[i] for i in range(N_LANDMARKS))
        ]
        if rng.random() < spike_rate:  # one landmark jumps for a single frame
            i = rng.choice((11, 12, 23, 24, 25, 26, 7, 8))
            lm = lms[i]
            lms[i] = Landmark(
                lm.x + rng.uniform(-0.04, 0.04), lm.y + rng.uniform(-0.04, 0.04), lm.visibility
            )
        out.append(PoseFrame(t, tuple(lms)))
    return out
