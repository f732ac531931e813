"""The JSON API: the same services as the pages, documented at /docs (OpenAPI at /openapi.json).

Every endpoint is a pure computation over the request: no cookies, no state, so a cross-site
page gains nothing from calling it and the middleware refuses cross-site writes anyway.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from starlette.responses import Response
from starlette.routing import Route

from easeback.domain.models import Category, Equipment, Goal, Place
from easeback.domain.planning import PlanRequest, Routine, build_plan, plan_inputs
from easeback.domain.timeline import build_timeline
from easeback.usecases import catalogue, errors, planning
from easeback.usecases.screening import screening_public
from easeback.web.fast import HotRoute
from easeback.web.kept import Inputs
from easeback.web.plan_json import PlanJSON
from easeback.web.state import screened, web_state

router = APIRouter(prefix="/api", tags=["api"])

AnswerMap = dict[Annotated[str, Field(max_length=64)], StrictBool | StrictInt | StrictStr | None]
ERRORS: dict[int | str, dict[str, Any]] = {400: {"description": "Bad input, explained in detail"}}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScreeningIn(Strict):
    answers: AnswerMap = Field(
        description="Answers keyed by question id: yes / no / unsure, or whole numbers."
    )


class Reason(BaseModel):
    question: str
    answer: int | str
    disposition: str | None
    advice: str
    rule: str
    see: list[str]
    call: bool = False  # get seen now: offer the call button


class ScreeningOut(BaseModel):
    complete: bool
    disposition: str | None
    missing: list[str]
    not_asked: list[str] = []
    reasons: list[Reason]
    # safety.md v3: the line every clear and caution result carries (null otherwise)
    check_first: str | None = None
    call: bool = False


class QuestionOut(BaseModel):
    id: str
    kind: str
    text: str
    min: int | None
    max: int | None
    optional: bool


class PlanIn(Strict):
    answers: AnswerMap
    place: Place | Literal["any"] = "any"
    minutes: StrictInt = Field(10, ge=1, le=120)
    equipment: list[Equipment] = Field(default_factory=list, max_length=16)
    goal: Goal = Goal.GENERAL_RELIEF


class PlannedOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    name: str
    hold_seconds: int | None
    reps: int
    sets: int
    seconds: int
    variant: str | None
    reason: str


class PlanOut(BaseModel):
    planned: bool
    disposition: str | None
    place: str | None = None
    minutes: int | None = None
    goal: str | None = None
    total_seconds: int | None = None
    notes: list[str] = []
    techniques: list[PlannedOut] = []
    reasons: list[Reason] = []
    missing: list[str] = []
    reason: str | None = None  # planned false although the screening allows a routine: why
    suggest: list[str] = []  # places that do have a routine
    shortest_minutes: int | None = None  # the shortest routine here, when too few minutes


# What PlanOut adds to a planned (or too short) routine's public shape: answered as it is, with
# these, the response is already what the model would give, without validating it again per
# request (tests/web/test_api_shapes.py checks that)
PLAN_DEFAULTS: dict[str, Any] = {
    "reasons": [],
    "missing": [],
    "reason": None,
    "suggest": [],
    "shortest_minutes": None,
}


class CueOut(BaseModel):
    offset: float
    duration: float
    kind: str
    text: str
    say: str
    technique_id: str | None
    index: int | None
    side: str | None
    rep: int | None
    reps: int | None
    breath: str | None
    phase_end: float | None


class TechniqueOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    name: str
    category: str
    places: list[str]
    equipment: list[str]


class TopicOut(BaseModel):
    id: str
    title: str
    summary: str


class StopReasonOut(BaseModel):
    reason: str
    label: str
    advice: str
    rescreen: bool


def _screen(request: Request, answers: dict[str, Any]) -> Any:
    """The screening of these answers; an answer of the wrong type or out of range is a 422
    naming its question, in the same shape as every other field error."""
    try:
        return screened(web_state(request), answers)
    except errors.InputError as exc:
        if exc.field is None:
            raise HTTPException(400, str(exc)) from None
        loc = ["body", "answers", exc.field]
        raise HTTPException(422, [{"loc": loc, "msg": str(exc), "type": "value_error"}]) from None


@router.get("/questions", response_model=list[QuestionOut], summary="The screening questions")
async def questions(request: Request) -> list[dict[str, Any]]:
    return [
        {
            "id": q.id,
            "kind": q.kind,
            "text": q.text,
            "min": q.min,
            "max": q.max,
            "optional": q.optional,
        }
        for q in web_state(request).catalogue.screening.questions
    ]


@router.post("/screening", response_model=ScreeningOut, responses=ERRORS, summary="Screen answers")
async def screening(request: Request, body: ScreeningIn) -> dict[str, Any]:
    """The disposition and every reason that fired; incomplete when a red flag is unanswered.

    Answers are checked one by one: a wrong type (text for a number, a list, a fraction, true or
    false) or a value out of range (pain below 0 or above 10) is a 422 naming the question in
    `loc`. Nothing is kept: the API has no memory of a screening between requests."""
    return screening_public(_screen(request, body.answers))


@router.post("/plan", response_model=PlanOut, responses=ERRORS, summary="Plan a routine")
async def plan(request: Request, body: PlanIn) -> Any:
    """A routine when the screening allows one, else `planned: false` with the reasons.

    The screening is computed from the `answers` in this very request and holds for this
    request only: the API keeps no screening, so a script must send the person's current
    answers (safety.md: a screening is valid for 7 days, and a stop for radiating pain or
    numbness means asking the questions again). An `emergency`, `urgent` or uncleared
    `professional_first` result, or an incomplete one, never yields techniques; techniques left
    out after sharp pain are the caller's to leave out (the API sees no journal)."""
    result = _screen(request, body.answers)
    try:
        req = _plan_request(body)
    except errors.InputError as exc:
        raise HTTPException(400, str(exc)) from None
    routine = planning.plan_routine(web_state(request).catalogue, result, req)
    if routine is None:
        out = screening_public(result)
        return {"planned": False} | {k: out[k] for k in ("disposition", "reasons", "missing")}
    return _planned(routine)


