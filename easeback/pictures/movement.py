"""The movement check: each animation moves what its technique's steps move, by as much as the
figure's data says and the way the steps say, visibly, and its arrows point the way the body
moves without lying on it.

Each check returns one line per problem (empty when the picture is right), so a test says in
words what is wrong with which picture (loading a figure refuses the first kind already):

- limbs the steps move in turn ("lift one knee and then the other", "lower one foot at a
  time") leave and reach the floor one at a time: both feet are never off their support
  while neither leg has arrived;
- a pelvic tilt turns the pelvis backwards (the low back flattens) by the range its figure
  gives, and is drawn large enough to see in the animation (in a close-up where it is small);
- the part the arrow follows moves visibly in the animation;
- every motion arrow (the close-up's too) points the way its body point moves on the picture,
  and lies off the body and clear of the face;
- no arm or leg is drawn across the face.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from easeback.domain.body import Body, pose_body
from easeback.domain.models import Technique
from easeback.pictures import svg
from easeback.pictures.figures import (
    IN_TURN_STEP,
    LIMB_JOINTS,
    Figure,
    drawn_gap,
    figure_for,
    pelvis_tilt,
)

Point = tuple[float, float]

OFF_SUPPORT = 0.03  # metres: a foot this far above its support has left it
ARRIVED_DEG = 3.0  # a limb within this of its end pose has arrived
VISIBLE_PX = 8.0  # the least movement on the picture that a reader sees move
ARROW_AGREES = 0.5  # cosine between an arrow and its body point's movement
ARROW_ON_BODY = 0.2  # at most this share of an arrow may lie over the body


def check(technique: Technique) -> list[str]:
    """Every problem of the technique's picture, in words (none when it is right)."""
    fig = figure_for(technique.id)
    return [
        *in_turn_problems(fig, technique),
        *tilt_problems(fig, technique),
        *visibility_problems(fig, technique),
        *arrow_problems(fig, technique),
        *face_problems(fig, technique),
    ]


# ---- one limb at a time ----


def steps_move_in_turn(technique: Technique) -> bool:
    return any(IN_TURN_STEP.search(s.text) for s in technique.steps)


def _off(fig: Figure, body: Body, foot: str) -> bool:
    kind = fig.contacts["start"].get(foot)
    gaps = [g for s in fig.surfaces() if s.kind is kind
            if (g := drawn_gap(body, foot, s)) is not None]  # fmt: skip
    return not gaps or min(abs(g) for g in gaps) > OFF_SUPPORT


def _arrived(fig: Figure, pose_joints: dict[str, float], side: str) -> bool:
    end = fig.end.full_joints()
    return all(abs(pose_joints[j] - end[j]) <= ARRIVED_DEG for j in LIMB_JOINTS[f"leg_{side}"])


def in_turn_problems(fig: Figure, technique: Technique) -> list[str]:
    """When the steps move the legs one at a time, the animation never has both feet off
    the floor while neither leg has reached its end pose."""
    if not steps_move_in_turn(technique) or fig.sided:
        return []
    start = fig.contacts["start"]
    if "foot_l" not in start or "foot_r" not in start:
        return []  # the legs start off the floor: nothing is lifted in the picture
    out: list[str] = []
    for s in svg.samples(fig, technique):
        body = pose_body(s.pose)
        if _off(fig, body, "foot_l") and _off(fig, body, "foot_r"):
            joints = s.pose.full_joints()
            if not (_arrived(fig, joints, "l") or _arrived(fig, joints, "r")):
                out.append(
                    f"{technique.id}: both feet are off the floor at {s.time:.1f} s with "
                    "neither leg in yet; the steps move one leg and then the other"
                )
                break
    return out


# ---- pelvic tilts ----


def tilt_problems(fig: Figure, technique: Technique) -> list[str]:
    """A figure that says its pelvis tips back turns it back by that range, and the low back
    flattens (lumbar flexion rises) as it does."""
    rng = fig.motion.get("pelvis_tilt")
    if rng is None:
        return []
    out: list[str] = []
    tilt = pelvis_tilt(fig.start, fig.end)
    lo, hi = rng
    if not lo <= tilt <= hi:
        way = "back" if tilt >= 0 else "forward"
        out.append(f"{technique.id}: the pelvis tips {way} {abs(tilt):.0f}°; its data says "
                   f"{lo:g}–{hi:g}° back")  # fmt: skip
    if lo > 0 and fig.end.angle("lumbar_flexion") <= fig.start.angle("lumbar_flexion"):
        out.append(f"{technique.id}: the pelvis tips back but the low back does not flatten")
    return out


