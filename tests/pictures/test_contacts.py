"""Contacts as data: phrases, the two-bone solver, and the checks on every figure's keyframes."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from easeback.content.loader import ContentError, default_catalogue
from easeback.domain.body import (
    CONTACT_TOLERANCE,
    DIMS,
    JOINT_RANGES,
    Pose,
    Root,
    SupportKind,
    Surface,
    mirror_part,
    pose_body,
    settle,
)
from easeback.domain.contacts import (
    TOLERANCE,
    centre_of_mass,
    miss,
    misses,
    parse,
    parse_all,
    solve,
    target_point,
)
from easeback.pictures import svg as S
from easeback.pictures.figures import (
    DRAWN_TOLERANCE,
    Figure,
    between,
    drawn_gap,
    figure_for,
    load_figure,
    sunk,
)
from easeback.pictures.svg import View, drawn_outline

TECHNIQUES = default_catalogue().techniques
IDS = [t.id for t in TECHNIQUES]
FIXTURES = Path(__file__).parent / "fixtures"
FLOOR = Surface(SupportKind.FLOOR, 0.0)


def test_phrases_name_sides_and_targets():
    both = parse("hands hold right knee")
    assert [(t.kind, t.side, t.target, t.target_side) for t in both] == [
        ("hand", "l", "knee", "r"),
        ("hand", "r", "knee", "r"),
    ]
    (ankle,) = parse("right ankle on opposite thigh")
    assert (ankle.side, ankle.target, ankle.target_side) == ("r", "thigh", "l")
    assert [t.target_side for t in parse("hands on hips")] == ["l", "r"]
    assert [t.kind for t in parse_all(["feet flat", "calves on seat"])] == ["foot"] * 2 + [
        "calf"
    ] * 2
    assert ankle.mirrored().side == "l" and ankle.mirrored().target_side == "r"


@pytest.mark.parametrize(
    ("phrase", "words"),
    [
        ("hand holds knee", "which hand"),
        ("hands on the moon", "unknown contact place"),
        ("feet hold head", "cannot be"),
        ("elbows on knees", "cannot read"),
    ],
)
def test_unreadable_phrases_say_what_is_wrong(phrase, words):
    with pytest.raises(ValueError, match=words):
        parse(phrase)


def test_two_bone_solver_reaches_any_point_a_limb_can_reach():
    """Random in-range arms and legs give reachable targets; the solver finds them again."""
    rng = random.Random(7)
    for _ in range(40):
        joints = {n: rng.uniform(*JOINT_RANGES[n]) for n in JOINT_RANGES if n[-2:] in ("_l", "_r")}
        joints |= {
            "thoracic_rotation": rng.uniform(-30, 30),
            "lumbar_flexion": rng.uniform(-20, 40),
        }
        pose = Pose(Root(0, 0, rng.uniform(-90, 90), rng.uniform(-30, 30)), joints)
        body = pose_body(pose)
        for side in ("l", "r"):
            for limb, end in (("shoulder", "palm"), ("hip", "ankle")):
                moved = {
                    k: 0.0
                    for k in joints
                    if k.endswith(side)
                    and ((limb == "shoulder") == k.startswith(("shoulder", "elbow")))
                }
                start = Pose(pose.root, joints | moved)
                # a hand or ankle contact that asks for exactly where the limb was
                from easeback.domain import contacts

                got = contacts._reach(
                    start,
                    pose_body(start),
                    side,
                    limb == "shoulder",
                    body.landmarks[f"{end}_{side}"],
                    DIMS,
                    floor=-9.0,
                )
                reached = pose_body(Pose(pose.root, joints | got)).landmarks[f"{end}_{side}"]
                assert math.dist(reached, body.landmarks[f"{end}_{side}"]) < 0.015
                assert all(JOINT_RANGES[k][0] <= v <= JOINT_RANGES[k][1] for k, v in got.items())


def test_hands_hold_the_knee_once_solved_and_not_before():
    lying = settle(
        Pose(Root(pitch=-95), {"hip_flexion_r": 115, "knee_flexion_r": 110}), "thorax", FLOOR
    )
    hold = parse("hands hold right knee")
    assert all(miss(pose_body(lying), t, {}) > 0.2 for t in hold)  # arms by the sides
    held = solve(lying, hold, {})
    assert misses(pose_body(held), hold, {}) == []
    palm = pose_body(held).landmarks["palm_r"]
    assert math.dist(palm, pose_body(held).landmarks["knee_r"]) < 0.15


def test_a_hand_ten_centimetres_off_is_a_miss():
    body = pose_body(
        settle(
            Pose(Root(pitch=-95), {"hip_flexion_r": 115, "knee_flexion_r": 110}), "thorax", FLOOR
        )
    )
    (t,) = parse("right hand holds right knee")
    held = pose_body(
        solve(Pose(Root(pitch=-95), {"hip_flexion_r": 115, "knee_flexion_r": 110}), [t], {})
    )
    assert miss(held, t, {}) < TOLERANCE
    assert miss(body, t, {}) > 0.1


def test_feet_flat_puts_heel_and_toe_on_the_floor():
    pose = settle(
        Pose(
            Root(pitch=-84),
            {
                "hip_flexion_l": 46,
                "hip_flexion_r": 46,
                "knee_flexion_l": 60,
                "knee_flexion_r": 60,
                "ankle_dorsiflexion_l": -40,
            },
        ),
        "thorax",
        FLOOR,
    )
    feet = parse("feet flat")
    ground = {"foot_l": 0.0, "foot_r": 0.0}
    flat = pose_body(solve(pose, feet, ground))
    for s in ("l", "r"):
        heel, toe = flat.landmarks[f"heel_{s}"][1], flat.landmarks[f"toe_{s}"][1]
        assert heel - DIMS.foot_r == pytest.approx(0.0, abs=0.005)
        assert toe - DIMS.foot_r == pytest.approx(0.0, abs=0.005)
    assert misses(flat, feet, ground) == []


def test_a_figure_with_a_hand_ten_centimetres_from_the_knee_is_refused():
    with pytest.raises(ContentError) as err:
        load_figure(
            default_catalogue().technique("knee-to-chest-single"), FIXTURES / "hand-off-knee"
        )
    e = err.value
    assert e.field == "end.touch"
    assert "hands hold right knee" in e.message
    cm = int(e.message.split(" is ")[1].split(" cm")[0])
    assert 9 <= cm <= 12


@pytest.mark.parametrize("technique", TECHNIQUES, ids=IDS)
def test_every_declared_contact_holds_in_every_keyframe(technique):
    for fig in figure_for(technique.id).parts:
        _contacts_hold(fig)


def _contacts_hold(fig: Figure) -> None:
    keys = fig.keyframes()
    for name, pose in keys.items():
        body = pose_body(pose)
        start = pose_body(keys[name.replace("end", "start")]).landmarks  # where feet stay
        got = misses(body, fig.touches_for(name), fig.ground_for(name), anchors=start)
        assert got == [], name
        for t in fig.touches_for(name):
            if t.kind in ("hand", "ankle"):  # the point solved for is on the target's surface
                assert (
                    math.dist(
                        target_point(body, t, fig.ground_for(name)),
                        body.landmarks[f"palm_{t.side}" if t.kind == "hand" else f"ankle_{t.side}"],
                    )
                    <= TOLERANCE
                )


BALL_IDS = [t.id for t in TECHNIQUES if any(p.kind.value == "ball" for p in figure_for(t.id).props)]


def ball_gap(pose: Pose, ball) -> float:
    """Metres between the ball's outline and the nearest drawn outline of the body (side
    view): negative when the body's drawing dips into the ball."""
    h = ball.size[1]
    r = h / 2
    centre = (ball.x, ball.base + h / 2)
    shapes = drawn_outline(pose_body(pose))
    return min(math.dist(p, centre) for pts in shapes.values() for p in S.dense(pts, 0.002)) - r


