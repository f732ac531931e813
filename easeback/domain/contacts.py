"""Contacts between the body and itself or its supports, declared as phrases, and their solver.

A figure says where hands and feet go in the words of its steps, so a reader can check one
against the other: "left hand holds right knee", "hands on hips", "hands on back of pelvis",
"hands behind head", "right ankle on left thigh", "feet flat", "calves on seat", "hands along
legs" (as far down the legs as the relaxed arms reach). `solve` moves
the arms and legs to meet them (two-bone inverse kinematics within the human joint ranges,
choosing the elbow or knee direction closest to the angles the figure gives as hints) and
`misses` measures, in metres, how far each contact is from holding.

Pure: no I/O, only arithmetic.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from easeback.domain.body import (
    DIMS,
    JOINT_RANGES,
    Body,
    Dims,
    Mat,
    Pose,
    Side,
    Vec,
    angle_between,
    dot,
    pose_body,
)

TOLERANCE = 0.02  # metres: a declared contact holds when it is this close
# where a crossed ankle rests along the other thigh, from hip (0) to knee (1): across the knee
# its top (review 10: at 0.8 the piriformis release's ankle read as resting on the shin), on
# the thigh just above the knee, as the reclined pigeon's steps say
ANKLE_ALONG: dict[str, float] = {"knee": 0.93, "thigh": 0.8}
Kind = Literal["hand", "ankle", "foot", "calf"]
Target = Literal[
    "knee", "thigh", "shin", "hip", "pelvis_back", "head", "chest", "flat", "stay", "seat",
    "floor", "floor_chest", "leg", "thigh_back",
]
# a hand sliding along the legs reaches as far as the arm goes with the elbow this bent: relaxed,
# nearly straight (review 11a: held at mid shin, the folded trunk propped a right-angled arm)
RELAXED_ELBOW = 20.0

_WHO: dict[str, Kind] = {
    "hand": "hand", "hands": "hand", "ankle": "ankle", "ankles": "ankle",
    "foot": "foot", "feet": "foot", "calf": "calf", "calves": "calf",
}  # fmt: skip
_PHRASE = re.compile(
    r"(?:(?P<side>left|right) )?(?P<who>hands?|ankles?|foot|feet|calf|calves)"
    r"(?: (?:holds?|on|behind|across|along|rests? on))?"
    r"(?: (?:the )?(?P<tside>left|right|opposite|own) )?(?: ?(?P<where>.*))"
)
_WHERE: dict[str, Target] = {
    "knee": "knee", "knees": "knee", "thigh": "thigh", "thighs": "thigh",
    "shin": "shin", "shins": "shin", "chest": "chest",
    "hip": "hip", "hips": "hip",
    "back of pelvis": "pelvis_back", "back of the pelvis": "pelvis_back",
    "head": "head", "flat": "flat", "seat": "seat", "floor": "floor",
    "floor under shoulders": "floor", "floor under shoulder": "floor",
    "floor beside chest": "floor_chest", "stay": "stay", "stays": "stay",
    "leg": "leg", "legs": "leg",
    "back of thigh": "thigh_back", "back of thighs": "thigh_back",
    "back of the thigh": "thigh_back", "back of the thighs": "thigh_back",
}  # fmt: skip
_ALLOWED: dict[Kind, tuple[Target, ...]] = {
    "hand": ("knee", "thigh", "shin", "hip", "pelvis_back", "head", "chest", "floor",
             "floor_chest", "seat", "leg", "thigh_back"),
    "ankle": ("knee", "thigh"),
    "foot": ("flat", "stay"),
    "calf": ("seat",),
}


@dataclass(frozen=True)
class Touch:
    """One contact: a hand, ankle, foot or calf of one side at a target."""

    phrase: str
    kind: Kind
    side: Side
    target: Target
    target_side: Side  # for paired targets (knee, thigh, hip); the own side otherwise

    @property
    def part(self) -> str:
        return {"hand": "hand", "ankle": "shin", "foot": "foot", "calf": "shin"}[
            self.kind
        ] + f"_{self.side}"

    def mirrored(self) -> Touch:
        other: dict[Side, Side] = {"l": "r", "r": "l"}
        return Touch(self.phrase, self.kind, other[self.side], self.target,
                     other[self.target_side])  # fmt: skip

    def describe(self) -> str:
        names = {"l": "left", "r": "right"}
        what = {"hand": "hand", "ankle": "ankle", "foot": "foot", "calf": "calf"}[self.kind]
        where = {
            "knee": f"{names[self.target_side]} knee", "thigh": f"{names[self.target_side]} thigh",
            "shin": f"{names[self.target_side]} shin", "chest": "chest (arms crossed)",
            "hip": f"{names[self.target_side]} hip", "pelvis_back": "back of the pelvis",
            "head": "back of the head", "flat": "floor, sole flat",
            "stay": "spot where it started, sole flat",
            "seat": "seat beside the hip" if self.kind == "hand" else "seat",
            "floor": "floor under the shoulder", "floor_chest": "floor beside the chest",
            "leg": f"{names[self.target_side]} leg, as far as the relaxed arm reaches",
            "thigh_back": f"back of the {names[self.target_side]} thigh",
        }[self.target]  # fmt: skip
        return f"{names[self.side]} {what} on the {where}"


def parse(phrase: str) -> list[Touch]:
    """The contacts a phrase declares (both sides for "hands", "feet", "calves").

    Raises ValueError naming what was not understood.
    """
    text = " ".join(phrase.lower().split())
    m = _PHRASE.fullmatch(text)
    if m is None or m.group("who") is None:
        raise ValueError(f"cannot read the contact {phrase!r}; start with a hand, ankle or foot")
    kind = _WHO[m.group("who")]
    plural = m.group("who") in ("hands", "ankles", "feet", "calves")
    where_text = (m.group("where") or "").strip()
    target = _WHERE.get(where_text)
    if target is None:
        known = ", ".join(sorted(set(_WHERE)))
        raise ValueError(f"unknown contact place {where_text!r} in {phrase!r}; use one of {known}")
    if target not in _ALLOWED[kind]:
        raise ValueError(f"a {kind} cannot be on the {where_text} ({phrase!r})")
    side_word = m.group("side")
    if side_word is None and not plural:
        raise ValueError(f"say which {kind}: 'left {kind}' or 'right {kind}' ({phrase!r})")
    sides: list[Side] = ["l", "r"] if side_word is None else [side_word[0]]  # type: ignore[list-item]
    out: list[Touch] = []
    for side in sides:
        tside_word = m.group("tside")
        tside: Side
        if tside_word in ("left", "right"):
            tside = tside_word[0]  # type: ignore[assignment]
        elif tside_word == "opposite":
            tside = "l" if side == "r" else "r"
        else:
            tside = side
        out.append(Touch(phrase, kind, side, target, tside))
    return out


def parse_all(phrases: Iterable[str]) -> list[Touch]:
    return [t for p in phrases for t in parse(p)]


# ---- vector helpers ----


def _sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _mul(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def _norm(a: Vec) -> float:
    return math.sqrt(dot(a, a))


def _unit(a: Vec) -> Vec:
    n = _norm(a)
    return (0.0, 0.0, 0.0) if n < 1e-12 else _mul(a, 1.0 / n)


def _cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _col(m: Mat, i: int) -> Vec:
    return (m[0][i], m[1][i], m[2][i])


def _to_local(m: Mat, v: Vec) -> Vec:
    """v expressed in the frame whose axes are m's columns."""
    return (dot(_col(m, 0), v), dot(_col(m, 1), v), dot(_col(m, 2), v))


