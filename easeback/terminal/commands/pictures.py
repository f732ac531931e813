"""Commands of the pictures part. register() stays cheap: heavy imports go inside handlers."""

from __future__ import annotations

import argparse

TYPE_CHECKING = False  # keep typing and pathlib out of `easeback --help`
if TYPE_CHECKING:
    from typing import Any


def cmd_handout(args: argparse.Namespace) -> int:
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
    else:
        items = handout.items_from_techniques(cat.techniques)
        title = "easeback techniques"
        notes = ["No plan given: this lists every technique. Answer the safety questions "
                 "(`easeback plan`) to get a routine that fits you."]  # fmt: skip
    handout.write_handout(items, out, title, notes)
    print(f"Wrote {out}")
    return 0


def register(sub: Any) -> None:  # argparse._SubParsersAction
    """Add this part's subcommands."""
    p = sub.add_parser("handout", help="a printable PDF of a routine: pictures, steps, stop signs")
    p.add_argument("--plan", metavar="FILE.json", help="a plan saved by `plan --out` or `--json`")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    p.set_defaults(handler=cmd_handout)
