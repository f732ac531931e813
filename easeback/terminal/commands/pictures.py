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
    from easeback.terminal.errors import CliError
    from easeback.usecases import files, planning

    out = Path(args.out)
    if out.is_dir() or not out.parent.is_dir():  # said now, not after drawing every page
        why = "it is a folder" if out.is_dir() else f"folder {out.parent} does not exist"
        raise CliError(f"cannot write --out {out}: {why}")
    cat = default_catalogue()
    if args.plan:
        routine = planning.routine_from_public(cat, files.read_json_file(Path(args.plan), "plan"))
        items = handout.items_from_routine(routine)
        title, notes = "Your easeback routine", list(routine.notes)
        # A plan file can be older than a sharp-pain stop: what the journal leaves out is left out.
        gone = sorted({i.technique.id for i in items} & _left_out())
        if gone:
            items = [i for i in items if i.technique.id not in gone]
            names = ", ".join(cat.technique(t).name for t in gone)
            back = " or ".join(f"easeback restore {t}" for t in gone)
            notes.append(f"Left out after sharp pain: {names}. Ask a professional before "
                         f"trying it again; once they agree, {back} puts it back.")  # fmt: skip
            print(f"easeback: note: left out after sharp pain: {', '.join(gone)}", file=sys.stderr)
            if not items:
                raise CliError("every technique in this plan was left out after sharp pain; "
                               "make a new plan with `easeback plan`")  # fmt: skip
    else:
        items = handout.items_from_techniques(cat.techniques)
        title = "easeback techniques"
        notes = ["No plan given: this lists every technique. Answer the safety questions "
                 "(`easeback plan`) to get a routine that fits you."]  # fmt: skip
    handout.write_handout(items, out, title, notes)
    print(f"Wrote {out}")
    return 0


def _left_out() -> frozenset[str]:
    """Techniques the journal leaves out after sharp pain; none when there is no journal yet."""
    from easeback.settings import Settings

    settings = Settings.from_env()
    journal_file = settings.resolved_data_dir() / "journal.sqlite3"
    if not settings.database_url and not journal_file.exists():
        return frozenset()  # nothing recorded yet, and no journal is created for a handout
    from easeback.terminal.commands.journal import _journal_or_none
    from easeback.usecases import journal

    engine = _journal_or_none("nothing")
    return frozenset() if engine is None else journal.left_out_of(engine)


def register(sub: Any) -> None:  # argparse._SubParsersAction
    """Add this part's subcommands."""
    p = sub.add_parser("handout", help="a printable PDF of a routine: pictures, steps, stop signs")
    p.add_argument("--plan", metavar="FILE.json", help="a plan saved by `plan --out` or `--json`")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    p.set_defaults(handler=cmd_handout)