def _plan_request(body: PlanIn) -> PlanRequest:
    return planning.make_request(
        body.place if isinstance(body.place, str) else body.place.value,
        body.minutes,
        ",".join(e.value for e in body.equipment) or None,
        body.goal.value,
    )


def _planned(routine: Routine) -> Response:
    return Response(_PLAN_JSON.encode(routine), media_type="application/json")


_PLAN_JSON = PlanJSON(PLAN_DEFAULTS)  # PLAN_DEFAULTS | routine_public(routine), rendered


async def plan_at_once(request: Request, raw: bytes) -> Response | None:
    """`plan` for a JSON body that PlanIn accepts and a screening that allows a routine,
    validated by the same model without FastAPI's per-request layers; None for anything else,
    which `plan` then answers (so every refusal and error is worded exactly as before). A
    routine's answer is kept by the body's bytes and by what the planner reads
    (easeback.web.kept.PlanAnswers)."""
    content_type = request.headers.get("content-type", "")
    if content_type.partition(";")[0].strip().lower() != "application/json":
        return None
    st = web_state(request)
    kept = st.plans.get(raw)
    if kept is not None:
        return kept
    try:
        body = PlanIn.model_validate(json.loads(raw))
        answers: dict[str, Any] = body.answers  # checked one by one by the screening
        result = screened(st, answers)
        req = _plan_request(body)
    except (ValueError, RecursionError, errors.InputError):  # ValidationError is a ValueError
        return None
    plannable = result.plannable()
    if plannable is None:
        return None
    inputs = Inputs(plan_inputs(plannable, req))
    answer = st.plans.planned(inputs)
    if answer is None:
        answer = _planned(build_plan(plannable, req, st.catalogue.techniques))
        st.plans.put_planned(inputs, answer)
    st.plans.put(raw, answer)
    return answer


def hot_routes() -> list[Route]:
    """The API requests answered before FastAPI (see easeback.web.fast)."""
    return [HotRoute("/api/plan", "POST", plan_at_once)]


@router.post("/timeline", response_model=list[CueOut], responses=ERRORS, summary="Session timeline")
def timeline(request: Request, body: dict[str, Any]) -> list[dict[str, object]]:
    """Every cue of the guided session for a plan returned by /api/plan, with offsets.

    The plan is checked against the catalogue and refused (400) unless its disposition allows a
    routine; it carries no screening of its own, so plan with current answers first."""
    try:
        routine = planning.routine_from_public(web_state(request).catalogue, body)
    except errors.InputError as exc:
        raise HTTPException(400, str(exc)) from None
    return [c.as_dict() for c in build_timeline(routine)]


@router.get("/techniques", response_model=list[TechniqueOut], summary="Technique library")
async def techniques(
    request: Request,
    place: Annotated[Place | Literal["any"] | None, Query()] = None,
    category: Annotated[Category | None, Query()] = None,
    equipment: Annotated[list[Equipment] | None, Query(max_length=16)] = None,
    q: Annotated[str, Query(max_length=200)] = "",
) -> list[dict[str, Any]]:
    """Techniques doable at a place with the given equipment, matching every word of q."""
    items = catalogue.filter_techniques(
        web_state(request).catalogue,
        place if isinstance(place, str) or place is None else place.value,
        None if equipment is None else ",".join(e.value for e in equipment),
        category.value if category else None,
    )
    words = q.lower().split()
    items = [
        t
        for t in items
        if all(w in " ".join([t.id, t.name, t.summary, *t.aliases]).lower() for w in words)
    ]
    return [catalogue.technique_public(t, full=True) for t in items]


@router.get(
    "/techniques/{tid}",
    response_model=TechniqueOut,
    responses={404: {"description": "Unknown technique"}},
    summary="One technique",
)
async def technique(request: Request, tid: str) -> dict[str, Any]:
    try:
        return catalogue.technique_public(web_state(request).catalogue.technique(tid), full=True)
    except KeyError:
        raise HTTPException(404, f"unknown technique id {tid!r}") from None


@router.get("/topics", response_model=list[TopicOut], summary="Learn topics")
async def topics(request: Request) -> list[dict[str, Any]]:
    return [
        {"id": t.id, "title": t.title, "summary": t.summary}
        for t in web_state(request).catalogue.topics
    ]


@router.get(
    "/topics/{topic_id}", responses={404: {"description": "Unknown topic"}}, summary="One topic"
)
async def topic(request: Request, topic_id: str) -> dict[str, Any]:
    try:
        return catalogue.topic_public(web_state(request).catalogue.topic(topic_id))
    except KeyError:
        raise HTTPException(404, f"unknown topic {topic_id!r}") from None


@router.get("/stop-reasons", response_model=list[StopReasonOut], summary="Stop reasons")
async def stop_reasons(request: Request) -> list[dict[str, Any]]:
    """What the player's stop button offers, with the advice shown for each."""
    return [catalogue.stop_public(s) for s in web_state(request).catalogue.stops.values()]
