"""The body model: forward kinematics, ranges, mirroring and contact."""

from __future__ import annotations

import math

import pytest

from easeback.domain.body import (
    JOINT_RANGES,
    Pose,
    Root,
    SupportKind,
    Surface,
    hip_flexion,
    landmark_angles,
    out_of_range,
    pose_body,
    settle,
    touches,
)


def test_standing_is_upright_with_feet_below_hips():
    body = pose_body(Pose())
    assert body.landmarks["head"][1] > body.landmarks["hip_centre"][1] > body.landmarks["knee_r"][1]
    assert landmark_angles(body)["trunk_incline"] == pytest.approx(0, abs=0.5)


def test_hip_flexion_moves_the_knee_forward_and_is_measured_like_a_camera():
    pose = Pose(Root(), {"hip_flexion_r": 90, "knee_flexion_r": 90})
    body = pose_body(pose)
    knee, hip = body.landmarks["knee_r"], body.landmarks["hip_r"]
    assert knee[0] == pytest.approx(hip[0] + 0.44) and knee[1] == pytest.approx(hip[1])
    assert hip_flexion(pose) == 90
    assert landmark_angles(body)["hip_angle_r"] == pytest.approx(90, abs=0.5)
    assert landmark_angles(body)["knee_angle_r"] == pytest.approx(90, abs=0.5)


def test_side_bend_to_the_right_moves_the_head_right():
    head = pose_body(Pose(Root(), {"lumbar_side_bend": 20})).landmarks["head"]
    assert head[2] > 0.1


def test_external_rotation_with_bent_knee_crosses_the_foot_over():
    pose = Pose(Root(), {"hip_flexion_r": 90, "knee_flexion_r": 90, "hip_rotation_r": 40})
    assert pose_body(pose).landmarks["ankle_r"][2] < 0


def test_mirror_swaps_sides_and_reverses_turns():
    pose = Pose(Root(twist=10), {"hip_flexion_r": 100, "thoracic_rotation": 20})
    m = pose.mirrored()
    assert m.angle("hip_flexion_l") == 100 and m.angle("hip_flexion_r") == 0
    assert m.angle("thoracic_rotation") == -20 and m.root.twist == -10


def test_ranges_flag_impossible_angles():
    assert out_of_range({"knee_flexion_l": 170}) == [
        ("knee_flexion_l", "170° is outside the human range 0..150°")
    ]
    assert out_of_range({"elbow_twist": 1})[0][1] == "unknown joint"
    assert all(lo < 0 <= hi or lo == 0 for lo, hi in JOINT_RANGES.values())


def test_settle_puts_a_lying_figure_on_the_floor():
    floor = Surface(SupportKind.FLOOR, 0.0)
    pose = settle(Pose(Root(y=1.0, pitch=-90)), "thorax", floor)
    body = pose_body(pose)
    assert touches(body.segments["thorax"], floor)
    assert touches(body.segments["pelvis"], floor)
    assert math.isclose(body.segments["thorax"].lowest(), 0.0, abs_tol=1e-9)
