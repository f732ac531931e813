"""The scripting contract of issue 2, exercised through the installed command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.domain.answers import clear_answers

EXE = [sys.executable, "-m", "easeback"]


DATA_DIR = tempfile.mkdtemp(prefix="easeback-cli-test-")  # never the person's own journal


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, EASEBACK_DATA_DIR=str(cwd or DATA_DIR))
    return subprocess.run(
        [*EXE, *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=env
    )


@pytest.fixture
def answers(tmp_path):
    def write(**overrides):
        path = tmp_path / "answers.json"
        path.write_text(json.dumps(clear_answers(**overrides)))
        return str(path)

    return write


def test_screen_json(answers):
    out = run("screen", "--answers", answers(pain_days=10), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["complete"] is True
    assert data["disposition"] == "caution"
    assert data["reasons"][0]["question"] == "pain_days"
    assert set(data["reasons"][0]) >= {"question", "answer", "disposition", "advice"}


def test_plan_json_contract(answers):
    out = run("plan", "--answers", answers(), "--where", "floor", "--minutes", "10", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["planned"] is True and data["disposition"] == "clear"
    assert 540 <= data["total_seconds"] <= 660
    keys = {
        "id",
        "name",
        "category",
        "places",
        "positions",
        "loads",
        "directions",
        "hip_flexion_deg",
        "crosses_legs",
        "end_range_flexion",
        "twist",
        "adducts_hip",
        "nerve_tension",
        "progresses_from",
        "equipment",
        "hold_seconds",
        "reps",
        "sets",
        "per_side",
        "seconds",
    }
    assert 5 <= len(data["techniques"]) <= 6
    for t in data["techniques"]:
        assert keys <= set(t)
        assert "floor" in t["places"]
        assert t["equipment"] == []
    assert sum(t["seconds"] for t in data["techniques"]) + 5 == data["total_seconds"]


def test_plan_chair_implies_a_chair(answers):
    out = run("plan", "--answers", answers(), "--where", "chair", "--minutes", "5", "--json")
    data = json.loads(out.stdout)
    assert data["techniques"]
    assert all(t["equipment"] in ([], ["chair"]) for t in data["techniques"])
    assert any(t["equipment"] == ["chair"] for t in data["techniques"])


def test_plan_blocked_exits_3(answers):
    out = run(
        "plan",
        "--answers",
        answers(bladder_bowel_control="unsure"),
        "--where",
        "floor",
        "--minutes",
        "10",
        "--json",
    )
    assert out.returncode == 3
    data = json.loads(out.stdout)
    assert data["planned"] is False and data["disposition"] == "emergency"
    assert data["reasons"][0]["question"] == "bladder_bowel_control"


@pytest.mark.parametrize(
    ("overrides", "code"), [({"bladder_bowel_control": "unsure"}, 3), ({}, 0)]
)
def test_exit_code_does_not_depend_on_a_closed_pipe(answers, overrides, code):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before a byte is written
    try:
        out = subprocess.run(
            [*EXE, "plan", "--answers", answers(**overrides), "--where", "floor",
             "--minutes", "10", "--json"],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120,
            env=dict(os.environ, EASEBACK_DATA_DIR=DATA_DIR),
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert out.returncode == code, out.stderr
    assert "Traceback" not in out.stderr and "Exception ignored" not in out.stderr


def test_plan_incomplete_exits_2_without_disposition(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"pain_now": 3}))
    out = run("plan", "--answers", str(path), "--where", "floor", "--minutes", "10", "--json")
    assert out.returncode == 2
    assert json.loads(out.stdout)["disposition"] is None
    assert "no answer for: bladder_bowel_control" in out.stderr


@pytest.mark.parametrize("qid", ["pain_now", "limits_daily_activities", "bone_density_low"])
@pytest.mark.parametrize("command", ["screen", "plan"])
def test_a_missing_context_answer_exits_2_naming_it(answers, command, qid):
    path = Path(answers())
    data = json.loads(path.read_text())
    del data[qid]
    path.write_text(json.dumps(data))
    extra = ["--where", "floor", "--minutes", "10"] if command == "plan" else []
    out = run(command, "--answers", str(path), "--json", *extra)
    assert out.returncode == 2, out
    assert out.stderr.strip().splitlines() == [
        f"easeback: error: answers file has no answer for: {qid}"
    ]
    assert json.loads(out.stdout)["missing"] == [qid]


def test_json_booleans_are_refused_with_exit_2(answers):
    path = Path(answers())
    data = json.loads(path.read_text()) | {"knee_problem": True}
    path.write_text(json.dumps(data))
    out = run("plan", "--answers", str(path), "--where", "floor", "--minutes", "10")
    assert out.returncode == 2
    assert "answer to 'knee_problem' must be one of yes, no as text, got the boolean true" in (
        out.stderr
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "not found"),
        ("{not json", "not valid JSON"),
        (
            json.dumps(clear_answers(favourite_colour="blue")),
            "unknown question id 'favourite_colour'",
        ),
        (json.dumps(clear_answers(pain_now=11)), "'pain_now' must be at most 10"),
        (json.dumps([1, 2]), "JSON object"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(tmp_path, content, message):
    path = tmp_path / "answers.json"
    if content is not None:
        path.write_text(content)
    for args in (
        ["screen", "--answers", str(path), "--json"],
        ["plan", "--answers", str(path), "--where", "floor", "--minutes", "5"],
    ):
        out = run(*args)
        assert out.returncode == 2, out
        assert "Traceback" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1
        assert message in out.stderr


def test_bad_place_and_equipment_are_named(answers):
    out = run("plan", "--answers", answers(), "--where", "roof", "--minutes", "5")
    assert out.returncode == 2 and "unknown place 'roof'" in out.stderr
    out = run(
        "plan",
        "--answers",
        answers(),
        "--where",
        "floor",
        "--minutes",
        "5",
        "--equipment",
        "ball,trampoline",
    )
    assert out.returncode == 2 and "unknown equipment 'trampoline'" in out.stderr


def test_techniques_json_and_filters():
    out = run("techniques", "--json")
    data = json.loads(out.stdout)
    assert len(data) >= 24
    assert all(t["steps"] and t["sources"] for t in data)
    rule_fields = {
        "positions",
        "loads",
        "directions",
        "hip_flexion_deg",
        "crosses_legs",
        "end_range_flexion",
        "twist",
        "adducts_hip",
        "nerve_tension",
        "progresses_from",
    }
    assert all(rule_fields <= set(t) for t in data)
    by_id = {t["id"]: t for t in data}
    assert by_id["cobra"]["progresses_from"] == "sphinx"
    assert by_id["seated-forward-flexion"]["nerve_tension"] is True
    chair = json.loads(run("techniques", "--place", "chair", "--json").stdout)
    assert chair and all("chair" in t["places"] for t in chair)
    none = json.loads(run("techniques", "--equipment", "", "--json").stdout)
    assert none and all(t["equipment"] == [] for t in none)
    cat = json.loads(run("techniques", "--category", "stretch", "--json").stdout)
    assert cat and all(t["category"] == "stretch" for t in cat)


def test_show_and_learn():
    out = run("show", "cat-cow")
    assert out.returncode == 0 and "Cat" in out.stdout and "Stop if" in out.stdout
    assert run("show", "no-such").returncode == 2
    out = run("learn", "why-backs-pop")
    assert out.returncode == 0 and "cavitation" in out.stdout.lower()
    assert "red-flags" in run("learn", "--list").stdout


def test_session_dry_run_json(answers, tmp_path):
    plan = tmp_path / "plan.json"
    out = run(
        "plan",
        "--answers",
        answers(),
        "--where",
        "floor",
        "--minutes",
        "10",
        "--out",
        str(plan),
        "--json",
    )
    total = json.loads(out.stdout)["total_seconds"]
    out = run("session", "--plan", str(plan), "--dry-run", "--json")
    assert out.returncode == 0, out.stderr
    cues = [json.loads(line) for line in out.stdout.splitlines()]
    assert cues[0]["kind"] == "ready" and cues[-1]["kind"] == "complete"
    assert cues[-1]["offset"] == total
    offsets = [c["offset"] for c in cues]
    assert offsets == sorted(offsets)
    assert {"hold", "move", "release", "intro"} <= {c["kind"] for c in cues}


def test_session_rejects_a_tampered_plan(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"planned": True, "disposition": "emergency", "techniques": []}))
    out = run("session", "--plan", str(plan), "--dry-run")
    assert out.returncode == 2 and "allows no routine" in out.stderr
    plan.write_text(
        json.dumps(
            {
                "planned": True,
                "disposition": "clear",
                "techniques": [{"id": "spine-crack", "reps": 1, "sets": 1}],
            }
        )
    )
    out = run("session", "--plan", str(plan), "--dry-run")
    assert out.returncode == 2 and "unknown technique id 'spine-crack'" in out.stderr


def test_session_runs_to_completion_at_speed(answers, tmp_path):
    plan = tmp_path / "plan.json"
    run("plan", "--answers", answers(), "--where", "chair", "--minutes", "2", "--out", str(plan))
    assert run("screen", "--answers", answers(), "--save", cwd=tmp_path).returncode == 0
    out = subprocess.run(
        [*EXE, "session", "--plan", str(plan), "--speed", "400", "--no-voice"],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, EASEBACK_DATA_DIR=str(tmp_path)),
    )
    assert out.returncode == 0, out.stderr
    assert "Routine complete" in out.stdout


def test_help_imports_nothing_heavy():
    code = (
        "import sys, contextlib, io\n"
        "from easeback.terminal import cli\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['--help'])\n"
        "heavy = [m for m in ('pydantic', 'rich', 'yaml', 'sqlalchemy', 'fastapi', 'numpy',"
        " 'shutil') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.fixture(scope="module")
def compiled_cache(tmp_path_factory) -> Path:
    """A cache folder (XDG_CACHE_HOME) holding the catalogue compiled from this tree: the one
    in ~/.cache is shared by every checkout on the machine, and another tree's copy is stale
    here, so the process would validate the content again (importing pydantic) now and then."""
    from easeback.content.loader import CONTENT_DIR, compiled_catalogue

    home = tmp_path_factory.mktemp("cache")
    compiled_catalogue(CONTENT_DIR, home / "easeback")
    return home


@pytest.mark.parametrize(
    ("command", "shows"),
    [
        (["plan", "--answers", "{answers}", "--where", "floor", "--minutes", "10", "--json"],
         '"planned": true'),
        (["screen", "--answers", "{answers}", "--json"], '"disposition"'),
        (["techniques", "--json"], '"cat-cow"'),
    ],
)  # fmt: skip
def test_json_commands_without_a_journal_import_neither_rich_nor_sqlalchemy(
    answers, tmp_path, command, shows, compiled_cache
):
    args = [answers() if a == "{answers}" else a for a in command]
    code = (
        "import sys, contextlib, io\n"
        "from easeback.terminal import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    code = cli.main({args!r})\n"
        f"assert code == 0 and {shows!r} in out.getvalue(), out.getvalue()\n"
        "heavy = ('rich', 'sqlalchemy', 'fastapi', 'pydantic', 'markdown_it')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    env = dict(os.environ, EASEBACK_DATA_DIR=str(tmp_path / "data"))
    env["XDG_CACHE_HOME"] = str(compiled_cache)
    env.pop("EASEBACK_DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == ""


def _journey_input(red_flag: str | None = None) -> str:
    from easeback.content.loader import default_catalogue

    lines = []
    for q in default_catalogue().screening.questions:
        if q.kind.value == "red_flag":
            lines.append("unsure" if q.id == red_flag else "no")
        elif q.kind.value == "yes_no":
            lines.append("no")
        elif q.optional:
            lines.append("")
        else:
            lines.append("2")
    return "\n".join([*lines, "chair", "5", "", "desk-break", "no"]) + "\n"


def test_interactive_journey_plans_a_routine(tmp_path):
    out = subprocess.run(
        [*EXE, "start", "--no-voice"],
        input=_journey_input(),
        text=True,
        capture_output=True,
        timeout=120,
        env=dict(os.environ, EASEBACK_DATA_DIR=str(tmp_path)),
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Gentle self-care is fine" in out.stdout
    assert "Your routine" in out.stdout


def test_interactive_journey_stops_at_a_red_flag(tmp_path):
    out = subprocess.run(
        [*EXE, "start", "--no-voice"],
        input=_journey_input("saddle_numbness"),
        text=True,
        capture_output=True,
        timeout=120,
        env=dict(os.environ, EASEBACK_DATA_DIR=str(tmp_path)),
    )
    assert out.returncode == 3
    assert "Get emergency help now" in out.stdout
    assert "Your routine" not in out.stdout
    assert "traffic accident" not in out.stdout, "no further questions after an emergency answer"
    # the emergency answer is kept in the journal, as urgent ones are
    hist = subprocess.run(
        [*EXE, "history"], capture_output=True, text=True, timeout=120,
        env=dict(os.environ, EASEBACK_DATA_DIR=str(tmp_path)),
    )  # fmt: skip
    assert "screening" in hist.stdout and "emergency" in hist.stdout, hist.stdout + hist.stderr


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reps", -3, "reps must be a whole number of 1 or more"),
        ("sets", 0, "sets must be a whole number of 1 or more"),
        ("hold_seconds", 0, "hold_seconds must be a whole number of 1 or more"),
        ("reps", "5", "reps must be a whole number"),
        ("id", "spine-crack", "unknown technique id 'spine-crack'"),
    ],
)
def test_edited_plan_files_are_refused_in_one_line(answers, tmp_path, field, value, message):
    plan = tmp_path / "plan.json"
    run("plan", "--answers", answers(), "--where", "floor", "--minutes", "10", "--out", str(plan))
    data = json.loads(plan.read_text())
    held = next(t for t in data["techniques"] if t["hold_seconds"] is not None)
    held[field] = value
    plan.write_text(json.dumps(data))
    out = run("session", "--plan", str(plan), "--dry-run")
    assert out.returncode == 2, out.stdout
    assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["history", "--limit", "-3"],
        ["history", "--limit", "0"],
        ["plan", "--answers", "a.json", "--where", "floor", "--minutes", "ten"],
        ["techniques", "--no-such-option"],
    ],
)
def test_argument_errors_are_one_line_exit_2(args):
    out = run(*args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("easeback") and "error" in lines[0], lines
    assert "Traceback" not in out.stderr


def test_bad_paths_files_and_urls_are_one_line_exit_2(answers, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"pain_now": "d\xe9j\xe0"}'.encode("latin-1"))
    cases = [
        (["show", "cat-cow", "--png", str(blocker / "x.png")], "cannot write --png"),
        (["show", "cat-cow", "--svg", str(blocker / "x.svg")], "cannot write --svg"),
        (["plan", "--answers", answers(), "--where", "floor", "--minutes", "10",
          "--out", str(blocker / "plan.json")], "cannot write"),
        (["screen", "--answers", str(latin1)], "not UTF-8"),
        (["history", "--database", "foo://bar"], "not a database easeback knows"),
        (["serve", "--port", "99999"], "port number from 1 to 65535"),
    ]  # fmt: skip
    for args, message in cases:
        out = run(*args)
        lines = out.stderr.strip().splitlines()
        assert out.returncode == 2, (args, out.stderr)
        assert len(lines) == 1 and message in lines[0], (args, lines)


def test_screen_reasons_are_plain_words_without_question_ids(answers):
    """A person reads the advice, not `pain_below_knee = yes`; each piece of advice once."""
    out = run("screen", "--answers", answers(pain_below_knee="yes", pain_days=100))
    assert out.returncode == 0, out.stderr
    shown = " ".join(out.stdout.split())
    assert "pain_below_knee" not in shown and "pain_days" not in shown and " = " not in shown
    assert "below the knee" in shown and "12 weeks" in shown
    assert shown.count("counts as chronic") == 1


def test_plan_json_from_the_compiled_catalogue_imports_no_pydantic_yaml_or_typing(
    answers, tmp_path
):
    code = (
        "import sys, contextlib, io\n"
        "from easeback.terminal import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    code = cli.main(['plan', '--answers', {answers()!r}, '--where', 'floor',"
        " '--minutes', '10', '--json'])\n"
        "assert code == 0 and '\"planned\": true' in out.getvalue(), out.getvalue()\n"
        "print(','.join(m for m in ('pydantic', 'yaml', 'typing', 'dataclasses', 'locale',"
        " 'rich', 'sqlalchemy') if m in sys.modules))\n"
    )
    env = dict(os.environ, EASEBACK_DATA_DIR=str(tmp_path / "data"))
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env.pop("EASEBACK_DATABASE_URL", None)
    run = [sys.executable, "-c", code]
    first = subprocess.run(run, capture_output=True, text=True, check=True, env=env)
    assert "pydantic" in first.stdout  # no compiled catalogue yet: validated, then compiled
    again = subprocess.run(run, capture_output=True, text=True, check=True, env=env)
    assert again.stdout.strip() == ""


def test_every_subcommand_parser_is_built_when_chosen_and_helps(capsys):
    import argparse

    from easeback.terminal.cli import _Subcommands, build_parser, main

    sub = build_parser()._subparsers._group_actions[0]  # type: ignore[union-attr]
    assert isinstance(sub, _Subcommands)
    assert all(p is None for p in sub.choices.values())  # nothing built until chosen
    listed = {a.dest for a in sub._choices_actions}
    assert listed == set(sub.choices)
    translate = argparse._  # type: ignore[attr-defined]
    for name in sub.choices:
        with pytest.raises(SystemExit) as done:
            main([name, "--help"])
        assert done.value.code == 0
        shown = capsys.readouterr().out
        assert shown.startswith(f"usage: easeback {name} "), shown[:80]
        assert sub.parser(name).format_help() == shown  # the real parser, built on demand
        assert argparse._ is translate  # type: ignore[attr-defined]  # put back after parsing


def test_nested_subcommands_are_declared_and_parsed_as_written(capsys):
    from easeback.terminal.cli import main

    with pytest.raises(SystemExit) as done:
        main(["users", "add", "--help"])
    assert done.value.code == 0
    assert "--password-stdin" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        main(["users", "nope"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "invalid choice: 'nope'" in err
