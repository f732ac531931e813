"""`easeback serve --multi-user`: uvicorn with several worker processes. The settings travel to
the workers through the environment, and each worker builds its app with `app_from_env`."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from fastapi import FastAPI

from easeback.web.hosts import public_origin, split_names

EXIT_USAGE = 2


def app_from_env() -> FastAPI:
    """The app factory each worker calls."""
    from easeback.content.loader import default_catalogue
    from easeback.settings import Settings
    from easeback.web.practice.app import create_practice_app

    # the parent migrated before starting the workers: a worker started while the database is
    # down must still start (a worker failing to start stops the whole server), then answer 503
    return create_practice_app(
        Settings.from_env(multi_user=True), default_catalogue(), migrate=False
    )


def serve_practice(
    args: argparse.Namespace, check_port: Callable[[str, int], None] | None = None
) -> int:
    """Serve the practice; `check_port` refuses a port in use, called once the arguments
    are known good (a wrong --tls pair or address is named even when the port is taken)."""
    from importlib.util import find_spec

    from easeback.settings import Settings

    overrides = {
        "EASEBACK_HOST": args.host,
        "EASEBACK_PORT": None if args.port is None else str(args.port),
        "EASEBACK_DATABASE_URL": args.database,
        "EASEBACK_WORKERS": None if args.workers is None else str(args.workers),
        "EASEBACK_TLS_CERT": args.tls_cert,
        "EASEBACK_TLS_KEY": args.tls_key,
        "EASEBACK_PUBLIC_URL": getattr(args, "public_url", None),
        "EASEBACK_MULTI_USER": "1",
    }
    for key, value in overrides.items():
        if value is not None:
            os.environ[key] = value
    settings = Settings.from_env()
    if find_spec("argon2") is None:
        print(
            "easeback: error: the practice mode needs argon2-cffi: "
            "pip install 'easeback[app,practice]'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if bool(settings.tls_certfile) != bool(settings.tls_keyfile):
        print("easeback: error: give both --tls-cert and --tls-key, or neither", file=sys.stderr)
        return EXIT_USAGE
    try:
        public_origin(settings.public_url)
    except ValueError as exc:
        print(f"easeback: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if settings.workers < 1:
        print("easeback: error: --workers must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if check_port is not None:
        check_port(settings.host, settings.port)
    # Create and migrate the database once, before the workers race to do it.
    from easeback.usecases.journal import open_journal

    engine = open_journal(settings)
    try:
        from easeback.storage.engine import owns_tables

        if engine.dialect.name == "postgresql" and owns_tables(engine):
            print(
                f"easeback: warning: the database role {engine.url.username} owns the tables, "
                "so anyone holding its password could rewrite the audit log; give the app a "
                "role of its own (README, A separate owner role)",
                file=sys.stderr,
            )
    finally:
        engine.dispose()
    import uvicorn

    from easeback.web.practice.logs import log_config

    scheme = "https" if settings.tls_certfile else "http"
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    print(
        f"easeback practice at {scheme}://{host}:{settings.port}/ with "
        f"{settings.workers} worker(s)  (press Ctrl+C to stop)"
    )
    sys.stdout.flush()
    uvicorn.run(
        "easeback.web.practice.serve:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        ssl_certfile=settings.tls_certfile,
        ssl_keyfile=settings.tls_keyfile,
        proxy_headers=True,
        forwarded_allow_ips=split_names(settings.trusted_proxies) or None,
        # longer than clients and proxies keep idle connections, so a request never meets a
        # connection the server is just closing (uvicorn's default is 5 s)
        timeout_keep_alive=75,
        # easeback's own access log (easeback.web.practice.logs) instead of uvicorn's, which
        # would write each path and query string; INFO for the notices of workers that die
        log_config=log_config(),
        log_level="info",
        access_log=False,
    )
    return 0
