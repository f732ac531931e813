"""The grid of planner inputs whose routines are pinned in data/plan_table.csv.

Regenerate the table (only when a routine is meant to change, and say which rows changed and why):
    .venv/bin/python -m tests.domain.plan_grid > tests/domain/data/plan_table.csv
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from itertools import product
from pathlib import Path

from pydantic import TypeAdapter

from easeback.content.loader import Catalogue, default_catalogue
from easeback.domain.planning import PlanRequest, Routine, build_plan
from easeback.domain.screening import PlannableScreening, screen
from tests.domain.answers import clear_answers

TABLE = Path(__file__).parent / "data" / "plan_table.csv"
PLACES = ("bed", "floor", "chair", "standing", "pool", "any")
MINUTES = (1, 5, 10, 15, 20, 30, 45, 60)
EQUIPMENT = {
    "none": frozenset[str](),
    "ball+roller": frozenset({"ball", "foam-roller"}),
    "all": frozenset({"chair", "ball", "foam-roller", "towel", "pillow", "mat", "wall"}),
}
SCREENINGS: dict[str, dict[str, object]] = {
    "clear": {},
    "pain-8": {"pain_now": 8},
    "knee+wrist": {"knee_problem": "yes", "wrist_problem": "yes"},
    "pregnant-28+balance": {"pregnant_weeks": 28, "balance_problem": "yes"},
}
GOALS = ("general-relief", "morning-stiffness")
# techniques with a logged session: none (a first-timer) or every one in the catalogue
HISTORIES = ("first-time", "all")
COLUMNS = (
    "history",
    "place",
    "minutes",
    "equipment",
    "screening",
    "goal",
    "planned_minutes",
    "total_seconds",
    "items",
    "notes",
    "planned",
    "reason",
)


def screenings(cat: Catalogue) -> dict[str, PlannableScreening]:
    out: dict[str, PlannableScreening] = {}
    for name, overrides in SCREENINGS.items():
        s = screen(cat.screening, clear_answers(**overrides)).plannable()
        assert s is not None, name
        out[name] = s
    return out


Case = tuple[str, str, int, str, str, str]


def cases() -> Iterator[Case]:
    yield from product(HISTORIES, PLACES, MINUTES, EQUIPMENT, SCREENINGS, GOALS)


def request(
    history: str, place: str, minutes: int, equipment: str, goal: str, cat: Catalogue
) -> PlanRequest:
    done = frozenset(t.id for t in cat.techniques) if history == "all" else frozenset()
    return TypeAdapter(PlanRequest).validate_python(
        {
            "place": place,
            "minutes": minutes,
            "equipment": EQUIPMENT[equipment],
            "goal": goal,
            "done": done,
        }
    )


def row(case: Case, r: Routine) -> dict[str, str]:
    history, place, minutes, equipment, screening, goal = case
    items = ";".join(
        f"{i.technique.id}/{i.hold_seconds or '-'}/{i.reps}/{i.sets}"
        + (f"/{i.variant.kind.value}" if i.variant else "")
        for i in r.items
    )
    return {
        "history": history,
        "place": place,
        "minutes": str(minutes),
        "equipment": equipment,
        "screening": screening,
        "goal": goal,
        "planned_minutes": str(r.minutes),
        "total_seconds": str(r.total_seconds),
        "items": items,
        "notes": " | ".join(r.notes),
        "planned": "yes" if r.planned else "no",
        "reason": r.reason or "",
    }


def rows(cat: Catalogue) -> Iterator[dict[str, str]]:
    by_name = screenings(cat)
    for case in cases():
        history, place, minutes, equipment, screening, goal = case
        req = request(history, place, minutes, equipment, goal, cat)
        yield row(case, build_plan(by_name[screening], req, cat.techniques))


def render(table: Iterator[dict[str, str]]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(table)
    return out.getvalue()


if __name__ == "__main__":
    sys.stdout.write(render(rows(default_catalogue())))
