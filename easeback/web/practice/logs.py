"""What the practice server writes to its log (standard error): one access line per request and
uvicorn's notices of workers that die and are replaced. No personal data: the route's pattern
(`/people/{pid}`), never the path itself (invite tokens) nor the query string (emails)."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access = logging.getLogger("easeback.access")
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id(scope: Scope) -> str:
    """The proxy's X-Request-ID when it sent a plain one (so its log and ours join), else new."""
    for key, value in scope.get("headers", ()):
        if key == b"x-request-id":
            given = bytes(value).decode("latin-1")
            if _GIVEN_ID.fullmatch(given):
                return given
    return uuid.uuid4().hex[:16]


def route_of(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else "(no route)"


class AccessLogMiddleware:
    """`request_id=… method=GET route=/people/{pid} status=200 ms=3.1` after each request, and
    the id in the answer's X-Request-ID header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        start = time.perf_counter()
        status = 500  # until the answer says otherwise (an exception before it started)

        async def wrapped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        finally:
            ms = (time.perf_counter() - start) * 1000
            access.info(
                "request_id=%s method=%s route=%s status=%d ms=%.1f",
                rid,
                scope.get("method", "-"),
                route_of(scope),
                status,
                ms,
            )


def log_config() -> dict[str, Any]:
    """uvicorn's logging, with its notices (a worker that died, its replacement starting) and
    easeback's own lines at INFO on standard error; uvicorn's access log stays off."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = {**LOGGING_CONFIG}
    config["formatters"] = {
        **LOGGING_CONFIG["formatters"],
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    }
    config["handlers"] = {
        **LOGGING_CONFIG["handlers"],
        "plain": {
            "formatter": "plain",
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
        },
    }
    config["loggers"] = {
        **LOGGING_CONFIG["loggers"],
        "uvicorn.error": {"handlers": ["plain"], "level": "INFO", "propagate": False},
        "uvicorn": {"handlers": ["plain"], "level": "INFO", "propagate": False},
        "easeback": {"handlers": ["plain"], "level": "INFO", "propagate": False},
    }
    return config