def _from_local(m: Mat, v: Vec) -> Vec:
    return _add(_add(_mul(_col(m, 0), v[0]), _mul(_col(m, 1), v[1])), _mul(_col(m, 2), v[2]))


def _across(v: Vec, axis: Vec) -> Vec:
    """The part of v perpendicular to a unit axis."""
    return _sub(v, _mul(axis, dot(v, axis)))


# ---- where each contact should be ----


def _effector(body: Body, t: Touch) -> Vec:
    return body.landmarks[f"palm_{t.side}" if t.kind == "hand" else f"ankle_{t.side}"]


def _effector_radius(t: Touch, d: Dims) -> float:
    return d.hand_r * 0.7 if t.kind == "hand" else d.shin_r


def target_point(
    body: Body, t: Touch, ground: Mapping[str, float] | None = None, dims: Dims = DIMS
) -> Vec:
    """Where the palm (or ankle) must be for a hand or ankle contact, on the target's surface.

    Hands on the floor rest on the support height `ground` gives for that hand (0 if none).
    """
    d = dims
    if t.target in ("floor", "floor_chest", "seat"):
        # the palm sits as high above the support as the drawn hand reaches below the palm
        palm = body.landmarks[f"palm_{t.side}"]
        level = (ground or {}).get(f"hand_{t.side}", 0.0)
        level += palm[1] - body.segments[f"hand_{t.side}"].lowest()
        shoulder = body.landmarks[f"shoulder_{t.side}"]
        if t.target == "floor":
            return (shoulder[0], level, shoulder[2])
        if t.target == "seat":  # holding the seat's side, beside the hip
            hip = body.landmarks[f"hip_{t.side}"]
            return (hip[0] + 0.04, level, shoulder[2] + (0.04 if t.side == "r" else -0.04))
        # beside the ribs, 0.47 of the chest's length ahead of the waist along the floor:
        # lying flat that is beside the chest, and as the chest lifts the palms stay where
        # they lay (review 10: placed under the lifted ribs, they slid 5 cm back towards the
        # waist and the bent arm folded along the chest)
        chest = body.segments["thorax"]
        run = chest.b[0] - chest.a[0]
        x = chest.a[0] + 0.47 * math.copysign(_norm(_sub(chest.b, chest.a)), run)
        return (x, level, shoulder[2] + (0.06 if t.side == "r" else -0.06))
    s = 1.0 if t.side == "r" else -1.0
    r_eff = _effector_radius(t, d)
    if t.target in ("knee", "thigh", "shin", "thigh_back"):
        thigh = body.segments[f"{'shin' if t.target == 'shin' else 'thigh'}_{t.target_side}"]
        along = {"knee": 0.85, "thigh": 0.6, "shin": 0.45, "thigh_back": 0.6}[t.target]
        if t.kind == "ankle":  # "across the knee": on its top; "on the thigh": just above it
            along = ANKLE_ALONG[t.target]
        centre = _add(thigh.a, _mul(_sub(thigh.b, thigh.a), along))
        axis = _unit(_sub(thigh.b, thigh.a))
        if t.kind == "ankle":  # the ankle rests on the front of the other thigh, the shin
            # across it (resting just past its outer side, the crossed knee could not fall
            # open further than 9 cm within the hip's 60° of external rotation)
            out = _unit(_across(thigh.forward, axis))
        elif t.target == "thigh_back":  # on its back (review 11a: on the side facing the
            # shoulder, a hug's hands lay on the front of the thighs by the knees)
            out = _mul(_unit(_across(thigh.forward, axis)), -1.0)
            centre = _add(centre, _mul(thigh.lateral, 0.35 * d.thigh_r * s))
        else:  # the hand reaches the side of the thigh that faces its shoulder
            root = body.landmarks[f"shoulder_{t.side}"]
            out = _unit(_across(_sub(root, centre), axis))
            # two hands on one thigh sit side by side instead of on the same spot
            centre = _add(centre, _mul(thigh.lateral, 0.35 * d.thigh_r * s))
        radius = d.shin_r if t.target == "shin" else d.thigh_r
        return _add(centre, _mul(out, (radius + r_eff) * 0.95))
    if t.target == "leg":
        return _along_leg(body, t, d)
    if t.target == "hip":
        rot = body.frames["pelvis"]
        ts = 1.0 if t.target_side == "r" else -1.0
        local = (0.0, 0.05, ts * (d.pelvis_hw + r_eff * 0.8))
        return _add(body.landmarks["hip_centre"], _from_local(rot, local))
    if t.target == "pelvis_back":
        rot = body.frames["pelvis"]
        local = (-(d.pelvis_hd + r_eff * 0.8), 0.06, s * 0.06)
        return _add(body.landmarks["hip_centre"], _from_local(rot, local))
    if t.target == "chest":  # arms crossed: each hand on the chest below the other shoulder
        rot = body.frames["thorax"]
        local = (d.thorax_hd + r_eff * 0.8, d.thorax * 0.7, -s * 0.09)
        return _add(body.landmarks["waist"], _from_local(rot, local))
    if t.target == "head":
        rot = body.frames["head"]
        direction = _unit((-0.3, 0.2, s * 0.93))
        reach = d.head_r + r_eff * 0.6
        return _add(body.segments["head"].a, _mul(_from_local(rot, direction), reach))
    raise ValueError(f"{t.target} is not a point contact")


