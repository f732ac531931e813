"""The README stays true: every setting documented, the two set-up commands at its top."""

from __future__ import annotations

import re
from pathlib import Path

from easeback.settings import Settings, documented
from easeback.terminal.cli import build_parser

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme():
    for name, env, help_text in documented():
        row = f"| `{name}` | `{env}` | {help_text} |"
        assert row in README, f"README settings table lacks: {row}"


def test_settings_read_the_environment():
    s = Settings.from_env({"EASEBACK_PORT": "9000", "EASEBACK_HOST": "127.0.0.2"})
    assert s.port == 9000 and s.host == "127.0.0.2"
    assert Settings.from_env({}, port=1234).port == 1234


def test_readme_opens_with_the_two_commands():
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    assert "scripts/install" in blocks[0] and ".venv/bin/easeback" in blocks[0]
    assert "scripts/test" in blocks[1]
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text()
    assert "scripts/test" in ci


def test_every_command_in_the_tour_exists():
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    tour = re.findall(r"^easeback (\w[\w-]*)", README, re.M)
    assert tour
    for name in tour:
        assert name in commands, name


def test_every_path_in_how_it_is_built_exists():
    root = Path(__file__).parent.parent
    section = README.split("## How it is built", 1)[1]
    table = section.split("| where | what |", 1)[1].split("\n\n", 1)[0]
    paths = re.findall(r"^\| `([^`]+)`", table, re.M)
    assert paths
    for path in paths:
        assert (root / path).exists(), f"README names {path}, which is not in the repository"


def test_every_file_the_readme_points_at_is_in_a_clone():
    """Paths in the README (commands, pictures, the layout) name files git tracks, so a fresh clone
    has them; notes kept outside the repository are not pointed at."""
    import subprocess

    root = Path(__file__).parent.parent
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    named = re.findall(
        r"(?<![\w/.-])((?:\.ci|bench|docs|easeback|scripts|tests|shared)/[\w./-]*\w)", README
    )
    assert len(named) > 20
    for path in set(named):
        assert not path.startswith("shared/"), f"README points outside the repository: {path}"
        inside = path.rstrip("/")
        assert any(f == inside or f.startswith(inside + "/") for f in tracked), (
            f"README names {path}, which a clone does not have"
        )


def test_readme_names_every_table_the_csv_export_writes():
    from easeback.storage.repository import EXPORT_TABLES

    part = README.split("`easeback export --format csv --out FOLDER`", 1)[1].split("FHIR", 1)[0]
    assert set(re.findall(r"`(\w+)\.csv`", part)) == set(EXPORT_TABLES)
