"""Commands of the web part. register() stays cheap: heavy imports go inside handlers."""

from __future__ import annotations

import sys

from easeback.terminal.errors import EXIT_USAGE

TYPE_CHECKING = False  # keep `easeback --help` free of the typing import
if TYPE_CHECKING:
    import argparse
    from typing import Any


def _port(value: str) -> int:
    """A TCP port number, for argparse."""
    import argparse

    if not value.strip().isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535, got {value!r}")
    return int(value)


def register(sub: Any) -> None:  # argparse._SubParsersAction
    """Add this part's subcommands."""
    p = sub.add_parser(
        "serve", help="start the web app on this computer (the default with no command)"
    )
    p.add_argument("--host", help="address to bind (default 127.0.0.1, this computer only)")
    p.add_argument("--port", type=_port, help="port to listen on (default 8765)")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding an address other devices can reach (without --multi-user no "
        "login protects it; --multi-user needs no such flag: every page asks for sign-in)",
    )
    p.add_argument(
        "--multi-user",
        action="store_true",
        help="serve a practice: sign-in, people and clinicians (see README, Running a practice)",
    )
    p.add_argument("--workers", type=int, help="worker processes with --multi-user (default 1)")
    p.add_argument("--database", metavar="URL", help="database URL, e.g. postgresql://...")
    p.add_argument("--tls-cert", metavar="FILE", help="TLS certificate (PEM) to serve HTTPS")
    p.add_argument("--tls-key", metavar="FILE", help="TLS private key (PEM) of the certificate")
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="with --multi-user behind a proxy: the address people use, e.g. "
        "https://clinic.example (allowed host, invite links, Secure cookies)",
    )
    p.set_defaults(handler=cmd_serve)


def web_available() -> bool:
    """Whether the web extra (fastapi, uvicorn) is installed, without importing it."""
    from importlib.util import find_spec

    return all(find_spec(m) is not None for m in ("fastapi", "uvicorn", "jinja2"))


def _listenable(host: str, port: int) -> None:
    """Refuse a port another program holds, in one line, before the app is built (uvicorn
    would log the error and end with its start-up failure code, 3: easeback's 'blocked by the
    screening'). Bound as uvicorn binds, with SO_REUSEADDR, and let go at once."""
    import socket

    from easeback.terminal.errors import CliError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            why = "it is in use" if exc.errno == 98 else exc.strerror or str(exc)
            raise CliError(
                f"cannot listen on {host} port {port}: {why} (is easeback already running? "
                "choose another with --port)"
            ) from None


def cmd_serve(args: argparse.Namespace) -> int:
    from easeback.settings import Settings
    from easeback.terminal.errors import CliError

    multi_user = getattr(args, "multi_user", False)
    overrides = {"database_url": args.database} if args.database else {}
    settings = Settings.from_env(
        host=args.host, port=args.port, workers=getattr(args, "workers", None), **overrides
    )
    settings.require("port", "workers")
    if not multi_user and (args.tls_cert or args.tls_key or settings.tls_certfile):
        raise CliError(
            "--tls-cert and --tls-key (EASEBACK_TLS_CERT, EASEBACK_TLS_KEY) serve a practice "
            "over HTTPS: use them with --multi-user; the personal app serves this computer "
            "over plain http"
        )
    if not multi_user and getattr(args, "workers", None) is not None:
        raise CliError("--workers is for a practice: use it with --multi-user")
    if multi_user:
        from easeback.web.practice.serve import serve_practice

        return serve_practice(args, check_port=_listenable)
    from easeback.web.hosts import is_loopback

    if not is_loopback(settings.host):
        if not args.allow_remote:
            print(
                f"easeback: error: refusing to bind {settings.host}, which other devices can "
                "reach; easeback has no login. Use --allow-remote if you really mean it.",
                file=sys.stderr,
            )
            return EXIT_USAGE
        print(
            f"easeback: warning: binding {settings.host}; anyone who can reach this address "
            "can use easeback and see what you enter.",
            file=sys.stderr,
        )
    if not web_available():
        print(
            "easeback: error: the web app needs the web extra: pip install 'easeback[web]'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if settings.database_url:
        from easeback.web.journal_door import journal_installed

        if journal_installed():  # a wrong URL is named now, not at the first page that saves
            from easeback.usecases import journal

            journal.open_journal(settings).dispose()
    _listenable(settings.host, settings.port)
    import uvicorn

    from easeback.web import SERVE_OPTIONS, create_app

    app = create_app(settings)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    print(f"easeback is running at http://{host}:{settings.port}/  (press Ctrl+C to stop)")
    sys.stdout.flush()
    uvicorn.run(app, host=settings.host, port=settings.port, **SERVE_OPTIONS)
    return 0