def _along_leg(body: Body, t: Touch, d: Dims) -> Vec:
    """The palm on the top of the leg (thigh, then shin) as far from the hip as the arm reaches
    with the elbow RELAXED_ELBOW bent: the point of a forward fold where sliding hands stop."""
    shoulder = body.landmarks[f"shoulder_{t.side}"]
    a, b = d.upper_arm, d.forearm + d.hand / 2
    bend = math.radians(RELAXED_ELBOW)
    reach = math.sqrt(a * a + b * b + 2 * a * b * math.cos(bend))
    r_eff = _effector_radius(t, d)
    s = 1.0 if t.side == "r" else -1.0

    def on(part: str, u: float) -> Vec:
        seg = body.segments[f"{part}_{t.target_side}"]
        axis = _unit(_sub(seg.b, seg.a))
        centre = _add(seg.a, _mul(_sub(seg.b, seg.a), u))
        centre = _add(centre, _mul(seg.lateral, 0.35 * seg.hw * s))
        out = _unit(_across(_sub(shoulder, centre), axis))
        radius = d.shin_r if part == "shin" else d.thigh_r
        return _add(centre, _mul(out, (radius + r_eff) * 0.95))

    # from the knee end of the thigh down to the ankle; the furthest point within reach
    points = [on("thigh", 0.3 + 0.7 * i / 60) for i in range(61)]
    points += [on("shin", 0.9 * i / 60) for i in range(1, 61)]
    within = [p for p in points if math.dist(p, shoulder) <= reach]
    if not within:  # the legs are out of reach: as near as they come
        return min(points, key=lambda p: math.dist(p, shoulder))
    return within[-1]


