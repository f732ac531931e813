"""A simple articulated human body: joint angles in, segment positions out.

The pictures draw this body and the camera coach compares measured angles with its keyframes, so
the angles here are the anatomical ones, in degrees, measured from the anatomical standing
position (everything 0 = standing tall, arms hanging, feet flat):

- spine (`lumbar_*`, `thoracic_*`, `neck_*`): flexion + forward / - backward (extension),
  side bend + to the right, rotation + turning the upper part to the right;
- hips and shoulders (`*_l`, `*_r`): flexion + forward, abduction + away from the midline,
  rotation + external (outward);
- knees and elbows: flexion + (0 is straight); ankles: dorsiflexion + toes up, - pointed.

The whole figure is placed by its pelvis (`Root`): `pitch` + leans forward (90 is lying face down,
-90 lying face up), `roll` + tips onto the right side, `twist` + turns the pelvis to the right
about its own long axis. World axes, in metres: x forward, y up, z to the figure's right.

Pure: no I/O, no clock, only arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]  # rows
Side = Literal["l", "r"]

# ---- joints and their human range of motion (degrees) ----

AXIAL_RANGES: dict[str, tuple[float, float]] = {
    "lumbar_flexion": (-30, 60),
    "lumbar_side_bend": (-30, 30),
    "lumbar_rotation": (-15, 15),
    "thoracic_flexion": (-25, 45),
    "thoracic_side_bend": (-25, 25),
    "thoracic_rotation": (-40, 40),
    "neck_flexion": (-60, 50),
    "neck_side_bend": (-40, 40),
    "neck_rotation": (-70, 70),
}
LIMB_RANGES: dict[str, tuple[float, float]] = {
    "hip_flexion": (-25, 135),
    "hip_abduction": (-30, 50),
    "hip_rotation": (-40, 60),
    "knee_flexion": (0, 150),
    "ankle_dorsiflexion": (-65, 25),  # passive plantarflexion, e.g. lying face down
    "shoulder_flexion": (-50, 180),
    "shoulder_abduction": (-30, 180),
    "shoulder_rotation": (-70, 90),
    "elbow_flexion": (0, 150),
}
JOINT_RANGES: dict[str, tuple[float, float]] = dict(AXIAL_RANGES) | {
    f"{name}_{side}": rng for name, rng in LIMB_RANGES.items() for side in ("l", "r")
}
JOINTS: tuple[str, ...] = tuple(JOINT_RANGES)


def out_of_range(joints: Mapping[str, float]) -> list[tuple[str, str]]:
    """(joint, reason) for every unknown joint or angle outside the human range."""
    problems: list[tuple[str, str]] = []
    for name, value in joints.items():
        rng = JOINT_RANGES.get(name)
        if rng is None:
            problems.append((name, "unknown joint"))
        elif not rng[0] <= value <= rng[1]:
            problems.append(
                (name, f"{value:g}° is outside the human range {rng[0]:g}..{rng[1]:g}°")
            )
    return problems


# ---- small linear algebra on tuples ----


def _add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _scale(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _mul(m: Mat, n: Mat) -> Mat:
    cols = tuple(zip(*n, strict=True))
    return tuple(tuple(dot(row, col) for col in cols) for row in m)  # type: ignore[return-value]


def _apply(m: Mat, v: Vec) -> Vec:
    return (dot(m[0], v), dot(m[1], v), dot(m[2], v))


def _rx(deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((1, 0, 0), (0, c, -s), (0, s, c))


def _ry(deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((c, 0, s), (0, 1, 0), (-s, 0, c))


def _rz(deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((c, -s, 0), (s, c, 0), (0, 0, 1))


def angle_between(a: Vec, b: Vec) -> float:
    """Angle in degrees between two vectors (0 when either is zero)."""
    na, nb = math.sqrt(dot(a, a)), math.sqrt(dot(b, b))
    if na < 1e-9 or nb < 1e-9:
        return 0.0
    return math.degrees(math.acos(max(-1.0, min(1.0, dot(a, b) / (na * nb)))))


# ---- pose ----


@dataclass(frozen=True)
class Root:
    """Where the pelvis is and how it is oriented in the world (see the module docstring)."""

    x: float = 0.0
    y: float = 0.0
    pitch: float = 0.0
    roll: float = 0.0
    twist: float = 0.0


@dataclass(frozen=True)
class Pose:
    root: Root = field(default_factory=Root)
    joints: Mapping[str, float] = field(default_factory=dict)

    def angle(self, joint: str) -> float:
        if joint not in JOINT_RANGES:
            raise KeyError(joint)
        return float(self.joints.get(joint, 0.0))

    def full_joints(self) -> dict[str, float]:
        """Every joint, with the unlisted ones at 0 (neutral)."""
        return {j: self.angle(j) for j in JOINTS}

    def moved(self, dx: float = 0.0, dy: float = 0.0) -> Pose:
        r = self.root
        return Pose(Root(r.x + dx, r.y + dy, r.pitch, r.roll, r.twist), self.joints)

    def mirrored(self) -> Pose:
        """The same movement done to the other side."""
        out: dict[str, float] = {}
        for name, value in self.joints.items():
            if name.endswith("_l"):
                out[name[:-2] + "_r"] = value
            elif name.endswith("_r"):
                out[name[:-2] + "_l"] = value
            elif name.endswith(("_side_bend", "_rotation")):
                out[name] = -value
            else:
                out[name] = value
        r = self.root
        return Pose(Root(r.x, r.y, r.pitch, -r.roll, -r.twist), out)


def mirror_part(name: str) -> str:
    if name.endswith("_l"):
        return name[:-2] + "_r"
    if name.endswith("_r"):
        return name[:-2] + "_l"
    return name


def interpolate(a: Pose, b: Pose, t: float) -> Pose:
    """The pose a fraction t of the way from a to b, joint by joint."""

    def mix(p: float, q: float) -> float:
        return p + (q - p) * t

    ra, rb = a.root, b.root
    root = Root(
        mix(ra.x, rb.x),
        mix(ra.y, rb.y),
        mix(ra.pitch, rb.pitch),
        mix(ra.roll, rb.roll),
        mix(ra.twist, rb.twist),
    )
    names = set(a.joints) | set(b.joints)
    return Pose(root, {n: mix(a.joints.get(n, 0.0), b.joints.get(n, 0.0)) for n in sorted(names)})


def hip_flexion(pose: Pose) -> float:
    """The larger of the two hips' flexion in degrees (negative means both hips extended)."""
    return max(pose.angle("hip_flexion_l"), pose.angle("hip_flexion_r"))


