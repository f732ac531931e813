"""A journal answered a page at a time: the `Link` header's next address and the count of older
entries, the same for the local /api/history and the practice's."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response


def link_next(response: Response, path: str, page: list[Any], older: int, **query: Any) -> None:
    """When older entries exist, name the page before the last entry shown (`entries.Key`)."""
    if not older:
        return
    from easeback.storage.entries import key_text

    params = {k: v for k, v in query.items() if v is not None}
    params["before"] = key_text(page[-1].key)
    response.headers["link"] = f'<{path}?{urlencode(params)}>; rel="next"'
    response.headers["x-older-entries"] = str(older)