@pytest.mark.parametrize("tid", BALL_IDS)
def test_the_body_rests_on_the_ball_in_every_frame_it_lies_on_it(tid):
    """Review 4 and 5: the buttock hovered 2-7 cm above the ball, the pelvis lifted like a half
    bridge, while the close-up said "on the ball" from the first frame. Every pose of the loop
    lies on the ball (so the words hold throughout), its top touching the body's outline."""
    assert len(BALL_IDS) >= 2
    technique = next(t for t in TECHNIQUES if t.id == tid)
    fig = figure_for(tid)
    ball = next(p for p in fig.props if p.kind.value == "ball")
    for name in ("start", "end"):
        assert fig.contacts[name].get("pelvis") is SupportKind.BALL, name
    for s in S.samples(fig, technique):
        assert abs(ball_gap(s.pose, ball)) <= 0.01, f"t={s.time:.1f}s"


@pytest.mark.parametrize("technique", TECHNIQUES, ids=IDS)
def test_no_drawn_outline_goes_into_the_floor_or_a_prop(technique):
    for fig in figure_for(technique.id).parts:
        for name, pose in fig.keyframes().items():
            on = frozenset(fig.contacts[name.split("_")[0]].values())
            assert sunk(pose_body(pose), fig.props, on) == [], name
    assert DRAWN_TOLERANCE == 0.01


