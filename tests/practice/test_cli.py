"""`easeback users add`: password from standard input, or a one-time invite link."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from easeback.storage import open_engine
from easeback.terminal.cli import main
from easeback.usecases import accounts


def test_users_add_reads_the_password_from_stdin(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    argv = ["users", "add", "Ann@Example.org", "--role", "person", "--clinic", "North"]
    assert main([*argv, "--password-stdin", "--database", url]) == 0
    assert "added person ann@example.org" in capsys.readouterr().out
    engine = open_engine(url)
    signed = accounts.sign_in(
        engine, "ann@example.org", "a long enough password", "1.2.3.4", datetime.now(UTC)
    )
    assert signed.user.clinic == "North"
    engine.dispose()


def test_users_add_without_a_password_prints_an_invite_link(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    argv = ["users", "add", "al@north.example", "--role", "clinician", "--clinic", "North"]
    assert main([*argv, "--database", url, "--base-url", "https://practice.example/"]) == 0
    out = capsys.readouterr().out
    link = re.search(r"https://practice\.example/invite/([\w-]+)", out)
    assert link, out
    engine = open_engine(url)
    accounts.accept_invite(engine, link.group(1), "chosen password 1", datetime.now(UTC))
    engine.dispose()


def test_users_add_refuses_bad_input_in_one_line(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    assert (
        main(["users", "add", "nobody", "--role", "person", "--clinic", "N", "--database", url])
        == 2
    )
    err = capsys.readouterr().err
    assert err == "easeback: error: 'nobody' is not an email address\n"
