"""Getting into position: a technique's figure moving from a plain pose for where it is done
(lying, kneeling, sitting or standing) into its start pose, for the player's setup steps.

The plain pose is the start pose with the joints that make the technique's position undone:
lying flat with the legs long and the arms by the sides, kneeling upright, sitting or
standing tall. The figure then moves into the start pose (knees bent for the bridge, onto
the hands for the cat-cow, up onto the elbows for the sphinx), so the picture shows how to
get into position while the setup is said, and the movement itself only from the first
repetition (easeback.web.player_pictures).
"""

from __future__ import annotations

from dataclasses import replace

from easeback.domain.body import JOINTS, Pose, Root, interpolate, pose_body
from easeback.domain.models import Position, Technique
from easeback.pictures.figures import Figure, _outline_all, ease, sunk
from easeback.pictures.svg import Drawing, Sample, fit, samples

STILL_SECONDS = 0.6  # the plain pose shown before it moves
MOVE_SECONDS = 3.0  # getting into position, in the picture's own time
FRAMES = 10

LYING = (Position.SUPINE, Position.PRONE, Position.SIDE_LYING, Position.IN_BED)
KNEELING = (Position.ALL_FOURS, Position.KNEELING)
SEATED = (Position.SEATED_CHAIR, Position.SEATED_FLOOR)
_AXIAL = tuple(j for j in JOINTS if j.split("_")[0] in ("lumbar", "thoracic", "neck"))
_ARMS = tuple(j for j in JOINTS if j.split("_")[0] in ("shoulder", "elbow"))


def first_side(fig: Figure) -> str:
    """The side a session starts with (the timeline does the left side first)."""
    return "left" if fig.sided else ""


def start_pose(fig: Figure) -> Pose:
    """The pose the setup ends in: the start of the first movement, on the first side."""
    keys = fig.keyframes()
    return keys["start_left"] if fig.sided else keys["start"]


def _undone(
    start: Pose, technique: Technique, keep_arms: bool = False
) -> tuple[float, dict[str, float]]:
    """The plain pose's root pitch and joints for the technique's position."""
    joints = dict(start.full_joints())
    where = technique.positions[0]
    if where in LYING:  # flat on the back (or the front), legs long, arms by the sides
        keep = {j for j in JOINTS if j.startswith(("ankle_", "neck_"))}
        keep |= set(_ARMS) if keep_arms else set()
        pitch = 90.0 if start.root.pitch > 0 else -90.0
        return pitch, {j: (v if j in keep else 0.0) for j, v in joints.items()}
    if where in KNEELING:  # kneeling upright, arms by the sides
        reset = {*_AXIAL, *_ARMS, "hip_flexion_l", "hip_flexion_r"}
        return 0.0, {j: (0.0 if j in reset else v) for j, v in joints.items()}
    if where in SEATED:  # sitting tall: the back straight, the legs and arms as they are
        out = {j: (0.0 if j in _AXIAL else v) for j, v in joints.items()}
        for j in ("hip_flexion_l", "hip_flexion_r"):  # the thighs keep their angle to the floor
            out[j] = max(0.0, min(135.0, joints[j] - start.root.pitch))
        return 0.0, out
    # standing (also in water): tall, arms by the sides
    return 0.0, {j: 0.0 for j in joints}


def _lowest(pose: Pose) -> float:
    return min(y for pts in _outline_all(pose_body(pose)) for _, y in pts)


def _clear(fig: Figure, pose: Pose) -> Pose:
    """Lifted out of the floor or a prop it would be drawn going into."""
    for _ in range(4):
        dip = max((d for _, _, d in sunk(pose_body(pose), fig.props)), default=0.0)
        if dip <= 0:
            break
        pose = pose.moved(dy=dip)
    return pose


def plain_pose(fig: Figure, technique: Technique, keep_arms: bool = False) -> Pose:
    """Where getting into position starts: the plain pose for the technique's position, resting
    on what the start pose rests on (its lowest point at the same height). With `keep_arms`,
    a lying figure keeps its arms as they start (stretched overhead, say)."""
    start = start_pose(fig)
    pitch, joints = _undone(start, technique, keep_arms)
    r = start.root
    pose = Pose(Root(r.x, r.y, pitch, 0.0 if technique.positions[0] in LYING else r.roll, 0.0),
                joints)  # fmt: skip
    pose = pose.moved(dy=_lowest(start) - _lowest(pose))
    return _clear(fig, pose)


LIFT_LIMIT = 0.03  # metres: a way in that would lift the body more is not taken


def _way_in(fig: Figure, a: Pose, b: Pose) -> tuple[list[Pose], float]:
    """The frames from a to b, each clear of the floor and the props, and the most any had to
    be lifted (an arm swung through the floor lifts the whole body)."""
    frames, lifted = [], 0.0
    for i in range(1, FRAMES):
        pose = interpolate(a, b, ease(i / FRAMES))
        clear = _clear(fig, pose)
        lifted = max(lifted, clear.root.y - pose.root.y)
        frames.append(clear)
    return frames, lifted


def setup_samples(fig: Figure, technique: Technique) -> list[Sample]:
    """The plain pose, still a moment, then eased into the start pose (every frame clear of the
    floor and the props). Depth 0 throughout: nothing is stretched yet."""
    b = start_pose(fig)
    a = plain_pose(fig, technique)
    frames, lifted = _way_in(fig, a, b)
    if lifted > LIFT_LIMIT:  # the arms would go through the floor: they stay as they start
        a = plain_pose(fig, technique, keep_arms=True)
        frames, _ = _way_in(fig, a, b)
    side = first_side(fig)
    step = MOVE_SECONDS / FRAMES
    return [
        Sample(0.0, a, side, 0.0),
        *(Sample(STILL_SECONDS + step * i, p, side, 0.0) for i, p in enumerate(frames, 1)),
        Sample(STILL_SECONDS + MOVE_SECONDS, b, side, 0.0),
    ]


SETUP_END = STILL_SECONDS + MOVE_SECONDS  # the start pose is reached here in the player's picture
LOOP_AT = SETUP_END + 0.05  # and the technique's loop starts here (a cut, not a morph)


def player_drawing(fig: Figure, technique: Technique) -> Drawing:
    """Getting into position, then the technique's loop, framed alike: the player sets its clock
    to the setup during the setup steps and to the loop from the first repetition."""
    setup = setup_samples(fig, technique)
    loop = [replace(s, time=s.time + LOOP_AT) for s in samples(fig, technique)]
    every = [*setup, *loop]
    frame = fit(fig, [s.pose for s in every])
    return Drawing(fig, frame, tuple(every), every[-1].time)


def player_svg(technique: Technique) -> str:
    """The player's picture: getting into position, then the loop (one SMIL timeline)."""
    from easeback.pictures.figures import figure_for

    fig = figure_for(technique.id)
    return player_drawing(fig, technique).render(f"{technique.name}: getting into position")