def test_figures_that_hold_hands_or_feet_say_so():
    """The review's figures: each declares the contacts its steps describe."""
    expected = {
        "knee-to-chest-single": "hands behind right thigh",
        "knee-to-chest-double": "hands on back of thighs",
        # the steps: 'both hands behind the thigh or below the knee'; held behind the knee,
        # the hands show on the drawn-in leg (review 10: under the mid thigh they showed on
        # the chest, holding nothing)
        "in-bed-knee-to-chest": "hands behind right knee",
        "kneeling-back-extension": "hands on back of pelvis",
        "standing-backbend": "hands on back of pelvis",
        "thoracic-extension-roller": "hands behind head",
        "thoracic-extension-towel": "hands behind head",
        "reclined-pigeon": "right ankle on left thigh",
        "ball-piriformis-release": "right ankle on left knee",
        "pelvic-tilt": "feet stay",
        "supine-abdominal-draw-in": "feet flat",
        "decompression-90-90": "calves on seat",
        "seated-forward-flexion": "hands along legs",
    }
    for tid, phrase in expected.items():
        fig = figure_for(tid).parts[-1]  # the in-bed hug follows the foot's slide (round 10)
        phrases = {t.phrase for t in fig.touches["end"]} | {t.phrase for t in fig.touches["start"]}
        assert phrase in phrases, tid


def _kept(fig: Figure, suffix: str) -> list:
    """The hand, ankle and foot contacts both key poses of a side declare."""
    start, end = fig.touches_for("start" + suffix), fig.touches_for("end" + suffix)
    return [t for t in start if t in end and t.kind in ("hand", "ankle", "foot")]


@pytest.mark.parametrize("technique", TECHNIQUES, ids=IDS)
def test_in_between_frames_keep_contacts_and_stay_out_of_the_floor(technique):
    """Eight frames to each transition, as the animation draws them: no drawn outline in the
    floor or a prop, the contacts both key poses declare still held, and the parts that rest
    in both key poses still resting (within the contact tolerance)."""
    for fig in figure_for(technique.id).parts:
        _in_between_frames_hold(fig)


def _in_between_frames_hold(fig: Figure) -> None:
    on = frozenset(fig.contacts["start"].values()) | frozenset(fig.contacts["end"].values())
    resting = {p: k for p, k in fig.contacts["start"].items() if fig.contacts["end"].get(p) == k}
    frames = between(fig, 8)
    assert len(frames) == 7 * (2 if fig.sided else 1)
    for label, pose in frames:
        suffix = "_left" if label.startswith("left") else ("_right" if fig.sided else "")
        body = pose_body(pose)
        assert sunk(body, fig.props, on) == [], label
        anchors = pose_body(fig.keyframes()["start" + suffix]).landmarks
        held = misses(body, _kept(fig, suffix), fig.ground_for("start" + suffix), anchors=anchors)
        assert [(t.phrase, round(d, 3)) for t, d in held] == [], label
        for part, kind in resting.items():
            part = mirror_part(part) if suffix == "_left" else part
            gaps = [g for s in fig.surfaces() if s.kind is kind
                    if (g := drawn_gap(body, part, s)) is not None]  # fmt: skip
            assert gaps and min(abs(g) for g in gaps) <= CONTACT_TOLERANCE, (label, part, gaps)


