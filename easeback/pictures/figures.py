"""Keyframes of each technique: the content files under content/figures, validated and posed.

Each file `content/figures/<technique-id>.yaml` gives the start and end pose of the movement as
joint angles (see easeback.domain.body for the conventions), the props, the view and the area
that should feel the stretch. A technique done per side is written for the right side; the left
side is its mirror. Loading refuses a file whose joints leave the human range, whose figure does
not rest on the supports it names, or whose deepest hip flexion differs from the technique's
declared `hip_flexion_deg`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from easeback.content.loader import ContentError, default_catalogue, read_yaml
from easeback.domain import contacts as touch
from easeback.domain.body import (
    DIMS,
    JOINT_RANGES,
    PART_NAMES,
    Body,
    Pose,
    Root,
    SupportKind,
    Surface,
    Vec,
    dot,
    gap,
    hip_flexion,
    interpolate,
    landmark_angles,
    mirror_part,
    pose_body,
    settle,
)
from easeback.domain.contacts import Touch
from easeback.domain.models import StepPhase, Technique

FIGURES_DIR = Path(__file__).resolve().parent.parent / "content" / "figures"


class Frozen(BaseModel):
    """Base of the figure file shapes: immutable, and unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


HIP_TOLERANCE_DEG = 15.0


class View(StrEnum):
    SIDE = "side"
    FRONT = "front"
    TOP = "top"
    THREE_QUARTER = "three-quarter"  # from the front-right and above: turns of a sitter
    ABOVE = "above"  # from the side and above: knees dropping and legs of a lying figure
    OVERHEAD = "overhead"  # from nearly straight above: legs lowered to either side
    FEET_END = "feet-end"  # from beyond the feet, a little left and above: a knee falling open
    # from beyond the feet on the figure's left, high: bent knees stand up (seen half from the
    # side) and, tipping to the figure's right, swing away across the picture (review 8)
    FEET_LEFT = "feet-left"
    DOWN = "down"  # from above, tipped a little to the figure's right: knees tipping sideways
    SIDE_HIGH = "side-high"  # from the side, above and a little from the head end: lying prone
    # from the right side, a little towards the feet and low above the floor (an exercise
    # sheet's three-quarter): lying bent knees read as bent and a sideways sway rolls
    LOW_THREE_QUARTER = "low-three-quarter"
    # from the right side and higher, 46 degrees: a knee falling open, or knees lowered,
    # towards the viewer still show the thighs' length (reclined pigeon, lying twist)
    HIGH_THREE_QUARTER = "high-three-quarter"
    # from beyond the head on the figure's left, low (25 degrees): a figure four's crossed
    # shin lies across the picture over the support knee, its knee open beyond (review 10)
    HEAD_LEFT = "head-left"


class PropKind(StrEnum):
    MAT = "mat"
    BED = "bed"
    CHAIR = "chair"
    OTTOMAN = "ottoman"
    WALL = "wall"
    BALL = "ball"
    ROLLER = "roller"
    TOWEL = "towel"
    PILLOW = "pillow"
    WATER = "water"
    POOL_WALL = "pool-wall"  # the pool's side wall behind the walker, with a rail along it


# props a person lies on and puts aside: rolled onto the side to get up, they are off them
LOOSE_PROPS = (PropKind.BALL, PropKind.ROLLER, PropKind.TOWEL)

# default (width, height) of each prop in metres; height is the top of its resting surface
PROP_SIZES: dict[PropKind, tuple[float, float]] = {
    PropKind.MAT: (1.9, 0.0),
    PropKind.BED: (2.0, 0.5),
    PropKind.CHAIR: (0.44, 0.46),
    PropKind.OTTOMAN: (0.5, 0.42),
    PropKind.WALL: (0.08, 2.0),
    PropKind.BALL: (0.066, 0.066),
    PropKind.ROLLER: (0.15, 0.15),
    PropKind.TOWEL: (0.11, 0.11),  # a bath towel rolled up: a roll wider than a hand
    PropKind.PILLOW: (0.45, 0.1),
    PropKind.WATER: (4.0, 1.15),
    PropKind.POOL_WALL: (4.0, 1.3),  # height: the edge of the pool; the rail runs just below
}
SUPPORT_OF: dict[PropKind, SupportKind] = {
    PropKind.BED: SupportKind.BED,
    PropKind.CHAIR: SupportKind.CHAIR,
    PropKind.OTTOMAN: SupportKind.CHAIR,
    PropKind.BALL: SupportKind.BALL,
    PropKind.ROLLER: SupportKind.ROLLER,
    PropKind.TOWEL: SupportKind.TOWEL,
    PropKind.PILLOW: SupportKind.PILLOW,
}

PartName = Annotated[str, Field(pattern="^(" + "|".join(PART_NAMES) + ")$")]
FACES = ("front", "back", "left", "right", "outer", "inner")
# the area the steps say is felt: a part, or one face of it ("lumbar:back", "thigh_r:front")
RegionName = Annotated[
    str, Field(pattern="^(" + "|".join(PART_NAMES) + ")(:(" + "|".join(FACES) + "))?$")
]


def mirror_region(region: str) -> str:
    """The same region on the other side of the body: parts and left/right faces swap."""
    part, _, face = region.partition(":")
    face = {"left": "right", "right": "left"}.get(face, face)
    return mirror_part(part) + (f":{face}" if face else "")


# One optional, range-checked field per joint, so an error names the exact joint.
JointsSpec: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "JointsSpec",
    __base__=Frozen,
    **{
        name: (float | None, Field(default=None, ge=lo, le=hi))
        for name, (lo, hi) in JOINT_RANGES.items()
    },
)


class PropSpec(Frozen):
    kind: PropKind
    x: float = 0.0  # centre, in metres along the floor
    width: float | None = Field(default=None, gt=0, le=4)
    height: float | None = Field(default=None, ge=0, le=2.5)
    base: float = Field(default=0.0, ge=0, le=1)  # height of what it stands on (e.g. a bed)
    back: bool = True  # chairs: draw the backrest (behind the sitter, at lower x)
    back_at: Literal["low", "high"] = "low"  # which edge of the seat the backrest stands on
    # chairs seen from the side: the near legs drawn over the body, for a leg that lies on the
    # floor between the chair's legs (it passes behind the near ones, not across them)
    legs_in_front: bool = False
    # mats: metres across, side to side (a rug wide enough for arms out to the sides)
    across: float = Field(default=0.9, gt=0, le=2.5)

    @property
    def size(self) -> tuple[float, float]:
        w, h = PROP_SIZES[self.kind]
        return (self.width or w, self.height if self.height is not None else h)

    def surface(self) -> Surface | None:
        kind = SUPPORT_OF.get(self.kind)
        if kind is None:
            return None
        w, h = self.size
        return Surface(kind, self.base + h, self.x - w / 2, self.x + w / 2)


class RootSpec(Frozen):
    x: float = Field(default=0.0, ge=-2, le=2)
    pitch: float = Field(default=0.0, ge=-180, le=180)
    roll: float = Field(default=0.0, ge=-90, le=90)
    twist: float = Field(default=0.0, ge=-90, le=90)


