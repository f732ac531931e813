"""Builds the web app from explicit settings: pages, JSON API, local docs, static files."""

from __future__ import annotations

import hashlib
import os
from os import PathLike
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import Scope

from easeback.content.loader import Catalogue, default_catalogue
from easeback.settings import Settings
from easeback.usecases.errors import InputError
from easeback.web import api, camera, coach_web, desk_breaks, pages, views
from easeback.web.compress import add_compression
from easeback.web.fast import HotApp
from easeback.web.hosts import LOOPBACK_NAMES, is_loopback
from easeback.web.journal_door import JournalDoor, journal_installed
from easeback.web.security import PICTURE_CSP, SecurityMiddleware
from easeback.web.state import WebState, web_state
from easeback.web.store import JournalStore, MemoryStore, Sessions, SessionStore, load_secret
from easeback.web.templating import templates as jinja_templates

HERE = Path(__file__).parent


def allowed_hosts(settings: Settings) -> frozenset[str]:
    """Host headers accepted: loopback names only, unless the app was bound to another address
    on purpose. Refusing other names defeats DNS rebinding from pages on the web."""
    if not is_loopback(settings.host):
        return frozenset({"*"})
    return LOOPBACK_NAMES | {settings.host.lower()}


def create_app(
    settings: Settings,
    *,
    catalogue: Catalogue | None = None,
    allow_speed: bool = False,
    journal: bool | None = None,
) -> FastAPI:
    """The whole web app. `allow_speed` lets tests run the player at accelerated time;
    `journal` turns the journal pages on or off (default: on when the journal extra is there).
    With `settings.multi_user` it is the practice app instead (easeback.web.practice)."""
    if settings.multi_user:
        from easeback.web.practice.app import create_practice_app

        return create_practice_app(settings, catalogue or default_catalogue())
    use_journal = journal_installed() if journal is None else journal
    app = HotApp(
        title="easeback",
        summary="Safe, gentle relief for a stiff lower back. Not a diagnosis.",
        version="0.1.0",
        docs_url=None,  # the stock docs page loads its assets from a CDN; /docs is ours
        redoc_url=None,
    )
    templates = jinja_templates(HERE / "templates")
    door = JournalDoor(settings) if use_journal else None
    store: SessionStore = MemoryStore() if door is None else JournalStore(door)
    app.state.web = WebState(
        settings=settings,
        catalogue=catalogue or default_catalogue(),
        sessions=Sessions(store, load_secret(settings.resolved_data_dir())),
        templates=templates,
        allow_speed=allow_speed,
        journal=door,
    )
    app.add_middleware(SecurityMiddleware, allowed_hosts=allowed_hosts(settings))
    add_compression(app)
    # served before everything else: see easeback.web.fast
    app.add_hot_routes(pages.fast_routes() + api.hot_routes())
    app.find_hot_routes(pages.rendered_shared_page)
    app.mount("/static", _Static(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(desk_breaks.router)
    camera.install(app, settings.camera_source)
    coach_web.install(app, settings.pose_web_folder(), allowed_hosts(settings))
    if use_journal:
        from easeback.web import journal_pages

        app.include_router(journal_pages.api)
        app.include_router(journal_pages.router)
    _add_docs(app)
    _add_pictures(app)
    _add_errors(app)
    return app


def _add_docs(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> Response:
        return pages.render(request, "docs.html", title="API", spec=app.openapi())


class _Static(StaticFiles):
    """Static files with their ETag (from StaticFiles, 304 on If-None-Match) and a
    Cache-Control that has the browser revalidate, so an upgraded app is never served stale."""

    def file_response(
        self,
        full_path: PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        resp = super().file_response(full_path, stat_result, scope, status_code)
        resp.headers.setdefault("cache-control", "no-cache")
        return resp


# Pictures are the same for everyone while the app runs: drawn once, then revalidated by ETag.
PICTURE_CACHE_CONTROL = "public, max-age=3600"


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _add_pictures(app: FastAPI) -> None:
    # (technique id, pose) -> (svg, etag), or None for no picture
    drawn: dict[tuple[str, str], tuple[bytes, str] | None] = {}

    def draw(request: Request, tid: str, pose: str) -> tuple[bytes, str] | None:
        if (tid, pose) not in drawn:
            try:
                t = web_state(request).catalogue.technique(tid)
            except KeyError:
                raise HTTPException(404, "There is no technique with that name.") from None
            svg = views.picture_svg(t, pose)
            body = svg.encode() if svg is not None else None
            drawn[(tid, pose)] = (body, _etag(body)) if body is not None else None
        return drawn[(tid, pose)]

    @app.get("/pictures/{tid}.svg", include_in_schema=False)
    def picture(request: Request, tid: str, pose: str = "animated") -> Response:
        if pose not in ("start", "end", "animated", "setup"):
            raise HTTPException(404, "There is no such picture.")
        hit = draw(request, tid, pose)
        if hit is None:
            raise HTTPException(404, "No picture for this technique yet.")
        body, etag = hit
        headers = {
            "content-security-policy": PICTURE_CSP,
            "etag": etag,
            "cache-control": PICTURE_CACHE_CONTROL,
        }
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="image/svg+xml", headers=headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path.endswith(".json")


def _add_errors(app: FastAPI) -> None:
    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if _wants_json(request):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        titles = {404: "Not found", 403: "Not allowed", 405: "Not allowed"}
        title = titles.get(exc.status_code, "Something is wrong")
        message = str(exc.detail or "")
        if message.lower() in ("", title.lower(), "method not allowed", "forbidden"):
            # Starlette's stock phrase only repeats the title: say what happened instead
            message = {404: "There is no page at this address."}.get(
                exc.status_code, "easeback cannot do that here."
            )
        resp = pages.render(
            request, "error.html", status=exc.status_code, title=title, message=message
        )
        resp.headers.update(exc.headers or {})
        return resp

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if _wants_json(request):
            return JSONResponse({"detail": _plain(exc.errors())}, status_code=422)
        return pages.render(
            request,
            "error.html",
            status=400,
            title="Something is wrong",
            message="That address or form has a value easeback cannot read.",
        )

    async def input_error(request: Request, exc: Exception) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        return pages.render(
            request, "error.html", status=400, title="Something is wrong", message=str(exc)
        )

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(InputError, input_error)
    if journal_installed():  # a journal damaged inside: say so and how to save it, not a 500
        from easeback.storage import JournalDamaged

        async def damaged(request: Request, exc: Exception) -> Response:
            if _wants_json(request):
                return JSONResponse({"detail": str(exc)}, status_code=503)
            return pages.render(
                request, "error.html", status=503, title="Your journal is damaged", message=str(exc)
            )

        app.add_exception_handler(JournalDamaged, damaged)


def _plain(errors: Any) -> list[dict[str, Any]]:
    """Validation errors without the raw input echoed back (it can be large or binary)."""
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type"))}
        for e in errors
    ]
