"""Text the practice refuses before any route sees it: NUL bytes and other control characters
in form fields, JSON strings and query parameters (422). Tab, line feed and carriage return stay
allowed; PostgreSQL cannot store a NUL at all, and the others have no place in an email, a
clinic's name or a note."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from easeback.web.security import replay

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MESSAGE = "A field holds a control character (such as a NUL byte) that easeback cannot store."


def has_control(value: str) -> bool:
    return CONTROL.search(value) is not None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _form_strings(raw: bytes) -> Iterator[str]:
    for key, value in parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True):
        yield key
        yield value


def body_strings(content_type: str, body: bytes) -> Iterator[str]:
    """The text of a form or JSON body; nothing for other kinds (or JSON that does not parse,
    which the route refuses itself)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        yield from _form_strings(body)
    elif kind == "application/json" or kind.endswith("+json"):
        try:
            yield from _strings(json.loads(body))
        except ValueError:
            return


class ControlCharacterMiddleware:
    """422 for a request whose query string, form or JSON body holds a control character."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if any(has_control(s) for s in _form_strings(scope.get("query_string", b""))):
            await self._refuse(scope)(scope, receive, send)
            return
        headers = Headers(scope=scope)
        content_type = headers.get("content-type", "")
        if scope["method"] in ("GET", "HEAD") or not content_type:
            await self.app(scope, receive, send)
            return
        body = await _read(receive)
        if any(has_control(s) for s in body_strings(content_type, body)):
            await self._refuse(scope)(scope, receive, send)
            return
        await self.app(scope, replay(body, receive), send)

    @staticmethod
    def _refuse(scope: Scope) -> Response:
        if str(scope.get("path", "")).startswith("/api"):
            return JSONResponse({"detail": MESSAGE}, status_code=422)
        return PlainTextResponse(MESSAGE, status_code=422)


async def _read(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message: Message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