class PoseSpec(Frozen):
    root: RootSpec | None = None
    joints: JointsSpec | None = None
    contacts: dict[PartName, SupportKind] | None = None
    # contacts between body parts, in the words of the steps ("hands hold right knee");
    # the arms and legs are solved to meet them (easeback.domain.contacts)
    touch: tuple[str, ...] | None = None
    # the technique's step(s) this pose shows, counted from 1 ("step 3", or [3, 4] for
    # "steps 3-4"): its key panel is labelled with them, so a reader knows which words
    # the picture goes with
    step: Annotated[int, Field(ge=1)] | tuple[Annotated[int, Field(ge=1)], ...] | None = None
    # a lead-in or finishing pose written as changes to a shared pose (figures/shared/
    # poses.yaml: the roll onto the side to get up) instead of to the figure's start pose;
    # its root's x (where on the floor) and anything else the figure gives are its own
    like: str | None = None
    # rolled off the roller or towel towards the viewer (onto the side to get up): the prop
    # lies behind the body, not under it, so the pose is not kept out of its outline
    off_props: bool = False
    # the stretch is not felt in this pose (rolled onto the side to get up): no highlight
    felt: bool = True


# the landmarks an arrow (and a detail close-up) can follow
Mark = Literal["hip_centre", "waist", "head", "neck_base", "knee_r", "knee_l", "palm_r", "ankle_r"]


class PartSpec(Frozen):
    """A second movement shown after the first (foam rolling: the buttocks, then the mid
    back), with the same props and view."""

    highlight: tuple[RegionName, ...] = Field(min_length=1)
    start: PoseSpec
    end: PoseSpec
    arrow_at: Mark | None = None
    # a movement the steps make optional ("if that gives no stretch, ..."): its key poses
    # say "if needed", so the first movement reads as the default
    optional: bool = False
    # a sway to one side and then the other ("a little to the right and a little to the
    # left"), of a figure not done per side: the animation goes both ways (the end pose,
    # then its mirror image) and its arrow has a head at each end
    both_ways: bool = False


# a limb, "rest" (the root and every joint no group names) or one joint
Limb = Annotated[
    str, Field(pattern="^(leg_l|leg_r|arm_l|arm_r|rest|" + "|".join(JOINT_RANGES) + ")$")
]
LIMB_JOINTS: dict[str, tuple[str, ...]] = {
    f"{limb}_{s}": tuple(f"{j}_{s}" for j in joints)
    for limb, joints in (
        ("leg", ("hip_flexion", "hip_abduction", "hip_rotation", "knee_flexion",
                 "ankle_dorsiflexion")),
        ("arm", ("shoulder_flexion", "shoulder_abduction", "shoulder_rotation",
                 "elbow_flexion")),
    )
    for s in ("l", "r")
}  # fmt: skip


def staged(start: Pose, end: Pose, u: float, in_turn: tuple[tuple[str, ...], ...] = ()) -> Pose:
    """The pose a fraction u of the way through a movement, eased: all at once, or limb group
    by limb group when the steps move them in turn (each group in its own share of u)."""
    if not in_turn:
        return interpolate(start, end, ease(u))
    n = len(in_turn)
    share = {j: k for k, group in enumerate(in_turn) for limb in group
             for j in LIMB_JOINTS.get(limb, (limb,))}  # fmt: skip
    rest = next((k for k, g in enumerate(in_turn) if "rest" in g), None)

    def at(k: int | None) -> float:
        return ease(u) if k is None else ease(min(1.0, max(0.0, u * n - k)))

    root = interpolate(start, end, at(rest)).root
    names = sorted(set(start.joints) | set(end.joints))
    joints = {}
    for name in names:
        t = at(share.get(name, rest))
        a, b = start.joints.get(name, 0.0), end.joints.get(name, 0.0)
        joints[name] = a + (b - a) * t
    return Pose(root, joints)


def ease(t: float) -> float:
    """Slow in and out (smoothstep)."""
    return t * t * (3 - 2 * t)


class FigureSpec(Frozen):
    technique: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    view: View = View.SIDE
    props: tuple[PropSpec, ...] = ()
    highlight: tuple[RegionName, ...] = Field(min_length=1)
    start: PoseSpec
    end: PoseSpec
    note: str | None = None  # why the pose looks the way it does, for reviewers
    # how far the movement goes, from the steps: `<landmark>: [min, max]` metres it rises
    # from start to end (e.g. `palm_r: [0.02, 0.1]` for "a few centimetres"), `pelvis_tilt`
    # (degrees the pelvis tips back as the low back flattens; negative: tips forward) and
    # `trunk_turn` (degrees the chest turns)
    motion: dict[str, tuple[float, float]] = Field(default_factory=dict)
    arrow: bool = True  # draw the motion arrow (off for holds whose pose barely changes)
    # the landmark the arrow follows, when the one moving most is not what the steps move
    arrow_at: Mark | None = None
    # a close-up of a small movement, with an arrow: the pelvis from the side, the chest's
    # turn over the still hips from straight above, or the chest's lift off the floor
    # (`detail`: the picture itself, larger, around the ball, roller or towel the body
    # lies on, or the point the arrow follows)
    # `belly`: the lower trunk from the side, the lower tummy drawing in (see draw_in)
    # `sway`: the knees seen from beyond the feet, swaying to either side (the rock's, held
    # in; a two-headed arrow) or, for a movement done per side, tipping one way (the knee
    # drop's, feet on the floor: seen lower, the start dashed, an arrow the way of each side)
    inset: Literal["pelvis", "turn", "lift", "detail", "belly", "sway"] | None = None
    # metres the front of the lower tummy draws in towards the spine at the end pose ("tighten
    # the muscles low down in your tummy"), drawn on the trunk's outline
    draw_in: float = Field(default=0.0, ge=0.0, le=0.04)
    zoom: float = Field(default=1.0, ge=1.0, le=2.0)  # a curled-up figure may be drawn larger
    # frames of each move of the first movement when a second follows (a foot sliding up
    # before the knee is hugged): fewer keep the two-movement animation small; 0: the default
    first_frames: Annotated[int, Field(ge=0, le=12)] = 0
    then: PartSpec | None = None  # a second movement the steps describe, drawn after the first
    # where the steps start from before the movement repeats (sitting with the feet down,
    # then lifting them): printed as the first key poses, into the start pose; not repeated.
    # One pose or several in order (sitting beside the chair, lying down, one leg up)
    lead_in: PoseSpec | tuple[PoseSpec, ...] | None = None
    # how the steps finish after the last repetition (curl back up to sitting, roll onto the
    # side): printed as the last key poses, from the last movement's end; not repeated
    finish: PoseSpec | tuple[PoseSpec, ...] | None = None
    # the step(s) the pose half way through `in_turn` shows (one knee up, the other foot down)
    in_turn_step: Annotated[int, Field(ge=1)] | tuple[Annotated[int, Field(ge=1)], ...] | None = (
        None
    )
    # limbs the steps move one after the other ("lift one knee and then the other"): each
    # group moves in its own share of the movement, in this order on the way in and in
    # reverse on the way out; `rest` is the root and every joint no group names
    in_turn: tuple[tuple[Limb, ...], ...] = ()
    # seconds the animation rests between two groups moved in turn, on the way in (one knee
    # up, the other foot still down), so the one-at-a-time pose is seen and not only passed
    in_turn_hold: Annotated[float, Field(ge=0, le=10)] = 0.0
    # the same rest on the way back (one foot down, the other knee still in: "lower one foot
    # at a time"), so the review strip's last moments show it
    in_turn_hold_back: Annotated[float, Field(ge=0, le=10)] = 0.0
    # the arms drawn over the legs, whatever their depth: hands holding a raised thigh from
    # behind are under it from above and did not show (the reclined pigeon's step 3)
    arms_over_legs: bool = False
    # the key poses draw the other side too (the bird-dog's step 5, the other arm and leg), so
    # they do not end with 'then repeat on the other side' (review 9: it read as four lifts)
    other_side_drawn: bool = False
    # degrees: the first movement's close-up drawn from behind the sitter, the pelvis tipped
    # this much onto one buttock on the prop and the other side's tip dashed ('lean onto one
    # buttock ... change sides', unseen side-on: review 8). The tip is drawn only in the
    # close-up: the body's own roll took the hands and feet off the floor (round 10c)
    tip_behind: Annotated[float, Field(ge=0, le=30)] = 0.0
    # a figure done per side drawn from each side's own side: the left side seen from the
    # figure's left (the camera mirrored), so that a knee falling open or the knees lowered
    # fall towards the viewer on both sides (seen from the right, the left side's drop went
    # away from the viewer and read as legs still raised); the default draws both from one side
    own_side_view: bool = False
    # the finishing poses are printed as key poses only: the loop's way back already animates
    # them (knees-to-chest-rock: the legs lowered one at a time, `in_turn` played back)
    finish_in_loop: bool = False
    # seconds each lead-in and finishing pose is held still in the animation beyond the usual
    # moment, so that its frames sampled evenly pass through them (lying down and lifting one
    # leg at a time, rolling onto the side) and not only through the long repeated hold
    lead_hold: Annotated[float, Field(ge=0, le=20)] = 0.0