# ---- body dimensions (metres) and segments ----


@dataclass(frozen=True)
class Dims:
    """An adult of about 1.75 m. Half-widths are side to side, half-depths front to back."""

    pelvis_up: float = 0.10
    pelvis_down: float = 0.09
    pelvis_hw: float = 0.16
    pelvis_hd: float = 0.105
    hip_spread: float = 0.085
    lumbar: float = 0.17
    lumbar_hw: float = 0.135
    lumbar_hd: float = 0.095
    thorax: float = 0.29
    thorax_hw: float = 0.165
    thorax_hd: float = 0.11
    shoulder_drop: float = 0.045
    shoulder_spread: float = 0.175
    scapular_sink: float = 0.10  # the shoulder joints' shift towards the back on all fours
    neck: float = 0.09
    neck_r: float = 0.048
    head_r: float = 0.105
    upper_arm: float = 0.29
    upper_arm_r: float = 0.043
    forearm: float = 0.26
    forearm_r: float = 0.036
    hand: float = 0.05
    hand_r: float = 0.04
    thigh: float = 0.44
    thigh_r: float = 0.072
    shin: float = 0.42
    shin_r: float = 0.052
    ankle_height: float = 0.075
    heel: float = 0.05
    toe: float = 0.16
    foot_r: float = 0.036


DIMS = Dims()

PART_NAMES: tuple[str, ...] = (
    "pelvis", "lumbar", "thorax", "neck", "head",
    *(f"{p}_{s}" for p in ("upper_arm", "forearm", "hand", "thigh", "shin", "foot")
      for s in ("l", "r")),
)  # fmt: skip