# ---- visible movement ----


def _shift(frame: svg.Frame, a: Body, b: Body, parts: Sequence[str]) -> float:
    """The largest distance, in picture pixels, that a point of the parts' outlines moves."""
    best = 0.0
    for part in parts:
        pa = svg.picture_shape(a, part, frame)
        pb = svg.picture_shape(b, part, frame)
        best = max(best, max(math.dist(p, q) for p, q in zip(pa, pb, strict=True)))
    return best


def movement_px(fig: Figure, technique: Technique) -> dict[str, float]:
    """How far the moving parts' drawings move in the animation, by drawing: "figure" for
    the main figure, "close-up" for a close-up the animation draws (the largest over the
    movements of the figure)."""
    loop = svg.drawing(fig, technique, "animated")
    out: dict[str, float] = {}
    for n, part in enumerate(fig.parts):
        keys = part.keyframes()
        suffix = "_right" if part.sided else ""
        a, b = pose_body(keys["start" + suffix]), pose_body(keys["end" + suffix])
        moving = _moving_parts(part, a, b)
        out["figure"] = max(out.get("figure", 0.0), _shift(loop.frame, a, b, moving))
        closeup = loop.closeup if n == 0 or fig.inset == "detail" else None
        if closeup is not None and fig.inset == "detail":  # every movement has its detail
            closeup = svg.inset_frame(fig, loop.frame.scale, n)
            inside = [m for m in a.landmarks
                      if svg._in_circle(closeup.xy(a.landmarks[m]), 10)
                      and svg._in_circle(closeup.xy(b.landmarks[m]), 10)]  # fmt: skip
            moved = max((math.dist(closeup.xy(a.landmarks[m]), closeup.xy(b.landmarks[m]))
                         for m in inside), default=0.0)  # fmt: skip
            out["close-up"] = max(out.get("close-up", 0.0), moved)
        elif closeup is not None and fig.inset == "pelvis":
            out["close-up"] = _shift(closeup, a, b, ("pelvis",))
        elif closeup is not None and fig.inset == "belly":  # the lower tummy drawing in
            was = svg._torso(a, closeup)
            now = svg._torso(b, closeup, fig.draw_in)
            out["close-up"] = max(math.dist(p, q) for p, q in zip(was, now, strict=True))
        elif closeup is not None:  # the chest turning, or the arms lifting
            marks = ("shoulder_l", "shoulder_r") if fig.inset == "turn" else ("palm_r", "head")
            if fig.inset == "sway":  # the knees, seen from the feet
                marks = ("knee_l", "knee_r")
            out["close-up"] = max(math.dist(closeup.xy(a.landmarks[m]), closeup.xy(b.landmarks[m]))
                                  for m in marks)  # fmt: skip
    return out


def _moving_parts(fig: Figure, a: Body, b: Body) -> tuple[str, ...]:
    """The parts whose movement the steps are about: the pelvis for a tilt, else every part."""
    if "pelvis_tilt" in fig.motion:
        return ("pelvis",)
    return (*(n for n in a.segments if n not in svg.TRUNK), "torso")


def visibility_problems(fig: Figure, technique: Technique) -> list[str]:
    moved = movement_px(fig, technique)
    best = max(moved.values())
    if best >= VISIBLE_PX:
        return []
    where = ", ".join(f"{k} {v:.1f} px" for k, v in moved.items())
    return [f"{technique.id}: the movement is hard to see in the animation ({where}; at "
            f"least {VISIBLE_PX:g} px needed): draw it larger or close up"]  # fmt: skip


# ---- arrows ----


def arrow_agrees(arrow: svg.Arrow) -> float:
    """Cosine between the arrow (tail to tip) and the movement of its body point."""
    (x0, y0), (x1, y1) = arrow.shaft[0], arrow.shaft[-1]
    ax, ay, (mx, my) = x1 - x0, y1 - y0, arrow.moves
    n = math.hypot(ax, ay) * math.hypot(mx, my)
    return (ax * mx + ay * my) / n if n else 0.0


