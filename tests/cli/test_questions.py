"""`easeback questions` says what an answers file answers, from the content; `show` finds a
technique by its name or another name and says when to stop right after the dose; --version."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from easeback.content.loader import default_catalogue
from easeback.domain.screening import AnswerError, QuestionKind
from easeback.terminal.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, EASEBACK_DATA_DIR=str(cwd / "data"))
    env.pop("EASEBACK_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "easeback", *args], capture_output=True,
                          text=True, timeout=300, env=env, cwd=cwd)  # fmt: skip


def test_questions_json_is_every_question_and_an_answers_file_follows(tmp_path: Path) -> None:
    out = run("questions", "--json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    listed = json.loads(out.stdout)
    questions = default_catalogue().screening.questions
    assert [q["id"] for q in listed] == [q.id for q in questions]
    for q, shown in zip(questions, listed, strict=True):
        assert shown["type"] == q.kind.value and shown["optional"] == q.optional
        if q.kind is QuestionKind.INTEGER:
            assert shown["answers"] == {"min": q.min, "max": q.max}
        else:  # the words listed are the ones screening takes, and only those
            for word in shown["answers"]:
                assert q.validate_answer(word) == word
            assert ("unsure" in shown["answers"]) is (q.kind is QuestionKind.RED_FLAG)
            with pytest.raises(AnswerError):
                q.validate_answer("maybe")
    # an answers file written from the list, as the README shows, is complete
    answers = {
        q["id"]: "no" if isinstance(q["answers"], list) else q["answers"]["min"]
        for q in listed
        if not q["optional"]
    }
    (tmp_path / "a.json").write_text(json.dumps(answers))
    screened = run("screen", "--answers", "a.json", "--json", cwd=tmp_path)
    assert screened.returncode == 0, screened.stderr
    assert json.loads(screened.stdout)["missing"] == []


def test_questions_in_words_name_each_id_and_its_answers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["questions"]) == 0
    text = capsys.readouterr().out
    for q in default_catalogue().screening.questions:
        assert f"\n{q.id} " in f"\n{text}", q.id
    assert "yes | no | unsure" in text and "a whole number from 0 to 10" in text


def test_version_is_the_packages(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert capsys.readouterr().out.strip() == f"easeback {version}"


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        (["cat", "camel"], "Cat-cow"),
        (["Bridge"], "Bridge"),
        (["CAT-CAMEL", "STRETCH"], "Cat-cow"),
        (["sphinx pose"], "Sphinx"),
        (["pelvic-tilt"], "Pelvic tilt"),
    ],
)
def test_show_finds_names_and_aliases(
    typed: list[str], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", *typed]) == 0
    text = capsys.readouterr().out
    assert text.lstrip().startswith(name), text[:80]
    dose, stop, steps = (text.index(h) for h in ("\nDose", "\nStop if", "\nSteps"))
    assert dose < stop < steps  # when to stop comes right after the dose


def test_show_a_name_it_does_not_know_suggests_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "brige"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no technique is called 'brige'; did you mean bridge?" in err[0]
