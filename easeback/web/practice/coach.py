"""The browser camera coach in a practice's guided session (see easeback.web.coach_web): the
socket is the signed-in person's own, checked like their pages. The practice keeps nothing of it:
workers share no memory, and the counts are shown to the person only."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, WebSocket
from starlette.concurrency import run_in_threadpool

from easeback.storage.practice import UserRecord
from easeback.usecases import accounts, practice
from easeback.web.coach_web import PageCoach, assets_router, handle, same_origin
from easeback.web.practice.auth import COOKIE, now
from easeback.web.practice.state import PracticeState
from easeback.web.security import _hostname, same_token


def _routine_ids(st: PracticeState, user: UserRecord) -> list[str]:
    """The technique ids of the person's guided session now."""
    routine = practice.programme_routine(st.engine, st.catalogue, user, now())
    return [i.technique.id for i in routine.items] if routine else []


async def _open(ws: WebSocket) -> PageCoach | None:
    st: PracticeState = ws.app.state.practice
    hosts: frozenset[str] = ws.app.state.coach_hosts
    origins: frozenset[str] = ws.app.state.coach_origins
    host = _hostname(ws.headers.get("host", ""))
    if ("*" not in hosts and host not in hosts) or not same_origin(ws, origins):
        return None
    token = ws.cookies.get(COOKIE)
    if not token:
        return None
    found = await run_in_threadpool(accounts.authenticate, st.engine, token, now())
    if found is None or found[0].role != "person":
        return None
    if not same_token(ws.query_params.get("csrf"), found[1]):
        return None
    return PageCoach(await run_in_threadpool(_routine_ids, st, found[0]))


def install(app: FastAPI, folder: Path, hosts: frozenset[str], origins: frozenset[str]) -> None:
    """The practice's socket (/programme/coach) and the model files."""
    app.state.coach_hosts = hosts
    app.state.coach_origins = origins

    async def socket(ws: WebSocket) -> None:
        await handle(ws, _open)

    app.add_api_websocket_route("/programme/coach", socket)
    app.include_router(assets_router(lambda _: folder))