@dataclass(frozen=True)
class Figure:
    """A technique's keyframes, posed and settled on their supports."""

    technique_id: str
    view: View
    props: tuple[PropSpec, ...]
    highlight: tuple[str, ...]
    start: Pose
    end: Pose
    sided: bool
    arrow: bool = True
    inset: str | None = None
    zoom: float = 1.0
    arrow_at: str | None = None
    contacts: dict[str, dict[str, SupportKind]] = field(default_factory=dict)  # by pose
    touches: dict[str, tuple[Touch, ...]] = field(default_factory=dict)  # start/end
    ground: dict[str, dict[str, float]] = field(default_factory=dict)  # start/end: part -> height
    then: Figure | None = None  # the second movement, if the steps describe two
    in_turn: tuple[tuple[str, ...], ...] = ()  # limb groups moved one after another
    motion: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # from the steps
    draw_in: float = 0.0  # metres the lower tummy draws in at the end pose
    # a key stage (see key_stages) is framed as the whole figure it is a stage of
    framed_by: Figure | None = None
    # where the steps start from, printed before the movement, and how they finish after it
    lead_in: tuple[Pose, ...] = ()
    finish: tuple[Pose, ...] = ()
    # the technique's steps each key pose shows, by pose: start, end, in_turn (the pose half
    # way through legs moved in turn), lead_in.<n>, finish.<n>
    steps: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    optional: bool = False  # a movement the steps make optional (see PartSpec.optional)
    first_frames: int = 0  # frames of each move of the first movement (see FigureSpec)
    both_ways: bool = False  # a sway to either side (see PartSpec.both_ways)
    in_turn_hold: float = 0.0  # seconds resting between groups moved in turn (way in)
    arms_over_legs: bool = False  # the arms drawn over the legs (see FigureSpec)
    other_side_drawn: bool = False  # the keys draw the other side (see FigureSpec)
    tip_behind: float = 0.0  # degrees: the first close-up from behind, tipped (see FigureSpec)
    finish_in_loop: bool = False  # the finish printed only (see FigureSpec)
    in_turn_hold_back: float = 0.0  # seconds resting between groups moved in turn (way back)
    unfelt: tuple[int, ...] = ()  # the finishing poses drawn without the highlight
    hold_extra: float = 0.0  # seconds more each lead-in and finishing pose is held still
    own_side_view: bool = False  # the left side drawn from its own side (see FigureSpec)

    def in_turn_for(self, side: str) -> tuple[tuple[str, ...], ...]:
        if side != "left":
            return self.in_turn
        return tuple(tuple(mirror_part(limb) for limb in g) for g in self.in_turn)

    def tween(self, u: float, side: str = "", back: bool = False) -> Pose:
        """The drawn pose a fraction u (0-1) of the way from the start to the end pose (from
        the end back to the start when `back`), of one side: eased, limbs moved in turn as
        the steps say, contacts kept (see `held`)."""
        suffix = "_left" if side == "left" else ("_right" if side == "right" else "")
        keys = self.keyframes()
        start, end = keys["start" + suffix], keys["end" + suffix]
        pose = staged(start, end, 1.0 - u if back else u, self.in_turn_for(side))
        return self.held(pose, side)

    @property
    def parts(self) -> tuple[Figure, ...]:
        """The movements drawn one after the other: this one, then any that follows."""
        return (self, *(self.then.parts if self.then else ()))

    def keyframes(self) -> dict[str, Pose]:
        """Named key poses: start/end, or start/end for each side when done per side."""
        if not self.sided:
            return {"start": self.start, "end": self.end}
        return {
            "start_right": self.start,
            "end_right": self.end,
            "start_left": self.start.mirrored(),
            "end_left": self.end.mirrored(),
        }

    def touches_for(self, pose_name: str) -> tuple[Touch, ...]:
        """The body contacts of a key pose (mirrored for the left side)."""
        base = self.touches.get(pose_name.split("_")[0], ())
        return tuple(t.mirrored() for t in base) if pose_name.endswith("_left") else base

    def ground_for(self, pose_name: str) -> dict[str, float]:
        base = self.ground.get(pose_name.split("_")[0], {})
        if pose_name.endswith("_left"):
            return {mirror_part(k): v for k, v in base.items()}
        return base

    def held(self, pose: Pose, side: str) -> Pose:
        """A pose between the keyframes with the contacts both keep (hands, ankles) still met,
        lifted clear where its drawing would dip into the floor or a prop (a swinging foot,
        a pelvis rolling onto a ball)."""
        suffix = "_left" if side == "left" else ("_right" if side == "right" else "")
        start = self.touches_for("start" + suffix)
        end = self.touches_for("end" + suffix)
        kept = [t for t in start if t in end and t.kind in ("hand", "ankle", "foot")]
        kept += [t for t in end if t.target == "stay"]
        if kept:
            # hands keep their floor level; feet are only levelled (solving knees is slow)
            ground = {k: v for k, v in self.ground_for("start" + suffix).items()
                      if k[:4] == "hand"}  # fmt: skip
            anchors = pose_body(self.keyframes()["start" + suffix]).landmarks
            pose = touch.solve(pose, kept, ground, anchors=anchors)
        on = frozenset(self.contacts.get("start", {}).values()) | frozenset(
            self.contacts.get("end", {}).values()
        )
        pose = clear(pose, self.props, on)
        keys = self.keyframes()
        # the hands and feet both keys rest on a support brought back onto it, from where the
        # body was lifted clear (a heel sliding up the mattress lifts the whole figure); a foot
        # only levelled ("feet flat") may still need bringing down
        solved = frozenset(t.part for t in kept if t.kind != "foot" or t.target == "stay")
        for _ in range(2):  # lowered again where lowering tipped something into a support
            pose = kept_resting(pose, keys["start" + suffix], keys["end" + suffix],
                                self.surfaces(), solved)  # fmt: skip
            pose = clear(pose, self.props, on)
        return pose

    def highlight_for(self, pose_name: str) -> tuple[str, ...]:
        if pose_name.endswith("_left"):
            return tuple(mirror_region(p) for p in self.highlight)
        return self.highlight

    def surfaces(self) -> list[Surface]:
        out = [Surface(SupportKind.FLOOR, 0.0)]
        return out + [s for p in self.props if (s := p.surface()) is not None]