def test_in_between_check_catches_a_frame_in_the_floor():
    """Joint angles mixed straight from one key pose to the next swing the walking foot
    through the floor; the check sees it, and the frames the drawing uses are lifted clear.
    (The step backward: the forward step lands heel first and no longer dips.)"""
    from easeback.domain.body import interpolate

    fig = figure_for("pool-walking").then
    assert fig is not None
    start, end = fig.keyframes()["start"], fig.keyframes()["end"]
    on = frozenset(fig.contacts["start"].values())
    raw = [sunk(pose_body(interpolate(start, end, i / 8)), fig.props, on) for i in range(1, 8)]
    assert any(hit[0] == "foot_l" and what == "floor" for hits in raw for hit in hits
               for what in [hit[1]])  # fmt: skip
    assert all(sunk(pose_body(p), fig.props, on) == [] for _, p in between(fig, 8))


def _support_span(fig: Figure, pose: Pose) -> tuple[float, float]:
    """Front-to-back extent (side view) of where the drawing touches its supports."""
    side = drawn_outline(pose_body(pose), View.SIDE)
    xs = [x for s in fig.surfaces() for pts in side.values() for x, y in pts
          if abs(y - s.height) <= 0.02 and s.x0 - 0.02 <= x <= s.x1 + 0.02]  # fmt: skip
    assert xs
    return min(xs), max(xs)


@pytest.mark.parametrize("technique", TECHNIQUES, ids=IDS)
def test_the_weight_is_over_what_holds_it_up(technique):
    """Seen from the side, the centre of mass lies over the stretch of floor, seat or prop the
    figure touches, in every key pose and in-between frame: nothing would tip over."""
    for fig in figure_for(technique.id).parts:
        for label, pose in [*fig.keyframes().items(), *between(fig, 4)]:
            lo, hi = _support_span(fig, pose)
            x = centre_of_mass(pose_body(pose))[0]
            assert lo - 0.01 <= x <= hi + 0.01, (label, round(x, 3), round(lo, 3), round(hi, 3))


def test_foam_rolling_shows_the_mid_back_and_keeps_the_roller_off_the_lower_back():
    """The steps roll the buttocks, then the mid back between the ribs and the shoulder
    blades, never under the lower back: the figure draws both, and in the second the roller
    is under the thorax while the low back's drawing stays clear of it."""
    fig = figure_for("foam-roll-glutes-midback")
    assert len(fig.parts) == 2 and fig.then is not None
    assert fig.highlight == ("pelvis:back",) and fig.then.highlight == ("thorax:back",)
    roller = next(p for p in fig.props if p.kind.value == "roller")
    surface = roller.surface()
    assert surface is not None
    for name, pose in [*fig.then.keyframes().items(), *between(fig.then, 8)]:
        body = pose_body(pose)
        assert fig.then.contacts["start"]["thorax"] is SupportKind.ROLLER
        gap = drawn_gap(body, "thorax", surface)
        assert gap is not None and abs(gap) <= 0.02, name
        low_back = drawn_gap(body, "lumbar", surface)
        assert low_back is None or low_back > 0.03, (name, low_back)


def test_a_kneeler_leaning_back_off_the_knees_alone_would_tip():
    """The balance check is not vacuous: kneeling on the knees only, feet lifted, with the
    weight leaning back, the centre of mass is behind what touches the floor."""
    pose = settle(
        Pose(Root(pitch=-6), {"knee_flexion_l": 95, "knee_flexion_r": 95,
                              "hip_flexion_l": -6, "hip_flexion_r": -6,
                              "lumbar_flexion": -14, "thoracic_flexion": -8,
                              "ankle_dorsiflexion_l": -65, "ankle_dorsiflexion_r": -65}),
        "thigh_r", FLOOR,
    )  # fmt: skip
    fig = figure_for("kneeling-back-extension")
    lo, _ = _support_span(fig, pose)
    assert centre_of_mass(pose_body(pose))[0] < lo - 0.01


def test_a_buttock_beside_the_roller_is_refused():
    """A ball, roller or towel is round: the gap is measured from its outline, not from a
    flat top at its height, which let the foam roll's first pose (as it was) hover 2.6 cm
    beside the roller, plain to see in its close-up."""
    with pytest.raises(ContentError) as err:
        load_figure(
            default_catalogue().technique("foam-roll-glutes-midback"), FIXTURES / "beside-roller"
        )
    assert err.value.field == "start.contacts.pelvis"
    assert "+2.6 cm from the roller" in err.value.message