@dataclass(frozen=True)
class Segment:
    """A body part as a solid: an elliptic cylinder from a to b (a sphere when a == b).

    `lateral` and `forward` are the part's own unit axes; `hw`/`hd` its half-width/half-depth.
    """

    name: str
    a: Vec
    b: Vec
    lateral: Vec
    forward: Vec
    hw: float
    hd: float

    @property
    def side(self) -> str:
        return self.name[-1] if self.name[-2:] in ("_l", "_r") else ""

    def extent(self, direction: Vec) -> float:
        """How far the surface reaches from the axis in a unit direction across it."""
        if self.a == self.b:
            return self.hw
        return math.hypot(
            self.hw * dot(self.lateral, direction), self.hd * dot(self.forward, direction)
        )

    def lowest(self) -> float:
        """Height of the part's lowest surface point."""
        if self.hw == self.hd:  # limbs and the head are capsules: round all over
            return min(self.a[1], self.b[1]) - self.hw
        return min(self.a[1], self.b[1]) - self.extent((0.0, 1.0, 0.0))

    def x_span(self) -> tuple[float, float]:
        pad = self.hw if self.a == self.b else 0.0
        return min(self.a[0], self.b[0]) - pad, max(self.a[0], self.b[0]) + pad


@dataclass(frozen=True)
class Body:
    """The posed figure: its parts and named landmarks (joint centres), in world metres."""

    segments: dict[str, Segment]
    landmarks: dict[str, Vec]
    frames: dict[str, Mat] = field(default_factory=dict)  # each part's rotation (columns: axes)

    def lowest(self) -> float:
        return min(s.lowest() for s in self.segments.values())


def _frame_seg(
    name: str, a: Vec, b: Vec, rot: Mat, hw: float, hd: float, along_x: bool = False
) -> Segment:
    """A part whose long axis is the frame's y axis (or its x axis, for the feet)."""
    lateral = (rot[0][2], rot[1][2], rot[2][2])
    col = 1 if along_x else 0
    forward = (rot[0][col], rot[1][col], rot[2][col])
    return Segment(name, a, b, lateral, forward, hw, hd)


def _axial(pose: Pose, part: str) -> Mat:
    flex, bend, rot = (pose.angle(f"{part}_{k}") for k in ("flexion", "side_bend", "rotation"))
    return _mul(_mul(_rz(-flex), _rx(bend)), _ry(-rot))


def _limb(pose: Pose, joint: str, side: Side) -> Mat:
    s = 1.0 if side == "r" else -1.0
    flex = pose.angle(f"{joint}_flexion_{side}")
    abd = pose.angle(f"{joint}_abduction_{side}")
    rot = pose.angle(f"{joint}_rotation_{side}")
    return _mul(_mul(_rz(flex), _rx(-s * abd)), _ry(-s * rot))


def _at(origin: Vec, rot: Mat, local: Vec) -> Vec:
    return _add(origin, _apply(rot, local))


def _ramp(x: float, lo: float, hi: float) -> float:
    return max(0.0, min(1.0, (x - lo) / (hi - lo)))


def on_all_fours(pose: Pose, r_pelvis: Mat, r_thorax: Mat, side: Side) -> float:
    """How much the chest hangs between the shoulder blades at this side's shoulder, 0..1: 1
    on hands and knees (the chest faces the floor, its long axis near level, a thigh points
    down to its knee and this side's upper arm points down to the floor). Weight on the hand
    lets the chest sink between the shoulder blades, so the shoulder joint sits nearer the back
    than standing and a level back goes with straight arms (review 6: the all-fours back
    sloped up to the shoulders). An arm reaching forward (the bird-dog's) carries no weight
    and its shoulder does not sink; any other posture (standing, kneeling upright, lying,
    sitting, the cobra's and the sphinx's thighs on the floor) gives 0."""
    down: Vec = (0.0, -1.0, 0.0)
    chest_front = _apply(r_thorax, (1.0, 0.0, 0.0))
    faces_floor = _ramp(dot(chest_front, down), 0.8, 0.93)

    def limb_down(joint: str, which: Side, base: Mat) -> float:
        axis = _apply(_mul(base, _limb(pose, joint, which)), down)
        return _ramp(dot(axis, down), 0.8, 0.93)

    sides: tuple[Side, Side] = ("l", "r")
    thighs = max(limb_down("hip", s, r_pelvis) for s in sides)
    return faces_floor * thighs * limb_down("shoulder", side, r_thorax)