# ---- two-bone inverse kinematics ----


def _rotation(parent: Mat, side: Side, flex: float, abd: float, upper: Vec, lower: Vec,
              arm: bool, hint: float) -> float:
    """The limb's long-axis rotation that makes it bend towards the lower bone."""
    s = 1.0 if side == "r" else -1.0
    u, v = _to_local(parent, upper), _to_local(parent, lower)
    w = _across(v, u)
    if _norm(w) < 1e-6:  # straight limb: any rotation bends nothing; keep the hint
        return hint
    w = _unit(w)
    # the limb frame before rotation is Rz(flex) Rx(-s abd); rotation turns its x axis about
    # the bone, and the elbow bends towards +x, the knee towards -x
    cf, sf = math.cos(math.radians(flex)), math.sin(math.radians(flex))
    sa, ca = math.sin(math.radians(-s * abd)), math.cos(math.radians(-s * abd))
    x0: Vec = (cf, sf, 0.0)
    z0: Vec = (sf * sa, -cf * sa, ca)
    wx, wz = dot(w, x0), dot(w, z0)
    if not arm:
        wx, wz = -wx, -wz
    return math.degrees(math.atan2(s * wz, wx))


def _limb_options(
    parent: Mat, side: Side, upper: Vec, lower: Vec, arm: bool, hint: float
) -> list[tuple[float, float, float, float]]:
    """(flexion, abduction, rotation, bend) choices giving these bone directions (world, unit)."""
    s = 1.0 if side == "r" else -1.0
    u = _to_local(parent, upper)
    abd = math.degrees(math.asin(max(-1.0, min(1.0, s * u[2]))))
    flex = math.degrees(math.atan2(u[0], -u[1]))
    bend = angle_between(upper, lower)
    out = []
    for f, a in ((flex, abd), (_wrap(flex + 180.0), 180.0 - abd)):
        out.append((f, a, _rotation(parent, side, f, a, upper, lower, arm, hint), bend))
    return out


