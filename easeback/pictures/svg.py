"""Draw a technique's figure as SVG: static key poses and a looping SMIL animation.

The body is drawn from its solid parts (easeback.domain.body) projected onto the view: each part
is a rounded shape whose width follows how the part is turned, grouped into torso, arms and legs
so that each group reads as one silhouette. The animation samples the movement between keyframes
(joint angles, eased) and paces it with the technique's dosage, holds included.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal
from xml.sax.saxutils import escape

from easeback.domain.body import DIMS, Body, Pose, Segment, Vec, dot, pose_body
from easeback.domain.models import Technique
from easeback.pictures.figures import (
    LOOSE_PROPS,
    Figure,
    KeyPanel,
    PropKind,
    PropSpec,
    Tempo,
    View,
    ease,
    figure_for,
    key_panels,
    key_rows,
    motion_amount,
    passing,
    pelvis_tilt,
    tempo,
)

PoseName = Literal["start", "end", "animated"]
Point = tuple[float, float]

WIDTH, HEIGHT = 400.0, 300.0
MARGIN = 14.0
MAX_SCALE = 150.0  # pixels per metre; smaller only when a picture would not fit
MOVE_FRAMES = 6

INK = "#1d3b4f"
NEAR = "#3f7ea6"
FAR = "#9cc0d6"
HEAD = "#f1c7a6"
HIGHLIGHT = "#ff6a3d"
PROP_FILL = "#d9cdb8"
BED_TOP, BED_INK = "#e8eef5", "#9aa9b8"  # a bed's sheet and its outline
PROP_INK = "#8a7a60"
FLOOR = "#c9bda9"  # a light floor line, not a band
MAT = "#8fc9a9"
ROLLER = "#8e5bb5"  # a foam roller: a colour apart from the body's blues (it read as a limb)
WATER = "#6fb7e0"
ARROW = "#c2185b"  # motion arrows: a colour no body part or highlight uses
ARROW_G = (f'<g class="motion" fill="none" stroke="{ARROW}" stroke-width="3" '
           'stroke-linecap="round" stroke-linejoin="round">')  # fmt: skip

GROUPS: dict[str, tuple[str, ...]] = {
    "leg_l": ("thigh_l", "shin_l", "foot_l"),
    "leg_r": ("thigh_r", "shin_r", "foot_r"),
    "arm_l": ("upper_arm_l", "forearm_l", "hand_l"),
    "arm_r": ("upper_arm_r", "forearm_r", "hand_r"),
    "torso": ("neck", "torso"),
}
TRUNK = ("pelvis", "lumbar", "thorax")
LIMB_CAP = 1.0  # limbs get round caps as deep as they are wide
TRUNK_CAP = 0.035  # metres: trunk parts end in shallow domes


@dataclass(frozen=True)
class Camera:
    right: Vec
    up: Vec
    toward: Vec  # towards the viewer: larger is nearer


def _looking(toward: Vec) -> Camera:
    """A camera looking back along `toward` (world, towards the viewer), picture-up kept up."""
    n = math.sqrt(dot(toward, toward))
    t: Vec = (toward[0] / n, toward[1] / n, toward[2] / n)
    right: Vec = (t[2], 0.0, -t[0])  # world up x toward
    k = math.hypot(right[0], right[2])
    right = (right[0] / k, 0.0, right[2] / k)
    up: Vec = (t[1] * right[2] - t[2] * right[1], t[2] * right[0] - t[0] * right[2],
               t[0] * right[1] - t[1] * right[0])  # fmt: skip
    return Camera(right, up, t)


def _from_above(tilt: float) -> Camera:
    """Looking down at a lying figure, head to the left, its left side up the picture, the
    camera tipped `tilt` degrees towards the figure's right: bent knees stand a little up the
    picture, and tipping to either side they swing across the body's line."""
    s, c = math.sin(math.radians(tilt)), math.cos(math.radians(tilt))
    return Camera((1, 0, 0), (0, s, -c), (0, c, s))


def above_facing(cam: Camera) -> Camera:
    """Looking straight down, turned as the picture `cam` is: the viewer at the bottom, the
    picture's right to the right (review 11a: a close-up from above of a figure facing the
    viewer had its nose pointing sideways); a side view's is View.TOP's."""
    ux, uz = -cam.toward[0], -cam.toward[2]
    n = math.hypot(ux, uz)
    if n < 1e-6:  # already from straight above
        return cam
    return Camera((-uz / n, 0.0, ux / n), (ux / n, 0.0, uz / n), (0.0, 1.0, 0.0))


