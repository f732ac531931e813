from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

EXE = [sys.executable, "-m", "easeback"]

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def run(tmp_path: Path, data_dir: Path) -> Run:
    """The installed command, with its own journal folder and no terminal (stdin is a pipe)."""

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, EASEBACK_DATA_DIR=str(data_dir))
        env.pop("EASEBACK_DATABASE_URL", None)
        return subprocess.run(
            [*EXE, *args], capture_output=True, text=True, timeout=300, env=env, input=stdin,
            cwd=tmp_path,
        )  # fmt: skip

    return run