def _wrap(deg: float) -> float:
    return (deg + 180.0) % 360.0 - 180.0


def _violation(name: str, value: float) -> float:
    lo, hi = JOINT_RANGES[name]
    return max(0.0, lo - value, value - hi)


def _reach(
    pose: Pose, body: Body, side: Side, arm: bool, target: Vec, dims: Dims, floor: float = 0.0,
    pole: Vec | None = None,
) -> dict[str, float]:
    """`_reach_once`, repeated for an arm from where its shoulder ends up: on all fours the
    shoulder joint sits nearer the back once the arm points down to the floor (the chest sinks
    between the shoulder blades, body.on_all_fours), so the root moves with the solution."""
    got = _reach_once(pose, body, side, arm, target, dims, floor, pole)
    for _ in range(4 if arm else 0):
        moved = pose_body(_with(pose, got), dims)
        mark = f"shoulder_{side}"
        if math.dist(moved.landmarks[mark], body.landmarks[mark]) < 1e-4:
            break
        pose, body = _with(pose, got), moved
        got = _reach_once(pose, body, side, arm, target, dims, floor, pole)
    return got


def _reach_once(
    pose: Pose, body: Body, side: Side, arm: bool, target: Vec, dims: Dims, floor: float = 0.0,
    pole: Vec | None = None,
) -> dict[str, float]:
    """Joint angles that put the palm (arm) or ankle (leg) on the target, within range.

    Of the elbow (knee) positions that reach it, the one needing the least change from the
    pose's own angles wins, provided it stays above the floor (the support under the figure).
    A `pole` (a world direction) makes the elbow (knee) prefer to point that way: the change
    from the pose's angles alone let a hand beside the chest put the elbow up behind the
    shoulder.
    """
    d = dims
    if arm:
        root, parent = body.landmarks[f"shoulder_{side}"], body.frames["thorax"]
        a, b = d.upper_arm, d.forearm + d.hand / 2
        names = (f"shoulder_flexion_{side}", f"shoulder_abduction_{side}",
                 f"shoulder_rotation_{side}", f"elbow_flexion_{side}")  # fmt: skip
    else:
        root, parent = body.landmarks[f"hip_{side}"], body.frames["pelvis"]
        a, b = d.thigh, d.shin
        names = (f"hip_flexion_{side}", f"hip_abduction_{side}",
                 f"hip_rotation_{side}", f"knee_flexion_{side}")  # fmt: skip
    hints = [pose.angle(n) for n in names]
    to = _sub(target, root)
    dist = max(_norm(to), 1e-6)
    n = _unit(to)
    reach = max(abs(a - b) + 1e-4, min(a + b - 1e-4, dist))
    alpha = math.acos(max(-1.0, min(1.0, (a * a + reach * reach - b * b) / (2 * a * reach))))
    e1 = _unit(_cross(n, (0.0, 0.0, 1.0)))
    if _norm(e1) < 1e-6:
        e1 = _unit(_cross(n, (1.0, 0.0, 0.0)))
    e2 = _cross(n, e1)
    end = _add(root, _mul(n, reach))
    best: tuple[float, dict[str, float]] | None = None
    for step in range(48):
        phi = math.radians(step * 7.5)
        p = _add(_mul(e1, math.cos(phi)), _mul(e2, math.sin(phi)))
        elbow = _add(root, _add(_mul(n, a * math.cos(alpha)), _mul(p, a * math.sin(alpha))))
        upper, lower = _unit(_sub(elbow, root)), _unit(_sub(end, elbow))
        sunk = max(0.0, floor - (elbow[1] - (d.upper_arm_r if arm else d.thigh_r)))
        for values in _limb_options(parent, side, upper, lower, arm, hints[2]):
            bad = sum(_violation(nm, v) for nm, v in zip(names, values, strict=True))
            bad += 100.0 * sunk
            change = sum(((v - h) / 90.0) ** 2 for v, h in zip(values, hints, strict=True))
            score = 1000.0 * bad + change
            if pole is not None:  # 0 when the elbow points along the pole, up to 2 against it
                score += POLE_WEIGHT * (1.0 - dot(p, pole))
                score += 1000.0 * _within_chest(body, elbow)
            if best is None or score < best[0]:
                best = (score, dict(zip(names, values, strict=True)))
    assert best is not None
    return {n: max(JOINT_RANGES[n][0], min(JOINT_RANGES[n][1], v)) for n, v in best[1].items()}


