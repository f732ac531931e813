"""The camera door imports mediapipe without its drawing helpers (and matplotlib.pyplot, which
they pull in), yet they still work when something asks for them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import sys
from easeback.pose import landmarks
cv2, mp = landmarks._modules()
assert "matplotlib.pyplot" not in sys.modules, "pyplot imported with the camera door"
import numpy as np
with landmarks.Detector() as d:
    d.detect(np.zeros((120, 160, 3), np.uint8))
assert "matplotlib.pyplot" not in sys.modules, "pyplot imported by a detection"
from mediapipe.python.solutions import drawing_utils
assert callable(drawing_utils.draw_landmarks)
assert callable(mp.solutions.drawing_styles.get_default_pose_landmarks_style)
assert "matplotlib.pyplot" in sys.modules  # loaded on first use, as mediapipe would
print("ok")
"""


def test_the_camera_door_leaves_the_drawing_helpers_until_they_are_used():
    pytest.importorskip("cv2", reason="camera extra not installed: pip install 'easeback[camera]'")
    pytest.importorskip("mediapipe", reason="camera extra not installed")
    r = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-2000:]
