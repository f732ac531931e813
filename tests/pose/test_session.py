"""The coach door without a camera: the JSON summary and the command's errors."""

from __future__ import annotations

import builtins
import json

import pytest

from easeback.content.motion_schema import default_signals
from easeback.domain.motion import PoseFrame
from easeback.domain.repetition import SIGNALS
from easeback.pose import synthetic as syn
from easeback.pose.coach import AUTO, Session, run
from easeback.terminal import cli


def _frames(tid: str, reps: int = 3) -> list[PoseFrame]:
    sig = default_signals()[tid]
    return syn.frames(sig, syn.reps_script(sig, reps, move=4.0, hold=5.0), seed=1)


def test_public_summary_has_the_documented_shape():
    session = run(Session("bridge"), _frames("bridge"))
    out = session.public(fps=30.0)
    assert {"reps", "hold_seconds", "warnings", "fps", "angles"} <= set(out)
    assert out["reps"] == 3
    assert out["hold_seconds"] > 3 * 5
    assert out["warnings"] == [
        {
            "t": 0.0,
            "kind": "setup",
            "message": "Move so the camera sees your whole body (no one in the picture)",
        }
    ]
    series = out["angles"]["hip_bend"]
    assert len(series) == int(session.last_t) + 1  # one value per second
    assert series[0] is None  # nobody in view during the first second
    assert (
        min(v for v in series if v is not None)
        < -30
        < -15
        < max(v for v in series if v is not None)
    )
    json.dumps(out)


def test_auto_session_names_the_angle_it_counted():
    session = run(Session(AUTO), _frames("knee-to-chest-double", reps=4))
    out = session.public(fps=30.0)
    assert out["reps"] == 4
    assert out["signal"] in SIGNALS  # whichever signal carried the rhythm most
    assert out["hold_seconds"] == 0


def test_live_events_reach_the_callback():
    seen = []
    run(Session("cat-cow"), _frames("cat-cow"), seen.append)
    assert [e.kind.value for e in seen].count("rep") == 3


def test_unknown_technique_is_one_line_exit_2(capsys):
    assert cli.main(["coach", "no-such-thing", "--video", "x.mp4"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no signal for 'no-such-thing'" in err


def test_missing_extra_is_one_line_exit_2(capsys, monkeypatch):
    real_import = builtins.__import__

    def no_mediapipe(name, *args, **kwargs):
        if name in ("mediapipe", "cv2"):
            raise ImportError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_mediapipe)
    assert cli.main(["coach", "bridge", "--video", "x.mp4"]) == 2
    err = capsys.readouterr().err.strip()
    assert "pip install 'easeback[camera]'" in err and err.count("\n") == 0


def test_coach_command_needs_a_source():
    with pytest.raises(SystemExit) as info:
        cli.main(["coach", "bridge"])
    assert info.value.code == 2


def test_help_does_not_load_the_camera_stack():
    import subprocess
    import sys

    code = (
        "import sys, easeback.terminal.cli as c; c.build_parser();"
        "print(any(m in sys.modules for m in ('mediapipe', 'cv2', 'numpy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
