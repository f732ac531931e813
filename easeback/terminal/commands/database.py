"""`easeback db migrate`: migrate a practice's PostgreSQL database as the role that owns its
tables, then grant the app's own role only what it needs (on the audit log: SELECT and INSERT).
register() stays cheap: heavy imports go inside handlers."""

from __future__ import annotations

import sys

from easeback.terminal.errors import EXIT_USAGE

TYPE_CHECKING = False  # keep `easeback --help` free of the typing import
if TYPE_CHECKING:
    import argparse
    from typing import Any


def register(sub: Any) -> None:  # argparse._SubParsersAction
    p = sub.add_parser("db", help="the practice database: migrate it as its owner role")
    actions = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    m = actions.add_parser(
        "migrate",
        help="bring the tables to this version as the owner role, then grant the app's role "
        "only what it needs (see README, A separate owner role)",
    )
    m.add_argument(
        "--owner-url",
        metavar="URL",
        help="PostgreSQL URL of the owner role (default: $EASEBACK_OWNER_DATABASE_URL)",
    )
    m.add_argument(
        "--app-role",
        metavar="NAME",
        help="the app's role (default: the user of $EASEBACK_DATABASE_URL or --database)",
    )
    m.add_argument("--database", metavar="URL", help="the app's database URL")
    m.set_defaults(handler=cmd_db_migrate)


def cmd_db_migrate(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    from easeback.settings import Settings
    from easeback.storage.engine import StorageError, grant_app_role, open_engine

    settings = Settings.from_env(database_url=args.database)
    owner_url = args.owner_url or settings.owner_database_url
    if not owner_url:
        print(
            "easeback: error: give the owner role's URL: --owner-url or "
            "EASEBACK_OWNER_DATABASE_URL",
            file=sys.stderr,
        )
        return EXIT_USAGE
    role = args.app_role
    if role is None and settings.database_url:
        role = make_url(settings.database_url).username
    if not role:
        print(
            "easeback: error: name the app's role: --app-role, or a user in EASEBACK_DATABASE_URL",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        owner = open_engine(owner_url)  # migrates to the head revision
        try:
            if owner.dialect.name != "postgresql":
                print("easeback: error: roles and grants need PostgreSQL", file=sys.stderr)
                return EXIT_USAGE
            grant_app_role(owner, role)
        finally:
            owner.dispose()
    except StorageError as exc:
        print(f"easeback: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DBAPIError as exc:  # the owner may not grant (not the tables' owner, no such role)
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        print(f"easeback: error: cannot grant to {role}: {first}", file=sys.stderr)
        return EXIT_USAGE
    print(f"migrated; role {role} may read and write the tables, and only add to the audit log")
    return 0
