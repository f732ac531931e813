"""The practice app: every page and API needs a signed-in user except sign-in and static files.
Built by easeback.web.create_app when the multi_user setting is on; the single-person routes
(wizard, in-memory sessions) are not mounted here, so nothing lives in process memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from easeback.content.loader import Catalogue
from easeback.settings import Settings
from easeback.usecases import practice
from easeback.usecases.errors import InputError
from easeback.web.fast import HotApp
from easeback.web.practice import api, pages
from easeback.web.practice.state import PracticeState
from easeback.web.security import SecurityMiddleware
from easeback.web.templating import templates as jinja_templates

WEB = Path(__file__).parent.parent
HSTS = "max-age=31536000; includeSubDomains"


def create_practice_app(settings: Settings, catalogue: Catalogue) -> FastAPI:
    from easeback.usecases.accounts import check_settings
    from easeback.usecases.journal import open_journal

    check_settings(settings)  # before anything opens: a wrong sign-in setting is named

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.practice.engine.dispose()

    app = HotApp(  # FastAPI that also answers HEAD (no hot routes here)
        lifespan=lifespan,
        title="easeback practice",
        summary="Home programmes for a practice: people, clinicians, progress. Not a diagnosis.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # no page without sign-in, the schema included
    )
    tls = bool(settings.tls_certfile and settings.tls_keyfile)
    app.state.practice = PracticeState(
        settings=settings,
        catalogue=catalogue,
        engine=open_journal(settings),
        templates=jinja_templates(WEB / "templates"),
        tls=tls,
    )
    app.add_middleware(SecurityMiddleware, allowed_hosts=_hosts(settings))
    app.add_middleware(HstsMiddleware, always=tls)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    _add_errors(app)
    return app


def _hosts(settings: Settings) -> frozenset[str]:
    from easeback.web.app import allowed_hosts

    return allowed_hosts(settings)


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

    app.add_exception_handler(practice.NotFound, not_found)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(InputError, input_error)


def _plain(errors: Any) -> list[dict[str, Any]]:
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type"))}
        for e in errors
    ]