def _with(pose: Pose, joints: Mapping[str, float]) -> Pose:
    return Pose(pose.root, dict(pose.joints) | dict(joints))


def _flat_ankle(body: Body, side: Side) -> float:
    """The ankle angle that puts the sole level (toes neither up nor down)."""
    r = body.frames[f"shin_{side}"]
    deg = math.degrees(math.atan2(-r[1][0], r[1][1]))
    if deg > 90:
        deg -= 180
    elif deg <= -90:
        deg += 180
    lo, hi = JOINT_RANGES[f"ankle_dorsiflexion_{side}"]
    return max(lo, min(hi, deg))


def _sole(body: Body, side: Side, dims: Dims) -> tuple[float, float]:
    """Heights of the heel's and the toe's undersides."""
    m = body.landmarks
    return m[f"heel_{side}"][1] - dims.foot_r, m[f"toe_{side}"][1] - dims.foot_r


def _root_1d(
    fn: Callable[[float], float], lo: float, hi: float, start: float
) -> float | None:
    """A zero of fn on [lo, hi] nearest to start, by scanning then bisecting; None if none."""
    grid = [lo + (hi - lo) * i / 30 for i in range(31)]
    vals = [fn(x) for x in grid]
    best: float | None = None
    for i in range(30):
        a, b, fa, fb = grid[i], grid[i + 1], vals[i], vals[i + 1]
        if fa == 0 or fa * fb < 0:
            for _ in range(22):
                mid = (a + b) / 2
                fm = fn(mid)
                if (fa < 0) == (fm < 0):
                    a, fa = mid, fm
                else:
                    b = mid
            x = (a + b) / 2
            if best is None or abs(x - start) < abs(best - start):
                best = x
    return best


def _flat_foot(pose: Pose, side: Side, ground: float | None, dims: Dims) -> Pose:
    """Level the sole; with a ground height, bend the knee so the sole rests on it."""
    knee = f"knee_flexion_{side}"
    ankle = f"ankle_dorsiflexion_{side}"

    def flattened(k: float) -> tuple[Pose, Body]:
        p = _with(pose, {knee: k})
        body = pose_body(p, dims)
        p = _with(p, {ankle: _flat_ankle(body, side)})
        return p, pose_body(p, dims)

    if ground is not None:
        def height(k: float) -> float:
            return min(_sole(flattened(k)[1], side, dims)) - ground

        k = _root_1d(height, *JOINT_RANGES[knee], pose.angle(knee))
        if k is not None:
            return flattened(k)[0]
    return flattened(pose.angle(knee))[0]