@pytest.mark.parametrize(
    "tid", ["thoracic-extension-roller", "thoracic-extension-towel", "foam-roll-glutes-midback"]
)
def test_hands_behind_the_head_are_hidden_by_it_from_the_side(tid):
    """Review 2: the near hand behind the head stuck out under the jaw like a chin. The hands
    cup the sides of the back of the head, so from the side the head hides them."""
    from easeback.domain.body import DIMS, pose_body

    fig = figure_for(tid)
    for part in fig.parts:
        for name in ("start", "end"):
            if not any(t.target == "head" for t in part.touches_for(name)):
                continue
            body = pose_body(part.keyframes()[name])
            head, hand = body.segments["head"].a, body.segments["hand_r"]
            # seen from the side (along z): the whole hand inside the head's outline
            apart = max(math.hypot(p[0] - head[0], p[1] - head[1]) for p in (hand.a, hand.b))
            assert apart + DIMS.hand_r <= DIMS.head_r + 0.005, (tid, name, apart)


BLADE_TIP = 5 / 12  # the shoulder blades' lower tips (T7), as a share of the thorax from T12 up


def _along_thorax(pose: Pose, x: float) -> float:
    """Where a point of the floor lies along the thorax from its bottom (0) to the base of
    the neck (1), seen from the side."""
    seg = pose_body(pose).segments["thorax"]
    return (x - seg.a[0]) / (seg.b[0] - seg.a[0])


@pytest.mark.parametrize(
    "tid, part",
    [("thoracic-extension-towel", 0), ("thoracic-extension-roller", 0),
     ("foam-roll-glutes-midback", 1)],
)  # fmt: skip
def test_the_roller_and_towel_start_just_below_the_shoulder_blades(tid, part):
    """Reviews 4 and 5: the roller and the towel sat under the top of the shoulder blades,
    near the neck (at 0.54-0.55 of the thorax, above the blades' lower tips); the steps put
    them just below the shoulder blades, above the low back."""
    fig = figure_for(tid).parts[part]
    prop = next(p for p in fig.props if p.kind.value in ("roller", "towel"))
    at = _along_thorax(fig.keyframes()["start"], prop.x)
    assert 0.15 <= at <= BLADE_TIP - 0.05, round(at, 2)


def test_the_towel_is_drawn_as_a_rolled_towel_larger_than_the_ball():
    """Review 4 and 5: the towel read as a small pink ball, the size of the tennis ball. It is
    drawn as a roll seen end on (its layers wound in a spiral), half again as wide as the ball."""
    from easeback.pictures.figures import PROP_SIZES, PropKind

    assert PROP_SIZES[PropKind.TOWEL][1] >= 1.5 * PROP_SIZES[PropKind.BALL][1]
    technique = next(t for t in TECHNIQUES if t.id == "thoracic-extension-towel")
    picture = S.technique_svg(technique, "end")
    assert picture.count('class="towel-roll"') >= 1
    ball = next(t for t in TECHNIQUES if t.id == "ball-glute-release")
    assert 'class="towel-roll"' not in S.technique_svg(ball, "end")