CAMERAS: dict[View, Camera] = {
    View.SIDE: Camera((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    View.FRONT: Camera((0, 0, -1), (0, 1, 0), (1, 0, 0)),
    View.TOP: Camera((1, 0, 0), (0, 0, -1), (0, 1, 0)),
    View.THREE_QUARTER: _looking((0.6, 0.9, 0.45)),
    View.ABOVE: _looking((0.2, 0.55, 1.0)),  # low enough that bent knees stand up
    View.OVERHEAD: _looking((0.0, 1.0, 0.5)),  # steep enough that raised thighs show
    View.FEET_END: _looking((1.0, 1.1, -0.1)),  # from beyond the feet, high: knees tip across
    View.FEET_LEFT: _looking((1.0, 1.1, -0.55)),  # 44 degrees up, 29 off the legs' line
    View.DOWN: _from_above(15.0),
    # a face-down figure's near arm, reaching forward past the head, lies below the head on
    # the picture (from the side it crossed the face), its legs not paler for lying further
    # (round 8: lower, 21 degrees, so a lift of a few centimetres shows; the arms in a wider Y)
    View.SIDE_HIGH: _looking((-0.15, 0.4, 1.0)),
    View.LOW_THREE_QUARTER: _looking((0.38, 0.45, 1.0)),  # 21 degrees to the feet, 23 up
    View.HIGH_THREE_QUARTER: _looking((0.1, 1.05, 1.0)),  # 6 degrees to the feet, 46 up
    View.HEAD_LEFT: _looking((-0.7, 0.57, -1.0)),  # 55 degrees off the legs' line, 25 up
}
OBLIQUE = (View.THREE_QUARTER, View.ABOVE, View.OVERHEAD, View.FEET_END, View.DOWN,
           View.SIDE_HIGH, View.LOW_THREE_QUARTER, View.HIGH_THREE_QUARTER,
           View.FEET_LEFT, View.HEAD_LEFT)  # fmt: skip


@dataclass
class Frame:
    """World-to-picture mapping shared by every pose of one drawing."""

    camera: Camera
    scale: float = MAX_SCALE
    ox: float = WIDTH / 2
    oy: float = HEIGHT - 40
    span: tuple[float, float] = (0.0, HEIGHT)  # picture rows the figure and props fill
    reach: tuple[float, float] | None = None  # metres along the floor the figure spans

    def xy(self, v: Vec) -> Point:
        return (
            self.ox + dot(v, self.camera.right) * self.scale,
            self.oy - dot(v, self.camera.up) * self.scale,
        )


# ---- shapes of body parts ----


def _outline(seg: Segment, frame: Frame, blob: bool = False) -> list[Point]:
    """Key points of a part's silhouette, in a fixed order so frames can be interpolated."""
    cam = frame.camera
    a2, b2 = frame.xy(seg.a), frame.xy(seg.b)
    dx, dy = b2[0] - a2[0], b2[1] - a2[1]
    length = math.hypot(dx, dy)
    if length < 1e-6:
        ux, uy = 1.0, 0.0
    else:
        ux, uy = dx / length, dy / length
    nx, ny = -uy, ux
    # the 3D direction that shows as the picture's perpendicular (picture y runs downwards)
    across: Vec = tuple(nx * r - ny * u for r, u in zip(cam.right, cam.up, strict=True))  # type: ignore[assignment]
    if seg.a == seg.b:
        e = seg.hw * frame.scale
    else:
        e = max(seg.extent(across), 0.6 * min(seg.hw, seg.hd)) * frame.scale
    is_limb = seg.hw == seg.hd or blob
    if blob:
        e *= 0.8
    c = e * LIMB_CAP if is_limb else min(TRUNK_CAP * frame.scale, e, length / 2 + 0.1)
    if is_limb:
        pa, pb = a2, b2
    else:
        pa = (a2[0] + ux * c, a2[1] + uy * c)
        pb = (b2[0] - ux * c, b2[1] - uy * c)
    k = 0.5523
    pts: list[Point] = []

    def p(base: Point, along: float, side: float) -> Point:
        return (base[0] + ux * along + nx * side, base[1] + uy * along + ny * side)

    # start at a's left side, go along to b, round the cap at b, back, round the cap at a
    pts += [p(pa, 0, e), p(pb, 0, e)]
    pts += [p(pb, k * c, e), p(pb, c, k * e), p(pb, c, 0)]
    pts += [p(pb, c, -k * e), p(pb, k * c, -e), p(pb, 0, -e)]
    pts += [p(pa, 0, -e)]
    pts += [p(pa, -k * c, -e), p(pa, -c, -k * e), p(pa, -c, 0)]
    pts += [p(pa, -c, k * e), p(pa, -k * c, e), p(pa, 0, e)]
    return pts


def _num(v: float, digits: int) -> str:
    return f"{v:.{digits}f}" if digits else str(round(v))


def _path_open(pts: Sequence[Point], digits: int = 1) -> str:
    """Straight lines through the points."""
    return "M" + "L".join(f"{_num(x, digits)},{_num(y, digits)}" for x, y in pts)


def _path(pts: Sequence[Point], digits: int = 1) -> str:
    f = [f"{_num(x, digits)},{_num(y, digits)}" for x, y in pts]
    return (
        f"M{f[0]}L{f[1]}C{f[2]} {f[3]} {f[4]}C{f[5]} {f[6]} {f[7]}"
        f"L{f[8]}C{f[9]} {f[10]} {f[11]}C{f[12]} {f[13]} {f[14]}Z"
    )


def _torso(body: Body, frame: Frame, draw_in: float = 0.0) -> list[Point]:
    """A closed ring of points around the whole trunk, from the buttocks to the shoulders;
    `draw_in` metres of the lower tummy's front drawn in towards the spine, the small of the
    back hollowed by the lumbar curve (`lumbar_hollow`)."""
    cam = frame.camera
    seg = body.segments
    pelvis, lumbar, thorax = seg["pelvis"], seg["lumbar"], seg["thorax"]
    mid_chest = tuple((a + b) / 2 for a, b in zip(thorax.a, thorax.b, strict=True))
    spine: list[tuple[Vec, Segment, float]] = [
        (pelvis.a, pelvis, 0.8),
        (pelvis.b, pelvis, 1.0),
        (lumbar.b, lumbar, 1.0),
        (mid_chest, thorax, 1.02),  # type: ignore[list-item]
        (thorax.b, thorax, 0.92),
    ]
    pts2 = [frame.xy(v) for v, _, _ in spine]
    hollow = lumbar_hollow(body)
    left: list[Point] = []
    right: list[Point] = []
    dirs: list[Point] = []
    backs: list[tuple[float, float]] = []  # how much each side faces back, (left, right)
    for i, (_, part, k) in enumerate(spine):
        j0, j1 = max(i - 1, 0), min(i + 1, len(spine) - 1)
        dx, dy = pts2[j1][0] - pts2[j0][0], pts2[j1][1] - pts2[j0][1]
        n = math.hypot(dx, dy) or 1.0
        ux, uy = dx / n, dy / n
        nx, ny = -uy, ux
        across: Vec = tuple(nx * r - ny * u for r, u in zip(cam.right, cam.up, strict=True))  # type: ignore[assignment]
        e = max(part.extent(across), 0.6 * min(part.hw, part.hd)) * k * frame.scale
        if i == len(spine) - 1:  # the shoulders: as wide as the shoulder joints, thin
            e = _shoulders(part, across) * k * frame.scale
        x, y = pts2[i]
        # the lower tummy (the top of the pelvis, a little of the waist): its front side
        pull = draw_in * BELLY_WEIGHT.get(i, 0.0) * frame.scale
        front = dot(across, part.forward)
        # the ends of the waist share a little of the low back's hollow (never filled out)
        dip = max(0.0, hollow) * HOLLOW_END.get(i, 0.0) * frame.scale
        in_l = pull * max(0.0, front) + dip * max(0.0, -front)
        in_r = pull * max(0.0, -front) + dip * max(0.0, front)
        left.append((x + nx * (e - in_l), y + ny * (e - in_l)))
        right.append((x - nx * (e - in_r), y - ny * (e - in_r)))
        dirs.append((ux * e, uy * e))
        backs.append((max(0.0, -front), max(0.0, front)))
    # the middle of the waist: a point on the curve as drawn without it, moved in (or out,
    # for a rounded back) by the hollow on the back's side
    (ax, ay), (bx_, by_) = pts2[1], pts2[2]
    n = math.hypot(bx_ - ax, by_ - ay) or 1.0
    nx, ny = -(by_ - ay) / n, (bx_ - ax) / n
    h = hollow * frame.scale
    for ring, sign, back in ((left, 1.0, backs[1][0]), (right, -1.0, backs[1][1])):
        p0, p1, p2, p3 = ring[0], ring[1], ring[2], ring[3]
        mx = (-p0[0] + 9 * p1[0] + 9 * p2[0] - p3[0]) / 16
        my = (-p0[1] + 9 * p1[1] + 9 * p2[1] - p3[1]) / 16
        ring.insert(2, (mx - sign * nx * h * back, my - sign * ny * h * back))
        if back > 0.5:
            _ease_corners(ring, (1, 2, 3), sign)
    (bx, by), (bdx, bdy) = pts2[0], dirs[0]
    (tx, ty), (tdx, tdy) = pts2[-1], dirs[-1]
    bottom = (bx - 0.08 * bdx, by - 0.08 * bdy)
    top = (tx + 0.3 * tdx, ty + 0.3 * tdy)
    return [bottom, *left, top, *reversed(right)]


def _turn(a: Point, b: Point, c: Point) -> float:
    """Degrees a path turns at b, + to the left (as the picture shows it: y runs down)."""
    t = math.atan2(c[1] - b[1], c[0] - b[0]) - math.atan2(b[1] - a[1], b[0] - a[0])
    return math.degrees((t + math.pi) % (2 * math.pi) - math.pi)


def _ease_corners(side: list[Point], at: Sequence[int], sign: float) -> None:
    """Round the back's hollow where it would fold into a notch (review 11a: the cow's back
    kinked into a spike): each point of `at` turning inwards by more than EASE_LIMIT moves
    towards its neighbours' middle, and the neighbours take a share of the depth, so the
    hollow keeps its depth but spreads into a soft U."""
    for _ in range(EASE_ROUNDS):
        for i in at:
            a, b, c = side[i - 1], side[i], side[i + 1]
            over = sign * _turn(a, b, c) - EASE_LIMIT
            if over <= 0:
                continue
            k = min(0.5, over / 90.0)
            mx, my = (a[0] + c[0]) / 2, (a[1] + c[1]) / 2
            dx, dy = k * (mx - b[0]), k * (my - b[1])
            side[i] = (b[0] + dx, b[1] + dy)
            for j in (i - 1, i + 1):
                if j in at:
                    side[j] = (side[j][0] - dx / 2, side[j][1] - dy / 2)


EASE_LIMIT = 25.0  # degrees: the sharpest inward turn of a point of the back's hollow
EASE_ROUNDS = 6


def _shoulders(thorax: Segment, across: Vec) -> float:
    """How far the trunk's outline reaches at the shoulders: the shoulder girdle, wide and
    thin, so that seen from the front the shoulder line narrows as the chest turns (review
    5: the twists' torso never visibly rotated), at least the chest's depth from the side."""
    girdle = replace(thorax, hw=DIMS.shoulder_spread, hd=SHOULDER_HD)
    return max(girdle.extent(across), thorax.hd * abs(dot(across, thorax.forward)))


SHOULDER_HD = 0.05  # metres: the shoulder girdle's half-depth
BELLY_WEIGHT = {1: 1.0, 2: 0.35}  # share of the draw-in at the top of the pelvis and the waist
HOLLOW_END = {1: 0.3, 2: 0.3}  # share of the low back's hollow at the ends of the waist
HOLLOW_NEUTRAL = 0.004  # metres: the small of the back's hollow with the spine in neutral
HOLLOW_PER_DEG = 0.0022  # metres more per degree of lumbar extension (less per degree bent)
HOLLOW_RANGE = (-0.02, 0.05)  # a rounded low back fills out, an arched one hollows


def lumbar_extension(body: Body) -> float:
    """Degrees the low back is arched (extended) from neutral, from the drawn parts: the
    lumbar part tipping back against the pelvis; negative when it rounds (flexes)."""
    p, q = body.frames["pelvis"], body.frames["lumbar"]
    up_p, back_p = (p[0][1], p[1][1], p[2][1]), (-p[0][0], -p[1][0], -p[2][0])
    up_q = (q[0][1], q[1][1], q[2][1])
    return math.degrees(math.atan2(dot(up_q, back_p), dot(up_q, up_p)))


def lumbar_hollow(body: Body) -> float:
    """Metres the small of the back is drawn hollowed in from a straight back: the lumbar
    curve, deeper as the low back arches, filled out as it rounds (review 5: the pelvic
    tilt's main figure never showed the gap under the low back closing)."""
    lo, hi = HOLLOW_RANGE
    return min(hi, max(lo, HOLLOW_NEUTRAL + HOLLOW_PER_DEG * lumbar_extension(body)))


GAP_SHADE = "#8d9aa6"  # the gap under the small of the back: a shadow, darker than the floor


def lies_face_up(body: Body, frame: Frame) -> bool:
    """Lying on the back seen from the side: the chest and the pelvis face up, level."""
    pelvis, thorax = body.segments["pelvis"], body.segments["thorax"]
    side = abs(frame.camera.toward[2]) > 0.9
    return side and pelvis.forward[1] > 0.6 and thorax.forward[1] > 0.6


def waist_gap(body: Body, frame: Frame) -> list[Point]:
    """A shadow from the support up to the spine under the small of the back, drawn before
    the body: the trunk covers it except in the gap between the low back and the floor,
    which shows and closes as the low back flattens (review 5: the pelvic tilt's and the
    draw-in's main figure showed no movement)."""
    torso = _smooth_curve(_torso(body, frame))
    floor = max(y for _, y in torso)  # the lowest drawn point of the trunk rests on it
    (ax, ay), (bx, by) = frame.xy(body.segments["pelvis"].b), frame.xy(body.segments["lumbar"].b)
    # only while the buttocks and the chest both rest on it (not in a bridge's lift)
    ends = [frame.xy(body.landmarks[m])[0] for m in ("hip_centre", "neck_base")]
    lows = [max((y for x, y in torso if abs(x - px) <= 0.08 * frame.scale), default=0.0)
            for px in ends]  # fmt: skip
    if min(lows) < floor - 0.015 * frame.scale:
        ay = by = floor
    return [(ax, floor), (ax, ay), (bx, by), (bx, floor)]


SHADOW = "#34495e"  # a raised part's shadow on its support, drawn see-through
SHADOW_OPACITY = 0.22
SHADOW_LEAN = 0.5  # metres the shadow slides down the picture per metre of height
# lying figures seen from above: their height does not show
SHADOWED = (View.DOWN, View.SIDE_HIGH, View.FEET_END)


def support_top(fig: Figure) -> float:
    """The height of the surface a lying figure rests on: a bed's mattress, else the floor."""
    beds = [p for p in fig.props if p.kind is PropKind.BED]
    return beds[0].base + beds[0].size[1] if beds else 0.0


def shadow_segments(body: Body, frame: Frame, top: float) -> dict[str, Segment]:
    """Each part dropped onto the support (review 6: from above a raised knee read as a
    straight leg on the floor): by its underside's height above the support, straight down
    and SHADOW_LEAN of that height along the floor down the picture. A part resting on the
    support hides its shadow under itself; a raised one stands off its shadow."""
    ux, uz = frame.camera.up[0], frame.camera.up[2]
    if frame.camera is CAMERAS[View.FEET_END]:  # down the picture is along the legs: sideways
        ux, uz = -frame.camera.right[0], -frame.camera.right[2]
    n = math.hypot(ux, uz)
    dx, dz = (-ux / n, -uz / n) if n > 1e-6 else (0.0, 0.0)
    out: dict[str, Segment] = {}
    for name, seg in body.segments.items():
        under = min(seg.hw, seg.hd)

        def drop(p: Vec, under: float = under) -> Vec:
            h = max(0.0, p[1] - under - top)
            return (p[0] + SHADOW_LEAN * h * dx, p[1] - h, p[2] + SHADOW_LEAN * h * dz)

        out[name] = replace(seg, a=drop(seg.a), b=drop(seg.b))
    return out


SHADOW_SHOWS = 20.0  # pixels: a part whose shadow never stands this far off it casts none


def shadow_parts(bodies: Sequence[Body], frame: Frame, top: float,
                 shows: float = SHADOW_SHOWS) -> list[str]:  # fmt: skip
    """The parts whose shadow stands `shows` pixels off them in some of the bodies: the
    raised knees from above, not an arm a shoulder lifts a little (the animation stays
    small); the rest hide it under themselves."""
    far: dict[str, float] = {}
    for b in bodies:
        shadows = shadow_segments(b, frame, top)
        for name, seg in b.segments.items():
            sh = shadows[name]
            off = max(math.dist(frame.xy(seg.a), frame.xy(sh.a)),
                      math.dist(frame.xy(seg.b), frame.xy(sh.b)))  # fmt: skip
            far[name] = max(far.get(name, 0.0), off)
    return [name for name, off in far.items() if off >= shows]


def ground_shadow(body: Body, frame: Frame, top: float, digits: int = 1,
                  parts: Sequence[str] | None = None) -> dict[int, str]:  # fmt: skip
    """The body's shadow on its support, by stroke width in pixels: each limb's dropped axis
    (thigh and shin, upper arm and forearm) as one round-capped line as wide as its end part,
    each trunk part's alone, so the lines of a width paint as one."""
    out: dict[int, list[str]] = {}
    shadows = shadow_segments(body, frame, top)
    cast = list(shadows if parts is None else parts)
    # (the round cap at the ankle or wrist stands for the foot or hand: fewer points)
    chains = [[n for n in g[:2] if n in cast] for name, g in GROUPS.items() if name != "torso"]
    chains += [[n] for n in cast if not any(n in g for g in GROUPS.values()) and n in TRUNK]
    for chain in (c for c in chains if c):
        segs = [shadows[n] for n in chain]
        w = max(2, round(2 * segs[len(segs) // 2].hw * frame.scale))
        pts = [frame.xy(s.a) for s in segs] + [frame.xy(segs[-1].b)]
        out.setdefault(w, []).append("M" + "L".join(
            f"{_num(x, digits)},{_num(y, digits)}" for x, y in pts))  # fmt: skip
    return {w: "".join(d) for w, d in sorted(out.items())}


def drawn_waist_gap(body: Body, frame: Frame) -> float:
    """Pixels between the trunk's drawn back and the support under the middle of the waist."""
    torso = _smooth_curve(_torso(body, frame))
    floor = max(y for _, y in torso)
    (mx, my) = frame.xy(body.landmarks["lumbar_base"])
    (wx, wy) = frame.xy(body.landmarks["waist"])
    cx, half = (mx + wx) / 2, max(2.0, abs(wx - mx) / 6)
    below = [y for x, y in torso if abs(x - cx) <= half and y > (my + wy) / 2]
    return floor - max(below)


def belly_front(body: Body, draw_in: float = 0.0) -> Vec:
    """The front of the lower tummy (over the top of the pelvis), drawn in by `draw_in`."""
    seg = body.segments["pelvis"]
    depth = seg.hd - draw_in
    return tuple(b + depth * f for b, f in zip(seg.b, seg.forward, strict=True))  # type: ignore[return-value]


def _smooth(ring: Sequence[Point], digits: int = 1) -> str:
    """A closed Catmull-Rom curve through the points, as cubic Béziers."""
    n = len(ring)

    def pt(p: Point) -> str:
        return f"{_num(p[0], digits)},{_num(p[1], digits)}"

    out = [f"M{pt(ring[0])}"]
    for i in range(n):
        p0, p1, p2, p3 = ring[i - 1], ring[i], ring[(i + 1) % n], ring[(i + 2) % n]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        out.append(f"C{pt(c1)} {pt(c2)} {pt(p2)}")
    return "".join(out) + "Z"


def _hair(centre: Point, nose: Point, r: float) -> str:
    """The hair of a head whose face is turned away and down: the head's far side from the
    nose, a cap reaching a little past the middle (SVG path, points only: no arc flags)."""
    cx, cy = centre
    ux, uy = nose[0] - cx, nose[1] - cy
    k = math.hypot(ux, uy) or 1.0
    ux, uy = ux / k, uy / k
    a0 = math.atan2(uy, ux)
    # round the far side, from 100 degrees off the nose's way to 260
    arc = [(cx + r * math.cos(a0 + math.radians(d)), cy + r * math.sin(a0 + math.radians(d)))
           for d in range(100, 261, 20)]  # fmt: skip
    qx, qy = cx + 0.45 * r * ux, cy + 0.45 * r * uy
    points = "L".join(f"{x:.1f},{y:.1f}" for x, y in arc)
    return f"M{points}Q{qx:.1f},{qy:.1f} {arc[0][0]:.1f},{arc[0][1]:.1f}Z"


def _nose(body: Body, frame: Frame) -> tuple[Point, float]:
    head = body.segments["head"]
    tip = body.landmarks["nose"]
    centre = tuple(h + 0.78 * (t - h) for h, t in zip(head.a, tip, strict=True))
    return frame.xy(centre), 0.3 * head.hw * frame.scale  # type: ignore[arg-type]


# ---- the drawn outline, as points on its curves ----


def _cubic(p0: Point, p1: Point, p2: Point, p3: Point, n: int = 8) -> list[Point]:
    out: list[Point] = []
    for i in range(1, n + 1):
        t = i / n
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3
        out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))  # fmt: skip
    return out


def _part_curve(pts: Sequence[Point]) -> list[Point]:
    """Points along a part's drawn shape (the curve of `_path`, not its control points)."""
    out = [pts[0], pts[1]]
    out += _cubic(pts[1], pts[2], pts[3], pts[4]) + _cubic(pts[4], pts[5], pts[6], pts[7])
    out.append(pts[8])
    out += _cubic(pts[8], pts[9], pts[10], pts[11]) + _cubic(pts[11], pts[12], pts[13], pts[14])
    return out


def _smooth_curve(ring: Sequence[Point]) -> list[Point]:
    """Points along the closed curve `_smooth` draws through a ring."""
    n = len(ring)
    out: list[Point] = []
    for i in range(n):
        p0, p1, p2, p3 = ring[i - 1], ring[i], ring[(i + 1) % n], ring[(i + 2) % n]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        out += _cubic(p1, c1, c2, p2)
    return out


def drawn_outline(body: Body, view: View = View.SIDE) -> dict[str, list[Point]]:
    """Every drawn shape of the body as points on its outline, in world metres of the view
    (x along the picture's right, y up): what a reader sees, bulges of the drawing included."""
    frame = Frame(CAMERAS[view], 1.0, 0.0, 0.0)
    shapes: dict[str, list[Point]] = {}
    for name, seg in body.segments.items():
        if name in TRUNK:
            continue
        if name == "head":
            (x, y), r = frame.xy(seg.a), seg.hw
            shapes[name] = [(x + r * math.cos(a / 8 * math.pi), y + r * math.sin(a / 8 * math.pi))
                            for a in range(16)]  # fmt: skip
        else:
            shapes[name] = _part_curve(_outline(seg, frame))
    shapes["torso"] = _smooth_curve(_torso(body, frame))
    return {k: [(x, -y) for x, y in v] for k, v in shapes.items()}


def picture_shape(body: Body, part: str, frame: Frame) -> list[Point]:
    """Points along one drawn shape of the body ("torso" for the trunk), in picture pixels."""
    if part == "torso":
        return _smooth_curve(_torso(body, frame))
    seg = body.segments[part]
    if part == "head":
        (x, y), r = frame.xy(seg.a), seg.hw * frame.scale
        return [(x + r * math.cos(a / 16 * math.pi), y + r * math.sin(a / 16 * math.pi))
                for a in range(32)]  # fmt: skip
    return _part_curve(_outline(seg, frame))


def picture_shapes(body: Body, frame: Frame) -> dict[str, list[Point]]:
    """Every drawn shape of the body, in picture pixels."""
    names = [n for n in body.segments if n not in TRUNK] + ["torso"]
    return {n: picture_shape(body, n, frame) for n in names}


def eye_point(body: Body, frame: Frame) -> Point:
    """Where the eye is drawn: between the head's centre and the nose."""
    (cx, cy), ((nx, ny), _) = frame.xy(body.segments["head"].a), _nose(body, frame)
    return (cx + 0.55 * (nx - cx), cy + 0.55 * (ny - cy))


# ---- highlighted regions ----

BAND = 0.5  # a highlighted face covers this fraction of the part's depth (or width)


def _face_direction(seg: Segment, face: str) -> Vec:
    outward = -1.0 if seg.side == "l" else 1.0  # a limb's outer side, away from the midline
    k = {"front": 1.0, "back": -1.0, "right": 1.0, "left": -1.0, "outer": outward,
         "inner": -outward}[face]  # fmt: skip
    axis = seg.forward if face in ("front", "back") else seg.lateral
    return (axis[0] * k, axis[1] * k, axis[2] * k)


def region_segment(body: Body, region: str) -> Segment:
    """The solid a highlighted region covers: a whole part, or a band under one of its faces
    (the back of the low back, the front of a thigh), a little shorter than the part."""
    part, _, face = region.partition(":")
    seg = body.segments[part]
    if not face:
        return seg
    v = _face_direction(seg, face)
    deep = face in ("front", "back")
    half = seg.hd if deep else seg.hw
    new_half = half * BAND
    shift = half - 0.8 * new_half  # drawn as a blob (0.8 wide): its edge meets the surface
    trim = 0.12 if seg.hw == seg.hd else 0.0  # limbs: keep the band off the joints

    def moved(p: Vec, q: Vec) -> Vec:
        return tuple(
            pi + v_i * shift + (qi - pi) * trim for pi, qi, v_i in zip(p, q, v, strict=True)
        )  # type: ignore[return-value]

    return Segment(
        f"{part}-{face}",
        moved(seg.a, seg.b),
        moved(seg.b, seg.a),
        seg.lateral,
        seg.forward,
        seg.hw if deep else new_half,
        new_half if deep else seg.hd,
    )


def facing(body: Body, region: str, cam: Camera) -> float:
    """How much a region's face turns towards the viewer: 1 facing, -1 turned away."""
    part, _, face = region.partition(":")
    if not face:
        return 1.0
    return dot(_face_direction(body.segments[part], face), cam.toward)


def _while_shown(shapes: list[str], shown: list[bool]) -> list[str]:
    """A hidden shape's frames: it moves while shown (and into the frame after, where it is
    switched off) and otherwise waits as the next shown frame, so the animation repeats
    fewer values."""
    n = len(shapes)
    if not any(shown):
        return shapes
    kept = [shown[i] or shown[i - 1] for i in range(n)]
    out = list(shapes)
    for i in range(n):
        if not kept[i]:
            j = next(k % n for k in range(i + 1, i + n + 1) if kept[k % n])
            out[i] = shapes[j]
    return out


def _region_id(region: str) -> str:
    return "hl-" + region.replace(":", "-")


# ---- drawing order and colours ----


def _depth(body: Body, names: Sequence[str], cam: Camera, lead: float = 0.05) -> float:
    """How near a group is to the viewer: the torso by its middle, an arm by its nearest
    point less `lead` (hands crossed on the chest or on the knees are in front of it)."""
    if names and names[0].startswith("upper_arm"):
        segs = [body.segments[n] for n in names]
        return max(max(dot(s.a, cam.toward), dot(s.b, cam.toward)) for s in segs) - lead
    segs = [body.segments[n] for n in names if n != "torso"] + [body.segments["lumbar"]]
    mids = [dot(s.a, cam.toward) + dot(s.b, cam.toward) for s in segs]
    return sum(mids) / (2 * len(mids))


BESIDE_HEAD = 0.12  # metres nearer the viewer than the head: an arm reaching past beside it


def layers(body: Body, cam: Camera) -> list[tuple[str, str]]:
    """What is drawn, from the bottom up: (group, colour) far to near, with ("head", "") on
    top of the limbs, except an arm reaching forward past the head on the viewer's side of
    it, drawn over it (review 3: drawn under the head, the bird-dog's and the superman's
    reaching arm read as going through the head); the pose keeps the eye clear of it (the
    face check)."""
    order = _order(body, cam)
    head = dot(body.segments["head"].a, cam.toward)

    def beside(group: str) -> bool:
        if not group.startswith("arm_"):
            return False
        hand = body.segments[f"hand_{group[-1]}"]
        arm = [body.segments[n] for n in GROUPS[group]]
        nearest = min(min(dot(s.a, cam.toward), dot(s.b, cam.toward)) for s in arm)
        # the hand further from the shoulders than the head is: reaching past it
        neck = body.landmarks["neck_base"]
        reach = math.dist(hand.b, neck) > math.dist(body.segments["head"].a, neck) + 0.15
        return nearest > head + BESIDE_HEAD and reach

    over = [g for g in order if beside(g[0])]
    return [g for g in order if g not in over] + [("head", "")] + over


def arms_over_legs(order: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The drawing order with the arms drawn before the nearer leg moved to just after it:
    hands holding a raised thigh from behind, under it from above, show over it."""
    last = max(k for k, (g, _) in enumerate(order) if g.startswith("leg_"))
    under = [g for g in order[:last] if g[0].startswith("arm_")]
    rest = [g for g in order if g not in under]
    at = rest.index(order[last]) + 1
    return rest[:at] + under + rest[at:]


def drawn_over_head(body: Body, cam: Camera) -> list[str]:
    """The limb groups drawn after the head (over it, where they cross)."""
    names = [g for g, _ in layers(body, cam)]
    return [g for g in names[names.index("head") + 1 :] if g != "torso"]


def _order(body: Body, cam: Camera) -> list[tuple[str, str]]:
    """(group, colour) from far to near; limbs well behind the torso are drawn paler."""
    ranked = sorted(
        GROUPS, key=lambda g: _depth(body, GROUPS[g], cam) + (0.01 if g == "torso" else 0)
    )
    # paler means further away across the floor: seen from above, a part is not behind the
    # torso only because it is lower (the legs of a sitter are in front of it)
    tx, tz = cam.toward[0], cam.toward[2]
    n = math.hypot(tx, tz)
    level = Camera(cam.right, cam.up, (tx / n, 0.0, tz / n)) if n > 0.3 else cam
    torso_level = _depth(body, GROUPS["torso"], level)
    out = []
    for g in ranked:
        # an arm by its nearest point itself: arms hanging at the sides seen from the front
        # are beside the trunk, not behind it (review 5: the side bend's arms turned pale at
        # rest and dark in the bend)
        behind = g != "torso" and _depth(body, GROUPS[g], level, 0.0) < torso_level - 0.04
        out.append((g, FAR if behind else NEAR))
    return out


# ---- timing ----


@dataclass(frozen=True)
class Sample:
    time: float
    pose: Pose
    side: str  # "right", "left" or "" for techniques not done per side
    depth: float  # 0 at the start pose, 1 at the end pose: how strongly the stretch is felt
    part: int = 0  # which movement of a figure that shows two (see Figure.then)
    back: bool = False  # on the way back out of the stretch (its arrow no longer says the way)
    lead: bool = False  # getting into the start position (lying down beside the ball, ...)


_ease = ease


CUT = 0.05  # seconds: between two movements the picture cuts, it does not morph


_LOOPS: dict[tuple[int, str, Tempo], tuple[Figure, tuple[Sample, ...]]] = {}


def samples(fig: Figure, technique: Technique) -> list[Sample]:
    """The loop as poses at times (seconds), ending where it starts. Worked out once per
    figure and pace: every key pose, arrow and crop of a drawing is framed by it."""
    key = (id(fig), technique.id, tempo(technique))
    if key not in _LOOPS:  # the figure is kept with its loop, so its id stays its own
        _LOOPS[key] = (fig, tuple(_loop(fig, technique)))
    return list(_LOOPS[key][1])


def nested(fig: Figure) -> bool:
    """Whether the second movement starts where the first ends (knees in, then the rock;
    the ankle crossed, then the foot lifting): it is then done inside the first, whose way
    back comes after it, as the steps do them."""
    if fig.then is None or fig.then.sided != fig.sided:
        return False
    a, b = fig.end, fig.then.start
    joints = a.full_joints(), b.full_joints()
    same = all(abs(joints[0][j] - joints[1][j]) < 0.5 for j in joints[0])
    ra, rb = a.root, b.root
    root = (abs(ra.pitch - rb.pitch) < 0.5 and abs(ra.twist - rb.twist) < 0.5
            and abs(ra.roll - rb.roll) < 0.5 and abs(ra.x - rb.x) < 0.005
            and abs(ra.y - rb.y) < 0.005)  # fmt: skip
    return same and root


def _loop(fig: Figure, technique: Technique) -> list[Sample]:
    if nested(fig):
        return _nested_loop(fig, technique)
    tp = tempo(technique)
    out: list[Sample] = []
    now = 0.0
    for n, part in enumerate(fig.parts):
        keys = part.keyframes()
        sides = [("right", "_right"), ("left", "_left")] if part.sided else [("", "")]
        for side, suffix in sides:
            start, end = keys["start" + suffix], keys["end" + suffix]
            if out and out[-1].pose != start:
                out.append(Sample(now, out[-1].pose, side, 0.0, out[-1].part))
                now += 0.8 if out[-1].part == n else CUT
            out.append(Sample(now, start, side, 0.0, n))
            now += tp.pause
            # limbs moved in turn get the frames each would have on its own
            frames = MOVE_FRAMES * max(1, len(part.in_turn))
            for i in range(frames):
                t = i / frames
                out.append(Sample(now, part.tween(t, side), side, _ease(t), n))
                now += tp.move / frames
                if i and i % MOVE_FRAMES == 0:  # one group in, the next not yet: a rest
                    now += part.in_turn_hold
            out.append(Sample(now, end, side, 1.0, n))
            now += tp.hold
            for i in range(frames):
                t = i / frames
                pose = part.tween(t, side, back=True)
                out.append(Sample(now, pose, side, 1.0 - _ease(t), n, back=True))
                now += tp.move / frames
    first = out[0]
    if out[-1].pose != first.pose:
        last = out[-1]
        out.append(Sample(now, last.pose, last.side, 0.0, last.part))
        now += 0.8 if last.part == first.part else CUT
    out.append(Sample(now, first.pose, first.side, 0.0, first.part))
    return out


def _nested_loop(fig: Figure, technique: Technique) -> list[Sample]:
    """The first movement in, the second in, held and back, then the first back, for each
    side; a short pause between the two movements."""
    tp = tempo(technique)
    inner = fig.parts[1]
    frames = [MOVE_FRAMES * max(1, len(p.in_turn)) for p in (fig, inner)]
    if inner.both_ways:  # a small sway, twice over: fewer frames keep the animation small
        frames[1] = MOVE_FRAMES // 2
    if fig.first_frames:  # a short first movement (a foot sliding up): fewer frames too
        frames[0] = fig.first_frames
    out: list[Sample] = []
    now = 0.0

    def move(part: Figure, n: int, side: str, back: bool, drawn_as: str | None = None) -> None:
        nonlocal now
        for i in range(frames[n]):
            t = i / frames[n]
            depth = _ease(t) if not back else 1.0 - _ease(t)
            pose = part.tween(t, side, back=back)
            out.append(Sample(now, pose, side if drawn_as is None else drawn_as, depth, n, back))
            now += tp.move / frames[n]
            if not back and part.in_turn and i and i % MOVE_FRAMES == 0:  # one group in: rest
                now += part.in_turn_hold
            if back and part.in_turn and i and i % MOVE_FRAMES == 0:  # one group back: rest
                now += part.in_turn_hold_back

    for side, suffix in [("right", "_right"), ("left", "_left")] if fig.sided else [("", "")]:
        out.append(Sample(now, fig.keyframes()["start" + suffix], side, 0.0, 0))
        now += tp.pause
        move(fig, 0, side, back=False)
        out.append(Sample(now, fig.keyframes()["end" + suffix], side, 1.0, 0))
        # an optional second movement ('if that gives no stretch'): the hold is the first's
        now += tp.hold if inner.optional else tp.pause
        move(inner, 1, side, back=False)
        out.append(Sample(now, inner.keyframes()["end" + suffix], side, 1.0, 1))
        now += tp.pause if inner.optional else tp.hold
        move(inner, 1, side, back=True)
        if inner.both_ways and not inner.sided:  # then the same sway the other way
            other = replace(inner, start=inner.start.mirrored(), end=inner.end.mirrored())
            out.append(Sample(now, inner.start, side, 1.0, 0))
            now += tp.pause
            move(other, 1, "", back=False, drawn_as="left")
            out.append(Sample(now, other.end, "left", 1.0, 1))
            now += tp.hold
            move(other, 1, "", back=True, drawn_as="left")
        out.append(Sample(now, inner.keyframes()["start" + suffix], side, 1.0, 0))
        now += tp.pause
        move(fig, 0, side, back=True)
    first = out[0]
    out.append(Sample(now, first.pose, first.side, 0.0, 0))
    return out


# ---- props ----


@dataclass
class Scene:
    """Everything one drawing needs, in picture coordinates."""

    frame: Frame
    back: list[str] = field(default_factory=list)
    front: list[str] = field(default_factory=list)


def _rect(
    frame: Frame, x0: float, y0: float, x1: float, y1: float, style: str, r: float = 3
) -> str:
    (ax, ay), (bx, by) = frame.xy((x0, y1, 0)), frame.xy((x1, y0, 0))
    return (f'<rect x="{ax:.1f}" y="{ay:.1f}" width="{bx - ax:.1f}" height="{by - ay:.1f}" '
            f'rx="{r}" {style}/>')  # fmt: skip


def _side_prop(frame: Frame, prop: PropSpec) -> tuple[list[str], list[str]]:
    w, h = prop.size
    x0, x1, base = prop.x - w / 2, prop.x + w / 2, prop.base
    solid = f'fill="{PROP_FILL}" stroke="{PROP_INK}" stroke-width="1.5"'
    k = prop.kind
    if k is PropKind.MAT:
        return [_rect(frame, x0, -0.012, x1, 0.0, f'fill="{MAT}"', 2)], []
    if k is PropKind.BED:
        return [
            _rect(frame, x0 - 0.04, 0.0, x0, base + h + 0.35, solid, 2),
            _rect(frame, x0, base + h - 0.2, x1, base + h - 0.12, solid, 2),
            _rect(frame, x0, base + h - 0.13, x1, base + h,
                  f'fill="{BED_TOP}" stroke="{BED_INK}"', 6),
            _rect(frame, x1 - 0.05, 0.0, x1, base + h - 0.12, solid, 1),
            _rect(frame, x0, 0.0, x0 + 0.05, base + h - 0.12, solid, 1),
        ], []
    if k in (PropKind.CHAIR, PropKind.OTTOMAN):
        top = base + h
        parts = [
            _rect(frame, x0 + 0.02, 0.0, x0 + 0.05, top, solid, 1),
            _rect(frame, x1 - 0.05, 0.0, x1 - 0.02, top, solid, 1),
        ]
        if k is PropKind.OTTOMAN:
            parts = [_rect(frame, x0, 0.0, x1, top, solid, 6)]
        else:
            parts.append(_rect(frame, x0, top - 0.04, x1, top, solid, 2))
        if k is PropKind.CHAIR and prop.back:
            bx = x0 - 0.01 if prop.back_at == "low" else x1 - 0.04
            parts.append(_rect(frame, bx, top - 0.04, bx + 0.05, top + 0.45, solid, 2))
        if k is PropKind.CHAIR and prop.legs_in_front:  # up to the seat's underside
            legs = [_rect(frame, x0 + 0.02, 0.0, x0 + 0.05, top - 0.04, solid, 1),
                    _rect(frame, x1 - 0.05, 0.0, x1 - 0.02, top - 0.04, solid, 1)]  # fmt: skip
            return parts, legs
        return parts, []
    if k is PropKind.WALL:
        return [_rect(frame, prop.x - 0.04, 0.0, prop.x + 0.04, h, 'fill="#d7d2ca"', 0)], []
    if k is PropKind.POOL_WALL:
        return _pool_wall(frame, prop), []
    if k in (PropKind.BALL, PropKind.ROLLER, PropKind.TOWEL):
        cx, cy = frame.xy((prop.x, base + h / 2, 0))
        colour = {"ball": "#e4e05c", "roller": ROLLER, "towel": "#e9a7b8"}[k.value]
        r = h / 2 * frame.scale
        out = [f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" '
               f'fill="{colour}" stroke="{INK}" stroke-width="1.2"/>']  # fmt: skip
        if k is PropKind.ROLLER:  # seen end on: its core, so it reads as a roller, not a limb
            out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r * 0.35:.1f}" '
                       f'fill="#fff" stroke="{INK}" stroke-width="1.2"/>')  # fmt: skip
        if k is PropKind.TOWEL:  # a rolled towel seen end on: its layers wound in a spiral
            out.append(f'<path class="towel-roll" d="{towel_spiral(cx, cy, r)}" fill="none" '
                       f'stroke="{INK}" stroke-width="1"/>')  # fmt: skip
        return out, []
    if k is PropKind.PILLOW:
        return [_rect(frame, x0, base, x1, base + h, 'fill="#f4f1ea" stroke="#a59f92"', 12)], []
    # water: drawn over the figure, translucent
    (_, wy) = frame.xy((0, base + h, 0))
    return [], [
        f'<rect x="0" y="{wy:.1f}" width="{WIDTH:g}" height="{HEIGHT - wy:.1f}" '
        f'fill="{WATER}" fill-opacity="0.35"/>',
        f'<path d="M0,{wy:.1f}'
        + "".join("q10,-4 20,0t20,0" for _ in range(int(WIDTH // 40) + 1))
        + f'" fill="none" stroke="{WATER}" stroke-width="2"/>',
    ]


TOWEL_TURNS = 1.75  # layers of a rolled towel drawn on its end


def towel_spiral(cx: float, cy: float, r: float) -> str:
    """The layers of a rolled towel seen end on: a spiral from near the middle out to its
    rim, as a path (picture pixels)."""
    n = int(TOWEL_TURNS * 24)
    pts = []
    for i in range(n + 1):
        u = i / n
        a = u * TOWEL_TURNS * 2 * math.pi
        rr = r * (0.2 + 0.8 * u)
        pts.append(f"{cx + rr * math.cos(a):.1f},{cy + rr * math.sin(a):.1f}")
    return "M" + "L".join(pts)  # open: the towel's end lies along its rim


POOL_TILE = "#e4edf1"


def _pool_wall(frame: Frame, prop: PropSpec) -> list[str]:
    """The pool's side wall seen square on behind the walker: tiles up to the edge, and a
    rail on short posts just under the edge, within reach of a hand."""
    w, top = prop.size
    x0, x1 = prop.x - w / 2, prop.x + w / 2
    rail = top - 0.12
    (ax, _), (bx, _) = frame.xy((x0, 0, 0)), frame.xy((x1, 0, 0))
    _, ty = frame.xy((0, top, 0))
    _, ry = frame.xy((0, rail, 0))
    _, fy = frame.xy((0, 0, 0))
    left, right = max(ax, 0.0), min(bx, WIDTH)
    out = [
        f'<rect x="{left:.1f}" y="{ty:.1f}" width="{right - left:.1f}" '
        f'height="{fy - ty:.1f}" fill="{POOL_TILE}"/>',
        f'<path d="M{left:.1f},{ty:.1f}H{right:.1f}" stroke="{PROP_INK}" stroke-width="3"/>',
    ]
    step = 0.8 * frame.scale
    posts = "".join(f"M{x:.1f},{ty:.1f}V{ry:.1f}"
                    for x in (left + step / 2 + i * step for i in range(int(WIDTH // step) + 1))
                    if x < right)  # fmt: skip
    out.append(f'<path d="{posts}" stroke="#8d99a3" stroke-width="3"/>')
    out.append(f'<path d="M{left:.1f},{ry:.1f}H{right:.1f}" stroke="#8d99a3" stroke-width="5" '
               'stroke-linecap="round"/>')  # fmt: skip
    return out


def _props(
    fig: Figure, frame: Frame, loose: Callable[[str], str] | None = None
) -> tuple[list[str], list[str]]:
    """The floor line and the props, behind and in front of the body; `loose` wraps a ball,
    roller or towel (to hide it while the figure is rolled off it)."""
    back: list[str] = []
    front: list[str] = []
    _, floor_y = frame.xy((0, 0, 0))
    if fig.view in (View.SIDE, View.FRONT):
        back.append(
            f'<path d="M{MARGIN / 2:g},{floor_y:.1f}H{WIDTH - MARGIN / 2:g}" stroke="{FLOOR}" '
            'stroke-width="2" stroke-linecap="round"/>'
        )
    if fig.view in OBLIQUE and not any(p.kind in (PropKind.MAT, PropKind.BED) for p in fig.props):
        back.append(_floor_patch(fig, frame))  # what the chair and the feet stand on
    for prop in (fitted(p, frame.reach) for p in fig.props):
        b: list[str]
        f: list[str]
        if fig.view in OBLIQUE:
            b, f = _oblique_prop(frame, prop), []
        elif fig.view is View.SIDE:
            b, f = _side_prop(frame, prop)
        elif fig.view is View.FRONT:
            b, f = _front_prop(frame, prop)
        else:
            b, f = _top_prop(frame, prop)
        if loose is not None and prop.kind in LOOSE_PROPS:
            b, f = [loose("".join(b))] if b else [], [loose("".join(f))] if f else []
        back += b
        front += f
    return back, front


FLOOR_PATCH = "#ebe4d8"


def _floor_patch(fig: Figure, frame: Frame) -> str:
    """A patch of floor under the figure and its props, seen from above at an angle."""
    reach = frame.reach or (-0.5, 0.5)
    xs = [reach[0], reach[1]] + [p.x + k * p.size[0] / 2 for p in fig.props for k in (-1, 1)]
    lo, hi = min(xs) - MAT_SPARE, max(xs) + MAT_SPARE
    return _box(frame, (lo, -0.005, -0.42), (hi, 0.0, 0.42),
                f'fill="{FLOOR_PATCH}" stroke="{FLOOR}" stroke-width="1.2"')  # fmt: skip


def _front_prop(frame: Frame, prop: PropSpec) -> tuple[list[str], list[str]]:
    solid = f'fill="{PROP_FILL}" stroke="{PROP_INK}" stroke-width="1.5"'
    top = prop.base + prop.size[1]

    def rect_z(z0: float, z1: float, y0: float, y1: float, style: str, r: float = 2) -> str:
        (ax, ay), (bx, by) = frame.xy((0, y1, z1)), frame.xy((0, y0, z0))
        return (f'<rect x="{min(ax, bx):.1f}" y="{ay:.1f}" width="{abs(bx - ax):.1f}" '
                f'height="{by - ay:.1f}" rx="{r}" {style}/>')  # fmt: skip

    if prop.kind is PropKind.MAT:
        return [rect_z(-0.35, 0.35, -0.012, 0.0, f'fill="{MAT}"')], []
    if prop.kind in (PropKind.CHAIR, PropKind.OTTOMAN):
        out = [rect_z(-0.23, -0.2, 0, top, solid, 1), rect_z(0.2, 0.23, 0, top, solid, 1),
               rect_z(-0.24, 0.24, top - 0.04, top, solid)]  # fmt: skip
        return out, []
    if prop.kind is PropKind.WATER:
        return _side_prop(frame, prop)
    return [], []


def _hull(points: list[Point]) -> list[Point]:
    """Convex hull (monotone chain) of picture points."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def cross(o: Point, a: Point, b: Point) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    upper: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _box(frame: Frame, lo: Vec, hi: Vec, style: str) -> str:
    """A solid box between two world corners, drawn as its outline from the camera."""
    corners = [frame.xy((x, y, z)) for x in (lo[0], hi[0]) for y in (lo[1], hi[1])
               for z in (lo[2], hi[2])]  # fmt: skip
    d = "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in _hull(corners)) + "Z"
    return f'<path d="{d}" stroke-linejoin="round" {style}/>'


def _oblique_prop(frame: Frame, prop: PropSpec) -> list[str]:
    """Props seen from above at an angle: flat mats and beds as quads, chairs as boxes."""
    w, h = prop.size
    x0, x1, base = prop.x - w / 2, prop.x + w / 2, prop.base
    solid = f'fill="{PROP_FILL}" stroke="{PROP_INK}" stroke-width="1.2"'
    k = prop.kind
    if k is PropKind.MAT:
        mat = f'fill="{MAT}" fill-opacity="0.5"'
        half = prop.across / 2
        return [_box(frame, (x0, -0.01, -half), (x1, 0.0, half), mat)]
    if k is PropKind.BED:
        half = bed_half(prop)
        return [_box(frame, (x0, 0.0, -half), (x1, base + h, half),
                     f'fill="{BED_TOP}" stroke="{BED_INK}" stroke-width="1.2"')]  # fmt: skip
    if k in (PropKind.CHAIR, PropKind.OTTOMAN):
        top = base + h
        if k is PropKind.OTTOMAN:
            return [_box(frame, (x0, 0.0, -0.25), (x1, top, 0.25), solid)]
        out = [_box(frame, (x, 0.0, z), (x + 0.03, top, z + 0.03), solid)
               for x in (x0 + 0.02, x1 - 0.05) for z in (-0.22, 0.19)]  # fmt: skip
        out.append(_box(frame, (x0, top - 0.04, -0.24), (x1, top, 0.24), solid))
        if prop.back:
            bx = x0 - 0.01 if prop.back_at == "low" else x1 - 0.04
            out.append(_box(frame, (bx, top, -0.24), (bx + 0.05, top + 0.45, 0.24), solid))
        return out
    if k is PropKind.PILLOW:
        return [_box(frame, (x0, base, -0.3), (x1, base + h, 0.3),
                     'fill="#f4f1ea" stroke="#a59f92" stroke-width="1.2"')]  # fmt: skip
    return []


def _top_prop(frame: Frame, prop: PropSpec) -> tuple[list[str], list[str]]:
    w = prop.size[0]

    def rect_xz(x0: float, x1: float, z0: float, z1: float, style: str, r: float = 4) -> str:
        (ax, ay), (bx, by) = frame.xy((x0, 0, -z1)), frame.xy((x1, 0, -z0))
        ax, bx = min(ax, bx), max(ax, bx)
        ay, by = min(ay, by), max(ay, by)
        return (f'<rect x="{ax:.1f}" y="{ay:.1f}" width="{bx - ax:.1f}" height="{by - ay:.1f}" '
                f'rx="{r}" {style}/>')  # fmt: skip

    if prop.kind is PropKind.MAT:
        half = prop.across / 2
        return [rect_xz(prop.x - w / 2, prop.x + w / 2, -half, half, f'fill="{MAT}"')], []
    if prop.kind is PropKind.BED:
        return [rect_xz(prop.x - w / 2, prop.x + w / 2, -bed_half(prop), bed_half(prop),
                        f'fill="{BED_TOP}" stroke="{BED_INK}"', 8)], []  # fmt: skip
    if prop.kind is PropKind.PILLOW:
        return [rect_xz(prop.x - w / 2, prop.x + w / 2, -0.3, 0.3,
                        'fill="#f4f1ea" stroke="#a59f92"', 10)], []  # fmt: skip
    return [], []


# ---- fitting the picture ----


def _points(body: Body, frame: Frame) -> Iterator[Point]:
    for name, seg in body.segments.items():
        if name == "head":
            (x, y), r = frame.xy(seg.a), seg.hw * frame.scale
            yield from ((x - r, y - r), (x + r, y + r))
        else:
            yield from _outline(seg, frame)


MAT_SPARE = 0.18  # metres of mat or bed shown beyond the figure at either end
BED_HALF = 0.5  # a single bed's half-width


def bed_half(prop: PropSpec) -> float:
    """A bed's half-width: a single bed unless its figure says how wide (across)."""
    return prop.across / 2 if "across" in prop.model_fields_set else BED_HALF


def fitted(prop: PropSpec, reach: tuple[float, float] | None) -> PropSpec:
    """A mat or bed drawn only as long as the figure needs (with a little to spare), so that
    its ends show inside the picture instead of being cut by its edge."""
    if reach is None or prop.kind not in (PropKind.MAT, PropKind.BED):
        return prop
    w = prop.size[0]
    lo = max(prop.x - w / 2, reach[0] - MAT_SPARE)
    hi = min(prop.x + w / 2, reach[1] + MAT_SPARE)
    if prop.kind is PropKind.BED:  # the headboard stays where it is
        lo = prop.x - w / 2
    return prop.model_copy(update={"x": (lo + hi) / 2, "width": hi - lo})


def _flat_extent(fig: Figure, prop: PropSpec) -> list[Vec]:
    """Corners of a mat or bed as drawn in the figure's view."""
    w, h = prop.size
    x0, x1 = prop.x - w / 2, prop.x + w / 2
    top = prop.base + h
    if fig.view is View.SIDE:
        lift = 0.35 if prop.kind is PropKind.BED else 0.0  # the headboard
        return [(x0 - 0.04, -0.012, 0.0), (x1, top + lift, 0.0)]
    if fig.view in OBLIQUE or fig.view is View.TOP:
        z = bed_half(prop) if prop.kind is PropKind.BED else prop.across / 2
        return [(x, y, zz) for x in (x0, x1) for y in (0.0, top) for zz in (-z, z)]
    return []


def _prop_extent(fig: Figure, reach: tuple[float, float] | None = None) -> list[Vec]:
    pts: list[Vec] = [(0.0, -0.02, 0.0)] if fig.view in (View.SIDE, View.FRONT) else []
    for prop in fig.props:
        w, h = prop.size
        if prop.kind in (PropKind.MAT, PropKind.BED):
            pts += _flat_extent(fig, fitted(prop, reach))
            continue
        if prop.kind in (PropKind.WATER, PropKind.WALL, PropKind.POOL_WALL):
            continue
        top = prop.base + h + (0.45 if prop.kind is PropKind.CHAIR and prop.back else 0.0)
        if fig.view is View.SIDE:
            pts += [(prop.x - w / 2 - 0.02, 0.0, 0.0), (prop.x + w / 2, top, 0.0)]
        elif fig.view is View.FRONT and prop.kind in (PropKind.CHAIR, PropKind.OTTOMAN):
            pts += [(0.0, 0.0, -0.25), (0.0, top, 0.25)]
        elif fig.view in OBLIQUE and prop.kind in (PropKind.CHAIR, PropKind.OTTOMAN):
            pts += [(x, y, z) for x in (prop.x - w / 2, prop.x + w / 2) for y in (0.0, top)
                    for z in (-0.25, 0.25)]  # fmt: skip
    return pts


def fit(fig: Figure, poses: Sequence[Pose]) -> Frame:
    """A frame that keeps every pose and prop inside the picture, at most MAX_SCALE."""
    cam = CAMERAS[fig.view]
    unit = Frame(cam, 1.0, 0.0, 0.0)
    xs: list[float] = []
    ys: list[float] = []
    along: list[float] = []
    for pose in poses:
        body = pose_body(pose)
        for x, y in _points(body, unit):
            xs.append(x)
            ys.append(y)
        along += [p[0] for seg in body.segments.values() for p in (seg.a, seg.b)]
    reach = (min(along) - 0.1, max(along) + 0.1)
    extent = _prop_extent(fig, reach)
    if fig.view in OBLIQUE and not any(p.kind in (PropKind.MAT, PropKind.BED) for p in fig.props):
        xs_ = [reach[0], reach[1]] + [p.x + k * p.size[0] / 2 for p in fig.props for k in (-1, 1)]
        extent += [(x, 0.0, z) for x in (min(xs_) - MAT_SPARE, max(xs_) + MAT_SPARE)
                   for z in (-0.42, 0.42)]  # fmt: skip
    drawn = list(zip(xs, ys, strict=True))  # the body's points, before the props'
    for v in extent:
        x, y = unit.xy(v)
        xs.append(x)
        ys.append(y)
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    lo, hi = MARGIN, HEIGHT - MARGIN
    left, right = MARGIN, WIDTH - MARGIN
    if fig.sided:
        hi -= CUE_BOX[1]  # room under the figure for 'then repeat on the other side'
    if fig.inset == "sway" and fig.own_side_view:  # the small close-up stays top right while
        # the figure, mirrored for its other side, has its head there: the body keeps clear of
        # it and its words on both sides, moved down (and smaller) only as far as that takes;
        # the mat or bed may pass under them
        lo_ = lo
        while lo_ < SWAY_C[1] + SWAY_R + 4:
            frame = _framed(cam, (xs, ys), (left, right, lo_, hi), fig.zoom)
            if not _under_sway(frame, drawn):
                break
            lo_ += 4
        return replace(_framed(cam, (xs, ys), (left, right, lo_, hi), fig.zoom), reach=reach)
    if fig.inset and fig.inset != "sway":  # a figure with a close-up keeps below it, or left
        # of it if that is larger (the sway's small close-up sits in the corner above the feet)
        below = INSET_C[1] + INSET_R + 8
        beside = INSET_C[0] - INSET_R - 8
        # its words go under it when the figure is beside: the figure keeps left of them too
        words = INSET_WORDS.get(fig.inset) or (detail_words(fig) if fig.inset == "detail" else "")
        beside = min(beside, INSET_C[0] - 0.29 * INSET_LABEL * len(words) - 6)
        if min((right - left) / w, (hi - below) / h) >= min((beside - left) / w, (hi - lo) / h):
            lo = below
        else:
            right = beside
    return replace(_framed(cam, (xs, ys), (left, right, lo, hi), fig.zoom), reach=reach)


def _framed(
    cam: Camera, pts: tuple[list[float], list[float]], box: tuple[float, float, float, float],
    zoom: float,
) -> Frame:  # fmt: skip
    """The frame that fits points (seen from `cam`, at unit scale) in the middle of a box
    (left, right, top, bottom), at most MAX_SCALE times `zoom`."""
    (xs, ys), (left, right, lo, hi) = pts, box
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    scale = min(MAX_SCALE * zoom, (right - left) / w, (hi - lo) / h)
    ox = (left + right) / 2 - scale * (min(xs) + max(xs)) / 2
    mid = (lo + hi) / 2
    oy = mid - scale * (min(ys) + max(ys)) / 2
    top = mid - scale * h / 2
    return Frame(cam, scale, ox, oy, (top, top + scale * h))


def _under_sway(frame: Frame, drawn: Sequence[Point]) -> bool:
    """Whether a point of the body (at unit scale), as drawn or mirrored about the picture's
    middle (its other side), falls in the knees' small close-up or its words at the top."""
    (cx, cy), r = SWAY_C, SWAY_R + 4
    words = cx - r - 0.62 * INSET_LABEL * len(INSET_WORDS["sway"])
    for ux, uy in drawn:
        x, y = frame.ox + frame.scale * ux, frame.oy + frame.scale * uy
        for px in (x, WIDTH - x):
            if math.dist((px, y), (cx, cy)) <= r or (words <= px <= cx and y <= cy - r / 2 + 8):
                return True
    return False


# ---- the SVG ----


def _fill(part: str, cls: str) -> str:
    """Hands skin-coloured and feet dark, so they read as hands and feet at a glance."""
    if part.startswith("hand"):
        return "sk"
    if part.startswith("foot"):
        return "ft"
    return cls


def _style() -> str:
    return (
        f"<style>.o{{fill:{INK};stroke:{INK};stroke-width:3.2;stroke-linejoin:round}}"
        ".n{fill:" + NEAR + "}.f{fill:" + FAR + "}"
        f".h{{fill:{HIGHLIGHT};stroke:none}}"
        f".hd{{fill:{HEAD};stroke:{INK};stroke-width:1.6}}.sk{{fill:{HEAD}}}.ft{{fill:{INK}}}"
        f".ey{{fill:{INK}}}</style>"
    )


@dataclass(frozen=True)
class Drawing:
    """The figure's shapes over one or more samples (one sample: a still picture)."""

    fig: Figure
    frame: Frame
    samples: tuple[Sample, ...]
    duration: float
    moment: bool = False  # one moment of the animation, drawn as the animation draws it
    tip_left: bool = False  # a moment in the second half of the tip close-up's movement

    @property
    def closeup(self) -> Frame | None:
        """The frame of the close-up this drawing shows, if any: the animation and the end
        pose of a figure whose small movement is shown close up."""
        if self.fig.inset is None:
            return None
        one = len(self.samples) == 1 and not self.moment
        later = self.samples[0].part and self.fig.inset != "detail"  # a detail shows each
        if self.fig.inset == "sway":  # the knees' close-up: only on their movement's key pose
            # (not on a key stage of an earlier movement, framed as the whole figure)
            whole = self.fig.framed_by or self.fig
            later = self.fig.parts[self.samples[0].part] != whole.parts[-1]
        if one and (self.samples[0].depth < 1.0 or later):
            return None
        part = self.samples[0].part if one and self.fig.inset == "detail" else 0
        return replace(inset_frame(self.fig, self.frame.scale, part), reach=self.frame.reach)

    def _circle(self, inner: str, words: str) -> str:
        """A round close-up at the top right holding `inner`, with words to its left."""
        cx, cy = INSET_C
        clip = "inset-clip"
        if self.frame.span[0] >= cy + INSET_R:  # the figure is below: the words go left
            x, y, anchor = cx - INSET_R - 8, cy + 6, "end"
        else:  # the figure is beside: the words go under the close-up, inside the picture
            half = 0.29 * INSET_LABEL * len(words)  # about half the words' width
            x, y, anchor = min(cx, WIDTH - 3 - half), cy + INSET_R + INSET_LABEL + 4, "middle"
        return (
            f'<g class="inset"><clipPath id="{clip}"><circle cx="{cx:g}" cy="{cy:g}" '
            f'r="{INSET_R:g}"/></clipPath>'
            f'<circle cx="{cx:g}" cy="{cy:g}" r="{INSET_R:g}" fill="white" stroke="{INK}" '
            f'stroke-width="2"/><g clip-path="url(#{clip})">{inner}</g>'
            f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" '
            f'font-family="sans-serif" font-size="{INSET_LABEL:g}" font-weight="bold" '
            f'fill="{INK}">{words}</text></g>'
        )

    def _while_going_in(self, arrow: str) -> str:
        """A close-up's arrow, shown only while the part moves into the stretch and is held
        there: not at rest before it, nor on the way back (review 10: the draw-in's and the
        tilt's arrows stayed on in the rest frames, saying a movement that was not made)."""
        ops = ["1" if s.depth > 0.0 and not s.back else "0" for s in self.samples]
        if "1" not in ops:
            return ""
        anim = self._anim("opacity", ops, discrete=True)
        return f'<g opacity="{ops[0]}">{anim}{arrow}</g>' if anim else arrow

    def _moving(self, bodies: list[Body], make: Callable[[Body], str], style: str) -> str:
        values = [make(b) for b in bodies]
        return f'<path d="{values[0]}" {style}>{self._anim("d", values)}</path>'

    def _lift_closeup(self, bodies: list[Body]) -> str:
        """Seen from the side, close: the chest, head and arm lifting off the floor, the
        start outline dashed and an arrow the way they rise."""
        frame = self.closeup
        assert frame is not None
        keys = self.fig.keyframes()
        start = pose_body(keys["start_right" if self.fig.sided else "start"])
        digits = 1 if len(bodies) == 1 else 0
        style = f'fill="{FAR}" stroke="{INK}" stroke-width="1.5"'
        near = f'fill="{NEAR}" stroke="{INK}" stroke-width="1.5"'
        drawn = [self._moving(bodies, lambda b: _smooth(_torso(b, frame), digits), style)]
        for part in ("upper_arm_r", "forearm_r", "hand_r", "thigh_r"):
            values = [_path(_outline(b.segments[part], frame), digits) for b in bodies]
            drawn.append(f'<path d="{values[0]}" {near}>{self._anim("d", values)}</path>')
        was = _smooth(_torso(start, frame)) + "".join(
            _path(_outline(start.segments[p], frame)) for p in ("forearm_r", "hand_r")
        )
        _, fy = frame.xy((0.0, 0.0, 0.0))
        r = bodies[0].segments["head"].hw * frame.scale
        heads = [frame.xy(b.segments["head"].a) for b in bodies]
        head = (f'<circle cx="{heads[0][0]:.1f}" cy="{heads[0][1]:.1f}" r="{r:.1f}" '
                f'fill="{HEAD}" stroke="{INK}" stroke-width="1.6">'
                f'{self._anim("cx", [f"{h[0]:.1f}" for h in heads])}'
                f'{self._anim("cy", [f"{h[1]:.1f}" for h in heads])}</circle>')  # fmt: skip
        # face down, as on the figure: the hair of the crown and the back of the head (review
        # 11a: a bare skin-coloured circle read as a face turned up)
        hair = [_hair(h, frame.xy(b.landmarks["nose"]), r) for h, b in zip(heads, bodies,
                                                                         strict=True)]  # fmt: skip
        head += f'<path class="hair" d="{hair[0]}" fill="{INK}">{self._anim("d", hair)}</path>'
        arrow = lift_closeup_arrow(self.fig, self.frame.scale)
        # the near arm stretched out beside the head is nearer than it: drawn over it, as
        # on the figure (layers)
        floor = f'<path d="M0,{fy:.1f}H{WIDTH:g}" stroke="{FLOOR}" stroke-width="3"/>'
        if frame.camera is CAMERAS[View.SIDE_HIGH]:  # seen from above: the mat, not a line
            x = bodies[0].segments["head"].a[0]
            floor = _box(frame, (x - 1.5, -0.01, -0.3), (x + 1.5, 0.0, 0.6),
                         f'fill="{MAT}" fill-opacity="0.5"')  # fmt: skip
        inner = (f'{floor}{drawn[0]}{head}{"".join(drawn[1:])}<path d="{was}" fill="none" '
                 f'stroke="{INK}" stroke-width="1.8" stroke-dasharray="5 4"/>'
                 f"{self._while_going_in(arrow.svg)}")  # fmt: skip
        # the words between the two close-ups, on two lines at the top (one is too wide)
        x = (FEET_C[0] + FEET_R + INSET_C[0] - INSET_R) / 2
        lines = INSET_WORDS["lift"].split(" ", 2)  # "a few", "centimetres up"
        words = "".join(
            f'<text x="{x:g}" y="{y:g}" text-anchor="middle" font-family="sans-serif" '
            f'font-size="{INSET_LABEL:g}" font-weight="bold" fill="{INK}">{line}</text>'
            for line, y in ((" ".join(lines[:2]), 30), (lines[2], 50))
        )
        return self._circle(inner, "") + words + self._feet_closeup(bodies)

    def _feet_closeup(self, bodies: list[Body]) -> str:
        """The lift's second, smaller close-up, top left: the shins and feet lifting off the
        mat, seen as the first, the start outline dashed and an arrow the way the feet rise
        (review 6: the close-up showed only the head and arm, so 'the legs lift too' did not
        show)."""
        frame = feet_frame(self.fig, self.frame.scale)
        keys = self.fig.keyframes()
        start = pose_body(keys["start_right" if self.fig.sided else "start"])
        digits = 1 if len(bodies) == 1 else 0
        _, fy = frame.xy((0.0, 0.0, 0.0))
        drawn = [
            f'<rect x="0" y="{fy:.1f}" width="{WIDTH:g}" height="{HEIGHT:g}" '
            f'fill="{MAT}" fill-opacity="0.5"/>'
            f'<path d="M0,{fy:.1f}H{WIDTH:g}" stroke="{FLOOR}" stroke-width="3"/>'
        ]
        for side, fill in (("l", FAR), ("r", NEAR)):  # the far leg first, under the near one
            for part in (f"thigh_{side}", f"shin_{side}", f"foot_{side}"):
                colour = INK if part.startswith("foot") else fill
                values = [_path(_outline(b.segments[part], frame), digits) for b in bodies]
                drawn.append(f'<path d="{values[0]}" fill="{colour}" stroke="{INK}" '
                             f'stroke-width="1.5">{self._anim("d", values)}</path>')  # fmt: skip
        was = "".join(_path(_outline(start.segments[p], frame)) for p in ("shin_r", "foot_r"))
        arrow = lift_feet_arrow(self.fig, self.frame.scale)
        cx, cy = FEET_C
        clip = "inset-feet-clip"
        return (
            f'<g class="inset"><clipPath id="{clip}"><circle cx="{cx:g}" cy="{cy:g}" '
            f'r="{FEET_R:g}"/></clipPath>'
            f'<circle cx="{cx:g}" cy="{cy:g}" r="{FEET_R:g}" fill="white" stroke="{INK}" '
            f'stroke-width="2"/><g clip-path="url(#{clip})">{"".join(drawn)}'
            f'<path d="{was}" fill="none" stroke="{INK}" stroke-width="1.8" '
            f'stroke-dasharray="5 4"/>{self._while_going_in(arrow.svg)}</g></g>'
        )

    def _detail_closeup(self, picture: str) -> str:
        """The picture itself, larger, around where the body meets its prop (or the part the
        arrow follows): the parts that move with their start outline dashed, the highlight
        and an arrow the way they move, for each movement and side while it is shown."""
        keys = {(s.part, s.side) for s in self.samples}
        marks: list[str] = []
        for part, side in sorted(keys):
            # the same camera, larger, around this movement's point: the picture's own
            # shapes, moved and scaled
            frame = inset_frame(self.fig, self.frame.scale, part)
            k = frame.scale / self.frame.scale
            dx, dy = frame.ox - self.frame.ox * k, frame.oy - self.frame.oy * k
            inner = f'<g transform="translate({dx:.1f},{dy:.1f}) scale({k:.3f})">{picture}</g>'
            was = "".join(
                f'<path d="{_path(shape)}"/>' for shape in detail_moved(self.fig, frame, part, side)
            )
            arrow = detail_arrow(self.fig, self.frame.scale, part, side)
            if part == 0 and self.fig.tip_behind:  # from behind: onto one buttock, then other
                if len(self.samples) == 1:
                    drawn = self._tip_closeup(-1.0 if self.tip_left else 1.0)
                    if len(keys) == 1:
                        return self._circle(drawn, TIP_WORDS)
                    marks.append(drawn)
                    continue
                # the first half of the movement on the right buttock, then the left
                mid = tip_middle(self.samples)
                for sign in (1.0, -1.0):
                    ops = [str(int(s.part == 0 and (s.time < mid) == (sign > 0)))
                           for s in self.samples]  # fmt: skip
                    anim = self._anim("opacity", ops, discrete=True)
                    marks.append(f'<g opacity="{ops[0]}">{anim}{self._tip_closeup(sign)}</g>')
                continue
            drawn = (f'{inner}<g fill="none" stroke="{INK}" stroke-width="1.8" '
                     f'stroke-dasharray="5 4">{was}</g>'
                     f'{self._while_going_in(arrow.svg) if arrow else ""}')  # fmt: skip
            if len(keys) == 1:
                marks.append(drawn)
                continue
            ops = [str(int((s.part, s.side) == (part, side))) for s in self.samples]
            anim = self._anim("opacity", ops, discrete=True)
            marks.append(f'<g opacity="{ops[0]}">{anim}{drawn}</g>')
        return self._circle("".join(marks), detail_words(self.fig))

    def _tip_closeup(self, sign: float = 1.0) -> str:
        """Seen from straight behind the sitter: the roller lengthways on the mat, the pelvis
        tipped onto the right buttock on it (`sign` -1: the left; highlighted), the trunk and head
        above, the arms down to the hands on the floor; the tip to the other side dashed and
        a two-way arrow between them."""
        shapes = tip_shapes(self.fig, sign)
        other = tip_shapes(self.fig, -sign)
        prop = next(p for p in self.fig.props if p.kind in ROUND_PROPS)
        colour = {"ball": "#e4e05c", "roller": ROLLER, "towel": "#e9a7b8"}[prop.kind.value]
        (x0, y0), (x1, y1) = shapes["roller"][0], shapes["roller"][2]
        floor = y1
        out = [
            f'<rect x="0" y="{floor:.1f}" width="{WIDTH:g}" height="{HEIGHT:g}" fill="{MAT}"/>'
            f'<path d="M0,{floor:.1f}H{WIDTH:g}" stroke="{FLOOR}" stroke-width="3"/>'
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
            f'rx="{0.3 * (y1 - y0):.1f}" fill="{colour}" stroke="{INK}" stroke-width="1.2"/>'
        ]
        arm_w = 2 * DIMS.upper_arm_r * TIP_SCALE
        for arm in ("arm_l", "arm_r"):  # the hands stay on the floor, behind the hips
            d = _path_open(shapes[arm])
            out.append(f'<path d="{d}" fill="none" stroke="{INK}" stroke-width="{arm_w + 3:.1f}" '
                       f'stroke-linecap="round"/><path d="{d}" fill="none" stroke="{NEAR}" '
                       f'stroke-width="{arm_w - 1:.1f}" stroke-linecap="round"/>')  # fmt: skip
            hx, hy = shapes[arm][-1]
            out.append(f'<circle cx="{hx:.1f}" cy="{hy:.1f}" r="{arm_w / 2 + 1:.1f}" '
                       f'fill="{HEAD}" stroke="{INK}" stroke-width="1.6"/>')  # fmt: skip
        out.append(f'<path d="{_path_open(shapes["trunk"]) + "Z"}" class="o n"/>')
        out.append(f'<path d="{_path_open(shapes["pressing"]) + "Z"}" class="h"/>')
        ((hx, hy),) = shapes["head"]
        r = TIP_HEAD * TIP_SCALE
        out.append(f'<circle class="hd" cx="{hx:.1f}" cy="{hy:.1f}" r="{r:.1f}"/>')
        out.append(f'<path d="{_path_open(other["trunk"]) + "Z"}" fill="none" stroke="{INK}" '
                   'stroke-width="1.8" stroke-dasharray="5 4"/>')  # fmt: skip
        out.append(tip_arrow(self.fig))
        return "".join(out)

    def _belly_closeup(self, bodies: list[Body]) -> str:
        """Seen from the side, close: the lower trunk with the lower tummy drawing in towards
        the spine (its start outline dashed) and an arrow pressing in over it."""
        frame = self.closeup
        assert frame is not None
        keys = self.fig.keyframes()
        start = pose_body(keys["start_right" if self.fig.sided else "start"])
        digits = 1 if len(bodies) == 1 else 0
        trunk = [_smooth(_torso(b, frame, self.draw_in(i)), digits) for i, b in enumerate(bodies)]
        thighs = [_path(_outline(b.segments["thigh_r"], frame), digits) for b in bodies]
        gaps = [_path_open(waist_gap(b, frame), digits) + "Z" for b in bodies]
        # as the figure (review 5: a pale slab): the trunk in its own colour on the floor,
        # the gap under the small of the back shaded as it settles
        style = f'fill="{NEAR}" stroke="{INK}" stroke-width="2"'
        drawn = (f'<path d="{gaps[0]}" fill="{GAP_SHADE}">{self._anim("d", gaps)}</path>'
                 f'<path d="{thighs[0]}" {style}>{self._anim("d", thighs)}</path>'
                 f'<path id="belly-trunk" d="{trunk[0]}" {style}>{self._anim("d", trunk)}</path>'
                 f"{self._trunk_highlights(bodies, frame, 'belly-trunk')}")  # fmt: skip
        was = _smooth(_torso(start, frame))
        floor = max(y for _, y in _smooth_curve(_torso(start, frame)))
        arrow = belly_arrow(self.fig, self.frame.scale)
        inner = (f'<rect x="0" y="{floor:.1f}" width="{WIDTH:g}" height="{HEIGHT:g}" '
                 f'fill="{MAT}"/><path d="M0,{floor:.1f}H{WIDTH:g}" stroke="{FLOOR}" '
                 f'stroke-width="3"/>{drawn}'
                 f'<path d="{was}" fill="none" stroke="{INK}" stroke-width="1.8" '
                 f'stroke-dasharray="5 4"/>{self._while_going_in(arrow.svg)}')  # fmt: skip
        return self._circle(inner, INSET_WORDS["belly"])

    def _trunk_highlights(self, bodies: list[Body], frame: Frame, trunk_id: str) -> str:
        """The trunk's highlighted regions in a close-up, as on the figure (switched on while
        the stretch is felt), cut to the close-up's trunk `trunk_id`."""
        out: list[str] = []
        digits = 1 if len(bodies) == 1 else 0
        for region in (r for r in self.regions if r.partition(":")[0] in TRUNK):
            ops = ["1" if on else "0" for on in self.region_on(region)]
            if all(o == "0" for o in ops):
                continue
            shapes = [_path(_outline(region_segment(b, region), frame, blob=True), digits)
                      for b in bodies]  # fmt: skip
            shapes = _while_shown(shapes, self.region_on(region))
            rid = f"{trunk_id}-{_region_id(region)}"
            out.append(f'<defs><path id="{rid}" d="{shapes[0]}">{self._anim("d", shapes)}'
                       f'</path></defs><use href="#{rid}" class="h" opacity="{ops[0]}">'
                       f'{self._anim("opacity", ops, discrete=True)}</use>')  # fmt: skip
        if not out:
            return ""
        return (f'<clipPath id="{trunk_id}-clip"><use href="#{trunk_id}"/></clipPath>'
                f'<g clip-path="url(#{trunk_id}-clip)">{"".join(out)}</g>')  # fmt: skip

    def _turn_closeup(self, bodies: list[Body]) -> str:
        """Seen from straight above: the hips stay, the shoulders turn (their start dashed),
        the head with its nose, an arrow the way the chest turns."""
        frame = self.closeup
        assert frame is not None
        keys = self.fig.keyframes()
        suffix = "_right" if self.fig.sided else ""
        start = pose_body(keys["start" + suffix])
        digits = 1 if len(bodies) == 1 else 0

        def line(b: Body, a: str, c: str) -> str:
            pts = (frame.xy(b.landmarks[a]), frame.xy(b.landmarks[c]))
            return "M" + "L".join(f"{_num(x, digits)},{_num(y, digits)}" for x, y in pts)

        k = frame.scale
        hips = self._moving(
            bodies,
            lambda b: line(b, "hip_l", "hip_r"),
            f'stroke="{FAR}" stroke-width="{0.2 * k:.0f}" stroke-linecap="round"',
        )
        chest = self._moving(bodies, lambda b: line(b, "shoulder_l", "shoulder_r"),
                             f'stroke="{NEAR}" stroke-width="{0.14 * k:.0f}" '
                             'stroke-linecap="round"')  # fmt: skip
        was = (f'<path d="{line(start, "shoulder_l", "shoulder_r")}" stroke="{INK}" '
               'stroke-width="2" stroke-dasharray="5 4" fill="none"/>')  # fmt: skip
        r = bodies[0].segments["head"].hw * k
        heads = [frame.xy(b.segments["head"].a) for b in bodies]
        noses = [frame.xy(b.landmarks["nose"]) for b in bodies]
        head = (f'<circle class="hd" cx="{heads[0][0]:.1f}" cy="{heads[0][1]:.1f}" r="{r:.1f}" '
                f'fill="{HEAD}" stroke="{INK}" stroke-width="1.6">'
                f'{self._anim("cx", [f"{h[0]:.1f}" for h in heads])}'
                f'{self._anim("cy", [f"{h[1]:.1f}" for h in heads])}</circle>'
                f'<circle cx="{noses[0][0]:.1f}" cy="{noses[0][1]:.1f}" r="{0.3 * r:.1f}" '
                f'fill="{HEAD}" stroke="{INK}" stroke-width="1.4">'
                f'{self._anim("cx", [f"{n[0]:.1f}" for n in noses])}'
                f'{self._anim("cy", [f"{n[1]:.1f}" for n in noses])}</circle>')  # fmt: skip
        one_side = "left" if self.samples[0].side == "left" else "right"
        arrow = turn_closeup_arrow(self.fig, self.frame.scale, one_side).svg
        if self.fig.sided and len(self.samples) > 1:  # each side's arrow while it turns
            left = turn_closeup_arrow(self.fig, self.frame.scale, "left").svg
            shown = [s.side != "left" for s in self.samples]
            parts = []
            for svg_, on in ((arrow, shown), (left, [not v for v in shown])):
                ops = [str(int(v)) for v in on]
                anim = self._anim("opacity", ops, discrete=True)
                parts.append(f'<g opacity="{ops[0]}">{anim}{svg_}</g>')
            arrow = "".join(parts)
        inner = f"{hips}{was}{chest}{head}{self._while_going_in(arrow)}"
        return self._circle(inner, INSET_WORDS["turn"])

    def _sway_closeup(self, bodies: list[Body]) -> str:
        """Seen from beyond the feet, close: the pelvis on the floor line, the thighs and shins
        of the knees swaying to either side (the rock: a two-headed arrow over the knees) or
        tipping to one side (the knee drop: an arrow the way they tip, on each side while it
        tips). The body as it is, not mirrored for its own side's view: the close-up is not."""
        frame = self.closeup
        assert frame is not None
        if self.fig.own_side_view:
            bodies = [self.body(i) for i in range(len(self.samples))]
        digits = 1 if len(bodies) == 1 else 0
        legs: tuple[str, ...] = ("thigh_l", "thigh_r", "shin_l", "shin_r")
        if one_way_tip(self.fig):  # the feet flat on the floor
            legs = (*legs, "foot_l", "foot_r")
        (x0, y0), (x1, y1) = (frame.xy((bodies[0].landmarks["hip_centre"][0], 0.0, z))
                              for z in (-0.6, 0.6))  # fmt: skip
        floor = (f'<path d="M{x0:.1f},{y0:.1f}L{x1:.1f},{y1:.1f}" stroke="{INK}" '
                 'stroke-width="2"/>')  # fmt: skip
        was = ""
        if one_way_tip(self.fig):  # the floor the feet stand on, and where the knees stood
            start = pose_body(self.fig.parts[-1].start)
            xs = [p[0] for seg in start.segments.values() for p in (seg.a, seg.b)]
            top = support_top(self.fig)  # the floor, or the mattress in bed
            look = (f'fill="{BED_TOP}" stroke="{BED_INK}"' if top
                    else f'fill="{MAT}" fill-opacity="0.5"')  # fmt: skip
            floor = _box(frame, (min(xs), top - 0.01, -0.8), (max(xs), top, 0.8), look)
            was = "".join(_path(_outline(start.segments[n], frame)) for n in ("shin_l", "shin_r"))
            was = (f'<path d="{was}" fill="none" stroke="{INK}" stroke-width="1.5" '
                   'stroke-dasharray="4 3"/>')  # fmt: skip
        style = f'fill="{{}}" stroke="{INK}" stroke-width="1.5"'
        shapes = []
        for n in ("head", "thorax", "pelvis", *legs):
            values = [_path(_outline(b.segments[n], frame), digits) for b in bodies]
            fill = {"head": HEAD, "thorax": FAR, "pelvis": FAR}.get(n, INK if "foot" in n else NEAR)
            # every SWAY_EVERY-th moment: a small picture, and the animation under its size limit
            anim = self._anim("d", values, every=SWAY_EVERY)
            shapes.append(f'<path d="{values[0]}" {style.format(fill)}>{anim}</path>')
        arrow = self._sway_arrows()
        (cx, cy), r = SWAY_C, SWAY_R
        return (
            f'<g class="inset"><clipPath id="inset-clip"><circle cx="{cx:g}" cy="{cy:g}" '
            f'r="{r:g}"/></clipPath>'
            f'<circle cx="{cx:g}" cy="{cy:g}" r="{r:g}" fill="white" stroke="{INK}" '
            f'stroke-width="2"/><g clip-path="url(#inset-clip)">{floor}{"".join(shapes)}'
            f'{was}{arrow}</g><text x="{cx - r - 6:g}" y="{cy - r / 2 + 2:g}" text-anchor="end" '
            f'font-family="sans-serif" font-size="{INSET_LABEL:g}" font-weight="bold" '
            f'fill="{INK}">{INSET_WORDS["sway"]}</text></g>'
        )

    def _sway_arrows(self) -> str:
        """The knees' close-up arrow: the sway's, both ways, always; a tip's, one way, for
        the side shown, while the knees go over and are held (not at rest, nor on the way
        back: it would say a movement not made)."""
        if not one_way_tip(self.fig):
            return sway_arrow(self.fig, self.frame.scale).svg
        out = []
        for side in ("right", "left"):
            ops = ["1" if s.side == side and s.depth > 0.0 and not s.back else "0"
                   for s in self.samples]  # fmt: skip
            if "1" not in ops:
                continue
            anim = self._anim("opacity", ops, discrete=True)
            svg_ = sway_arrow(self.fig, self.frame.scale, side).svg
            out.append(f'<g opacity="{ops[0]}">{anim}{svg_}</g>' if anim else svg_)
        return "".join(out)

    def body(self, i: int) -> Body:
        return pose_body(self.samples[i].pose)

    def flipped(self, i: int) -> bool:
        """Whether a sample is drawn seen from the figure's left (see FigureSpec.own_side_view):
        the right side's body drawn as its mirror image, which is the left side from its left."""
        return self.fig.own_side_view and self.samples[i].side == "left"

    def drawn_body(self, i: int) -> Body:
        """The body drawn at a sample: the left side's mirrored back when it is drawn flipped."""
        return pose_body(self.samples[i].pose.mirrored()) if self.flipped(i) else self.body(i)

    def draw_in(self, i: int) -> float:
        """Metres the lower tummy is drawn in at a sample: as far into the movement as it is."""
        s = self.samples[i]
        return self.fig.draw_in * s.depth if s.part == 0 else 0.0

    def _anim(self, attr: str, values: list[str], discrete: bool = False, every: int = 1) -> str:
        if len(self.samples) == 1 or len(set(values)) == 1:
            return ""
        # a value equal to both neighbours changes nothing, linear or discrete: leave it out
        keep = [i for i in range(len(values)) if i in (0, len(values) - 1)
                or not values[i - 1] == values[i] == values[i + 1]]  # fmt: skip
        if every > 1:  # a coarser animation (a soft shadow): every `every`th sample
            keep = [i for i in keep if i % every == 0 or i == len(values) - 1]
        times = ";".join(f"{self.samples[i].time / self.duration:.4f}" for i in keep)
        mode = ' calcMode="discrete"' if discrete else ""
        return (f'<animate attributeName="{attr}" dur="{self.duration:.2f}s"{mode} '
                f'repeatCount="indefinite" keyTimes="{times}" '
                f'values="{";".join(values[i] for i in keep)}"/>')  # fmt: skip

    def region_on(self, region: str) -> list[bool]:
        """In which samples a highlighted region shows: its side is moving, the stretch is
        felt (half-way in or more) and its face is not turned away from the viewer."""
        cam = self.frame.camera
        out: list[bool] = []
        for i, s in enumerate(self.samples):
            part = self.fig.parts[s.part]
            left = s.side == "left" and not self.flipped(i)
            on = region in part.highlight_for("end_left" if left else "end")
            seen = facing(self.drawn_body(i), region, cam) > -0.8
            out.append(on and seen and s.depth >= 0.5)
        return out

    def render(self, title: str) -> str:
        bodies = [self.drawn_body(i) for i in range(len(self.samples))]
        key_body = bodies[len(bodies) // 2]
        cam = self.frame.camera
        defs: list[str] = []
        parts_d: dict[str, list[str]] = {}
        # whole pixels are plenty for a moving figure and keep the animation small
        digits = 1 if len(bodies) == 1 else 0
        for name in (n for g in GROUPS.values() for n in g if n != "torso"):
            parts_d[name] = [_path(_outline(b.segments[name], self.frame), digits) for b in bodies]
        for region in self.regions:
            if self.fig.own_side_view and not any(self.region_on(region)):
                continue  # drawn from its own side, the left's regions are the right's: unused
            shapes = [_path(_outline(region_segment(b, region), self.frame, blob=True), digits)
                      for b in bodies]  # fmt: skip
            parts_d[_region_id(region)] = _while_shown(shapes, self.region_on(region))
        parts_d["torso"] = [_smooth(_torso(b, self.frame, self.draw_in(i)), digits)
                            for i, b in enumerate(bodies)]  # fmt: skip
        for name, values in parts_d.items():
            defs.append(f'<path id="{name}" d="{values[0]}">{self._anim("d", values)}</path>')
        scene = Scene(self.frame)
        scene.back, scene.front = _props(self.fig, self.frame, self._while_on_the_props())
        body_svg: list[str] = []
        if self.fig.view in SHADOWED:
            top = support_top(self.fig)
            # a lift of a few centimetres (the superman's) shows by a few pixels
            shows = SHADOW_SHOWS if self.fig.view is View.DOWN else 4.0
            cast = shadow_parts(bodies, self.frame, top, shows)
            shadows = [ground_shadow(b, self.frame, top, digits, cast) for b in bodies]
            body_svg.append(f'<g class="shadow" fill="none" stroke="{SHADOW}" '
                            f'stroke-linecap="round" opacity="{SHADOW_OPACITY}">')  # fmt: skip
            for w in shadows[0]:
                values = [sh[w] for sh in shadows]
                body_svg.append(f'<path d="{values[0]}" stroke-width="{w}">'
                                f'{self._anim("d", values, every=8)}</path>')  # fmt: skip
            body_svg.append("</g>")
        # the gap under the small of the back is not shaded on the whole figure: there the
        # trunk's own hollow over the floor shows it (review 11a read the shaded wedge as an
        # object under the back); the close-up, whose words explain it, shades it
        order = layers(key_body, cam)
        if self.fig.arms_over_legs:
            order = arms_over_legs(order)
        for group, colour in order:
            if group == "head":
                body_svg.append(self._head(bodies))
                continue
            names = GROUPS[group]
            cls = "n" if colour == NEAR else "f"
            body_svg.append(
                "<g>"
                + "".join(f'<use href="#{n}" class="o"/>' for n in names)
                + "".join(f'<use href="#{n}" class="{_fill(n, cls)}"/>' for n in names)
                + "</g>"
            )
            body_svg.append(self._highlights(TRUNK if group == "torso" else names, group))
        closeup = ""
        if self.closeup is not None and self.fig.inset == "detail":
            closeup = self._detail_closeup("".join(scene.back + body_svg + scene.front))
        elif self.closeup is not None:
            closeup = self._closeup(bodies)
        if closeup:
            closeup = self._while_in_position(closeup)
        flips = ["-1 1" if self.flipped(i) else "1 1" for i in range(len(self.samples))]
        if "-1 1" in flips:  # the left side seen from its own side: mirrored about the middle
            c = WIDTH / 2
            turn = self._anim("transform", flips, discrete=True).replace(
                "<animate ", '<animateTransform type="scale" ', 1
            )
            scene.back = [
                f'<g transform="translate({c:g} 0)"><g transform="scale({flips[0]})">'
                f'{turn}<g transform="translate({-c:g} 0)">',
                *scene.back,
            ]
            scene.front = [*scene.front, "</g></g></g>"]
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'viewBox="0 0 {WIDTH:g} {HEIGHT:g}" width="{WIDTH:g}" height="{HEIGHT:g}" '
            f'role="img"><title>{escape(title)}</title>{_style()}<defs>{"".join(defs)}</defs>'
            + "".join(scene.back)
            + "".join(body_svg)
            + "".join(scene.front)
            + closeup
            + self._other_side()
            + "</svg>"
        )

    def _other_side(self) -> str:
        """Words in a corner while the animation shows the second side of a technique done per
        side (review 9: the change of side, a mirror image, read as the legs swapping in the
        middle of a hold); also in a still moment of it. The first corner (top left, bottom
        left, top right, bottom right) where the words cross no body of those moments, prop or
        close-up (review 10: top left they lay over a raised hand). Nothing in a key pose, or
        for a technique done without sides (the knee rock's sway goes both ways)."""
        if not (self.fig.framed_by or self.fig).sided:
            return ""
        ops = ["1" if s.side == "left" else "0" for s in self.samples]
        if (len(ops) < 2 and not self.moment) or "1" not in ops:
            return ""  # a key pose, or no second side
        shown = [i for i, o in enumerate(ops) if o == "1"]
        taken: list[list[Point]] = []
        for i in shown[:: max(1, len(shown) // 12)]:
            for poly in picture_shapes(self.drawn_body(i), self.frame).values():
                flip = self.flipped(i)
                taken.append([(WIDTH - x, y) if flip else (x, y) for x, y in poly])
        taken += _scenery(self)
        w = SIDE_WORDS_WIDTH
        corners = [(10.0, 40.0, "start"), (10.0, HEIGHT - 12, "start"),
                   (WIDTH - 10, 40.0, "end"), (WIDTH - 10, HEIGHT - 12, "end")]  # fmt: skip
        x, y, anchor = corners[0]
        for cx_, cy_, a in corners:
            left = cx_ if a == "start" else cx_ - w
            box = (left, cy_ - CUE_SIZE, left + w, cy_ + 3)
            if not any(hits(box, poly) for poly in taken):
                x, y, anchor = cx_, cy_, a
                break
        return (f'<text class="side" x="{x:g}" y="{y:g}" text-anchor="{anchor}" '
                f'font-family="sans-serif" font-size="{CUE_SIZE:g}" font-weight="bold" '
                f'fill="{INK}" opacity="{ops[0]}">'
                f'{self._anim("opacity", ops, discrete=True)}{OTHER_SIDE}</text>')  # fmt: skip

    def _while_in_position(self, closeup: str) -> str:
        """A close-up shown only once in the start position: not while getting into it (lying
        down beside the ball: review 11a, 'on the ball' showed before the ball was under the
        body) nor rolled onto the side to get up (a close-up of the hip on its side read as
        a tangle)."""
        way_up = [self.fig.finish[i] for i in self.fig.unfelt if i < len(self.fig.finish)]
        ops = ["0" if s.lead or s.pose in way_up else "1" for s in self.samples]
        if "1" not in ops:
            return ""
        anim = self._anim("opacity", ops, discrete=True)
        return f'<g opacity="{ops[0]}">{anim}{closeup}</g>' if anim else closeup

    def _while_on_the_props(self) -> Callable[[str], str] | None:
        """For a figure that rolls onto its side to get up: wraps a part of the picture so that
        it is hidden in the moments rolled onto the side (the close-up; the roller or towel it
        rolled off, which otherwise showed as a sliver under the waist, review 9)."""
        if not self.fig.unfelt:
            return None
        way_up = [self.fig.finish[i] for i in self.fig.unfelt if i < len(self.fig.finish)]
        ops = ["0" if s.pose in way_up else "1" for s in self.samples]
        if "0" not in ops:
            return None
        anim = self._anim("opacity", ops, discrete=True)
        return lambda svg: f'<g opacity="{ops[0]}">{anim}{svg}</g>'

    def _closeup(self, bodies: list[Body]) -> str:
        """The round close-up of the pelvis seen from the side, moving with the figure: the
        trunk and thigh, the pelvis solid (its start outline dashed), an arrow the way it
        tips and the words for it (or, for a turn, the chest from above)."""
        if self.fig.inset == "turn":
            return self._turn_closeup(bodies)
        if self.fig.inset == "sway":
            return self._sway_closeup(bodies)
        if self.fig.inset == "lift":
            return self._lift_closeup(bodies)
        if self.fig.inset == "belly":
            return self._belly_closeup(bodies)
        frame = self.closeup
        assert frame is not None
        keys = self.fig.keyframes()
        suffix = "_right" if self.fig.sided else ""
        start, end = keys["start" + suffix], keys["end" + suffix]
        digits = 1 if len(bodies) == 1 else 0

        def shapes(make: Callable[[Body], str]) -> tuple[str, str]:
            values = [make(b) for b in bodies]
            return values[0], self._anim("d", values)

        def thigh(b: Body) -> str:  # the upper half: the close-up shows the hip
            seg = b.segments["thigh_r"]
            mid = tuple(p + 0.5 * (q - p) for p, q in zip(seg.a, seg.b, strict=True))
            return _path(_outline(replace(seg, b=mid), frame), digits)  # type: ignore[arg-type]

        # a plain magnified side view (review 5: the hip bone read as abstract): the low
        # back, the buttock and the thigh on the floor, the gap under the small of the back
        # shaded and closing, the start outline dashed, an arrow the way the pelvis turns
        layers_ = [
            (lambda b: _path_open(waist_gap(b, frame), digits) + "Z", f'fill="{GAP_SHADE}"'),
            (thigh, f'fill="{NEAR}" stroke="{INK}" stroke-width="2"'),
            (lambda b: _smooth(_torso(b, frame), digits),
             f'id="pelvis-trunk" fill="{NEAR}" stroke="{INK}" stroke-width="2"'),
        ]  # fmt: skip
        drawn = "".join(f'<path d="{d}" {style}>{anim}</path>'
                        for make, style in layers_ for d, anim in [shapes(make)])  # fmt: skip
        drawn += self._trunk_highlights(bodies, frame, "pelvis-trunk")
        was = _smooth(_torso(pose_body(start), frame))
        floor = max(y for _, y in _smooth_curve(_torso(pose_body(start), frame)))
        tilt = pelvis_tilt(start, end)
        # in the steps' words (the small of the back settles onto the floor), not anatomy's
        words = "low back flattens" if tilt > 0 else "low back arches"
        inner = (
            f'<rect x="0" y="{floor:.1f}" width="{WIDTH:g}" height="{HEIGHT:g}" fill="{MAT}"/>'
            f'<path d="M0,{floor:.1f}H{WIDTH:g}" stroke="{FLOOR}" stroke-width="3"/>{drawn}'
            f'<path d="{was}" fill="none" stroke="{INK}" stroke-width="1.8" '
            f'stroke-dasharray="5 4"/>'
            f"{self._while_going_in(inset_arrow(self.fig, self.frame.scale).svg)}"
        )
        return self._circle(inner, words)

    def _head(self, bodies: list[Body]) -> str:
        centres = [self.frame.xy(b.segments["head"].a) for b in bodies]
        noses = [_nose(b, self.frame) for b in bodies]
        r = bodies[0].segments["head"].hw * self.frame.scale
        if self.fig.view is View.HIGH_THREE_QUARTER:
            noses = [self._profile(b, c, n, r)
                     for b, c, n in zip(bodies, centres, noses, strict=True)]  # fmt: skip
        cx = [f"{c[0]:.1f}" for c in centres]
        cy = [f"{c[1]:.1f}" for c in centres]
        nx = [f"{n[0][0]:.1f}" for n in noses]
        ny = [f"{n[0][1]:.1f}" for n in noses]
        # the eye sits between the head's centre and the nose: it shows where the face points
        eyes = [(c[0] + 0.55 * (n[0][0] - c[0]), c[1] + 0.55 * (n[0][1] - c[1]))
                for c, n in zip(centres, noses, strict=True)]  # fmt: skip
        ex = [f"{e[0]:.1f}" for e in eyes]
        ey = [f"{e[1]:.1f}" for e in eyes]
        nose = (f'<circle class="hd" cx="{nx[0]}" cy="{ny[0]}" r="{noses[0][1]:.1f}">'
                f"{self._anim('cx', nx)}{self._anim('cy', ny)}</circle>")  # fmt: skip
        head = (f'<circle class="hd" cx="{cx[0]}" cy="{cy[0]}" r="{r:.1f}">'
                f"{self._anim('cx', cx)}{self._anim('cy', cy)}</circle>")  # fmt: skip
        eye = (f'<circle class="ey" cx="{ex[0]}" cy="{ey[0]}" r="{max(1.5, 0.13 * r):.1f}">'
               f"{self._anim('cx', ex)}{self._anim('cy', ey)}</circle>")  # fmt: skip
        if self._face_up(bodies[len(bodies) // 2]):
            # a face turned to the viewer (seen from above): the nose on the face shows
            # which way the head turns; the eye would hide under it
            return head + nose
        if self._face_down(bodies[len(bodies) // 2]):
            # a face down towards the floor, seen from above it (review 8: the superman's
            # eye read as a face turned sideways to the viewer): no eye, the hair of the
            # crown and the back of the head turned up, the face hidden below
            hair = [_hair(c, n[0], r) for c, n in zip(centres, noses, strict=True)]
            return head + f'<path class="ey" d="{hair[0]}">{self._anim("d", hair)}</path>'
        away = [self._face_away(b) for b in bodies]
        if any(away):
            # seen low from the side, a face turned away (the spinal twist's head turned the
            # other way, round 13): the back of the head, its hair towards the viewer, no eye,
            # at the moments it is turned; the eye again when it turns back
            hair = [_hair(c, n[0], r) for c, n in zip(centres, noses, strict=True)]
            on = ["1" if a else "0" for a in away]
            off = ["0" if a else "1" for a in away]
            back = (f'<path class="ey" d="{hair[0]}" opacity="{on[0]}">{self._anim("d", hair)}'
                    f'{self._anim("opacity", on, discrete=True)}</path>')  # fmt: skip
            if all(away):
                return head + back
            eye = (f'<g opacity="{off[0]}">{self._anim("opacity", off, discrete=True)}'
                   f"{eye}</g>")  # fmt: skip
            return nose + head + eye + back
        return nose + head + eye

    def _face_away(self, body: Body) -> bool:
        """Whether a lying face seen low from the side is turned away from the viewer."""
        if self.fig.view is not View.LOW_THREE_QUARTER:
            return False
        out = tuple(n - h for n, h in zip(body.landmarks["nose"], body.segments["head"].a,
                                          strict=True))  # fmt: skip
        n = math.sqrt(dot(out, out)) or 1.0  # type: ignore[arg-type]
        return dot(out, self.frame.camera.toward) / n < -0.3  # type: ignore[arg-type]

    def _profile(self, body: Body, centre: Point, nose: tuple[Point, float], r: float
                 ) -> tuple[Point, float]:  # fmt: skip
        """A lying face seen from high three-quarter turned away sideways (the spinal twist's
        head, round 10e: only the eye moved, the nose hid behind the head): its nose pushed
        out to the head's outline, a profile, the more the face turns from the viewer. A
        face up towards the viewer keeps its nose on the face."""
        out = tuple(n - h for n, h in zip(body.landmarks["nose"], body.segments["head"].a,
                                          strict=True))  # fmt: skip
        k = math.sqrt(dot(out, out)) or 1.0  # type: ignore[arg-type]
        facing = dot(out, self.frame.camera.toward) / k  # type: ignore[arg-type]
        turn = min(1.0, max(0.0, (0.6 - facing) / 0.3))
        (nx, ny), nr = nose
        dx, dy = nx - centre[0], ny - centre[1]
        d = math.hypot(dx, dy)
        if turn == 0.0 or d < 1e-6:
            return nose
        reach = d + turn * max(0.0, 1.1 * r - d)
        # a profile's nose a little larger: at the panel's size a small bump was lost
        return (centre[0] + dx / d * reach, centre[1] + dy / d * reach), nr * (1 + 0.3 * turn)

    def _face_down(self, body: Body) -> bool:
        """Whether a lying figure seen from the side and above (the superman's view) has its
        face down towards the floor, turned away from the viewer."""
        if self.fig.view is not View.SIDE_HIGH:
            return False
        out = tuple(n - h for n, h in zip(body.landmarks["nose"], body.segments["head"].a,
                                          strict=True))  # fmt: skip
        n = math.sqrt(dot(out, out)) or 1.0  # type: ignore[arg-type]
        return out[1] / n < -0.6 and dot(out, self.frame.camera.toward) / n < 0.1  # type: ignore[arg-type]

    def _face_up(self, body: Body) -> bool:
        """Whether the face points at the viewer (a lying figure seen from above). An upright
        head turned to the viewer keeps its eye: a nose on its face read as a stray circle."""
        if self.fig.view is View.SIDE:
            # seen level from the side (a figure rolled onto its side, facing the viewer),
            # the eye is drawn as on every other head (review 11a: the nose on the face read
            # as a ring)
            return False
        head = body.segments["head"].a
        nose = body.landmarks["nose"]
        out = tuple(n - h for n, h in zip(nose, head, strict=True))
        n = math.sqrt(dot(out, out)) or 1.0  # type: ignore[arg-type]
        up = tuple(h - b for h, b in zip(head, body.landmarks["neck_base"], strict=True))
        upright = up[1] / (math.sqrt(dot(up, up)) or 1.0) > 0.7  # type: ignore[arg-type]
        # from straight above a face turned half away still faces the viewer: its nose,
        # off the face's middle, shows the turn (the lying spinal twist's head)
        limit = 0.3 if self.fig.view is View.DOWN else 0.6
        return not upright and dot(out, self.frame.camera.toward) / n > limit  # type: ignore[arg-type]

    @property
    def regions(self) -> list[str]:
        """Every highlighted region of both sides and every movement, once each (the head is
        never highlighted)."""
        every = [r for part in self.fig.parts
                 for r in (*part.highlight, *part.highlight_for("end_left"))]  # fmt: skip
        return [r for r in dict.fromkeys(every) if not r.startswith("head")]

    def _highlights(self, group: Sequence[str], clip: str = "") -> str:
        """The highlighted regions of a group's parts, drawn right after the group (so nearer
        limbs cover them) and, with `clip`, cut to the group's own drawn shapes (review 5:
        the cobra's stripe spilled past the trunk, a knee drop's bar lay over the thigh)."""
        out: list[str] = []
        for region in (r for r in self.regions if r.partition(":")[0] in group):
            # a solid colour, switched on while the stretch is felt: it never blends
            ops = ["1" if on else "0" for on in self.region_on(region)]
            if all(o == "0" for o in ops):
                continue
            out.append(f'<use href="#{_region_id(region)}" class="h" opacity="{ops[0]}">'
                       f'{self._anim("opacity", ops, discrete=True)}</use>')  # fmt: skip
        if not out or not clip:
            return "".join(out)
        cid = f"cl-{clip}"
        shapes = "".join(f'<use href="#{n}"/>' for n in GROUPS[clip])
        return (f'<clipPath id="{cid}">{shapes}</clipPath>'
                f'<g clip-path="url(#{cid})">{"".join(out)}</g>')  # fmt: skip


def drawing(fig: Figure, technique: Technique, pose: PoseName, part: int = 0) -> Drawing:
    """The animation, or one key pose of a movement (the first, unless `part` says), framed
    alike so that every pose of the figure is drawn at one scale."""
    whole = fig.framed_by or fig  # a key stage is drawn at its whole figure's scale
    loop = samples(whole, technique)
    # the printed lead-in and finishing poses (sitting up, rolled to the side) fit too
    frame = fit(whole, [*(s.pose for s in loop), *whole.lead_in, *whole.finish])
    if pose == "animated":
        every = with_lead_in_and_finish(whole, loop)
        return Drawing(fig, frame, tuple(every), every[-1].time)
    moving = fig.parts[part]
    keys = moving.keyframes()
    name = pose if not moving.sided else f"{pose}_right"
    side = "right" if moving.sided else ""
    depth = 1.0 if pose == "end" else 0.0
    return Drawing(fig, frame, (Sample(0.0, keys[name], side, depth, part),), 1.0)


LEAD_STILL = 0.6  # seconds a lead-in or finishing pose is shown still
LEAD_MOVE = 1.6  # seconds to move from one to the next
LEAD_FRAMES = 2  # frames of that move (the picture's size grows with every frame)


def with_lead_in_and_finish(fig: Figure, loop: list[Sample]) -> list[Sample]:
    """The technique's own picture shows the whole exercise, as the steps do: from where
    they start (the lead-in poses: sitting with the feet down, beside the ball) into the
    repeated movement, and after it how they finish (curling up off the roller, the legs off
    the chair), then back to the start (a cut). The player draws its own way into position
    and times the bare loop (`samples`). Few frames each: the picture stays small."""
    if not fig.lead_in and (not fig.finish or fig.finish_in_loop):
        return loop
    side = loop[0].side
    mirror = side == "left"

    def moved(a: Pose, b: Pose, at: float, extra: float = fig.hold_extra,
              lead: bool = False) -> list[Sample]:  # fmt: skip
        out = [Sample(at, a, side, 0.0, lead=lead)]
        at += LEAD_STILL + extra
        for i in range(LEAD_FRAMES):
            out.append(Sample(at, passing(fig, a, b, i / LEAD_FRAMES), side, 0.0, lead=lead))
            at += LEAD_MOVE / LEAD_FRAMES
        return out

    lead = [p.mirrored() if mirror else p for p in fig.lead_in]
    if fig.unfelt and len(loop) > 2 and loop[-1].part != loop[-2].part:
        # two movements: the way up follows the last one (lying on the roller), not a cut
        # back to the first one's start (sitting on it)
        loop = loop[:-1]
    out: list[Sample] = []
    at = 0.0
    # the first pose is the print's first moment whatever its time: it is not held longer
    for a, b in itertools.pairwise([*lead, loop[0].pose]):
        out += moved(a, b, at, fig.hold_extra if out else 0.0, lead=True)
        at = out[-1].time + LEAD_MOVE / LEAD_FRAMES
    out += [replace(s, time=s.time + at) for s in loop]
    at = out[-1].time
    last = out[-1]
    # a technique done per side finishes by changing sides, which the loop shows already
    finish = [] if fig.sided or fig.finish_in_loop else list(fig.finish)
    for k, (a, b) in enumerate(itertools.pairwise([last.pose, *finish])):
        # a finishing pose held longer is shown still, not the way into it (the loop's
        # last pose is not held again)
        keep = 0 if k and fig.hold_extra else 1
        out += [replace(s, side=last.side) for s in moved(a, b, at)][keep:]
        at = out[-1].time + LEAD_MOVE / LEAD_FRAMES
    if finish:
        out.append(Sample(at, finish[-1], last.side, 0.0))
        at += LEAD_STILL + fig.hold_extra
    if out[-1].pose != out[0].pose:
        out.append(Sample(at, out[-1].pose, out[-1].side, 0.0, out[-1].part))
        out.append(Sample(at + CUT, out[0].pose, out[0].side, 0.0, out[0].part))
    return out


def moments(technique: Technique, count: int = 8) -> list[tuple[float, str]]:
    """The animation at `count` evenly spaced moments, each as a still SVG: (seconds, svg)."""
    fig = figure_for(technique.id)
    loop = drawing(fig, technique, "animated")
    out: list[tuple[float, str]] = []
    for k in range(count):
        at = loop.duration * k / count
        i = max(j for j, s in enumerate(loop.samples) if s.time <= at + 1e-9)
        left = loop.samples[i].part == 0 and loop.samples[i].time >= tip_middle(loop.samples)
        still = Drawing(fig, loop.frame, (loop.samples[i],), 1.0, moment=True, tip_left=left)
        out.append((at, still.render(f"{technique.name} at {at:.1f} s")))
    return out


def technique_svg(technique: Technique, pose: PoseName = "animated") -> str:
    """The technique's picture: a key pose ("start", "end") or the looping animation."""
    fig = figure_for(technique.id)
    label = {"start": "start position", "end": "end position", "animated": "animation"}[pose]
    return drawing(fig, technique, pose).render(f"{technique.name}: {label}")


def _arrowhead(x: float, y: float, dx: float, dy: float, size: float = 9.0) -> str:
    n = math.hypot(dx, dy) or 1.0
    ux, uy = dx / n, dy / n
    ax, ay = x - size * ux + 0.55 * size * uy, y - size * uy - 0.55 * size * ux
    bx, by = x - size * ux - 0.55 * size * uy, y - size * uy + 0.55 * size * ux
    return f"M{ax:.1f},{ay:.1f}L{x:.1f},{y:.1f}L{bx:.1f},{by:.1f}"


MOVERS = ("palm_l", "palm_r", "ankle_l", "ankle_r", "knee_l", "knee_r", "head", "neck_base",
          "hip_centre", "waist")  # fmt: skip


@dataclass(frozen=True)
class Arrow:
    """A motion arrow as drawn on the end pose: points along its shaft from tail to tip, in
    that picture's pixels, the body point it shows moving, and which way the drawing of that
    point moves on the picture from the start pose to the end pose (pixels)."""

    shaft: tuple[Point, ...]
    svg: str
    follows: str
    moves: Point


def _quad(p0: Point, q: Point, p1: Point, n: int = 12) -> tuple[Point, ...]:
    return tuple(
        ((1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * q[0] + t * t * p1[0],
         (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * q[1] + t * t * p1[1])
        for t in (i / n for i in range(n + 1))
    )  # fmt: skip


def _arc(c: Point, rx: float, ry: float, a0: float, a1: float, n: int = 12) -> tuple[Point, ...]:
    """Points on an elliptical arc from angle a0 to a1 (radians, picture coordinates)."""
    return tuple((c[0] + rx * math.cos(a), c[1] + ry * math.sin(a))
                 for a in (a0 + (a1 - a0) * i / n for i in range(n + 1)))  # fmt: skip


def turn_arrow(fig: Figure, technique: Technique, part: int = 0) -> Arrow:
    """A flat curved arrow over the head, the way the chest and head turn."""
    d = drawing(fig, technique, "end", part)
    keys = fig.parts[part].keyframes()
    suffix = "_right" if fig.sided else ""
    a, b = pose_body(keys["start" + suffix]), pose_body(keys["end" + suffix])
    (hx, hy), r = d.frame.xy(b.segments["head"].a), b.segments["head"].hw * d.frame.scale
    nose_a = d.frame.xy(a.landmarks["nose"])[0] - d.frame.xy(a.segments["head"].a)[0]
    nose_b = d.frame.xy(b.landmarks["nose"])[0] - hx
    rightwards = nose_b > nose_a  # on the picture
    cy, rx, ry = hy - r - 14, 30.0, 9.0
    x0, x1 = (hx - rx, hx + rx) if rightwards else (hx + rx, hx - rx)
    sweep = 0 if rightwards else 1
    shaft = (
        _arc((hx, cy), rx, ry, math.pi, 2 * math.pi)
        if rightwards
        else _arc((hx, cy), rx, ry, 2 * math.pi, math.pi)
    )
    svg = (
        f'{ARROW_G}<path d="M{x0:.1f},{cy:.1f}A{rx:g},{ry:g} 0 0 {sweep} {x1:.1f},{cy:.1f}"/>'
        f'<path d="{_arrowhead(x1, cy, 0.0, -1.0, 8)}"/></g>'
    )
    return Arrow(shaft, svg, "nose", (nose_b - nose_a, 0.0))


def motion_arrow_shape(fig: Figure, technique: Technique, part: int = 0) -> Arrow | None:
    """The arrow on the end pose: from where the most-moving body point starts to where it
    ends (for a turn of the trunk, over the head the way it turns); None when nothing moves
    enough to show, or the figure draws none."""
    if not fig.arrow:
        return None
    moving = fig.parts[part]
    keys = moving.keyframes()
    suffix = "_right" if fig.sided else ""
    turn, _ = motion_amount(keys["start" + suffix], keys["end" + suffix], "trunk_turn")
    if turn is not None and turn > 15 and fig.view in (View.THREE_QUARTER, View.FRONT):
        return turn_arrow(fig, technique, part)
    d = drawing(fig, technique, "end", part)
    a, b = pose_body(keys["start" + suffix]).landmarks, pose_body(keys["end" + suffix]).landmarks
    movers = (moving.arrow_at,) if moving.arrow_at else MOVERS
    moves = [(math.dist(d.frame.xy(a[m]), d.frame.xy(b[m])), m) for m in movers]
    length, mark = max(moves)
    if length < 4:
        return None
    (x0, y0), (x1, y1) = d.frame.xy(a[mark]), d.frame.xy(b[mark])
    moved = (x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    nx, ny = -uy, ux
    cx, cy = d.frame.xy(b["waist"])
    if ((x0 + x1) / 2 - cx) * nx + ((y0 + y1) / 2 - cy) * ny < 0:
        nx, ny = -nx, -ny  # (nx, ny) points away from the body's middle
    clear = _clearance(pose_body(keys["end" + suffix]), d.frame)
    options: list[Arrow] = []
    if moving.both_ways:  # a sway to either side: straight across the sway, a head each end
        x0, y0 = d.frame.xy(pose_body(keys["end" + suffix].mirrored()).landmarks[mark])
        span = math.dist((x0, y0), (x1, y1)) or 1.0
        ux, uy = (x1 - x0) / span, (y1 - y0) / span
        nx, ny = -uy, ux
        if ((x0 + x1) / 2 - cx) * nx + ((y0 + y1) / 2 - cy) * ny < 0:
            nx, ny = -nx, -ny
        # past the knees' far end of the sway first (clear of the body), then beside them
        for along, aside in ((-span - 16, 0), (-span - 30, 0), (-span - 16, 14),
                             (-span - 16, -14), (0, 28), (0, 40), (0, -28), (0, -40)):  # fmt: skip
            (sx, sy), (ex, ey) = ((px + aside * nx + along * ux, py + aside * ny + along * uy)
                                  for px, py in ((x0 + 4 * ux, y0 + 4 * uy),
                                                 (x1 - 4 * ux, y1 - 4 * uy)))  # fmt: skip
            svg = (f'{ARROW_G}<path d="M{sx:.1f},{sy:.1f}L{ex:.1f},{ey:.1f}"/>'
                   f'<path d="{_arrowhead(ex, ey, ux, uy)}"/>'
                   f'<path d="{_arrowhead(sx, sy, -ux, -uy)}"/></g>')  # fmt: skip
            options.append(Arrow(((sx, sy), (ex, ey)), svg, mark, moved))
    elif length < 25:  # a small lift or push: a short straight arrow just past where it ends
        for along, aside in ((12, 0), (12, 18), (12, -18), (26, 0), (12, 34), (12, -34),
                             (26, 30), (26, -30), (40, 0), (-44, 0), (-56, 0), (40, 36),
                             (40, -36), (12, 52), (12, -52), (56, 0)):  # fmt: skip
            sx, sy = x1 + along * ux + aside * nx, y1 + along * uy + aside * ny
            ex, ey = sx + 22 * ux, sy + 22 * uy
            svg = (f'{ARROW_G}<path d="M{sx:.1f},{sy:.1f}L{ex:.1f},{ey:.1f}"/>'
                   f'<path d="{_arrowhead(ex, ey, ux, uy)}"/></g>')  # fmt: skip
            options.append(Arrow(((sx, sy), (ex, ey)), svg, mark, moved))
    else:  # a curved arrow beside the path, bowed away from the body's middle
        for away, k, shift in (
            (1, 0.3, 0),
            (1, 0.5, 0),
            (1, 0.3, 14),
            (1, 0.5, 24),
            (-1, 0.3, 0),
            (-1, 0.5, 14),
            (1, 0.8, 36),
            (-1, 0.8, 30),
        ):
            options.append(_bowed((x0, y0), (x1, y1), (away * nx, away * ny), k, shift, mark,
                                  moved))  # fmt: skip
        # or straight, past where the point ends (a bridge's hips: above them, off the body)
        for along in (14, 30, 46, 62):
            sx, sy = x1 + along * ux, y1 + along * uy
            ex, ey = sx + 26 * ux, sy + 26 * uy
            svg = (f'{ARROW_G}<path d="M{sx:.1f},{sy:.1f}L{ex:.1f},{ey:.1f}"/>'
                   f'<path d="{_arrowhead(ex, ey, ux, uy)}"/></g>')  # fmt: skip
            options.append(Arrow(((sx, sy), (ex, ey)), svg, mark, moved))
    return min(enumerate(options), key=lambda o: (round(clear(o[1].shaft), 2), o[0]))[1]


def _bowed(p0: Point, p1: Point, n: Point, k: float, shift: float, mark: str,
           moved: Point) -> Arrow:  # fmt: skip
    """A curved arrow from near p0 to near p1, bowed towards n by k of its length, and the
    whole shifted `shift` pixels that way."""
    (x0, y0), (x1, y1) = (p0[0] + n[0] * shift, p0[1] + n[1] * shift), (
        p1[0] + n[0] * shift, p1[1] + n[1] * shift)  # fmt: skip
    length = math.dist(p0, p1)
    bow = k * length + 10
    qx, qy = (x0 + x1) / 2 + n[0] * bow, (y0 + y1) / 2 + n[1] * bow
    # start and end a little away from the points themselves
    tx, ty = x1 - qx, y1 - qy
    tn = math.hypot(tx, ty) or 1.0
    ex, ey = x1 - 9 * tx / tn, y1 - 9 * ty / tn
    qn = math.hypot(qx - x0, qy - y0) or 1.0
    sx, sy = x0 + 9 * (qx - x0) / qn, y0 + 9 * (qy - y0) / qn
    svg = (
        f'{ARROW_G}<path d="M{sx:.1f},{sy:.1f}Q{qx:.1f},{qy:.1f} {ex:.1f},{ey:.1f}"/>'
        f'<path d="{_arrowhead(ex, ey, tx, ty)}"/></g>'
    )
    return Arrow(_quad((sx, sy), (qx, qy), (ex, ey)), svg, mark, moved)


def inside(p: Point, poly: Sequence[Point]) -> bool:
    """Whether a point lies inside a closed outline (even-odd)."""
    x, y = p
    hit = False
    for i in range(len(poly)):
        (x0, y0), (x1, y1) = poly[i - 1], poly[i]
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def dense(points: Sequence[Point], step: float = 2.0) -> list[Point]:
    """Points along a polyline, about `step` pixels apart."""
    out = [points[0]]
    for p, q in itertools.pairwise(points):
        k = max(1, int(math.dist(p, q) / step))
        out += [(p[0] + (q[0] - p[0]) * i / k, p[1] + (q[1] - p[1]) * i / k)
                for i in range(1, k + 1)]  # fmt: skip
    return out


FACE_CLEAR_PX = 2.0  # an arrow this near the head's outline lands on the face


def over_body(
    shaft: Sequence[Point], body: Body, frame: Frame,
    shapes: dict[str, list[Point]] | None = None,
) -> tuple[float, bool]:  # fmt: skip
    """The share of an arrow over the drawn body, and whether it touches the face."""
    shapes = shapes or picture_shapes(body, frame)
    boxes = [(min(x for x, _ in s), min(y for _, y in s), max(x for x, _ in s),
              max(y for _, y in s), s) for s in shapes.values()]  # fmt: skip
    points = dense(shaft)
    over = sum(1 for p in points
               if any(x0 <= p[0] <= x1 and y0 <= p[1] <= y1 and inside(p, s)
                      for x0, y0, x1, y1, s in boxes))  # fmt: skip
    (hx, hy), r = frame.xy(body.segments["head"].a), body.segments["head"].hw * frame.scale
    face = any(math.dist(p, (hx, hy)) <= r + FACE_CLEAR_PX for p in points)
    return over / len(points), face


NEAR_PX = 6.0  # an arrow this close to the body's outline sits against it


def _clearance(body: Body, frame: Frame) -> Callable[[Sequence[Point]], float]:
    """How badly an arrow sits: its share over the body, more for the face or leaving the
    picture (0 is clear)."""

    shapes = picture_shapes(body, frame)
    # seen from the side or the front the floor is a line: an arrow below it points into it
    floor = frame.xy((0.0, 0.0, 0.0))[1] if frame.camera.up == (0, 1, 0) else None

    def cost(shaft: Sequence[Point]) -> float:
        share, face = over_body(shaft, body, frame, shapes)
        out = any(not (4 <= x <= WIDTH - 4 and 4 <= y <= HEIGHT - 4) for x, y in shaft)
        under = floor is not None and any(y > floor - 3 for _, y in shaft)
        # touching the outline reads as tucked under it: a little for running along it
        near = sum(max(over_body([(x + dx * r, y + dy * r) for x, y in shaft], body, frame,
                                 shapes)[0]
                       for dx, dy in ((0, -1), (0, 1), (-1, 0), (1, 0)))
                   for r in (NEAR_PX, 2 * NEAR_PX))  # fmt: skip
        return (share + 0.15 * near + (1.0 if face else 0.0) + (2.0 if out else 0.0)
                + (2.0 if under else 0.0))  # fmt: skip

    return cost


def motion_arrow(fig: Figure, technique: Technique, part: int = 0) -> str:
    """The end pose's motion arrow as SVG ("" when there is none)."""
    arrow = motion_arrow_shape(fig, technique, part)
    return arrow.svg if arrow else ""


INSET_LABEL = 17.0  # px: the close-up's words, readable on the printed handout
INSET_WORDS = {"lift": "a few centimetres up", "belly": "tummy draws in",
               "turn": "chest turns, hips stay", "pelvis": "low back flattens",
               "sway": "from the feet"}  # fmt: skip
SWAY_CAMERA = _looking((1.0, 0.45, 0.0))  # from beyond the feet, 24 degrees up
# a tip to one side with the feet on the floor, seen lower (12 degrees up): the standing knees
# and their tip rise off the floor, the near feet not hanging below the far hips
TIP_CAMERA = _looking((1.0, 0.21, 0.0))
TIP_SCALE = 80.0  # pixels per metre of the tip's close-up: the feet and the tipped knees in view
SWAY_EVERY = 4  # the sway close-up's shapes move on every fourth moment of the animation
SWAY_R = 54.0  # the sway's close-up is smaller, in the top right corner above the feet
SWAY_C = (WIDTH - SWAY_R - 8, SWAY_R + 6)
SWAY_SCALE = 110.0  # pixels per metre of the sway's close-up: the pelvis and the knees in view
INSET_R = 74.0  # radius of the round close-up, in picture pixels
INSET_C = (WIDTH - INSET_R - 8, INSET_R + 8)  # its centre: top right
PELVIS_SCALE = 250.0  # the pelvic close-up: the low back, the buttock and the floor
LIFT_SCALE = 210.0  # pixels per metre of the lift's close-up: the head and the arms in view
BELLY_SCALE = 270.0  # pixels per metre of the belly's close-up: the trunk and the floor in view
TURN_SCALE = 300.0  # pixels per metre of the turn's close-up: the shoulders about 105 px apart


def lift_closeup_arrow(fig: Figure, scale: float = MAX_SCALE) -> Arrow:
    """The lift close-up's arrow: straight, over the hands, the way they rise on the
    close-up; with that movement."""
    frame = inset_frame(fig, scale)
    return _rising_arrow(fig, frame, "wrist_r", "forearm_r", -0.06, 6, 24, "arms")


def _rising_arrow(
    fig: Figure, frame: Frame, point: str, segment: str, ahead: float, pad: float,
    length: float, part: str,
) -> Arrow:  # fmt: skip
    """A close-up's straight arrow just over a segment, the way its point moves from the start
    to the end pose on that close-up (ahead: metres along the picture's x from the point)."""
    keys = fig.keyframes()
    suffix = "_right" if fig.sided else ""
    a, b = pose_body(keys["start" + suffix]), pose_body(keys["end" + suffix])
    (x0, y0), (x1, y1) = (frame.xy(p.landmarks[point]) for p in (a, b))
    moved = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / moved, (y1 - y0) / moved
    top = b.segments[segment].hd * frame.scale + pad
    sx, sy = x1 + ahead * frame.scale + top * ux, y1 + top * uy
    ex, ey = sx + length * ux, sy + length * uy
    svg = (f'{ARROW_G}<path d="M{sx:.1f},{sy:.1f}L{ex:.1f},{ey:.1f}"/>'
           f'<path d="{_arrowhead(ex, ey, ux, uy)}"/></g>')  # fmt: skip
    return Arrow(((sx, sy), (ex, ey)), svg, part, (x1 - x0, y1 - y0))


FEET_R = 48.0  # the lift's second close-up, at the feet: smaller, left, under the key's label
FEET_C = (FEET_R + 8, FEET_R + 39)
FEET_SCALE = 190.0  # pixels per metre of the feet's close-up: the feet and most of the shins


def feet_frame(fig: Figure, scale: float = MAX_SCALE) -> Frame:
    """The feet close-up's frame: straight from the side (the feet's few centimetres then
    stand clear of the floor line, with no depth mixed into them), the near ankle of the end
    pose left of the middle (the shins run off to the right), the floor low in the circle (0.6
    of its radius below the middle: the arrow over the lifted shin stays inside)."""
    keys = fig.keyframes()
    b = pose_body(keys["end_right" if fig.sided else "end"])
    zoom = max(FEET_SCALE, 1.2 * scale)
    cam = CAMERAS[View.SIDE]
    x, _, z = b.landmarks["ankle_r"]
    px, py = Frame(cam, 1.0, 0.0, 0.0).xy((x, 0.0, z))
    return Frame(cam, zoom, FEET_C[0] + 0.15 * FEET_R - px * zoom,
                 FEET_C[1] + 0.6 * FEET_R - py * zoom)  # fmt: skip


def lift_feet_arrow(fig: Figure, scale: float = MAX_SCALE) -> Arrow:
    """The feet close-up's arrow: straight, over the near shin, the way the ankle rises on
    that close-up; with that movement."""
    return _rising_arrow(fig, feet_frame(fig, scale), "ankle_r", "shin_r", 0.08, 3, 16, "feet")


def turn_closeup_arrow(fig: Figure, scale: float = MAX_SCALE, side: str = "right") -> Arrow:
    """The turn close-up's arrow: an arc in front of the chest the way the drawn shoulders
    turn (on the side given, for a technique done per side), with the movement of the
    shoulder line under its middle."""
    keys = fig.keyframes()
    suffix = f"_{side}" if fig.sided else ""
    a, b = pose_body(keys["start" + suffix]), pose_body(keys["end" + suffix])
    frame = inset_frame(fig, scale)

    def angle(body: Body) -> float:
        (lx, ly), (rx, ry) = (frame.xy(body.landmarks[f"shoulder_{s}"]) for s in "lr")
        return math.atan2(ry - ly, rx - lx)

    turned = (angle(b) - angle(a) + math.pi) % (2 * math.pi) - math.pi
    cx, cy = frame.xy(a.landmarks["neck_base"])
    r = 0.2 * frame.scale
    # in front of the chest, the way the hips (which stay) face on the close-up
    neck, ahead = a.landmarks["neck_base"], a.segments["pelvis"].forward
    fx, fy = frame.xy((neck[0] + ahead[0], neck[1] + ahead[1], neck[2] + ahead[2]))
    facing = math.atan2(fy - cy, fx - cx)
    s0, s1 = facing - math.radians(35.0), facing + math.radians(35.0)
    if turned < 0:
        s0, s1 = s1, s0
    shaft = _arc((cx, cy), r, r, s0, s1)
    (x0, y0), (x1, y1) = shaft[0], shaft[-1]
    flag = 1 if turned > 0 else 0
    tx, ty = (-(y1 - cy), x1 - cx) if turned > 0 else (y1 - cy, -(x1 - cx))
    svg = (f'{ARROW_G}<path d="M{x0:.1f},{y0:.1f}A{r:.1f},{r:.1f} 0 0 {flag} '
           f'{x1:.1f},{y1:.1f}"/><path d="{_arrowhead(x1, y1, tx, ty)}"/></g>')  # fmt: skip
    mx, my = shaft[len(shaft) // 2]
    c, s_ = math.cos(turned), math.sin(turned)
    dx, dy = mx - cx, my - cy
    return Arrow(shaft, svg, "chest", (c * dx - s_ * dy - dx, s_ * dx + c * dy - dy))


DETAIL_SCALE = 240.0  # pixels per metre of the detail close-up: about 60 cm across
DETAIL_ABOVE = 0.07  # metres above the prop's top at the close-up's middle: the body in view
DETAIL_REACH = 0.3  # metres: a point the arrow follows nearer the prop than this is in view too
ROUND_PROPS = (PropKind.BALL, PropKind.ROLLER, PropKind.TOWEL)


def detail_point(fig: Figure, part: int = 0) -> Vec:
    """The middle of a movement's detail close-up: the top of the ball, roller or towel the
    body lies on, or else the point the arrow follows (a knee) in the end pose; between the
    two when the movement has both."""
    moving = fig.parts[part]
    prop = next((p for p in fig.props if p.kind in ROUND_PROPS), None)
    keys = moving.keyframes()
    end = pose_body(keys["end_right" if moving.sided else "end"])
    mark = end.landmarks[moving.arrow_at or "knee_r"]
    if prop is None:
        return mark
    top = (prop.x, prop.base + prop.size[1] + DETAIL_ABOVE, 0.0)
    if moving.arrow_at is None or math.dist(top, mark) > DETAIL_REACH:
        return top  # the point is far off: the close-up stays on the prop
    # between the two: where the body presses, and the part that moves
    return (
        (top[0] + mark[0]) / 2,
        (top[1] + mark[1]) / 2,
        (top[2] + mark[2]) / 2,
    )


TIP_SCALE = 105.0  # pixels per metre of the tip close-up (seen from behind)
TIP_HEAD = 0.1  # metres: the head's radius seen from behind
TIP_WORDS = "from behind"


def tip_shapes(fig: Figure, side: float) -> dict[str, list[Point]]:
    """The sitter seen from straight behind, in the close-up's pixels: the roller lengthways,
    the pelvis tipped `tip_behind` degrees onto the right buttock (side 1, the picture's
    right) or the left (side -1) about where that buttock rests on the roller, the trunk with
    it, the hands on the floor either side behind the hips. Only drawn so: the body model's
    own roll took the hands and feet off the floor (round 10c)."""
    prop = next(p for p in fig.props if p.kind in ROUND_PROPS)
    d = prop.size[1]  # the roller's height
    hips = 0.15  # metres between the buttocks' middles
    rb = 0.085  # a buttock's radius
    up = 0.36  # hips to shoulders, seen from behind a sitter leaning back
    t = math.radians(fig.tip_behind) * side
    pivot = (side * hips / 2, prop.base + d)  # where the pressing buttock meets the roller

    def tip(z: float, y: float) -> tuple[float, float]:
        dz, dy = z - pivot[0], y - pivot[1]
        c, s_ = math.cos(t), math.sin(t)
        return (pivot[0] + dz * c + dy * s_, pivot[1] - dz * s_ + dy * c)

    cx, cy = INSET_C
    oy = cy + 0.66 * INSET_R  # the floor, near the close-up's bottom

    def px(p: tuple[float, float]) -> Point:
        return (cx + p[0] * TIP_SCALE, oy - p[1] * TIP_SCALE)

    base = prop.base + d + rb  # the buttocks' middles, untipped

    def arc(z0: float, a0: int, a1: int) -> list[tuple[float, float]]:
        return [(z0 + rb * math.cos(math.radians(a)), base + rb * math.sin(math.radians(a)))
                for a in range(a0, a1 - 1, -15)]  # fmt: skip

    # round the right buttock's bottom, then the left's, up the left side, across the
    # shoulders and down the right side
    ring = arc(hips / 2, 0, -150) + arc(-hips / 2, -30, -180)
    ring += [(-0.15, base + 0.1), (-0.19, base + up), (-0.12, base + up + 0.04),
             (0.12, base + up + 0.04), (0.19, base + up), (0.15, base + 0.1)]  # fmt: skip
    pressing = arc(side * hips / 2, 0, -180)  # the lower half of the buttock on the roller
    half = prop.across / 2
    return {
        "roller": [px((-half, prop.base + d)), px((half, prop.base + d)), px((half, prop.base))],
        "trunk": [px(tip(z, y)) for z, y in ring],
        "pressing": [px(tip(z, y)) for z, y in pressing],
        "head": [px(tip(0.0, base + up + 0.04 + TIP_HEAD))],
        "arm_l": [px(tip(-0.17, base + up - 0.02)), px((-0.3, 0.02))],
        "arm_r": [px(tip(0.17, base + up - 0.02)), px((0.3, 0.02))],
    }


def tip_middle(samples: Sequence[Sample]) -> float:
    """Seconds: the middle sample of the first movement's first run, from which the tip
    close-up shows the left buttock instead of the right (the loop's cut back to it at the
    end stays left)."""
    first = list(itertools.takewhile(lambda s: s.part == 0, samples))
    return first[len(first) // 2].time if first else 0.0


def tip_arrow(fig: Figure) -> str:
    """A curved two-way arrow over the head: onto one buttock, then the other."""
    cx, cy = INSET_C
    y = cy - 0.8 * INSET_R
    span = 0.36 * INSET_R
    left, right = (cx - span, y + 10), (cx + span, y + 10)
    d = f"M{left[0]:.1f},{left[1]:.1f}Q{cx:.1f},{y - 14:.1f} {right[0]:.1f},{right[1]:.1f}"
    heads = []
    for (x, y0), s in ((right, 1), (left, -1)):  # each end's head along the curve's way
        ux, uy = s * span, 24.0
        n = math.hypot(ux, uy)
        ux, uy = ux / n, uy / n
        tip, back = (x + 10 * ux, y0 + 10 * uy), (x - 2 * ux, y0 - 2 * uy)
        a_, b_ = (back[0] - 7 * uy, back[1] + 7 * ux), (back[0] + 7 * uy, back[1] - 7 * ux)
        heads.append(
            f'<path d="M{tip[0]:.1f},{tip[1]:.1f}L{a_[0]:.1f},{a_[1]:.1f}'
            f'L{b_[0]:.1f},{b_[1]:.1f}Z" fill="{ARROW}"/>'
        )
    return (f'<path class="tip-arrow" d="{d}" fill="none" stroke="{ARROW}" stroke-width="3.5"/>'
            f"{''.join(heads)}")  # fmt: skip


def detail_words(fig: Figure) -> str:
    prop = next((p for p in fig.props if p.kind in ROUND_PROPS), None)
    return f"on the {prop.kind.value}" if prop is not None else "close up"


def _detail_bodies(fig: Figure, part: int, side: str) -> tuple[Body, Body]:
    moving = fig.parts[part]
    keys = moving.keyframes()
    suffix = f"_{side}" if moving.sided and side else ("_right" if moving.sided else "")
    return pose_body(keys["start" + suffix]), pose_body(keys["end" + suffix])


def _in_circle(p: Point, margin: float = 0.0) -> bool:
    return math.dist(p, INSET_C) <= INSET_R - margin


def detail_moved(fig: Figure, frame: Frame, part: int = 0, side: str = "") -> list[list[Point]]:
    """The start outlines of the shapes that move most inside the detail close-up (at least
    half as far as the one moving most, and 6 px): of the trunk when it lies on the prop."""
    a, b = _detail_bodies(fig, part, side)
    sa, sb = picture_shapes(a, frame), picture_shapes(b, frame)
    moving = fig.parts[part]
    on_prop = {k for c in moving.contacts.values() for k, v in c.items()
               if v.value in ("ball", "roller", "towel")}  # fmt: skip
    if on_prop & set(TRUNK):
        sa, sb = {"torso": sa["torso"]}, {"torso": sb["torso"]}
    shift = {
        name: max(
            (math.dist(p, q) for p, q in zip(sa[name], sb[name], strict=True)
             if _in_circle(p) or _in_circle(q)),
            default=0.0,
        )
        for name in sa
    }  # fmt: skip
    best = max(shift.values(), default=0.0)
    return [sa[n] for n, d in shift.items() if d >= max(6.0, 0.5 * best)]


def detail_arrow(
    fig: Figure, scale: float = MAX_SCALE, part: int = 0, side: str = ""
) -> Arrow | None:
    """The detail close-up's arrow: straight, beside the body point that moves most inside
    the close-up (the one the figure's arrow follows, if it is there), the way it moves,
    off the body and inside the circle; None when nothing there moves 3 px."""
    a, b = _detail_bodies(fig, part, side)
    frame = inset_frame(fig, scale, part)
    follows = fig.parts[part].arrow_at
    marks = [follows] if follows and _in_circle(frame.xy(b.landmarks[follows]), 10) else [
        m for m in b.landmarks if _in_circle(frame.xy(b.landmarks[m]), 10)
        and _in_circle(frame.xy(a.landmarks[m]), 10)]  # fmt: skip
    moves = [(math.dist(frame.xy(a.landmarks[m]), frame.xy(b.landmarks[m])), m) for m in marks]
    length, mark = max(moves, default=(0.0, ""))
    if length < 3:
        return None
    (x0, y0), (x1, y1) = frame.xy(a.landmarks[mark]), frame.xy(b.landmarks[mark])
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    clear = _clearance(b, frame)
    best: tuple[float, int, Arrow] | None = None
    # the nearest place beside where the point ends that is off the body and in the circle
    spots = [(r, math.radians(k * 30)) for r in (22, 34, 46, 58) for k in range(12)]
    for i, (r, turn) in enumerate(spots):
        mx, my = x1 + r * math.cos(turn), y1 + r * math.sin(turn)
        sx, sy, ex, ey = mx - 13 * ux, my - 13 * uy, mx + 13 * ux, my + 13 * uy
        svg = (f'{ARROW_G}<path d="M{sx:.1f},{sy:.1f}L{ex:.1f},{ey:.1f}"/>'
               f'<path d="{_arrowhead(ex, ey, ux, uy)}"/></g>')  # fmt: skip
        arrow = Arrow(((sx, sy), (ex, ey)), svg, mark, (x1 - x0, y1 - y0))
        outside = sum(0 if _in_circle(p, 10) else 3 for p in arrow.shaft)
        cost = clear(arrow.shaft) + outside + r / 200
        if best is None or (round(cost, 3), i) < (round(best[0], 3), best[1]):
            best = (cost, i, arrow)
    return best[2] if best else None


def inset_frame(fig: Figure, scale: float = MAX_SCALE, part: int = 0) -> Frame:
    """The close-up's frame: seen from the side, the hip of the end pose at its middle, at
    least PELVIS_SCALE (and 1.5 times the figure)."""
    keys = fig.keyframes()
    b = pose_body(keys["end_right" if fig.sided else "end"])
    cx, cy = INSET_C
    if fig.inset == "lift":  # from the side, the chest at the middle, the floor in view
        zoom = max(LIFT_SCALE, 1.7 * scale)
        nx = (b.landmarks["head"][0] + b.landmarks["palm_r"][0]) / 2
        # a figure seen from the side and above is seen so close up too (its near arm then
        # lies below the head, as on the figure)
        cam = CAMERAS[View.SIDE_HIGH if fig.view is View.SIDE_HIGH else View.SIDE]
        high = cam is not CAMERAS[View.SIDE]
        if high:  # the chest, head and near arm: the arm lies below the head, not over it
            nx = b.landmarks["head"][0]
        px, py = Frame(cam, 1.0, 0.0, 0.0).xy((nx, 0.0, 0.15 if high else 0.0))
        frame = Frame(cam, zoom, cx - px * zoom, cy + INSET_R * (0.3 if high else 0.55) - py * zoom)
        return _head_whole(fig, frame, part, (nx, 0.05, 0.0))
    if fig.inset == "detail":  # the picture's own view, larger, around the prop or point
        zoom = max(DETAIL_SCALE, 1.6 * scale)
        px, py = Frame(CAMERAS[fig.view], 1.0, 0.0, 0.0).xy(detail_point(fig, part))
        frame = Frame(CAMERAS[fig.view], zoom, cx - px * zoom, cy - py * zoom)
        return _head_whole(fig, frame, part, detail_point(fig, part))
    if fig.inset == "sway":  # from beyond the feet, between the hips and the knees before
        # they sway or tip (held in: the rock's end pose; standing up: the knee drop's start)
        m = pose_body(fig.parts[-1].start).landmarks
        hips, knees = m["hip_centre"], _mid(m["knee_l"], m["knee_r"])
        sx, sy = SWAY_C
        if one_way_tip(fig):  # the hips (the tip's pivot) low, the knees' arc above them
            px, py = Frame(TIP_CAMERA, 1.0, 0.0, 0.0).xy(hips)
            return Frame(TIP_CAMERA, TIP_SCALE, sx - px * TIP_SCALE,
                         sy + 0.35 * SWAY_R - py * TIP_SCALE)  # fmt: skip
        zoom = max(SWAY_SCALE, 0.6 * scale)
        px, py = Frame(SWAY_CAMERA, 1.0, 0.0, 0.0).xy(_mid(hips, knees))
        return Frame(SWAY_CAMERA, zoom, sx - px * zoom, sy + 0.2 * SWAY_R - py * zoom)
    if fig.inset == "turn":  # from straight above, between the neck and the hips
        zoom = max(TURN_SCALE, 1.6 * scale)
        cam = above_facing(CAMERAS[fig.view])
        # (a trunk leaning back had its hips cut by the circle's edge, in front of the neck)
        px, py = Frame(cam, 1.0, 0.0, 0.0).xy(_mid(b.landmarks["neck_base"],
                                                   b.landmarks["hip_centre"]))  # fmt: skip
        return Frame(cam, zoom, cx - px * zoom, cy - py * zoom)
    if fig.inset == "belly":  # from the side, the front of the lower tummy below the middle
        zoom = max(BELLY_SCALE, 1.3 * scale)
        fx, fy_, _ = belly_front(b)
        return Frame(CAMERAS[View.SIDE], zoom, cx - fx * zoom, cy - 0.2 * INSET_R + fy_ * zoom)
    # the low back and the pelvis from the side, the floor under them in view: the gap under
    # the small of the back closing as the pelvis tips
    waist = b.segments["lumbar"]
    # the middle of the waist (the gap, left) and the hip (the buttock, right) in view
    mid = 0.3 * (waist.a[0] + waist.b[0]) + 0.4 * b.landmarks["hip_centre"][0]
    zoom = max(PELVIS_SCALE, 1.5 * scale)
    floor = min(y for _, y in drawn_outline(b)["torso"])
    return Frame(CAMERAS[View.SIDE], zoom, cx - mid * zoom, cy + 0.5 * INSET_R + floor * zoom)


def _head_whole(fig: Figure, frame: Frame, part: int, point: Vec) -> Frame:
    """A close-up moved sideways as little as it takes for the head of each key pose to be
    drawn whole in it or left out, not cut in half by its edge (review 3: the foam roll's mid
    back, the thoracic roller's and the superman's close-ups halved the head), its point (the
    prop, the lifting arm) still in view."""
    moving = fig.parts[part]
    keys = moving.keyframes()
    suffix = "_right" if moving.sided else ""
    heads = [pose_body(keys[k + suffix]).segments["head"] for k in ("start", "end")]

    def fits(f: Frame) -> bool:
        for h in heads:
            d, r = math.dist(f.xy(h.a), INSET_C), h.hw * f.scale
            if not (d + r <= INSET_R - 2 or d - r >= INSET_R + 2):
                return False
        return _in_circle(f.xy(point), 24)

    for shift in sorted(range(-160, 161, 4), key=abs):
        moved = replace(frame, ox=frame.ox + shift)
        if fits(moved):
            return moved
    return frame


def _screen_angle(frame: Frame, seg: Segment) -> float:
    (ax, ay), (bx, by) = frame.xy(seg.a), frame.xy(seg.b)
    return math.atan2(by - ay, bx - ax)


def _mid(a: Vec, b: Vec) -> Vec:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2)


def one_way_tip(fig: Figure) -> bool:
    """Whether the knees' close-up shows a tip to one side, done per side (the knee drop),
    rather than a sway to either side (the rock's)."""
    moving = fig.parts[-1]
    return moving.sided and not moving.both_ways


def sway_arrow(fig: Figure, scale: float = MAX_SCALE, side: str = "right") -> Arrow:
    """The knees' close-up arrow: an arc over the knees, round the hips. For a sway to either
    side, from where they sway to one side to where they sway to the other, a head at each
    end; for a tip to one side (done per side), from where they stand to where they tip on
    `side`, one head, the way they go."""
    sway = fig.parts[-1]
    frame = inset_frame(fig, scale)
    held = pose_body(sway.start)
    pivot = frame.xy(held.landmarks["hip_centre"])

    def knees(pose: Pose) -> Point:
        m = pose_body(pose).landmarks
        return frame.xy(_mid(m["knee_l"], m["knee_r"]))

    both = not one_way_tip(fig)
    if both:
        ends = [knees(sway.end.mirrored()), knees(sway.end)]
    else:
        ends = [knees(sway.start), knees(sway.end.mirrored() if side == "left" else sway.end)]
    r = math.dist(pivot, knees(sway.start)) + 0.1 * frame.scale
    a0, a1 = (math.atan2(y - pivot[1], x - pivot[0]) for x, y in ends)
    shaft = _arc(pivot, r, r, a0, a1)
    (x0, y0), (xa, ya) = shaft[0], shaft[1]
    (x1, y1), (xb, yb) = shaft[-1], shaft[-2]
    heads = f'<path d="{_arrowhead(x1, y1, x1 - xb, y1 - yb)}"/>'
    if both:
        heads += f'<path d="{_arrowhead(x0, y0, x0 - xa, y0 - ya)}"/>'
    svg = f'{ARROW_G}<path d="{_path_open(shaft)}"/>{heads}</g>'
    moves = (ends[1][0] - ends[0][0], ends[1][1] - ends[0][1])
    return Arrow(shaft, svg, "knees", moves)


def inset_arrow(fig: Figure, scale: float = MAX_SCALE) -> Arrow:
    """The close-up's curved arrow over the pelvis, turning the way the drawn pelvis turns
    from the start to the end pose; with the movement of the drawn pelvis under its middle."""
    keys = fig.keyframes()
    suffix = "_right" if fig.sided else ""
    a, b = pose_body(keys["start" + suffix]), pose_body(keys["end" + suffix])
    frame = inset_frame(fig, scale)
    hx, hy = frame.xy(b.landmarks["hip_centre"])
    r = 0.15 * frame.scale
    # the turn on the picture (y runs down: + is clockwise as seen)
    turned = _screen_angle(frame, b.segments["pelvis"]) - _screen_angle(frame, a.segments["pelvis"])
    turned = (turned + math.pi) % (2 * math.pi) - math.pi
    s0, s1 = math.radians(-150.0), math.radians(-60.0)
    if turned < 0:
        s0, s1 = s1, s0
    shaft = _arc((hx, hy), r, r, s0, s1)
    (x0, y0), (x1, y1) = shaft[0], shaft[-1]
    flag = 1 if turned > 0 else 0
    tx, ty = (-(y1 - hy), x1 - hx) if turned > 0 else (y1 - hy, -(x1 - hx))
    svg = (f'{ARROW_G}<path d="M{x0:.1f},{y0:.1f}A{r:.1f},{r:.1f} 0 0 {flag} '
           f'{x1:.1f},{y1:.1f}"/><path d="{_arrowhead(x1, y1, tx, ty)}"/></g>')  # fmt: skip
    # the point under the arc's middle, turned as the drawn pelvis turns
    mx, my = shaft[len(shaft) // 2]
    c, s_ = math.cos(turned), math.sin(turned)
    dx, dy = mx - hx, my - hy
    moves = (c * dx - s_ * dy - dx, s_ * dx + c * dy - dy)
    return Arrow(shaft, svg, "pelvis", moves)


def belly_arrow(fig: Figure, scale: float = MAX_SCALE) -> Arrow:
    """The belly close-up's straight arrow, pressing in towards the spine over the front of
    the lower tummy and ending just off it; with how the drawn front moves in."""
    keys = fig.keyframes()
    b = pose_body(keys["end_right" if fig.sided else "end"])
    frame = inset_frame(fig, scale)
    forward = b.segments["pelvis"].forward
    front = belly_front(b, fig.draw_in)

    def off(k: float) -> Point:
        return frame.xy(tuple(p + k * f for p, f in zip(front, forward, strict=True)))  # type: ignore[arg-type]

    (x0, y0), (x1, y1) = off(0.13), off(0.025)
    shaft = _quad((x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2), (x1, y1))
    svg = (f'{ARROW_G}<path d="M{x0:.1f},{y0:.1f}L{x1:.1f},{y1:.1f}"/>'
           f'<path d="{_arrowhead(x1, y1, x1 - x0, y1 - y0)}"/></g>')  # fmt: skip
    (ax, ay), (bx, by) = frame.xy(belly_front(b)), frame.xy(front)
    return Arrow(shaft, svg, "lower tummy", (bx - ax, by - ay))


def _badge_width(label: str) -> float:
    return 11 + 9.2 * len(label)


def badge_box(label: str, x: float, y: float) -> tuple[float, float, float, float]:
    """The badge's rectangle (left, top, right, bottom) drawn by `_badge(label, x, y)`."""
    return (x - 13, y - 13, x - 13 + _badge_width(label), y + 13)


BADGE_CLEAR = 6.0  # pixels kept between a motion arrow (its stroke) and a key pose's badge


def arrow_points(arrow: Arrow) -> list[Point]:
    """Points along a motion arrow as drawn: its shaft and its head's corners."""
    heads = [d for d in re.findall(r'd="([^"]*)"', arrow.svg) if "A" not in d]
    return [*arrow.shaft, *((float(x), float(y)) for d in heads for x, y in _PAIR.findall(d))]


def _box_gap(p: Point, box: tuple[float, float, float, float]) -> float:
    dx = max(box[0] - p[0], 0.0, p[0] - box[2])
    dy = max(box[1] - p[1], 0.0, p[1] - box[3])
    return math.hypot(dx, dy)


def badge_shift(arrow: Arrow | None, box: tuple[float, float, float, float]) -> float:
    """Pixels to move a motion arrow to the right so that it stays BADGE_CLEAR off the badge
    at the picture's top left (review 11a: the chair rotation's arc over the head touched
    its 'step 3' badge); 0 when it is clear already. To the right: the badge is at the left
    edge, and an arc over a head moved a little sideways still shows the turn."""
    if arrow is None:
        return 0.0
    need = BADGE_CLEAR + 1.5  # half the arrow's stroke
    near = [p for p in arrow_points(arrow) if _box_gap(p, box) < need]
    if not near:
        return 0.0
    # each point near it moved right until it clears the badge's right edge, or its rows
    shifts = []
    for x, y in near:
        below = y - box[3]  # a point below the badge clears it by this much
        reach = math.sqrt(max(need**2 - below**2, 0.0)) if below > 0 else need
        shifts.append(box[2] + reach - x)
    return max(0.0, *shifts)


def _badge(label: str, x: float, y: float) -> str:
    """The label of a key pose at its top left corner: the steps it shows ("step 3")."""
    w = _badge_width(label)
    return (
        f'<g class="key-label"><rect x="{x - 13:g}" y="{y - 13:g}" width="{w:.0f}" height="26" '
        f'rx="13" fill="{INK}"/><text x="{x - 13 + w / 2:.1f}" y="{y + 5.5:g}" '
        'text-anchor="middle" font-family="sans-serif" font-size="16" font-weight="bold" '
        f'fill="white">{label}</text></g>'
    )


_PAIR = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")


def _rows(svg: str) -> list[float]:
    """Picture rows of every coordinate pair in a drawing's paths (arc radii count too, which
    only ever widens the span)."""
    return [float(m.group(2)) for m in _PAIR.finditer(svg)]


def key_row(technique: Technique, part: int = 0) -> tuple[KeyPanel, ...]:
    """The key poses one printed row shows: two, or one at the end of an odd count."""
    panels = key_panels(figure_for(technique.id))
    return panels[2 * part : 2 * part + 2]


def key_poses_svg(technique: Technique, crop: bool = False, part: int = 0) -> str:
    """A row of two key poses (see figures.key_panels), each labelled with the technique's
    steps it shows ("step 3", "steps 3-4"), with the movement into a pose drawn as an arrow
    on it and, for techniques done per side, a reminder to repeat on the other side (after
    the last key pose only: a side does every movement before the other side starts).

    `crop` trims the empty rows above and below (a lying figure is wide and low), so a page
    can hold more exercises with each pose as wide as before. `part` counts the rows: the
    key poses go two to a row, in the order of the steps (`key_rows` says how many)."""
    whole = figure_for(technique.id)
    row = key_row(technique, part)
    drawn = [drawing(p.figure, technique, p.pose, p.part) for p in row]
    pictures = [d.render(f"{technique.name}: {p.label}")
                for d, p in zip(drawn, row, strict=True)]  # fmt: skip
    shapes = [motion_arrow_shape(p.figure, technique, p.part) if p.pose == "end" else None
              for p in row]  # fmt: skip
    motions = [a.svg if a else "" for a in shapes]
    last = drawn[-1]
    top, bottom = 0.0, HEIGHT
    # a row without a close-up is cropped (the close-up sits at the top of its picture)
    closeup = any(d.closeup is not None for d in drawn)
    if crop and not closeup:
        rows = [*last.frame.span, *(y for m in motions for y in _rows(m))]
        top = max(0.0, min(rows) - 34)
        bottom = min(HEIGHT, max(rows) + 8)
    cue_at: Point | None = None
    if whole.sided and not whole.other_side_drawn and part == key_rows(whole) - 1:
        if len(row) == 2:
            taken = _taken(last, shapes[-1])
            cue_at, bottom = _cue_place(taken, top, bottom,
                                        HEIGHT if not crop or closeup else None)  # fmt: skip
        else:  # the right half is free
            cue_at = (WIDTH - 10, (top + bottom) / 2 + CUE_BOX[1] / 2)
    height = bottom - top
    extra = ""
    if len(row) == 2:
        # a white margin between the two pictures, so that a pool's water, a mat or a floor
        # line reaching both edges does not run the two into one (review 11a: the pool's
        # steps 2 and 3 read as one strip, the arrow between them in the water)
        extra += (
            f'<rect x="{WIDTH - PANEL_GAP / 2:g}" y="{top:g}" width="{PANEL_GAP:g}" '
            f'height="{height:g}" fill="white"/>'
            f'<path d="M{WIDTH - 6:g},{top + height / 2:g}h12l-5,-6m5,6l-5,6" fill="none" '
            f'stroke="{INK}" stroke-width="2.5" stroke-linecap="round" '
            'stroke-linejoin="round"/>'
        )
    body = ""
    for k, (picture, motion, panel) in enumerate(zip(pictures, motions, row, strict=True)):
        body += _nest(picture, k * WIDTH, 0, "se"[k])
        label = panel.label
        shift = round(badge_shift(shapes[k], badge_box(label, 20, top + 20)), 1)
        extra += f'<g transform="translate({k * WIDTH + shift:g},0)">{motion}</g>'
        extra += _badge(label, k * WIDTH + 20, top + 20)
        if panel.pose == "end" and panel.figure.parts[panel.part].optional:
            # the steps make this movement optional: not the default
            x = k * WIDTH + 20 + _badge_width(label)
            extra += (f'<text class="optional" x="{x:g}" y="{top + 26:g}" '
                      f'font-family="sans-serif" font-size="{CUE_SIZE:g}" font-weight="bold" '
                      f'fill="{INK}">{OPTIONAL}</text>')  # fmt: skip
    if cue_at is not None:
        x = cue_at[0] + WIDTH
        cue = (f'<text class="cue" x="{x:g}" y="{cue_at[1]:g}" '
               f'text-anchor="end" font-family="sans-serif" font-size="{CUE_SIZE:g}" '
               f'fill="{INK}">{CUE}</text>')  # fmt: skip
        extra += cue
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 {top:g} {2 * WIDTH:g} {height:g}" width="{2 * WIDTH:g}" '
        f'height="{height:g}">{body}{extra}</svg>'
    )


PANEL_GAP = 12.0  # pixels of white between two key poses side by side (clear of the close-ups)
CUE = "then repeat on the other side ↺"
OTHER_SIDE = "now the other side ↺"
SIDE_WORDS_WIDTH = 175.0  # its width in pixels at CUE_SIZE, bold, a little generous
OPTIONAL = "only if you need more stretch"
CUE_SIZE = 15.0
CUE_BOX = (250.0, 16.0)  # the words' width and height in pixels, a little generous


Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def _taken(d: Drawing, arrow: Arrow | None) -> list[list[Point]]:
    """Outlines of what the end pose's picture draws: each body shape, each prop, the floor
    line and the motion arrow, in that picture's pixels."""
    body = d.body(0)
    shapes = [*picture_shapes(body, d.frame).values()]
    if arrow:  # the shaft, a few pixels wide
        shapes += [_rect_poly((x - 3, y - 3, x + 3, y + 3)) for x, y in dense(arrow.shaft, 3)]
    return shapes + _scenery(d)


def _scenery(d: Drawing) -> list[list[Point]]:
    """Outlines of what a picture draws besides the body: each prop, the floor line and the
    close-up with its words (left of it)."""
    shapes: list[list[Point]] = []
    back, front = _props(d.fig, d.frame)
    for fragment in (*back, *front):
        shapes += _svg_shapes(fragment)
    if d.closeup is not None:
        (cx, cy), r = INSET_C, INSET_R
        shapes.append(_rect_poly((cx - r - 140, cy - r, cx + r, cy + r + 24)))
    return shapes


def _rect_poly(b: Box) -> list[Point]:
    return [(b[0], b[1]), (b[2], b[1]), (b[2], b[3]), (b[0], b[3])]


_ATTR = re.compile(r'(\w+)="(-?\d+(?:\.\d+)?)"')


def _svg_shapes(fragment: str) -> list[list[Point]]:
    """The outline of one SVG shape (rect, circle, or path as the polygon through its points)
    in its own pixels."""
    attrs = {k: float(v) for k, v in _ATTR.findall(fragment)}
    if fragment.startswith("<rect") and "width" in attrs:
        x, y = attrs.get("x", 0.0), attrs.get("y", 0.0)
        return [_rect_poly((x, y, x + attrs["width"], y + attrs["height"]))]
    if fragment.startswith("<circle"):
        r = attrs["r"]
        return [_rect_poly((attrs["cx"] - r, attrs["cy"] - r, attrs["cx"] + r, attrs["cy"] + r))]
    line = re.search(r'd="M(-?[\d.]+),(-?[\d.]+)H(-?[\d.]+)"', fragment)
    if line:  # the floor line
        x0, y0, x1 = (float(g) for g in line.groups())
        return [_rect_poly((x0, y0 - 2, x1, y0 + 2))]
    pairs = [(float(a), float(b)) for a, b in _PAIR.findall(fragment)]
    return [pairs] if len(pairs) >= 3 else []


def hits(box: Box, poly: Sequence[Point]) -> bool:
    """Whether a box and a polygon overlap (a corner of either inside the other, or the box's
    edges crossing it, sampled every few pixels)."""
    x0, y0, x1, y1 = box
    if any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in poly):
        return True
    px, py = [x for x, _ in poly], [y for _, y in poly]
    if max(px) < x0 or min(px) > x1 or max(py) < y0 or min(py) > y1:
        return False
    edge = dense([*_rect_poly(box), (x0, y0)], 4.0)
    return any(inside(p, poly) for p in edge)


def _cue_place(
    taken: list[list[Point]], top: float, bottom: float, fixed: float | None,
) -> tuple[Point, float]:  # fmt: skip
    """Where the other-side reminder goes (its right end and baseline, in the end picture)
    and the picture's new bottom: the first of bottom right, bottom left and the very bottom
    where its words cross nothing drawn; then, in a cropped picture, under it (the picture
    grows below), or in a picture of fixed height (`fixed`), top right or top left. Words
    at the top read as coming before the pose (review 10: the single knee hug's handout
    said it at the top right, beside the step's badge)."""
    w, _ = CUE_BOX
    right = WIDTH - 10

    def clear(x1: float, base: float) -> bool:
        return not any(hits(cue_box(x1, base), poly) for poly in taken)

    below = [(right, bottom - 8), (w + 40, bottom - 8), (right, bottom - 3)]
    above = [(right, top + 27), (w + 40, top + 27)]
    for x1, base in below if fixed is None else [*below, *above]:
        if clear(x1, base) and top + 10 < cue_box(x1, base)[1]:
            return (x1, base), bottom
    if fixed is None:
        return (right, bottom + CUE_BOX[1] + 2), bottom + CUE_BOX[1] + 8
    return below[0], bottom  # nothing is clear: the least bad


def cue_box(right: float, base: float) -> Box:
    """The box the other-side reminder's words fill, from their right end and baseline."""
    return (right - CUE_BOX[0], base - CUE_BOX[1] + 4, right, base + 3)


def all_key_poses_svg(technique: Technique) -> str:
    """Every key pose, two to a row (most figures have one row)."""
    count = key_rows(figure_for(technique.id))
    if count == 1:
        return key_poses_svg(technique)
    rows = "".join(_nest(key_poses_svg(technique, part=n), 0, n * HEIGHT, f"m{n}", 1.0, 2 * WIDTH)
                   for n in range(count))  # fmt: skip
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 {2 * WIDTH:g} {count * HEIGHT:g}" width="{2 * WIDTH:g}" '
        f'height="{count * HEIGHT:g}">{rows}</svg>'
    )


_ID = re.compile(r'(id="|href="#|url\(#)([^")]+)')


def _nest(
    svg: str, x: float, y: float, prefix: str, scale: float = 1.0, width: float = WIDTH
) -> str:
    """Place a drawing inside another, renaming its ids (nested ones too) so that several
    drawings can share one document."""
    inner = svg[svg.index(">") + 1 : svg.rindex("</svg>")]
    inner = _ID.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", inner)
    clip = f"c{prefix}"
    return (
        f'<clipPath id="{clip}"><rect width="{width:g}" height="{HEIGHT:g}"/></clipPath>'
        f'<g transform="translate({x:g},{y:g}) scale({scale:g})"><g clip-path="url(#{clip})">'
        f"{inner}</g></g>"
    )