def pose_body(pose: Pose, dims: Dims = DIMS) -> Body:
    """Forward kinematics: place every part of the figure for a pose."""
    d = dims
    r = pose.root
    origin: Vec = (r.x, r.y, 0.0)
    r_pelvis = _mul(_mul(_rz(-r.pitch), _rx(r.roll)), _ry(-r.twist))
    segs: dict[str, Segment] = {}
    marks: dict[str, Vec] = {"hip_centre": origin}
    frames: dict[str, Mat] = {}

    lumbar_base = _at(origin, r_pelvis, (0, d.pelvis_up, 0))
    segs["pelvis"] = _frame_seg(
        "pelvis",
        _at(origin, r_pelvis, (0, -d.pelvis_down, 0)),
        lumbar_base,
        r_pelvis,
        d.pelvis_hw,
        d.pelvis_hd,
    )
    r_lumbar = _mul(r_pelvis, _axial(pose, "lumbar"))
    lumbar_top = _at(lumbar_base, r_lumbar, (0, d.lumbar, 0))
    segs["lumbar"] = _frame_seg(
        "lumbar", lumbar_base, lumbar_top, r_lumbar, d.lumbar_hw, d.lumbar_hd
    )
    r_thorax = _mul(r_lumbar, _axial(pose, "thoracic"))
    thorax_top = _at(lumbar_top, r_thorax, (0, d.thorax, 0))
    segs["thorax"] = _frame_seg(
        "thorax", lumbar_top, thorax_top, r_thorax, d.thorax_hw, d.thorax_hd
    )
    r_neck = _mul(r_thorax, _axial(pose, "neck"))
    neck_top = _at(thorax_top, r_neck, (0, d.neck, 0))
    segs["neck"] = _frame_seg("neck", thorax_top, neck_top, r_neck, d.neck_r, d.neck_r)
    head = _at(neck_top, r_neck, (0.015, d.head_r * 0.8, 0))
    segs["head"] = _frame_seg("head", head, head, r_neck, d.head_r, d.head_r)
    frames |= {"pelvis": r_pelvis, "lumbar": r_lumbar, "thorax": r_thorax, "neck": r_neck,
               "head": r_neck}  # fmt: skip
    marks |= {"lumbar_base": lumbar_base, "waist": lumbar_top, "neck_base": thorax_top,
              "head": head, "nose": _at(head, r_neck, (d.head_r, 0, 0))}  # fmt: skip

    for side in ("l", "r"):
        s = 1.0 if side == "r" else -1.0
        hip = _at(origin, r_pelvis, (0, 0, s * d.hip_spread))
        r_thigh = _mul(r_pelvis, _limb(pose, "hip", side))
        knee = _at(hip, r_thigh, (0, -d.thigh, 0))
        r_shin = _mul(r_thigh, _rz(-pose.angle(f"knee_flexion_{side}")))
        ankle = _at(knee, r_shin, (0, -d.shin, 0))
        r_foot = _mul(r_shin, _rz(pose.angle(f"ankle_dorsiflexion_{side}")))
        heel = _at(ankle, r_foot, (-d.heel, -d.ankle_height + d.foot_r, 0))
        toe = _at(ankle, r_foot, (d.toe, -d.ankle_height + d.foot_r, 0))
        segs[f"thigh_{side}"] = _frame_seg(
            f"thigh_{side}", hip, knee, r_thigh, d.thigh_r, d.thigh_r
        )
        segs[f"shin_{side}"] = _frame_seg(f"shin_{side}", knee, ankle, r_shin, d.shin_r, d.shin_r)
        segs[f"foot_{side}"] = _frame_seg(
            f"foot_{side}", heel, toe, r_foot, d.foot_r, d.foot_r, along_x=True
        )

        sink = on_all_fours(pose, r_pelvis, r_thorax, side)
        shoulder = _at(
            thorax_top, r_thorax, (-sink * d.scapular_sink, -d.shoulder_drop, s * d.shoulder_spread)
        )
        r_arm = _mul(r_thorax, _limb(pose, "shoulder", side))
        elbow = _at(shoulder, r_arm, (0, -d.upper_arm, 0))
        r_fore = _mul(r_arm, _rz(pose.angle(f"elbow_flexion_{side}")))
        wrist = _at(elbow, r_fore, (0, -d.forearm, 0))
        fingers = _at(wrist, r_fore, (0, -d.hand, 0))
        segs[f"upper_arm_{side}"] = _frame_seg(
            f"upper_arm_{side}", shoulder, elbow, r_arm, d.upper_arm_r, d.upper_arm_r
        )
        segs[f"forearm_{side}"] = _frame_seg(
            f"forearm_{side}", elbow, wrist, r_fore, d.forearm_r, d.forearm_r
        )
        segs[f"hand_{side}"] = _frame_seg(
            f"hand_{side}", wrist, fingers, r_fore, d.hand_r, d.hand_r
        )
        frames |= {f"thigh_{side}": r_thigh, f"shin_{side}": r_shin, f"foot_{side}": r_foot,
                   f"upper_arm_{side}": r_arm, f"forearm_{side}": r_fore,
                   f"hand_{side}": r_fore}  # fmt: skip
        marks |= {f"palm_{side}": _at(wrist, r_fore, (0, -d.hand / 2, 0))}
        marks |= {f"hip_{side}": hip, f"knee_{side}": knee, f"ankle_{side}": ankle,
                  f"heel_{side}": heel, f"toe_{side}": toe, f"shoulder_{side}": shoulder,
                  f"elbow_{side}": elbow, f"wrist_{side}": wrist}  # fmt: skip
    return Body(segs, marks, frames)


