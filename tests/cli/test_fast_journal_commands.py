"""`history`, `checkin`, `progress --json` and `plan --json` on a journal in the data folder go
through the sqlite3 door (no SQLAlchemy imported) and say exactly what the engine's path says
on a copy of the same journal (named by URL, which only the engine opens): on an empty journal,
one of 1,000 entries, one at an older schema (which the door leaves to the engine, and which is
migrated as before) and a damaged one (refused in the same words)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from easeback.storage import HEAD_REVISION, make_engine, open_engine
from easeback.storage.engine import MIGRATIONS
from tests.domain.answers import clear_answers
from tests.storage.damage import damaged_copy, write_journal

ROOT = Path(__file__).resolve().parents[2]
# the command as a person runs it, and whether it imported SQLAlchemy or pydantic
PROBE = (
    "import sys\n"
    "from easeback.terminal.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "heavy = sorted(m for m in ('sqlalchemy', 'pydantic') if m in sys.modules)\n"
    "print('imported:', *heavy, file=sys.stderr)\n"
    "raise SystemExit(code)\n"
)


@pytest.fixture(scope="module")
def journals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("fast")
    (root / "answers.json").write_text(json.dumps(clear_answers()))
    red_flag = clear_answers(bladder_bowel_control="yes")  # the screening gate: no plan
    (root / "red-flag.json").write_text(json.dumps(red_flag))
    empty = root / "empty.sqlite3"
    open_engine(f"sqlite:///{empty}").dispose()
    thousand = root / "thousand.sqlite3"
    fill = [sys.executable, str(ROOT / "bench" / "journal-scale"), "fill", str(thousand)]
    subprocess.run([*fill, "800", "200"], check=True, capture_output=True, timeout=600)
    old = root / "old.sqlite3"
    shutil.copy(thousand, old)
    engine = make_engine(f"sqlite:///{old}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
    engine.dispose()
    cache = dict(os.environ, XDG_CACHE_HOME=str(root))  # the compiled catalogue, made once
    warm = "from easeback.content.loader import default_catalogue; default_catalogue()"
    subprocess.run([sys.executable, "-c", warm], check=True, env=cache, timeout=300)
    good = write_journal(root / "good.sqlite3")
    return {
        "root": root,
        "empty": empty,
        "thousand": thousand,
        "old": old,
        "damaged": damaged_copy(good, root / "damaged.sqlite3", "last"),
    }


def run(
    journal: Path, where: Path, cache: Path, args: list[str], door: bool
) -> tuple[int, str, str, str]:
    """(exit code, stdout, stderr, what it imported) of the command on a copy of the journal
    in `where`, through the data folder (door) or named by URL (the engine)."""
    where.mkdir()
    shutil.copy(journal, where / "journal.sqlite3")
    env = dict(os.environ, EASEBACK_DATA_DIR=str(where), XDG_CACHE_HOME=str(cache))
    env.pop("EASEBACK_DATABASE_URL", None)
    if not door:
        env["EASEBACK_DATABASE_URL"] = f"sqlite:///{where / 'journal.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True, text=True, timeout=300, env=env, cwd=where,
    )  # fmt: skip
    err, _, imported = done.stderr.rpartition("imported:")
    return done.returncode, done.stdout, err.replace(str(where), "DIR"), imported.strip()


COMMANDS = {
    "history": ["history"],
    "history-limit": ["history", "--limit", "7"],
    "history-since": ["history", "--since", "2026-11-01"],
    "progress": ["progress", "--json"],
    "plan": ["plan", "--json", "--answers", "{answers}", "--where", "floor", "--minutes", "10"],
    "plan-blocked": ["plan", "--json", "--answers", "{red}", "--where", "floor", "--minutes", "5"],
    "checkin": ["checkin", "--pain", "3", "--stiffness", "4", "--at", "2026-01-02T03:04:05"],
}
CASES = [(j, c) for j in ("empty", "thousand", "old", "damaged") for c in COMMANDS]


@pytest.mark.parametrize(("kind", "command"), CASES, ids=[f"{j}-{c}" for j, c in CASES])
def test_the_door_says_what_the_engine_says(
    journals: dict[str, Path], kind: str, command: str, tmp_path: Path
) -> None:
    root = journals["root"]
    args = [
        a.format(answers=root / "answers.json", red=root / "red-flag.json")
        for a in COMMANDS[command]
    ]
    cache = journals["root"]
    code, out, err, imported = run(journals[kind], tmp_path / "door", cache, args, door=True)
    want = run(journals[kind], tmp_path / "engine", cache, args, door=False)
    assert (code, out, err) == want[:3]
    if kind == "damaged":
        assert code == 2 and "is damaged inside" in err and err.count("\n") == 1
        return
    assert code == (3 if command == "plan-blocked" else 0), err
    assert ('"planned": false' in out) == (command == "plan-blocked")
    if kind == "old":  # left to the engine, which migrated it as before
        assert "sqlalchemy" in imported
    else:
        assert imported == "", f"{command} imported {imported}"
    tables = []
    for side in ("door", "engine"):
        with sqlite3.connect(tmp_path / side / "journal.sqlite3") as con:
            assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [
                (HEAD_REVISION,)
            ]
            tables.append(con.execute("SELECT * FROM check_ins ORDER BY id").fetchall())
        con.close()
    assert tables[0] == tables[1]  # the check-in written is the engine's row, to the byte
    if command == "checkin":
        assert len(tables[0]) == {"empty": 1, "thousand": 801, "old": 801}[kind]
        assert oct((tmp_path / "door" / "journal.sqlite3").stat().st_mode & 0o777) == "0o600"