def arrow_problems(fig: Figure, technique: Technique) -> list[str]:
    out: list[str] = []
    for n, part in enumerate(fig.parts):
        arrow = svg.motion_arrow_shape(fig, technique, n)
        if arrow is None:
            continue
        name = f"{technique.id} (movement {n + 1})"
        if arrow_agrees(arrow) < ARROW_AGREES:
            out.append(f"{name}: the arrow does not point the way the {arrow.follows} moves")
        keys = part.keyframes()
        end = keys["end_right" if part.sided else "end"]
        share, face = svg.over_body(
            arrow.shaft, pose_body(end), svg.drawing(fig, technique, "end", n).frame
        )
        if share > ARROW_ON_BODY:
            out.append(f"{name}: {share:.0%} of the arrow lies over the body")
        if face:
            out.append(f"{name}: the arrow lands on the face")
    if fig.inset == "detail":
        out += _detail_arrow_problems(fig, technique)
    elif fig.inset is not None:
        scale = svg.drawing(fig, technique, "end").frame.scale
        arrows = [{"pelvis": svg.inset_arrow, "turn": svg.turn_closeup_arrow,
                   "lift": svg.lift_closeup_arrow,
                   "belly": svg.belly_arrow,
                   "sway": svg.sway_arrow}[fig.inset](fig, scale)]  # fmt: skip
        if fig.inset == "turn" and fig.sided:
            arrows.append(svg.turn_closeup_arrow(fig, scale, "left"))
        if fig.inset == "sway" and fig.sided:  # a tip to one side: each side's arrow
            arrows.append(svg.sway_arrow(fig, scale, "left"))
        if fig.inset == "lift":  # and the feet's close-up
            arrows.append(svg.lift_feet_arrow(fig, scale))
        for arrow in arrows:
            if arrow_agrees(arrow) < ARROW_AGREES:
                out.append(f"{technique.id}: the close-up's arrow turns against the "
                           f"{arrow.follows} it draws")  # fmt: skip
    return out


def _detail_arrow_problems(fig: Figure, technique: Technique) -> list[str]:
    """A detail close-up's arrows, for each movement and side: the way the point moves, off
    the body and inside the circle."""
    out: list[str] = []
    d = svg.drawing(fig, technique, "end")
    for n, part in enumerate(fig.parts):
        frame = svg.inset_frame(fig, d.frame.scale, n)
        for side in ("right", "left") if part.sided else ("",):
            arrow = svg.detail_arrow(fig, d.frame.scale, n, side)
            if arrow is None:
                continue
            name = f"{technique.id} (close-up {n + 1}{', ' + side if side else ''})"
            if arrow_agrees(arrow) < ARROW_AGREES:
                out.append(f"{name}: the arrow does not point the way the {arrow.follows} moves")
            keys = part.keyframes()
            end = pose_body(keys[f"end_{side}" if side else "end"])
            share, _ = svg.over_body(arrow.shaft, end, frame)
            if share > ARROW_ON_BODY:
                out.append(f"{name}: {share:.0%} of the arrow lies over the body")
            if not all(svg._in_circle(p) for p in arrow.shaft):
                out.append(f"{name}: the arrow leaves the close-up")
    return out


# ---- the face ----


def face_problems(fig: Figure, technique: Technique) -> list[str]:
    """In every key pose the eye is not under an arm or a leg drawn over the head, unless
    the face is turned to the floor (the superman's forehead resting down, an arm stretched
    out beside the head: the face is not seen there, and the arm is nearer than the head)."""
    out: list[str] = []
    for n in range(len(fig.parts)):
        for pose in ("start", "end"):
            d = svg.drawing(fig, technique, pose, n)
            body = d.body(0)
            if _face_down(body):
                continue
            eye = svg.eye_point(body, d.frame)
            for group in svg.drawn_over_head(body, d.frame.camera):
                if any(svg.inside(eye, svg.picture_shape(body, p, d.frame))
                       for p in svg.GROUPS[group]):  # fmt: skip
                    out.append(f"{technique.id} ({pose} {n + 1}): the {group.replace('_', ' ')} "
                               "is drawn across the face")  # fmt: skip
    return out


FACE_DOWN = 0.6  # the face points at the floor: its direction this far downwards, at least


def _face_down(body: Body) -> bool:
    head, nose = body.segments["head"].a, body.landmarks["nose"]
    out = tuple(n - h for n, h in zip(nose, head, strict=True))
    return out[1] / (math.hypot(*out) or 1.0) < -FACE_DOWN