# ---- what a camera can measure ----


def landmark_angles(body: Body) -> dict[str, float]:
    """Angles a camera can measure from joint centres, in degrees.

    `hip_angle_*`: flexion between the trunk line (hip to shoulder, per side) and the thigh
    (0 standing, 90 sitting); `knee_angle_*`, `elbow_angle_*`: flexion (0 straight);
    `trunk_incline`: the trunk line's angle from vertical (0 upright, 90 horizontal).
    """
    m = body.landmarks

    def sub(a: str, b: str) -> Vec:
        return _add(m[a], _scale(m[b], -1.0))

    out: dict[str, float] = {}
    for s in ("l", "r"):
        out[f"hip_angle_{s}"] = 180.0 - angle_between(
            sub(f"shoulder_{s}", f"hip_{s}"), sub(f"knee_{s}", f"hip_{s}")
        )
        out[f"knee_angle_{s}"] = 180.0 - angle_between(
            sub(f"hip_{s}", f"knee_{s}"), sub(f"ankle_{s}", f"knee_{s}")
        )
        out[f"elbow_angle_{s}"] = 180.0 - angle_between(
            sub(f"shoulder_{s}", f"elbow_{s}"), sub(f"wrist_{s}", f"elbow_{s}")
        )
    mid_shoulder = _scale(_add(m["shoulder_l"], m["shoulder_r"]), 0.5)
    trunk = _add(mid_shoulder, _scale(m["hip_centre"], -1.0))
    out["trunk_incline"] = angle_between(trunk, (0.0, 1.0, 0.0))
    return {k: round(v, 1) for k, v in out.items()}


# ---- supports and contact ----


class SupportKind(StrEnum):
    FLOOR = "floor"
    BED = "bed"
    CHAIR = "chair"
    BALL = "ball"
    ROLLER = "roller"
    TOWEL = "towel"
    PILLOW = "pillow"


@dataclass(frozen=True)
class Surface:
    """A horizontal surface at `height` between x0 and x1 that the body can rest on."""

    kind: SupportKind
    height: float
    x0: float = -math.inf
    x1: float = math.inf


CONTACT_TOLERANCE = 0.03  # metres: a part this close to its support counts as resting on it


def gap(segment: Segment, surface: Surface) -> float | None:
    """Height of the part's lowest point above the surface, or None when not over it."""
    lo, hi = segment.x_span()
    if hi < surface.x0 - CONTACT_TOLERANCE or lo > surface.x1 + CONTACT_TOLERANCE:
        return None
    return segment.lowest() - surface.height


def touches(segment: Segment, surface: Surface, tolerance: float = CONTACT_TOLERANCE) -> bool:
    g = gap(segment, surface)
    return g is not None and abs(g) <= tolerance


def settle(pose: Pose, part: str, surface: Surface, dims: Dims = DIMS) -> Pose:
    """The pose moved up or down so that `part` rests exactly on the surface."""
    seg = pose_body(pose, dims).segments[part]
    return pose.moved(dy=surface.height - seg.lowest())


def below(body: Body, height: float, tolerance: float = CONTACT_TOLERANCE) -> list[str]:
    """Parts that sink further than the tolerance below a height (e.g. through the floor)."""
    return [n for n, s in body.segments.items() if s.lowest() < height - tolerance]


def parts_known(names: Iterable[str]) -> list[str]:
    return [n for n in names if n not in PART_NAMES]
