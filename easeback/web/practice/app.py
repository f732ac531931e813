"""The practice app: every page and API needs a signed-in user except sign-in and static files.
Built by easeback.web.create_app when the multi_user setting is on; the single-person routes
(wizard, in-memory sessions) are not mounted here, so nothing lives in process memory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from easeback.content.loader import Catalogue
from easeback.settings import Settings
from easeback.usecases import practice
from easeback.usecases.errors import InputError
from easeback.web.fast import HotApp
from easeback.web.hosts import LOOPBACK_NAMES, hostname, is_loopback, public_origin, split_names
from easeback.web.practice import api, coach, pages
from easeback.web.practice.inputs import ControlCharacterMiddleware
from easeback.web.practice.logs import AccessLogMiddleware
from easeback.web.practice.state import PracticeState, practice_state
from easeback.web.security import NoStoreMiddleware, SecurityMiddleware
from easeback.web.templating import templates as jinja_templates

WEB = Path(__file__).parent.parent
HSTS = "max-age=31536000; includeSubDomains"
# What SQLAlchemy raises when the database cannot be reached (down, restarting, failing over,
# the pool exhausted): answered 503 with Retry-After, never 500.
OUTAGES: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeout,
)
RETRY_AFTER = 5  # seconds
THREADS = 10  # a worker's threads for the routes (anyio's default: 40); see POOL_SIZE
log = logging.getLogger("easeback.practice")


def _retry_headers() -> dict[str, str]:
    return {"retry-after": str(RETRY_AFTER), "cache-control": "no-store"}


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def create_practice_app(
    settings: Settings, catalogue: Catalogue, *, migrate: bool = True
) -> FastAPI:
    """With `migrate` off (the workers of `serve --multi-user`, whose parent migrated) the
    database is not touched until the first request, so a worker replaced while it is down
    starts all the same and answers 503 until it is back."""
    from easeback.usecases.accounts import check_settings
    from easeback.usecases.journal import open_journal

    check_settings(settings)  # before anything opens: a wrong sign-in setting is named

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from anyio import to_thread

        # as many threads for the routes as the pool has connections: a burst queues on the
        # event loop (cheap) instead of opening and closing connections beyond the pool
        to_thread.current_default_thread_limiter().total_tokens = THREADS
        yield
        app.state.practice.engine.dispose()

    app = HotApp(  # FastAPI that also answers HEAD, and the API's busiest requests first
        lifespan=lifespan,
        title="easeback practice",
        summary="Home programmes for a practice: people, clinicians, progress. Not a diagnosis.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # no page without sign-in, the schema included
    )
    public = public_origin(settings.public_url)
    served_tls = bool(settings.tls_certfile and settings.tls_keyfile)
    tls = served_tls or bool(public and public[0] == "https")
    app.state.practice = PracticeState(
        settings=settings,
        catalogue=catalogue,
        engine=open_journal(settings) if migrate else _engine(settings),
        templates=jinja_templates(WEB / "templates"),
        tls=tls,
    )
    app.add_middleware(ControlCharacterMiddleware)  # inside the size limit: bodies are small
    app.add_middleware(
        SecurityMiddleware,
        allowed_hosts=allowed_hosts(settings),
        origins=[f"{public[0]}://{public[1]}"] if public else [],
        refuse_null_origin=True,
        # same-origin (not no-referrer): a form's POST then carries its real Origin, and a
        # write with `Origin: null` can be refused as the cross-site request it is
        headers={"referrer-policy": "same-origin"},
    )
    app.add_middleware(HstsMiddleware, always=tls)
    app.add_middleware(NoStoreMiddleware)  # people's pages and answers are never kept
    app.add_middleware(AccessLogMiddleware)
    app.add_api_route("/healthz", healthz, methods=["GET"], include_in_schema=False)
    app.add_api_route("/readyz", readyz, methods=["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_hot_routes(api.hot_routes())
    app.find_hot_routes(api.find_hot)
    coach.install(
        app,
        settings.pose_web_folder(),
        allowed_hosts(settings),
        frozenset({f"{public[0]}://{public[1]}"} if public else ()),
    )
    _add_errors(app)
    return app


def allowed_hosts(settings: Settings) -> frozenset[str]:
    """Host headers the practice answers: loopback names, the bound address, the public URL's
    host and EASEBACK_ALLOWED_HOSTS. Any host only when bound to a non-loopback address with
    neither of those two settings (as before they existed)."""
    public = public_origin(settings.public_url)
    named = {hostname(h) for h in split_names(settings.allowed_hosts)}
    if public:
        named.add(hostname(public[1]))
    if not named and not is_loopback(settings.host):
        return frozenset({"*"})
    return LOOPBACK_NAMES | {settings.host.lower()} | named


def _engine(settings: Settings) -> Engine:
    from easeback.storage.engine import make_engine
    from easeback.usecases.journal import database_url

    return make_engine(database_url(settings))


def healthz(request: Request) -> Response:
    """The process answers (for a load balancer's liveness check); the database is not asked."""
    return PlainTextResponse("ok\n", headers={"cache-control": "no-store"})


def readyz(request: Request) -> Response:
    """The database answers too: 200, else 503 with Retry-After (take this one out of rotation)."""
    from sqlalchemy import text

    try:
        with practice_state(request).engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OUTAGES:
        return PlainTextResponse(
            "database unavailable\n", status_code=503, headers=_retry_headers()
        )
    return PlainTextResponse("ready\n", headers={"cache-control": "no-store"})


class HstsMiddleware:
    """Strict-Transport-Security on every answer given over HTTPS (or when serving TLS itself)."""

    def __init__(self, app: ASGIApp, always: bool) -> None:
        self.app, self.always = app, always

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (self.always or scope.get("scheme") == "https"):
            await self.app(scope, receive, send)
            return

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"strict-transport-security", HSTS.encode()),
                ]
            await send(message)

        await self.app(scope, receive, wrapped)


def _json(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _add_errors(app: FastAPI) -> None:
    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if _json(request):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        if exc.status_code == 401:
            return RedirectResponse("/sign-in", status_code=303)
        return pages.error(request, exc.status_code, str(exc.detail))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if _json(request):
            return JSONResponse({"detail": _plain(exc.errors())}, status_code=422)
        return pages.error(request, 400, "That address or form has a value easeback cannot read.")

    async def input_error(request: Request, exc: Exception) -> Response:
        if _json(request):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        return pages.error(request, 400, str(exc))

    async def not_found(request: Request, exc: Exception) -> Response:
        if _json(request):
            return JSONResponse({"detail": "Not found."}, status_code=404)
        return pages.error(request, 404, "Not found.")

    async def outage(request: Request, exc: Exception) -> Response:
        log.warning("database unavailable: %s", _first_line(exc))
        message = (
            "The practice's database is not answering just now. Nothing you sent was lost "
            f"or half saved: try again in {RETRY_AFTER} seconds."
        )
        if _json(request):
            return JSONResponse({"detail": message}, status_code=503, headers=_retry_headers())
        resp = pages.error(request, 503, message)
        resp.headers.update(_retry_headers())
        return resp

    for kind in OUTAGES:
        app.add_exception_handler(kind, outage)
    app.add_exception_handler(practice.NotFound, not_found)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(InputError, input_error)


def _plain(errors: Any) -> list[dict[str, Any]]:
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type"))}
        for e in errors
    ]
