"""Getting into position: the player's picture moves from a plain pose for the place into the
technique's start pose while the setup steps are said, and only then loops the movement."""

from __future__ import annotations

import pytest

from easeback.content.loader import default_catalogue
from easeback.domain.body import pose_body
from easeback.pictures import setup
from easeback.pictures.figures import figure_for, sunk
from easeback.pictures.svg import samples

pytest.importorskip("easeback.pictures.svg")


def test_every_setup_ends_in_the_start_pose_and_stays_out_of_the_floor():
    for t in default_catalogue().techniques:
        fig = figure_for(t.id)
        way = setup.setup_samples(fig, t)
        assert way[0].time == 0 and way[-1].time == pytest.approx(setup.SETUP_END), t.id
        assert way[-1].pose == setup.start_pose(fig), t.id
        assert all(s.depth == 0.0 for s in way), t.id  # nothing is stretched while setting up
        for s in way:
            dips = [d for _, what, d in sunk(pose_body(s.pose), fig.props) if what == "floor"]
            assert max(dips, default=0.0) <= 0.02, (t.id, s.time, dips)


@pytest.mark.parametrize(
    ("tid", "joint", "start_at"),
    [
        ("bridge", "knee_flexion_l", 0.0),  # lying with the legs long, then the knees bend
        ("kneeling-back-extension", "elbow_flexion_l", 0.0),  # arms down, then hands on hips
        ("cat-cow", "hip_flexion_l", 0.0),  # kneeling upright, then onto the hands
    ],
)
def test_the_figure_gets_into_position_from_a_plain_pose(tid, joint, start_at):
    t = default_catalogue().technique(tid)
    fig = figure_for(tid)
    way = setup.setup_samples(fig, t)
    angles = [s.pose.angle(joint) for s in way]
    assert angles[0] == start_at
    assert angles[-1] == pytest.approx(setup.start_pose(fig).angle(joint)) != start_at
    assert angles == sorted(angles) or angles == sorted(angles, reverse=True)  # one way in


def test_the_player_picture_is_the_setup_then_the_loop():
    t = default_catalogue().technique("bridge")
    fig = figure_for("bridge")
    drawn = setup.player_drawing(fig, t)
    way, loop = setup.setup_samples(fig, t), samples(fig, t)
    assert [s.pose for s in drawn.samples] == [s.pose for s in way] + [s.pose for s in loop]
    assert drawn.samples[len(way)].time == pytest.approx(setup.LOOP_AT)
    svg = setup.player_svg(t)
    assert svg.startswith("<svg") and "getting into position" in svg
