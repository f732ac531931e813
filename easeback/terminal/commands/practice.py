"""Commands of the practice mode: `users add`. register() stays cheap: heavy imports go inside
handlers."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # keep `easeback --help` free of the typing import
if TYPE_CHECKING:
    import argparse
    from typing import Any


def register(sub: Any) -> None:  # argparse._SubParsersAction
    p = sub.add_parser("users", help="manage the accounts of a practice (serve --multi-user)")
    users = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = users.add_parser(
        "add",
        help="add a person, clinician, admin (of a clinic) or the owner (of the practice, no "
        "clinic): the password comes from standard input with "
        "--password-stdin, otherwise a one-time invite link is printed",
    )
    add.add_argument("email", metavar="EMAIL")
    add.add_argument("--role", required=True, choices=("person", "clinician", "admin", "owner"))
    add.add_argument("--clinic", metavar="NAME", help="the clinic (created if new)")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.add_argument(
        "--base-url",
        metavar="URL",
        help="address people reach the practice at, for the invite link "
        "(default $EASEBACK_PUBLIC_URL, else http://HOST:PORT from the settings)",
    )
    add.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: $EASEBACK_DATABASE_URL or the SQLite file in the data folder)",
    )
    add.set_defaults(handler=cmd_users_add)


def cmd_users_add(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from easeback.settings import Settings
    from easeback.usecases import accounts
    from easeback.usecases.journal import open_journal

    settings = Settings.from_env(database_url=args.database)
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    engine = open_journal(settings)
    try:
        uid, invite = accounts.add_user(
            engine, args.email, args.role, args.clinic, password, datetime.now(UTC)
        )
    finally:
        engine.dispose()
    print(f"added {args.role} {accounts.normal_email(args.email)} (id {uid})")
    if invite is not None:
        given = args.base_url or settings.public_url
        base = (given or f"http://{settings.host}:{settings.port}").rstrip("/")
        print(f"one-time invite link (valid {accounts.INVITE_DAYS} days): {base}/invite/{invite}")
    return 0