def _shape(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return S.dense([*points, points[0]], 0.005)


def drawn_ankle_gap(body, side: str) -> float:
    """Metres between the crossed leg's shin, where it ends at the ankle, and the other leg's
    thigh or shin as drawn from the side: 0 when the drawings touch or overlap."""
    shapes = drawn_outline(body, View.SIDE)
    frame = S.Frame(S.CAMERAS[View.SIDE], 1.0, 0.0, 0.0)
    ax, ay = frame.xy(body.landmarks[f"ankle_{side}"])
    ankle = (ax, -ay)
    other = "l" if side == "r" else "r"
    near = [p for p in _shape(shapes[f"shin_{side}"]) if math.dist(p, ankle) < 0.08]
    legs = [_shape(shapes[f"thigh_{other}"]), _shape(shapes[f"shin_{other}"])]
    if any(S.inside(p, leg) for p in near for leg in legs):
        return 0.0
    return min(math.dist(p, q) for p in near for leg in legs for q in leg)


@pytest.mark.parametrize("tid", ["ball-piriformis-release", "reclined-pigeon"])
def test_a_crossed_ankle_rests_on_the_other_leg_as_drawn(tid):
    """Review 6: the piriformis release's crossed ankle hung in the air above the other leg.
    Every key pose that rests an ankle across the other knee or thigh draws them touching."""
    fig = figure_for(tid)
    checked = 0
    for part in fig.parts:
        for name, pose in part.keyframes().items():
            for t in part.touches_for(name):
                if t.kind == "ankle":
                    gap = drawn_ankle_gap(pose_body(pose), t.side)
                    assert gap <= 0.01, (tid, name, t.phrase, gap)
                    checked += 1
    assert checked >= 2


def _along_and_off(body, ankle: str, thigh: str) -> tuple[float, float]:
    """Where a point lies along a thigh (0 at the hip, 1 at the knee) and how far (m) from
    its axis."""
    seg = body.segments[thigh]
    axis = [b - a for a, b in zip(seg.a, seg.b, strict=True)]
    rel = [p - a for p, a in zip(body.landmarks[ankle], seg.a, strict=True)]
    length2 = sum(v * v for v in axis)
    along = sum(r * v for r, v in zip(rel, axis, strict=True)) / length2
    foot = [a + along * v for a, v in zip(seg.a, axis, strict=True)]
    return along, math.dist(body.landmarks[ankle], foot)


@pytest.mark.parametrize("tid", ["ball-piriformis-release", "reclined-pigeon"])
def test_a_crossed_ankle_rests_where_its_steps_say(tid):
    """Review 10: the piriformis release's crossed ankle read as resting on the other shin, not
    'across the opposite knee' (steps): it lay 80% of the way from hip to knee, 9 cm short of
    the knee. Every key pose that crosses an ankle rests it on the other leg (its centre no
    further from the thigh's axis than the thigh's and shin's half-widths and a little: not in
    the air) where the phrase says: 'on the knee' on its top, at least 88% of the way to the
    knee and not past it; 'on the thigh' just above the knee (the pigeon's 'just above the
    knee'), 70 to 90% of the way."""
    checked = 0
    for part in figure_for(tid).parts:
        for name, pose in part.keyframes().items():
            body = pose_body(pose)
            for t in part.touches_for(name):
                if t.kind != "ankle":
                    continue
                thigh = f"thigh_{t.target_side}"
                along, off = _along_and_off(body, f"ankle_{t.side}", thigh)
                low, high = (0.88, 1.0) if t.target == "knee" else (0.7, 0.9)
                assert low <= along <= high, (tid, name, t.phrase, round(along, 2))
                rest = body.segments[thigh].hw + body.segments[f"shin_{t.side}"].hw
                assert off <= 1.15 * rest, (tid, name, t.phrase, round(off, 3), round(rest, 3))
                checked += 1
    assert checked >= 2


def test_the_piriformis_figure_four_rests_on_a_bent_knee_with_the_sole_flat():
    """Review 6: no figure four, a low, almost straight supporting leg, and the leg slid out
    long on the way onto the ball. The supporting knee stays bent (at least 70 degrees, the
    knee above the hip) with its sole flat on the floor in every key pose; the keys read
    step 1 / step 2 / steps 3-4 / step 5, one per step group."""
    from easeback.domain.body import pose_body as body_of
    from easeback.pictures.figures import key_panels

    panels = key_panels(figure_for("ball-piriformis-release"))
    assert [p.label for p in panels] == ["step 1", "step 2", "steps 3-4", "step 5"]
    for p in panels[1:3]:
        joints = p.body_pose.full_joints()
        assert joints["knee_flexion_l"] >= 70, (p.label, joints["knee_flexion_l"])
        b = body_of(p.body_pose)
        assert b.landmarks["knee_l"][1] > b.landmarks["hip_l"][1] + 0.15, p.label
        assert b.landmarks["ankle_l"][1] < 0.1, p.label  # the foot down on the floor
    # getting onto the ball moves the feet no further than the hips move
    first, second = (body_of(p.body_pose) for p in panels[:2])
    feet = second.landmarks["ankle_l"][0] - first.landmarks["ankle_l"][0]
    hips = second.landmarks["hip_centre"][0] - first.landmarks["hip_centre"][0]
    assert abs(feet) <= abs(hips) + 0.03, (feet, hips)