RESTING = ("hand_l", "hand_r", "foot_l", "foot_r")  # kept on a support both keys rest them on
RESTING_SLACK = 0.005  # metres a resting hand or foot may rise above its keys' height


def resting(body: Body, surfaces: list[Surface]) -> dict[str, tuple[int, float]]:
    """The hands and feet whose drawn outline rests on a support, as (which, drawn gap)."""
    out: dict[str, tuple[int, float]] = {}
    for part in RESTING:
        for i, surface in enumerate(surfaces):
            g = drawn_gap(body, part, surface)
            if g is not None and abs(g) <= SUPPORT_TOLERANCE:
                out[part] = (i, g)
                break
    return out


def kept_resting(
    pose: Pose, start: Pose, end: Pose, surfaces: list[Surface],
    solved: frozenset[str] = frozenset(),
) -> Pose:
    """A pose between two key poses with each hand or foot that rests on the same support in
    both (the bridge's hands by the sides) brought back down onto it: the joint angles, mixed
    while the trunk turns, would lift it (review 10: the bridge's hands rose off the mat on the
    way up). Parts a body contact already places (`solved`) are left to it."""
    at_start, at_end = resting(pose_body(start), surfaces), resting(pose_body(end), surfaces)
    for part, (i, g0) in at_start.items():
        if part in solved or part not in at_end or at_end[part][0] != i:
            continue
        wanted = max(0.0, min(g0, at_end[part][1]))
        highest = max(g0, at_end[part][1], 0.0) + RESTING_SLACK
        now = drawn_gap(pose_body(pose), part, surfaces[i])
        for _ in range(3):  # again once the hand's tilt (and so its underside) is known
            if now is None or now <= highest:
                break
            lowered = touch.lower(pose, part, now - wanted, surfaces[i].height)
            after = drawn_gap(pose_body(lowered), part, surfaces[i])
            if after is None or after >= now:  # out of reach (a straight standing leg)
                break
            pose, now = lowered, after
    return pose


def passing(fig: Figure, a: Pose, b: Pose, u: float) -> Pose:
    """A frame a fraction u of the way between two poses printed outside the repeated movement
    (into the start from a lead-in, out to a finishing pose): eased, the hands resting on what
    they rest on in both kept there, lifted clear of the floor and props."""
    pose = clear(staged(a, b, u), fig.props, rounds=1, margin=0.0)
    for _ in range(2):  # lowered again where lowering tipped something into a support
        pose = kept_resting(pose, a, b, fig.surfaces())
        pose = clear(pose, fig.props, rounds=1, margin=0.0)
    return pose


def clear(
    pose: Pose, props: tuple[PropSpec, ...], on: frozenset[SupportKind] = frozenset(),
    rounds: int = 4, margin: float | None = None,
) -> Pose:
    """The pose lifted where its drawing dips into the floor or a prop (a swinging foot, a
    pelvis rolling onto a ball), to `margin` inside the tolerance, so the parts resting stay
    as near as they can; a round prop gives way sideways: lifted again, `rounds` at most."""
    for _ in range(rounds):
        dip = max((d for _, _, d in sunk(pose_body(pose), props, on)), default=0.0)
        if dip <= 0:
            break
        pose = pose.moved(dy=dip - (DRAWN_TOLERANCE / 2 if margin is None else margin))
    return pose


def _stage(
    fig: Figure,
    start: Pose,
    end: Pose,
    steps: Mapping[str, tuple[int, ...]],
    closeup: bool = True,
) -> Figure:
    """A movement the key poses print on their own, framed as the whole figure; without the
    figure's close-up unless it is (part of) the movement itself: getting onto the ball or
    curling up off the roller shows no close-up, so that one per movement is printed and
    the rows of the other poses are cropped."""
    return replace(fig, start=start, end=end, in_turn=(), then=None, framed_by=fig, lead_in=(),
                   finish=(), steps=dict(steps),
                   inset=fig.inset if closeup else None)  # fmt: skip


def key_stages(fig: Figure) -> tuple[tuple[Figure, int], ...]:
    """The movements as the key poses print them, in order, as (figure, movement): from each
    lead-in pose to the next and into the start pose, every movement of the figure, and one
    whose legs move one after the other ("draw your knees up one at a time") split where each
    leg arrives, so the print shows one knee up before both (the safety point of the steps),
    then from the last movement's end through each finishing pose. A split or a lead-in is a
    figure of its own, framed as the whole."""
    out: list[tuple[Figure, int]] = []
    chain = [*fig.lead_in, fig.start]
    names = [f"lead_in.{i}" for i in range(len(fig.lead_in))] + ["start"]
    for i in range(len(chain) - 1):  # from where the steps start into the start pose
        steps = {"start": fig.steps.get(names[i], ()), "end": fig.steps.get(names[i + 1], ())}
        out.append((_stage(fig, chain[i], chain[i + 1], steps, False), 0))
    for n, part in enumerate(fig.parts):
        groups = part.in_turn
        if len(groups) < 2 or not all(any(g.startswith("leg_") for g in group)
                                      for group in groups):  # fmt: skip
            out.append((fig, n))
            continue
        side = "right" if part.sided else ""
        k = len(groups)
        poses = [part.start, *(part.tween(i / k, side) for i in range(1, k)), part.end]
        labels = [part.steps.get("start", ()), *[part.steps.get("in_turn", ())] * (k - 1),
                  part.steps.get("end", ())]  # fmt: skip
        out += [(_stage(part, poses[i], poses[i + 1],
                        {"start": labels[i], "end": labels[i + 1]}), 0)
                for i in range(k)]  # fmt: skip
        out[-k:] = [(replace(f, framed_by=fig), 0) for f, _ in out[-k:]]
    last = fig.parts[-1]
    chain = [last.end, *fig.finish]
    names = ["end"] + [f"finish.{i}" for i in range(len(fig.finish))]
    for i in range(len(chain) - 1):  # how the steps finish, from the last movement's end
        steps = {"start": (last if i == 0 else fig).steps.get(names[i], ()),
                 "end": fig.steps.get(names[i + 1], ())}  # fmt: skip
        out.append((_stage(last if i == 0 else fig, chain[i], chain[i + 1], steps, False), 0))
        # a finish is one way, whatever the sway before it (knees-to-chest-rock: a foot down)
        out[-1] = (replace(out[-1][0], framed_by=fig, both_ways=False), 0)
        if i in fig.unfelt:  # the way up: no longer where the stretch is felt, rolled off the
            stage = out[-1][0]  # ball, roller or towel (put aside: not drawn, review 9)
            props = tuple(p for p in stage.props if p.kind not in LOOSE_PROPS)
            out[-1] = (replace(stage, highlight=(), arrow=False, props=props), 0)
    return tuple(out)