def _leg_low(body: Body, side: Side) -> float:
    """The lowest point of the lower leg: the calf, or the heel when the foot hangs below it."""
    segs = body.segments
    return min(segs[f"shin_{side}"].lowest(), segs[f"foot_{side}"].lowest())


def _calf_on_seat(pose: Pose, side: Side, seat: float, dims: Dims) -> Pose:
    """Hip and knee angles that lay the shin level on a seat of this height."""
    hip, knee = f"hip_flexion_{side}", f"knee_flexion_{side}"

    def levelled(h: float) -> tuple[Pose, Body]:
        p = _with(pose, {hip: h})
        r = pose_body(p, dims).frames[f"thigh_{side}"]
        # the shin runs along thigh-frame (-sin k, -cos k): level when its world y is 0
        k = math.degrees(math.atan2(-r[1][1], r[1][0])) % 180.0
        p = _with(p, {knee: max(JOINT_RANGES[knee][0], min(JOINT_RANGES[knee][1], k))})
        return p, pose_body(p, dims)

    def height(h: float) -> float:
        return _leg_low(levelled(h)[1], side) - seat

    h = _root_1d(height, 0.0, JOINT_RANGES[hip][1], pose.angle(hip))
    return levelled(h if h is not None else pose.angle(hip))[0]


POLE_WEIGHT = 3.0


def _within_chest(body: Body, point: Vec) -> float:
    """How far (m) a point lies within the chest's width, over, in or under it (0 beside it)."""
    th = body.segments["thorax"]
    rel = _sub(point, th.a)
    length = _norm(_sub(th.b, th.a))
    along = dot(rel, _unit(_sub(th.b, th.a)))
    if not 0.0 <= along <= length:
        return 0.0
    return max(0.0, th.hw - abs(dot(rel, th.lateral)))


def _elbow_pole(body: Body, t: Touch) -> Vec | None:
    """The way the elbow should point for this hand contact, if the contact asks for one.

    Palms on the floor beside the chest (cobra): the elbows bend back towards the hips and
    close in by the sides, not up in the air behind the shoulders.
    """
    if t.kind != "hand" or t.target != "floor_chest":
        return None
    along = _unit(_sub(body.landmarks["hip_centre"], body.landmarks["neck_base"]))
    out = _mul(body.segments["thorax"].lateral, 0.2 if t.side == "r" else -0.2)
    return _unit(_add(_add(along, out), (0.0, -0.35, 0.0)))  # back, by the side, a little down


def solve(
    pose: Pose,
    touches: Sequence[Touch],
    ground: Mapping[str, float],
    dims: Dims = DIMS,
    anchors: Mapping[str, Vec] | None = None,
) -> Pose:
    """The pose with its legs, then its arms, moved to meet every contact.

    `ground` gives the height of the support under each part that rests on one (e.g.
    `{"foot_r": 0.0, "shin_l": 0.42}`): "feet flat" rests the level sole on it and "calves on
    seat" lays the shin on it. "feet stay" puts each ankle back where `anchors` says it was
    (`{"ankle_r": (x, y, z)}`, from the start pose) with the sole level. Contacts that cannot be
    met are left as near as the joint ranges allow; `misses` reports them.
    """
    for t in touches:
        if t.kind == "foot" and t.target == "stay":
            spot = (anchors or {}).get(f"ankle_{t.side}")
            if spot is None:
                raise ValueError(f"{t.phrase!r}: only a later pose can keep a foot where it was")
            body = pose_body(pose, dims)
            pose = _with(pose, _reach(pose, body, t.side, False, spot, dims, -9.0))
            pose = _with(pose, {f"ankle_dorsiflexion_{t.side}":
                                _flat_ankle(pose_body(pose, dims), t.side)})  # fmt: skip
        elif t.kind == "foot":
            pose = _flat_foot(pose, t.side, ground.get(f"foot_{t.side}"), dims)
        elif t.kind == "calf":
            seat = ground.get(f"shin_{t.side}")
            if seat is None:
                raise ValueError(f"{t.phrase!r}: the shin_{t.side} must rest on a seat (contacts)")
            pose = _calf_on_seat(pose, t.side, seat, dims)
    floor = min(ground.values(), default=0.0)
    for kind in ("ankle", "hand"):
        for t in (t for t in touches if t.kind == kind):
            # a hand on the floor is placed again once its tilt (and so its depth) is known
            for _ in range(3 if t.target in ("floor", "floor_chest", "seat") else 1):
                body = pose_body(pose, dims)
                target = target_point(body, t, ground, dims)
                pole = _elbow_pole(body, t)
                limb = _reach(pose, body, t.side, kind == "hand", target, dims, floor, pole)
                pose = _with(pose, limb)
    return pose


