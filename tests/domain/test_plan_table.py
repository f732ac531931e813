"""The planner reproduces the pinned table of routines (tests/domain/plan_grid.py says how to
regenerate it when a routine is meant to change)."""

from __future__ import annotations

import csv

from easeback.content.loader import Catalogue
from tests.domain.plan_grid import COLUMNS, TABLE, rows


def test_routines_match_the_pinned_table(catalogue: Catalogue) -> None:
    with TABLE.open(newline="") as f:
        pinned = list(csv.DictReader(f))
    assert pinned and tuple(pinned[0]) == COLUMNS
    now = list(rows(catalogue))
    assert len(now) == len(pinned)
    changed = [(p, n) for p, n in zip(pinned, now, strict=True) if p != n]
    shown = "\n".join(f"pinned {p}\nnow    {n}" for p, n in changed[:5])
    assert not changed, f"{len(changed)} of {len(pinned)} routines changed:\n{shown}"
