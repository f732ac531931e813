"""End to end on a real clip: MediaPipe finds the person and the whole pipeline runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from easeback.domain.motion import PoseFrame, measure_all
from easeback.terminal import cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip_frames(demo_clip: Path) -> tuple[list[PoseFrame], float, int]:
    from easeback.pose.landmarks import Detector, open_stream, pose_frames

    stream = open_stream(video=str(demo_clip))
    try:
        with Detector() as detector:
            frames = list(pose_frames(stream, detector))
    finally:
        stream.close()
    return frames, stream.aspect, stream.width


def test_landmarks_are_found_in_the_demo_clip(clip_frames):
    frames, aspect, width = clip_frames
    assert width == 640  # large frames are scaled down before detection
    assert len(frames) > 100
    found = [f for f in frames if f.landmarks is not None]
    assert len(found) >= 0.8 * len(frames)
    angles = [measure_all(f.landmarks, aspect=aspect) for f in found]
    knees = [a["left_knee"] for a in angles if "left_knee" in a]
    assert len(knees) >= 0.5 * len(found)
    assert all(0 <= k <= 180 for k in knees)
    assert max(knees) - min(knees) > 20  # the person in the clip moves their legs


def test_generic_mode_runs_on_real_landmarks(clip_frames):
    from easeback.pose.coach import AUTO, Session, run

    frames, aspect, _ = clip_frames
    out = run(Session(AUTO, aspect=aspect), frames).public(fps=30.0)
    assert isinstance(out["reps"], int) and out["reps"] >= 0
    assert out["frames_with_pose"] >= 0.8 * out["frames"]


def test_coach_command_runs_end_to_end_on_the_clip(demo_clip, capsys):
    assert cli.main(["coach", "standing-side-bend", "--video", str(demo_clip), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"reps", "hold_seconds", "warnings", "fps", "angles"} <= set(out)
    assert out["fps"] == 30.0
    assert out["frames_with_pose"] >= 0.8 * out["frames"]
    assert isinstance(out["reps"], int) and out["reps"] >= 0
    for w in out["warnings"]:
        assert set(w) == {"t", "kind", "message"} and w["message"]
    (series,) = out["angles"].values()
    assert len(series) == out["frames"] // 30 + (out["frames"] % 30 > 0)


def test_live_mode_prints_events_as_they_happen(demo_clip, capsys, monkeypatch):
    """--camera, with the clip standing in for a webcam (there is no camera here)."""
    from easeback.pose import landmarks

    real_open = landmarks.open_stream

    def clip_as_camera(video=None, camera=None):
        assert camera == 0 and video is None
        stream = real_open(video=str(demo_clip))
        stream.live = True
        return stream

    monkeypatch.setattr(landmarks, "open_stream", clip_as_camera)
    assert cli.main(["coach", "bridge", "--camera", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Watching the camera")
    assert lines[-1].startswith("Repetitions: 0")
    assert any("Move so the camera sees your whole body" in line for line in lines[1:-1])


def test_a_wide_video_is_scaled_to_the_working_width_keeping_where_the_person_is(
    demo_clip: Path, tmp_path: Path
):
    """Frames wider than 640 are scaled down before detection (854x480 is common on real
    clips): the person is found as often and in the same place as in the same frames at 640."""
    import cv2  # type: ignore[import-untyped,import-not-found,unused-ignore]

    from easeback.pose.landmarks import Detector, open_stream

    stream = open_stream(video=str(demo_clip))
    try:
        small = [f for _, (_, f) in zip(range(60), stream.frames(), strict=False)]
    finally:
        stream.close()
    wide = tmp_path / "wide.mp4"
    writer = cv2.VideoWriter(str(wide), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (854, 480))
    for f in small:
        writer.write(cv2.resize(f, (854, 480), interpolation=cv2.INTER_CUBIC))
    writer.release()

    stream = open_stream(video=str(wide))
    try:
        assert (stream.width, stream.height) == (640, 360)
        scaled = [f for _, f in stream.frames()]
    finally:
        stream.close()
    assert len(scaled) == len(small)
    assert all(f.shape == (360, 640, 3) for f in scaled)

    def poses(frames: list[Any]) -> list[Any]:
        with Detector() as det:
            return [det.detect(f) for f in frames]

    near = [
        max(abs(p.x - q.x), abs(p.y - q.y))
        for a, b in zip(poses(small), poses(scaled), strict=True)
        if a is not None and b is not None
        for p, q in zip(a, b, strict=True)
        if p.seen and q.seen
    ]
    assert len(near) >= 0.8 * len(small) * 10  # a pose with ten or more points seen, both ways
    assert sorted(near)[len(near) // 2] < 0.01  # the same place, to a few pixels