def lower(pose: Pose, part: str, drop: float, floor: float, dims: Dims = DIMS) -> Pose:
    """The arm (for a hand) or leg (for a foot) moved so that the palm or ankle comes `drop`
    metres straight down, the elbow or knee kept above `floor`: a hand or foot resting on a
    support in two key poses, which the angles mixed between them lift off it as the trunk
    moves (the bridge's hands, a foot as the pelvis rolls)."""
    arm = part.startswith("hand")
    side: Side = "l" if part.endswith("_l") else "r"
    body = pose_body(pose, dims)
    at = body.landmarks[f"{'palm' if arm else 'ankle'}_{side}"]
    target = (at[0], at[1] - drop, at[2])
    return _with(pose, _reach(pose, body, side, arm, target, dims, floor))


def miss(
    body: Body,
    t: Touch,
    ground: Mapping[str, float],
    dims: Dims = DIMS,
    anchors: Mapping[str, Vec] | None = None,
) -> float:
    """How far (metres) a contact is from holding; 0 when it holds exactly."""
    if t.kind == "foot" and t.target == "stay":
        heel, toe = _sole(body, t.side, dims)
        spot = (anchors or {}).get(f"ankle_{t.side}", body.landmarks[f"ankle_{t.side}"])
        return max(abs(heel - toe), _norm(_sub(body.landmarks[f"ankle_{t.side}"], spot)))
    if t.kind == "foot":
        heel, toe = _sole(body, t.side, dims)
        level = abs(heel - toe)
        g = ground.get(f"foot_{t.side}")
        return max(level, abs(heel - g), abs(toe - g)) if g is not None else level
    if t.kind == "calf":
        m = body.landmarks
        level = abs(m[f"knee_{t.side}"][1] - m[f"ankle_{t.side}"][1]) / 2
        g = ground.get(f"shin_{t.side}")
        low = _leg_low(body, t.side)
        return max(level, abs(low - g)) if g is not None else level
    return _norm(_sub(_effector(body, t), target_point(body, t, ground, dims)))


def misses(
    body: Body,
    touches: Sequence[Touch],
    ground: Mapping[str, float],
    dims: Dims = DIMS,
    anchors: Mapping[str, Vec] | None = None,
) -> list[tuple[Touch, float]]:
    """(contact, distance) for every contact further off than TOLERANCE."""
    out = [(t, miss(body, t, ground, dims, anchors)) for t in touches]
    return [(t, dist) for t, dist in out if dist > TOLERANCE]


def centre_of_mass(body: Body) -> Vec:
    """Where the figure's weight centres, each part weighed by its volume (an elliptic
    cylinder, or a ball for the head): enough to tell whether a pose could balance."""
    total = 0.0
    acc: Vec = (0.0, 0.0, 0.0)
    for seg in body.segments.values():
        if seg.a == seg.b:
            volume = 4.0 / 3.0 * math.pi * seg.hw**3
        else:
            volume = math.pi * seg.hw * seg.hd * _norm(_sub(seg.b, seg.a))
        mid = _mul(_add(seg.a, seg.b), 0.5)
        acc = _add(acc, _mul(mid, volume))
        total += volume
    return _mul(acc, 1.0 / total)
