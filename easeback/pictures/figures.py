"""Keyframes of each technique: the content files under content/figures, validated and posed.

Each file `content/figures/<technique-id>.yaml` gives the start and end pose of the movement as
joint angles (see easeback.domain.body for the conventions), the props, the view and the area
that should feel the stretch. A technique done per side is written for the right side; the left
side is its mirror. Loading refuses a file whose joints leave the human range, whose figure does
not rest on the supports it names, or whose deepest hip flexion differs from the technique's
declared `hip_flexion_deg`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationError, create_model

from easeback.content.loader import ContentError, default_catalogue, read_yaml
from easeback.domain.body import (
    DIMS,
    JOINT_RANGES,
    PART_NAMES,
    Pose,
    Root,
    SupportKind,
    Surface,
    below,
    gap,
    hip_flexion,
    landmark_angles,
    mirror_part,
    pose_body,
    settle,
)
from easeback.domain.models import Frozen, Technique

FIGURES_DIR = Path(__file__).resolve().parent.parent / "content" / "figures"
HIP_TOLERANCE_DEG = 15.0


class View(StrEnum):
    SIDE = "side"
    FRONT = "front"
    TOP = "top"


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


# default (width, height) of each prop in metres; height is the top of its resting surface
PROP_SIZES: dict[PropKind, tuple[float, float]] = {
    PropKind.MAT: (1.9, 0.0),
    PropKind.BED: (2.0, 0.5),
    PropKind.CHAIR: (0.44, 0.46),
    PropKind.OTTOMAN: (0.5, 0.42),
    PropKind.WALL: (0.08, 2.0),
    PropKind.BALL: (0.066, 0.066),
    PropKind.ROLLER: (0.15, 0.15),
    PropKind.TOWEL: (0.09, 0.09),
    PropKind.PILLOW: (0.45, 0.1),
    PropKind.WATER: (4.0, 1.15),
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


class FigureSpec(Frozen):
    technique: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    view: View = View.SIDE
    props: tuple[PropSpec, ...] = ()
    highlight: tuple[PartName, ...] = Field(min_length=1)
    start: PoseSpec
    end: PoseSpec
    note: str | None = None  # why the pose looks the way it does, for reviewers


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
    contacts: dict[str, dict[str, SupportKind]] = field(default_factory=dict)  # by pose

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

    def highlight_for(self, pose_name: str) -> tuple[str, ...]:
        if pose_name.endswith("_left"):
            return tuple(mirror_part(p) for p in self.highlight)
        return self.highlight

    def surfaces(self) -> list[Surface]:
        out = [Surface(SupportKind.FLOOR, 0.0)]
        return out + [s for p in self.props if (s := p.surface()) is not None]


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
) -> Pose:
    """Rest the pose on its first contact, then check every contact and the floor."""
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
    pose = settle(pose, first, surface_for(first, kind, pose))
    body = pose_body(pose)
    for part, kind in contacts.items():
        surf = surface_for(part, kind, pose)
        g = gap(body.segments[part], surf)
        if g is None or abs(g) > 0.03:
            raise ContentError(
                path,
                entry,
                f"{name}.contacts.{part}",
                f"the {part} is {(g or 0) * 100:+.0f} cm from the {kind.value}; "
                "it should rest on it",
            )
    sunk = below(body, 0.0)
    if sunk:
        raise ContentError(path, entry, f"{name}.joints", f"{sunk[0]} goes through the floor")
    return pose


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
    start = _to_pose(spec.start, None)
    start = _settled(path, entry, "start", start, spec.start.contacts or {}, surfaces)
    end = _to_pose(spec.end, start)
    end_contacts = spec.end.contacts if spec.end.contacts is not None else spec.start.contacts
    end = _settled(path, entry, "end", end, end_contacts or {}, surfaces)
    if start.full_joints() == end.full_joints() and start.root == end.root:
        raise ContentError(path, entry, "end", "the end pose is the same as the start pose")
    deepest = max(hip_flexion(start), hip_flexion(end))
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
        {"start": dict(spec.start.contacts or {}), "end": dict(end_contacts or {})},
    )


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