NEAR_IDENTICAL = 0.06  # metres: two key poses no landmark of which moves further look the same
SAME_POSE = 0.005  # metres: one stage's end printed as the next one's start


def pose_distance(a: Pose, b: Pose) -> float:
    """How far apart two poses look: the largest distance any landmark moves between them."""
    la, lb = pose_body(a).landmarks, pose_body(b).landmarks
    return max(math.dist(la[k], lb[k]) for k in la.keys() & lb.keys())


@dataclass(frozen=True)
class KeyPanel:
    """One printed key pose: the start or end pose of a key stage (see key_stages), and the
    technique's steps it shows. An end pose is drawn with its stage's motion arrow."""

    figure: Figure
    part: int
    pose: Literal["start", "end"]
    steps: tuple[int, ...]
    # "a", "b": told apart from its neighbour showing the same steps (one knee up, then
    # both: "step 2a", "step 2b"), so no two keys of a figure carry the same label
    sub: str = ""

    @property
    def body_pose(self) -> Pose:
        moving = self.figure.parts[self.part]
        return moving.start if self.pose == "start" else moving.end

    @property
    def label(self) -> str:
        """The printed label: 'step 3', 'steps 3-4', 'step 2a'."""
        return steps_label(self.steps) + self.sub


def key_panels(fig: Figure) -> tuple[KeyPanel, ...]:
    """The key poses as printed, in the order of the steps, each once: the key stages' poses
    chained (a stage's start is the previous stage's end, so it is not printed again), and a
    pose that looks the same as one printed before (a still hold, a return to a level back)
    not printed again: the earlier one is labelled with the steps of both. A figure with a
    close-up keeps poses that differ only a little (the close-up shows the difference).

    The keys read in step order left to right (review 6: "steps 2, 5" printed before "step 3"
    sent a reader to step 5 before step 3): a key keeps only the steps before the next key's
    first step; a return to a pose printed earlier (back to the start, to a level back) is
    not printed again and the animation shows it. Two neighbours showing the same steps (one
    knee up, then both) are told apart as "step 2a", "step 2b"."""
    out: list[KeyPanel] = []
    near = NEAR_IDENTICAL if fig.inset is None else SAME_POSE

    def add(panel: KeyPanel) -> None:
        for i, seen in enumerate(out):  # back to a pose already printed (a level back)
            if pose_distance(seen.body_pose, panel.body_pose) <= near:
                out[i] = replace(seen, steps=tuple(sorted({*seen.steps, *panel.steps})))
                return
        out.append(panel)

    for stage, n in key_stages(fig):
        part = stage.parts[n]
        add(KeyPanel(stage, n, "start", part.steps.get("start", ())))
        add(KeyPanel(stage, n, "end", part.steps.get("end", ())))
    for i in range(len(out) - 1):  # no step after the next key's first one
        first = out[i + 1].steps[:1]
        if first and out[i].steps:
            kept = tuple(s for s in out[i].steps if s < first[0]) or out[i].steps[:1]
            out[i] = replace(out[i], steps=kept)
    for i in range(len(out)):  # a run of neighbours with the same steps: 2a, 2b, ...
        run = [j for j, p in enumerate(out) if p.steps == out[i].steps]
        if len(run) > 1 and run == list(range(run[0], run[0] + len(run))):
            out[i] = replace(out[i], sub="abcdefgh"[run.index(i)])
    return tuple(out)


def key_rows(fig: Figure) -> int:
    """How many rows of two the printed key poses take."""
    return (len(key_panels(fig)) + 1) // 2


def steps_label(steps: tuple[int, ...]) -> str:
    """'step 3', 'steps 3-4' (a run) or 'steps 2, 5'."""
    if not steps:
        return ""
    if len(steps) == 1:
        return f"step {steps[0]}"
    if list(steps) == list(range(steps[0], steps[-1] + 1)):
        return f"steps {steps[0]}-{steps[-1]}"
    return "steps " + ", ".join(str(s) for s in steps)


def between(fig: Figure, steps: int = 8) -> list[tuple[str, Pose]]:
    """The frames the animation passes through between each side's key poses, `steps` to a
    transition, as the drawing poses them (contacts kept, lifted clear of the floor)."""
    sides = ["right", "left"] if fig.sided else [""]
    out: list[tuple[str, Pose]] = []
    for side in sides:
        for i in range(1, steps):
            out.append((f"{side or 'start'}->end {i}/{steps}", fig.tween(i / steps, side)))
    return out


@dataclass(frozen=True)
class Tempo:
    """Seconds of one repetition in the animation: move in, hold, move out, pause."""

    move: float
    hold: float
    pause: float

    @property
    def rep(self) -> float:
        return 2 * self.move + self.hold + self.pause


MAX_SHOWN_HOLD = 8.0  # long holds are shortened in the loop; the steps give the real time


def tempo(technique: Technique) -> Tempo:
    """The animation pace from the dosage: real move time, the shortest hold (capped)."""
    d = technique.dosage
    hold = min(float(d.hold_seconds.min), MAX_SHOWN_HOLD) if d.hold_seconds else 0.4
    return Tempo(move=float(d.move_seconds), hold=hold, pause=1.0)


# ---- loading ----


def _error_from(path: Path, entry: str, exc: ValidationError) -> ContentError:
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or None
    return ContentError(path, entry, field, err["msg"])


def _to_pose(spec: PoseSpec, base: Pose | None) -> Pose:
    joints: dict[str, float] = dict(base.joints) if base else {}
    if spec.joints is not None:
        joints |= {k: float(v) for k, v in spec.joints.model_dump().items() if v is not None}
    if spec.root is not None:
        r = spec.root
        root = Root(r.x, 0.0, r.pitch, r.roll, r.twist)
    else:
        root = base.root if base else Root()
    return Pose(root, joints)


