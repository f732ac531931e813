"""The movement check: each animation moves what its steps move, by how much and which way, and
its arrows point the way the body moves, off the body and the face."""

from __future__ import annotations

from dataclasses import replace

import pytest

from easeback.content.loader import default_catalogue
from easeback.domain.body import pose_body
from easeback.pictures import movement, svg
from easeback.pictures.figures import figure_for, pelvis_tilt

TECHNIQUES = default_catalogue().techniques
IDS = [t.id for t in TECHNIQUES]

# pictures the check finds wrong today; each fix takes its technique off this list
KNOWN_WRONG = {"supine-spinal-twist"}


@pytest.mark.parametrize(
    "technique",
    [pytest.param(t, marks=pytest.mark.xfail(strict=True)) if t.id in KNOWN_WRONG else t
     for t in TECHNIQUES],
    ids=IDS,
)  # fmt: skip
def test_every_picture_passes_the_movement_check(technique):
    assert movement.check(technique) == []


def test_the_double_knee_hug_lifts_and_lowers_one_leg_at_a_time():
    """Step 2: "Lift one knee and then the other"; step 5: one foot at a time. Until the first
    knee is in, the other foot stays on the floor, on the way up and on the way down; the
    same figure moving both legs together (as it did) is caught."""
    t = default_catalogue().technique("knee-to-chest-double")
    fig = figure_for(t.id)
    assert movement.steps_move_in_turn(t)
    assert movement.in_turn_problems(fig, t) == []
    loop = svg.samples(fig, t)
    held = next(s.time for s in loop if s.depth == 1.0)
    one_up = [s.time for s in loop
              if movement._off(fig, pose_body(s.pose), "foot_r")
              != movement._off(fig, pose_body(s.pose), "foot_l")]  # fmt: skip
    assert any(at < held for at in one_up) and any(at > held for at in one_up)  # up and down
    together = replace(fig, in_turn=())
    (problem,) = movement.in_turn_problems(together, t)
    assert "both feet are off the floor" in problem


def test_pelvic_tilts_tip_the_pelvis_back_by_their_range_and_show_it_close_up():
    """Posterior tilt: the top of the pelvis turns back and the low back flattens, by the
    range the figure gives; the animation (the web page's picture) shows it in a close-up
    whose arrow turns the way the drawn pelvis turns: the figure lies head to the left, so
    the top of the pelvis moves left, anticlockwise on the picture."""
    cat = default_catalogue()
    for tid, (lo, hi) in (("pelvic-tilt", (10, 20)), ("supine-abdominal-draw-in", (5, 15))):
        t = cat.technique(tid)
        fig = figure_for(tid)
        assert fig.motion["pelvis_tilt"] == (lo, hi)
        assert lo <= pelvis_tilt(fig.start, fig.end) <= hi
        assert fig.end.angle("lumbar_flexion") > fig.start.angle("lumbar_flexion")
        assert movement.tilt_problems(fig, t) == []
        forward = replace(fig, start=fig.end, end=fig.start)
        assert any("tips forward" in p for p in movement.tilt_problems(forward, t))
        animated = svg.technique_svg(t, "animated")
        assert 'class="inset"' in animated and "pelvis tips back" in animated
        assert movement.movement_px(fig, t)["close-up"] >= movement.VISIBLE_PX
        assert movement.movement_px(fig, t)["figure"] < movement.VISIBLE_PX  # why it is needed
        arrow = svg.inset_arrow(fig, svg.drawing(fig, t, "end").frame.scale)
        assert arrow.shaft[0][0] > arrow.shaft[-1][0]  # over the top, right to left
        assert movement.arrow_agrees(arrow) > 0.9
