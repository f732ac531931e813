"""Text responses (pages, styles, scripts, pictures, JSON) sent gzip-compressed to a browser that
accepts it: a routine page is about a fifth of its size on the wire. Pictures already compressed
(PNG, JPEG: the camera's frames) are sent as they are."""

from __future__ import annotations

from typing import Any

from starlette.middleware.gzip import GZipMiddleware

MINIMUM_SIZE = 1000  # smaller answers gain less than their header costs
LEVEL = 6  # zlib's default: most of level 9's saving at a fraction of its time


def add_compression(app: Any) -> None:
    app.add_middleware(GZipMiddleware, minimum_size=MINIMUM_SIZE, compresslevel=LEVEL)
