"""Pictures of techniques drawn from one body model (filled in by the pictures work)."""

from __future__ import annotations

from pathlib import Path

from easeback.domain.models import Technique


def save_picture(technique: Technique, fmt: str, path: Path) -> None:
    raise RuntimeError("pictures are not available in this build yet")
