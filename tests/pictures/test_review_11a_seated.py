"""Review 11a, the seated fold, the 90/90 rest, the roller and the double knee hug seen cold:
relaxed arms sliding along the legs, a far leg clear of the chair's legs, a rolled-over face
drawn with its eye, hands at rest until the steps lace them, and hands behind two thighs."""

from __future__ import annotations

import math

from easeback.content.loader import default_catalogue
from easeback.domain.body import DIMS, dot, pose_body
from easeback.domain.contacts import parse
from easeback.pictures import svg as S
from easeback.pictures.figures import figure_for, key_panels


def test_the_seated_fold_slides_relaxed_nearly_straight_arms_down_the_shins():
    """Review 11a: 'the arm is drawn as a stiff right-angle L with the elbow propped on the
    thigh'. Folded forward, the hands have slid past the knees onto the shins with the elbows
    only a little bent; sitting tall they rest on the legs the same way."""
    fig = figure_for("seated-forward-flexion")
    for name, pose in (("start", fig.start), ("end", fig.end)):
        for s in "lr":
            assert pose.angle(f"elbow_flexion_{s}") <= 35, (name, s)
    end = pose_body(fig.end)
    for s in "lr":
        assert end.landmarks[f"palm_{s}"][0] > end.landmarks[f"knee_{s}"][0] + 0.1


def test_hands_along_legs_stop_where_the_relaxed_arm_reaches():
    (t, _) = parse("hands along legs")
    assert t.target == "leg"
    body = pose_body(figure_for("seated-forward-flexion").end)
    from easeback.domain.contacts import RELAXED_ELBOW, target_point

    a, b = DIMS.upper_arm, DIMS.forearm + DIMS.hand / 2
    reach = math.sqrt(a * a + b * b + 2 * a * b * math.cos(math.radians(RELAXED_ELBOW)))
    got = math.dist(target_point(body, t), body.landmarks[f"shoulder_{t.side}"])
    assert reach - 0.02 <= got <= reach


def test_the_double_knee_hug_holds_the_back_of_two_visible_thighs():
    """Review 11a: 'the hand is on the front of the thighs near the knees, not behind both
    thighs. The two legs overlap exactly.' The palms lie on the thighs' back, and the far knee
    shows apart from the near one from the side."""
    fig = figure_for("knee-to-chest-double")
    body = pose_body(fig.end)
    for s in "lr":
        thigh = body.segments[f"thigh_{s}"]
        mid = tuple((p + q) / 2 for p, q in zip(thigh.a, thigh.b, strict=True))
        rel = tuple(p - m for p, m in zip(body.landmarks[f"palm_{s}"], mid, strict=True))
        assert dot(rel, thigh.forward) < -thigh.hw * 0.8, s  # on the back, not the front
    kr, kl = body.landmarks["knee_r"], body.landmarks["knee_l"]
    assert math.hypot(kr[0] - kl[0], kr[1] - kl[1]) >= 0.06  # seen from the side


def test_the_roller_starts_with_the_hands_resting_and_laces_them_in_step_two():
    """Review 11a: 'Step 1: the hands are already laced behind the head (the text does this
    in step 2)'."""
    fig = figure_for("thoracic-extension-roller")
    (sitting,) = fig.lead_in
    sit, lean = pose_body(sitting), pose_body(fig.start)
    for s in "lr":
        head = sit.segments["head"].a
        assert math.dist(sit.landmarks[f"palm_{s}"], head) > 0.3
        assert math.dist(lean.landmarks[f"palm_{s}"], lean.segments["head"].a) < 0.15
    assert fig.steps["start"] == (2,)


def test_the_90_90_far_leg_stays_clear_of_the_chairs_legs():
    """Review 11a: 'Steps 2 and 6a: the far leg lies or bends under the seat, tangled with the
    chair legs.' Lifting on or off the seat, one leg at a time, the far leg is up off the
    floor: its knee and ankle above the seat's height, not down among the chair's legs."""
    fig = figure_for("decompression-90-90")
    for pose in (fig.lead_in[1], fig.finish[0]):
        body = pose_body(pose)
        assert body.landmarks["knee_l"][1] > 0.48
        assert body.landmarks["ankle_l"][1] > 0.48


def test_every_key_head_seen_from_the_side_has_its_eye():
    """Review 11a: rolled onto the side facing the viewer, 'the face is drawn as a ring'. Seen
    level from the side a head is drawn as every other: with its eye."""
    t = default_catalogue().technique("decompression-90-90")
    drawn = S.all_key_poses_svg(t)
    assert drawn.count('class="ey"') == len(key_panels(figure_for(t.id)))