def _settled(
    path: Path,
    entry: str,
    name: str,
    pose: Pose,
    contacts: Mapping[str, SupportKind],
    surfaces: list[Surface],
    touches: tuple[Touch, ...] = (),
    props: tuple[PropSpec, ...] = (),
    anchors: Mapping[str, Vec] | None = None,
) -> tuple[Pose, dict[str, float]]:
    """Rest the pose on its first contact, meet its body contacts, then check them all."""
    if not contacts:
        raise ContentError(path, entry, f"{name}.contacts", "a pose must rest on something")

    def surface_for(part: str, kind: SupportKind, p: Pose) -> Surface:
        seg = pose_body(p).segments[part]
        options = [s for s in surfaces if s.kind is kind and gap(seg, s) is not None]
        if not options:
            raise ContentError(
                path, entry, f"{name}.contacts.{part}", f"there is no {kind.value} under the {part}"
            )
        return min(options, key=lambda s: abs(seg.lowest() - s.height))

    first, kind = next(iter(contacts.items()))
    on = tuple(p for p in props if p.surface() is not None and SUPPORT_OF[p.kind] is kind)

    def rest(p: Pose) -> Pose:
        """Settle on the first contact, then lift what the drawing dips into that support."""
        p = settle(p, first, surface_for(first, kind, p))
        body = pose_body(p)
        if kind is SupportKind.FLOOR:
            dip = -min(y for pts in _outline_all(body) for _, y in pts)
        else:
            dip = max((d for _, what, d in sunk(body, on, frozenset(contacts.values()))
                       if what != "floor"), default=0.0)  # fmt: skip
            if kind is SupportKind.BALL and dip <= 0:
                # a ball is small and round: the part rests on its top, drawn outline
                # on drawn outline, with no air between (settling is by the bone's lowest
                # point, which may lie beside the top of the round prop)
                g = drawn_gap(body, first, surface_for(first, kind, p))
                dip = -g if g is not None and g > 0 else 0.0
        return p.moved(dy=dip) if dip != 0 else p

    ground: dict[str, float] = {}
    # contacts are met on the settled figure, which is then lifted clear of its support and
    # the contacts met again (e.g. feet reach down to the floor from a lifted seat)
    for lift in (False, False, True):
        pose = rest(pose) if lift else settle(pose, first, surface_for(first, kind, pose))
        if not touches:
            continue
        ground = {p: surface_for(p, k, pose).height for p, k in contacts.items()}
        try:
            pose = touch.solve(pose, touches, ground, anchors=anchors)
        except ValueError as exc:
            raise ContentError(path, entry, f"{name}.touch", str(exc)) from None
    pose = rest(pose)
    body = pose_body(pose)
    for t, dist in touch.misses(body, touches, ground, anchors=anchors):
        raise ContentError(
            path,
            entry,
            f"{name}.touch",
            f"{t.phrase!r} does not hold: the {t.describe()} is {dist * 100:.0f} cm off "
            f"(at most {touch.TOLERANCE * 100:.0f} cm)",
        )
    for part, kind in contacts.items():
        surf = surface_for(part, kind, pose)
        g = drawn_gap(body, part, surf)
        if g is None or abs(g) > SUPPORT_TOLERANCE:
            raise ContentError(
                path,
                entry,
                f"{name}.contacts.{part}",
                f"the {part} is {(g or 0) * 100:+.1f} cm from the {kind.value}; "
                "it should rest on it",
            )
    for shape, what, depth in sunk(body, props, frozenset(contacts.values())):
        raise ContentError(
            path, entry, f"{name}.joints",
            f"the drawn {shape} goes {depth * 100:.1f} cm into the {what} "
            f"(at most {DRAWN_TOLERANCE * 100:.0f} cm)",
        )  # fmt: skip
    return pose, ground


SUPPORT_TOLERANCE = 0.02  # metres between a part and the support it is declared to rest on
DRAWN_TOLERANCE = 0.01  # metres the drawn outline may dip into the floor or a prop


def sunk(
    body: Body, props: tuple[PropSpec, ...], on: frozenset[SupportKind] = frozenset()
) -> list[tuple[str, str, float]]:
    """(shape, what it goes into, depth in metres) for every drawn shape of the body that dips
    more than DRAWN_TOLERANCE into the floor or a solid prop, seen from the side and the front."""
    from easeback.pictures.svg import drawn_outline

    out: list[tuple[str, str, float]] = []
    side = drawn_outline(body, View.SIDE)
    front = drawn_outline(body, View.FRONT)
    for name in side:
        low = min(y for _, y in side[name] + front[name])
        if low < -DRAWN_TOLERANCE:
            out.append((name, "floor", -low))
        for prop in props:
            if prop.kind is PropKind.BALL and (name != "torso" or SupportKind.BALL not in on):
                continue  # the ball sits under one buttock: only what rests on it meets it
            depth = _into(prop, side[name])
            if depth > DRAWN_TOLERANCE:
                out.append((name, prop.kind.value, depth))
    return out


def drawn_gap(body: Body, part: str, surface: Surface) -> float | None:
    """Height of the part's drawn outline above a support (side view), over the support only;
    None when the part is not over it. The trunk is drawn as one shape: its stretch along the
    part counts."""
    from easeback.pictures.svg import drawn_outline

    shapes = drawn_outline(body, View.SIDE)
    if part in ("pelvis", "lumbar", "thorax"):
        seg = body.segments[part]
        lo, hi = sorted((seg.a[0], seg.b[0]))
        points = [p for p in shapes["torso"] if lo - 0.03 <= p[0] <= hi + 0.03]
    else:
        points = shapes[part]
    over = [(x, y) for x, y in points if surface.x0 - 0.02 <= x <= surface.x1 + 0.02]
    if not over:
        return None
    if surface.kind in ROUND:  # a ball, roller or towel: from its round outline
        r = (surface.x1 - surface.x0) / 2
        centre = ((surface.x0 + surface.x1) / 2, surface.height - r)
        return min(math.dist(p, centre) for p in over) - r
    return min(y for _, y in over) - surface.height


ROUND = (SupportKind.BALL, SupportKind.ROLLER, SupportKind.TOWEL)


def _outline_all(body: Body) -> list[list[tuple[float, float]]]:
    from easeback.pictures.svg import drawn_outline

    return [*drawn_outline(body, View.SIDE).values(), *drawn_outline(body, View.FRONT).values()]


def _into(prop: PropSpec, points: list[tuple[float, float]]) -> float:
    """How deep the deepest point goes into a prop's solid (side view), 0 when none does."""
    w, h = prop.size
    deepest = 0.0
    if prop.kind in (PropKind.BALL, PropKind.ROLLER, PropKind.TOWEL):
        cy, r = prop.base + h / 2, h / 2
        for x, y in points:
            deepest = max(deepest, r - math.hypot(x - prop.x, y - cy))
        return deepest
    if prop.kind in (PropKind.BED, PropKind.CHAIR, PropKind.OTTOMAN):
        top = prop.base + h
        slab = 0.04 if prop.kind is PropKind.CHAIR else h
        x0, x1 = prop.x - w / 2, prop.x + w / 2
        for x, y in points:
            if x0 + 0.02 < x < x1 - 0.02 and top - slab < y < top:
                deepest = max(deepest, min(top - y, x - x0, x1 - x))
    return deepest


def pelvis_tilt(start: Pose, end: Pose) -> float:
    """Degrees the pelvis tips back from start to end (a posterior tilt: the top of the pelvis
    turns towards its back, the tailbone curls forward and the low back flattens); negative
    when it tips forward."""
    a, b = pose_body(start).frames["pelvis"], pose_body(end).frames["pelvis"]
    up_a, back_a = (a[0][1], a[1][1], a[2][1]), (-a[0][0], -a[1][0], -a[2][0])
    up_b = (b[0][1], b[1][1], b[2][1])
    return math.degrees(math.atan2(dot(up_b, back_a), dot(up_b, up_a)))


def motion_amount(start: Pose, end: Pose, what: str) -> tuple[float | None, str]:
    """How much a movement measure changes from start to end, and its unit ("cm" measures
    are returned in metres)."""
    if what == "pelvis_tilt":
        return pelvis_tilt(start, end), "°"
    if what == "trunk_turn":
        turn = (end.root.twist + end.angle("lumbar_rotation") + end.angle("thoracic_rotation")
                - start.root.twist - start.angle("lumbar_rotation")
                - start.angle("thoracic_rotation"))  # fmt: skip
        return abs(turn), "°"
    a, b = pose_body(start).landmarks, pose_body(end).landmarks
    if what not in a:
        return None, ""
    return b[what][1] - a[what][1], "cm"


