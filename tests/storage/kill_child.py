"""Child process of the kill -9 test: records sessions event by event through the journal and
prints a line for each event only after its commit returned."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from easeback.content.loader import default_catalogue
from easeback.domain.planning import PlanRequest, build_plan
from easeback.domain.screening import screen
from easeback.storage import open_engine
from easeback.usecases.journal import SessionRecorder, log_check_in, make_check_in
from tests.domain.answers import clear_answers


def main(url: str, run: int) -> None:
    cat = default_catalogue()
    plannable = screen(cat.screening, clear_answers()).plannable()
    assert plannable is not None
    routine = build_plan(plannable, PlanRequest(place="floor", minutes=10), cat.techniques)
    engine = open_engine(url)
    n = 0
    t0 = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=run)
    while True:
        n += 1
        at = t0 + timedelta(seconds=n)
        cid = log_check_in(engine, make_check_in(n % 11, 3, at))
        print(f"check_ins {cid}", flush=True)
        rec = SessionRecorder(engine, routine, n % 11, clock=lambda at=at: at)
        print(f"sessions {rec.start()}", flush=True)
        for k, item in enumerate(routine.items):
            outcome = "stopped" if n % 3 == 0 and k == 1 else "done"
            before = rec.position
            rec("technique", {"id": item.technique.id, "outcome": outcome})
            assert rec.position == before + 1
            print(f"technique_results {rec.session_id}:{k}", flush=True)
            if outcome == "stopped":
                rec("stopped", {"reason": "sharp_pain"})
                print(f"stops {rec.session_id}", flush=True)
                break
        else:
            rec("completed", {})
        rec.finish(max(0, n % 11 - 1), "low")
        print(f"finished {rec.session_id}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
