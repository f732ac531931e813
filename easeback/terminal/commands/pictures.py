"""Commands of the pictures part. register() stays cheap: heavy imports go inside handlers."""

from __future__ import annotations

import argparse

TYPE_CHECKING = False  # keep typing and pathlib out of `easeback --help`
if TYPE_CHECKING:
    from typing import Any


def cmd_handout(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from easeback.content.loader import default_catalogue
    from easeback.pictures import handout
    from easeback.terminal.errors import EXIT_BLOCKED, CliError
    from easeback.usecases import files, planning

    out = Path(args.out)
    if out.is_dir() or not out.parent.is_dir():  # said now, not after drawing every page
        why = "it is a folder" if out.is_dir() else f"folder {out.parent} does not exist"
        raise CliError(f"cannot write --out {out}: {why}")
    cat = default_catalogue()
    if args.plan:
        routine = planning.routine_from_public(cat, files.read_json_file(Path(args.plan), "plan"))
        title, notes = "Your easeback routine", list(routine.notes)
        fitted, more = _fit_to_journal(cat, routine)
        if fitted is None or not fitted.items:  # nothing to print: refused, as a session is
            print(f"easeback: refused: {' '.join(more)}", file=sys.stderr)
            return EXIT_BLOCKED
        notes += more
        for note in more:
            print(f"easeback: note: {note}", file=sys.stderr)
        items = handout.items_from_routine(fitted)
    else:
        items = handout.items_from_techniques(cat.techniques)
        title = "easeback techniques"
        notes = ["No plan given: this lists every technique. Answer the safety questions "
                 "(`easeback plan`) to get a routine that fits you."]  # fmt: skip
    check_first = cat.screening.check_first  # safety.md v3: every handout carries it
    if check_first and check_first not in notes:
        notes.append(check_first)
    handout.write_handout(items, out, title, notes)
    print(f"Wrote {out}")
    return 0


def _fit_to_journal(cat: Any, routine: Any) -> tuple[Any | None, list[str]]:
    """A plan file can be older than the answers in force or a sharp-pain stop: what the journal
    rules out is not printed, and notes say what and why. No journal yet: the plan as it is."""
    from easeback.settings import Settings

    settings = Settings.from_env()
    journal_file = settings.resolved_data_dir() / "journal.sqlite3"
    if not settings.database_url and not journal_file.exists():
        return routine, []  # nothing recorded yet, and no journal is created for a handout
    from easeback.terminal.commands.journal import _journal_or_none, fit_plan
    from easeback.usecases import journal

    engine = _journal_or_none("nothing")
    if engine is None:
        return routine, []
    result = journal.latest_valid_screening(engine, cat, journal.utc_now())
    return fit_plan(cat, routine, result, journal.left_out_of(engine))


def register(sub: Any) -> None:  # argparse._SubParsersAction
    """Add this part's subcommands."""
    p = sub.add_parser("handout", help="a printable PDF of a routine: pictures, steps, stop signs")
    p.add_argument("--plan", metavar="FILE.json", help="a plan saved by `plan --out` or `--json`")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    p.set_defaults(handler=cmd_handout)