def _touches(path: Path, entry: str, name: str, phrases: tuple[str, ...]) -> tuple[Touch, ...]:
    try:
        return tuple(touch.parse_all(phrases))
    except ValueError as exc:
        raise ContentError(path, entry, f"{name}.touch", str(exc)) from None


def _key_poses(
    path: Path,
    entry: str,
    prefix: str,
    start_spec: PoseSpec,
    end_spec: PoseSpec,
    surfaces: list[Surface],
    props: tuple[PropSpec, ...],
) -> tuple[
    Pose,
    Pose,
    dict[str, tuple[Touch, ...]],
    dict[str, dict[str, float]],
    dict[str, dict[str, SupportKind]],
]:
    """One movement's start and end pose, settled, its contacts met and checked; with the
    contacts, body contacts and support heights of each pose by name."""
    start_touch = _touches(path, entry, prefix + "start", start_spec.touch or ())
    end_phrases = end_spec.touch if end_spec.touch is not None else start_spec.touch
    end_touch = _touches(path, entry, prefix + "end", end_phrases or ())
    start = _to_pose(start_spec, None)
    start, start_ground = _settled(
        path, entry, prefix + "start", start, start_spec.contacts or {}, surfaces, start_touch,
        props,
    )  # fmt: skip
    end = _to_pose(end_spec, start)
    end_contacts = end_spec.contacts if end_spec.contacts is not None else start_spec.contacts
    ankles = {k: v for k, v in pose_body(start).landmarks.items() if k.startswith("ankle_")}
    end, end_ground = _settled(
        path, entry, prefix + "end", end, end_contacts or {}, surfaces, end_touch, props, ankles
    )
    if start.full_joints() == end.full_joints() and start.root == end.root:
        raise ContentError(
            path, entry, prefix + "end", "the end pose is the same as the start pose"
        )
    return (
        start,
        end,
        {"start": start_touch, "end": end_touch},
        {"start": start_ground, "end": end_ground},
        {"start": dict(start_spec.contacts or {}), "end": dict(end_contacts or {})},
    )


def _figure(path: Path, data: Any, technique: Technique) -> Figure:
    entry = technique.id
    try:
        spec = FigureSpec.model_validate(data)
    except ValidationError as exc:
        raise _error_from(path, entry, exc) from exc
    if spec.technique != technique.id:
        raise ContentError(path, entry, "technique", f"file is named for {technique.id!r}")
    fig = Figure(technique.id, spec.view, spec.props, spec.highlight, Pose(), Pose(), False)
    surfaces = fig.surfaces()
    start, end, touches, grounds, contacts = _key_poses(
        path, entry, "", spec.start, spec.end, surfaces, spec.props
    )
    for what, (lo, hi) in spec.motion.items():
        amount, unit = motion_amount(start, end, what)
        if amount is None:
            raise ContentError(path, entry, f"motion.{what}", "unknown landmark or measure")
        if not lo <= amount <= hi:
            k = 100.0 if unit == "cm" else 1.0
            raise ContentError(
                path, entry, f"motion.{what}",
                f"moves {amount * k:.1f} {unit} from start to end; the steps allow "
                f"{lo * k:g}–{hi * k:g} {unit}",
            )  # fmt: skip
    _check_in_turn(path, entry, spec, technique)
    lead_in = _extra_poses(path, entry, "lead_in", spec.lead_in, start, surfaces, spec.props)
    finish = _extra_poses(path, entry, "finish", spec.finish, start, surfaces, spec.props)
    main_steps = default_steps(technique) | _steps(path, entry, technique, _step_specs(spec))
    then: Figure | None = None
    if spec.then is not None:
        # unless it says, the second movement starts at the step after the first one's end
        after = min(main_steps["end"][-1] + 1, len(technique.steps))
        then_steps: dict[str, tuple[int, ...]] = {
            "start": (after,),
            "end": (min(after + 1, len(technique.steps)),),
        }
        then_steps |= _steps(
            path,
            entry,
            technique,
            {"then.start": spec.then.start.step, "then.end": spec.then.end.step},
        )
        then_steps = {k.removeprefix("then."): v for k, v in then_steps.items()}
        t_start, t_end, t_touches, t_grounds, t_contacts = _key_poses(
            path, entry, "then.", spec.then.start, spec.then.end, surfaces, spec.props
        )
        then = Figure(
            technique.id, spec.view, spec.props, spec.then.highlight, t_start, t_end,
            technique.dosage.per_side, spec.arrow, None, spec.zoom, spec.then.arrow_at,
            t_contacts, t_touches, t_grounds,
            steps=then_steps,
        )  # fmt: skip
        then = replace(then, optional=spec.then.optional, both_ways=spec.then.both_ways,
                       arms_over_legs=spec.arms_over_legs,
                       own_side_view=spec.own_side_view)  # fmt: skip
    deepest = max(hip_flexion(start), hip_flexion(end))
    if then is not None:
        deepest = max(deepest, hip_flexion(then.start), hip_flexion(then.end))
    if abs(deepest - technique.hip_flexion_deg) > HIP_TOLERANCE_DEG:
        raise ContentError(
            path,
            entry,
            "end.joints",
            f"deepest hip flexion {deepest:.0f}° does not match the technique's hip_flexion_deg "
            f"{technique.hip_flexion_deg}° (tolerance {HIP_TOLERANCE_DEG:.0f}°)",
        )
    return Figure(
        technique.id,
        spec.view,
        spec.props,
        spec.highlight,
        start,
        end,
        technique.dosage.per_side,
        spec.arrow,
        spec.inset,
        spec.zoom,
        spec.arrow_at,
        contacts,
        touches,
        grounds,
        then,
        spec.in_turn,
        dict(spec.motion),
        spec.draw_in,
        None,
        lead_in,
        finish,
        main_steps,
        first_frames=spec.first_frames,
        in_turn_hold=spec.in_turn_hold,
        arms_over_legs=spec.arms_over_legs,
        other_side_drawn=spec.other_side_drawn,
        tip_behind=spec.tip_behind,
        own_side_view=spec.own_side_view,
        finish_in_loop=spec.finish_in_loop,
        in_turn_hold_back=spec.in_turn_hold_back,
        unfelt=tuple(
            i
            for i, f in enumerate(_as_tuple(spec.finish))
            if not (f.felt and (f.like is None or shared_poses()[f.like].felt))
        ),
        hold_extra=spec.lead_hold,
    )


def _as_tuple(specs: PoseSpec | tuple[PoseSpec, ...] | None) -> tuple[PoseSpec, ...]:
    return () if specs is None else (specs,) if isinstance(specs, PoseSpec) else specs


