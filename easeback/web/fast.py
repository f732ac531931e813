"""Hot routes in front of FastAPI: the requests every visit makes, served by plain Starlette routes
under the app's own middleware and error handlers, without FastAPI's layers.

FastAPI's per-request middleware (telemetry, body limits, an exit stack), route matching,
dependency solving and body validation cost more than these pages themselves. HotApp answers a
hot route's exact method and path through ServerErrorMiddleware, the app's middleware (the
security headers, host and origin checks and body limit) and ExceptionMiddleware with the app's
handlers, as Starlette builds them, straight to the route. A HotRoute may hand a request on
(input to refuse, a refusal to explain): it then goes through the whole FastAPI app to the
FastAPI route of the same path, which answers it exactly as before. Every hot route is also in
the app's router, so the whole app alone answers the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from easeback.web.security import replay

# set in the scope when a hot route hands its request on, so the router passes it by
HANDED_ON = "easeback.handed_on"
HOT_ROUTE = "easeback.hot_route"  # the hot route chosen for a request, until it handles it

# the answer to a request, or None to hand it on to the FastAPI route
Answer = Callable[[Request, bytes], Awaitable[Response | None]]


class HotApp(FastAPI):
    """FastAPI with `hot` routes (each for one method and a path without parameters) served
    through a short stack of the same middleware and handlers; see the module's docstring."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hot: dict[tuple[str, str], Route] = {}
        self._hot_stack: ASGIApp | None = None
        self._find_hot: Callable[[Any, Scope], Route | None] | None = None

    def add_hot_routes(self, routes: list[Route]) -> None:
        """Serve these routes first; they go into the router too."""
        for route in routes:
            assert route.methods is not None and len(route.methods) == 1, route
            assert not route.param_convertors, route
            self.hot[(next(iter(route.methods)), route.path)] = route
        self.router.routes.extend(routes)

    def find_hot_routes(self, find: Callable[[Any, Scope], Route | None]) -> None:
        """Also serve first the requests for which `find(app, scope)` names a route (one that
        may hand them on, as a HotRoute), asked per request: e.g. pages already rendered."""
        self._find_hot = find

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "HEAD":
            # HEAD is GET without the body (RFC 9110 9.3.2): the same status and headers,
            # Content-Length included, for every page and file, as link checkers and curl -I
            # expect (FastAPI's routes would refuse it with 405)
            scope, send = dict(scope, method="GET"), _headers_only(send)
        if scope["type"] == "http" and not scope.get(HANDED_ON):
            route = self.hot.get((scope["method"], scope["path"]))
            if route is None and self._find_hot is not None:
                route = self._find_hot(self, scope)
            if route is not None:
                scope["app"] = self
                scope[HOT_ROUTE] = route
                if self._hot_stack is None:
                    self._hot_stack = self._build_hot_stack()
                await self._hot_stack(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    def _build_hot_stack(self) -> ASGIApp:
        """As Starlette's build_middleware_stack, around the hot routes instead of the router
        (built at the first request, when every handler and middleware is in)."""
        error_handler = None
        handlers: dict[Any, Any] = {}
        for key, value in self.exception_handlers.items():
            if key in (500, Exception):
                error_handler = value
            else:
                handlers[key] = value
        app: ASGIApp = ExceptionMiddleware(self._hot_route, handlers=handlers, debug=self.debug)
        for cls, args, kwargs in reversed(self.user_middleware):
            app = cls(app, *args, **kwargs)
        return ServerErrorMiddleware(app, handler=error_handler, debug=self.debug)

    async def _hot_route(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = scope.pop(HOT_ROUTE)
        scope.update(route.matches(scope)[1])
        await route.handle(scope, receive, send)


def _headers_only(send: Send) -> Send:
    """The response's start as it is, then one empty body; the rest of the body is dropped."""
    ended = False

    async def send_headers(message: Message) -> None:
        nonlocal ended
        if message["type"] == "http.response.body":
            if not ended:
                ended = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        await send(message)

    return send_headers


class HotRoute(Route):
    """A route for one path and method whose `answer` may hand the request on (by answering
    None) to the whole app, where it reaches the FastAPI route of the same path."""

    def __init__(self, path: str, method: str, answer: Answer) -> None:
        self._answer = answer
        super().__init__(path, answer, methods=[method], include_in_schema=False)
        self.app = self._serve  # an ASGI app: it reads the body itself, to hand it on
        assert self.methods is not None
        self.methods.discard("HEAD")

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope.get(HANDED_ON):
            return Match.NONE, {}
        match, child = super().matches(scope)
        # another method on this path is the FastAPI route's to answer (or refuse with 405)
        return (Match.NONE, {}) if match is Match.PARTIAL else (match, child)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        body = await request.body()
        response = await self._answer(request, body)
        if response is None:
            scope[HANDED_ON] = True
            await scope["app"](scope, replay(body, receive), send)
            return
        await response(scope, receive, send)
