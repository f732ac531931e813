"""Fixtures for the camera tests: the demo clip, found without any network but one wheel fetch."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

# BSD-3-Clause demo video shipped inside the sports2d wheel (github.com/davidpagnon/Sports2D)
SPORTS2D = "sports2d==0.8.34"
CLIP = "Sports2D/Demo/demo.mp4"


def _installed_clip() -> Path | None:
    spec = importlib.util.find_spec("Sports2D")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    clip = Path(next(iter(spec.submodule_search_locations))) / "Demo" / "demo.mp4"
    return clip if clip.is_file() else None


@pytest.fixture(scope="session")
def demo_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sports2d demo clip: from an installed sports2d, else from its wheel fetched by pip."""
    pytest.importorskip("cv2", reason="camera extra not installed: pip install 'easeback[camera]'")
    pytest.importorskip(
        "mediapipe", reason="camera extra not installed: pip install 'easeback[camera]'"
    )
    clip = _installed_clip()
    if clip is not None:
        return clip
    where = tmp_path_factory.mktemp("sports2d")
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(where), SPORTS2D]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"demo clip unavailable: `pip install --no-deps {SPORTS2D}` to run ({exc})")
    wheel = next(where.glob("*.whl"))
    with zipfile.ZipFile(wheel) as z:
        z.extract(CLIP, where)
    return where / CLIP