def _extra_poses(
    path: Path,
    entry: str,
    name: str,
    specs: PoseSpec | tuple[PoseSpec, ...] | None,
    start: Pose,
    surfaces: list[Surface],
    props: tuple[PropSpec, ...],
) -> tuple[Pose, ...]:
    """The lead-in or finishing poses, each written as changes to the start pose (or to the
    shared pose it is `like`), settled."""
    out = []
    for i, spec in enumerate(_as_tuple(specs)):
        where = name if not isinstance(specs, tuple) else f"{name}.{i}"
        base = start
        if spec.like is not None:
            shared = shared_poses().get(spec.like)
            if shared is None:
                raise ContentError(path, entry, f"{where}.like",
                                   f"no shared pose {spec.like!r} (known: "
                                   f"{', '.join(sorted(shared_poses()))})")  # fmt: skip
            base = _to_pose(shared, Pose())
            root = (shared.root or RootSpec()).model_dump() | (
                spec.root.model_dump(exclude_unset=True) if spec.root else {}
            )
            spec = spec.model_copy(update={
                "root": RootSpec(**root),
                "contacts": spec.contacts if spec.contacts is not None else shared.contacts,
                "touch": spec.touch if spec.touch is not None else shared.touch,
                "off_props": spec.off_props or shared.off_props})  # fmt: skip
        phrases = _touches(path, entry, where, spec.touch or ())
        pose, _ = _settled(path, entry, where, _to_pose(spec, base), spec.contacts or {},
                           surfaces, phrases, () if spec.off_props else props)  # fmt: skip
        out.append(pose)
    return tuple(out)


SHARED_POSES = FIGURES_DIR / "shared" / "poses.yaml"


@cache
def shared_poses() -> dict[str, PoseSpec]:
    """Poses several figures use alike (rolled onto the side to get up), by name."""
    data = read_yaml(SHARED_POSES)
    out: dict[str, PoseSpec] = {}
    for key, value in (data or {}).items():
        try:
            out[str(key)] = PoseSpec.model_validate(value)
        except ValidationError as exc:
            raise _error_from(SHARED_POSES, str(key), exc) from exc
    return out


Steps = int | tuple[int, ...] | None


def _step_specs(spec: FigureSpec) -> dict[str, Steps]:
    out: dict[str, Steps] = {"start": spec.start.step, "end": spec.end.step}
    out["in_turn"] = spec.in_turn_step
    for name in ("lead_in", "finish"):
        for i, pose in enumerate(_as_tuple(getattr(spec, name))):
            out[f"{name}.{i}"] = pose.step
    return out


def default_steps(technique: Technique) -> dict[str, tuple[int, ...]]:
    """The steps a figure's start and end pose show when its file does not say: the start,
    the steps before the first one marked `move` (getting into position); the end, that
    move step and any move steps straight after it."""
    phases = [s.phase for s in technique.steps]
    first = next((i for i, p in enumerate(phases) if p is StepPhase.MOVE), None)
    if first is None:
        return {"start": (1,), "end": (min(2, len(phases)),)}
    last = first
    while last + 1 < len(phases) and phases[last + 1] is StepPhase.MOVE:
        last += 1
    return {"start": tuple(range(1, first + 1)) or (1,),
            "end": tuple(range(first + 1, last + 2))}  # fmt: skip


def _steps(
    path: Path, entry: str, technique: Technique, given: Mapping[str, Steps]
) -> dict[str, tuple[int, ...]]:
    """The steps each key pose shows, checked against the technique's steps."""
    out: dict[str, tuple[int, ...]] = {}
    count = len(technique.steps)
    for name, value in given.items():
        if value is None:
            continue
        steps = (value,) if isinstance(value, int) else tuple(sorted(set(value)))
        if not steps or steps[-1] > count:
            raise ContentError(
                path, entry, f"{name}.step",
                f"names step {steps[-1] if steps else '?'}, but the technique has {count} steps",
            )  # fmt: skip
        out[name] = steps
    return out


# a step that moves the legs one at a time: "lift one knee and then the other", "lower one
# foot at a time"
IN_TURN_STEP = re.compile(
    r"\bone (knee|leg|foot)\b[^.]*\b(then the other|at a time)\b", re.IGNORECASE
)


def _check_in_turn(path: Path, entry: str, spec: FigureSpec, technique: Technique) -> None:
    """Refuse a figure that lifts both feet off the floor together when the steps lift one leg
    and then the other."""
    step = next((s.text for s in technique.steps if IN_TURN_STEP.search(s.text)), None)
    if step is None or spec.in_turn:
        return
    start = spec.start.contacts or {}
    end = spec.end.contacts if spec.end.contacts is not None else start
    lifted = [f for f in ("foot_l", "foot_r") if f in start and f not in end]
    if len(lifted) == 2:
        raise ContentError(
            path, entry, "in_turn",
            f"both feet leave the floor together, but the steps say {step!r}: list the legs "
            "in in_turn (e.g. [[leg_r], [leg_l, rest]])",
        )  # fmt: skip


def load_figure(technique: Technique, root: Path | None = None) -> Figure:
    """The validated keyframes of one technique; ContentError when missing or invalid."""
    path = (root or FIGURES_DIR) / f"{technique.id}.yaml"
    if not path.exists():
        raise ContentError(path, technique.id, None, "no figure file for this technique")
    return _figure(path, read_yaml(path), technique)


def load_figures(techniques: tuple[Technique, ...], root: Path | None = None) -> dict[str, Figure]:
    """Figures for every technique, refusing unknown or orphan figure files."""
    folder = root or FIGURES_DIR
    known = {t.id for t in techniques}
    for path in sorted(folder.glob("*.yaml")):
        if path.stem not in known:
            raise ContentError(path, path.stem, None, "no technique with this id")
    return {t.id: load_figure(t, folder) for t in techniques}


@cache
def figure_for(technique_id: str) -> Figure:
    """The packaged figure of a catalogue technique, loaded once per process."""
    return load_figure(default_catalogue().technique(technique_id))


def keyframe_angles(technique_id: str) -> dict[str, dict[str, float]]:
    """Reference joint angles of a technique's key poses, for the camera coach.

    Returns `{pose_name: {joint: degrees}}` where pose names are `start`/`end`, or
    `start_right`/`end_right`/`start_left`/`end_left` for techniques done per side. Joints
    are every name in easeback.domain.body.JOINTS (unlisted ones are 0, neutral), plus
    `pelvis_pitch`, `pelvis_roll` and `pelvis_twist` for the pelvis in the world. The angles a
    camera sees from landmarks (hip, knee, elbow angles, trunk incline) are in
    `keyframe_landmark_angles`.
    """
    fig = figure_for(technique_id)
    out: dict[str, dict[str, float]] = {}
    for name, pose in fig.keyframes().items():
        joints = pose.full_joints()
        joints |= {"pelvis_pitch": pose.root.pitch, "pelvis_roll": pose.root.roll,
                   "pelvis_twist": pose.root.twist}  # fmt: skip
        out[name] = joints
    return out


def keyframe_landmark_angles(technique_id: str) -> dict[str, dict[str, float]]:
    """Like keyframe_angles, but as measured from joint centres (see body.landmark_angles)."""
    fig = figure_for(technique_id)
    return {name: landmark_angles(pose_body(pose)) for name, pose in fig.keyframes().items()}


__all__ = [
    "DIMS",
    "Figure",
    "PropKind",
    "PropSpec",
    "Tempo",
    "View",
    "figure_for",
    "keyframe_angles",
    "keyframe_landmark_angles",
    "load_figure",
    "load_figures",
    "tempo",
]
