"""The terminal session: the stop question inside the panel with a way to carry on, speech that
queues instead of cutting, and every step on screen in full for its speaking time."""

from __future__ import annotations

import io
import time
from collections import deque
from collections.abc import Callable
from itertools import pairwise

import pytest
from rich.console import Console

from easeback.content.loader import Catalogue
from easeback.domain.planning import PlanRequest, Routine, build_plan
from easeback.domain.screening import screen
from easeback.domain.timeline import CueKind, SessionClock, build_timeline, speaking_seconds
from easeback.terminal.session import Voice, _view, run_session
from tests.domain.answers import clear_answers


@pytest.fixture(scope="module")
def routine(catalogue: Catalogue) -> Routine:
    s = screen(catalogue.screening, clear_answers()).plannable()
    assert s is not None
    return build_plan(s, PlanRequest(place="floor", minutes=3), catalogue.techniques)


def scripted(keys: list[str | None]) -> Callable[[float], str | None]:
    """A key source: each call takes the next key, or waits out its timeout for None."""
    queue = deque(keys)

    def read(timeout: float) -> str | None:
        key = queue.popleft() if queue else None
        if key is None:
            time.sleep(min(timeout, 0.05))
        return key

    return read


def test_stop_asks_in_the_panel_and_carrying_on_continues(
    catalogue: Catalogue, routine: Routine
) -> None:
    out = io.StringIO()
    console = Console(file=out, width=90, force_terminal=True, color_system=None)
    events: list[tuple[str, dict[str, object]]] = []
    keys = scripted([None] * 3 + ["s", "c"] + [None] * 3 + ["s", "1"])
    code = run_session(
        catalogue,
        routine,
        build_timeline(routine),
        speed=50,
        voice=False,
        on_event=lambda kind, data: events.append((kind, data)),
        console=console,
        keys=keys,
    )
    assert code == 0
    text = out.getvalue()
    asked = [line for line in text.splitlines() if "Stopped. What happened?" in line]
    assert asked, text[-2000:]
    assert all(line.lstrip().startswith("│") for line in asked), asked  # inside the panel
    assert "[c] I'm fine, carry on" in text
    kinds = [k for k, _ in events]
    assert kinds.count("stopped") == 1, "carrying on did not end the session"
    assert ("stopped", {"reason": "sharp_pain"}) in events


def test_every_step_is_shown_in_full_for_at_least_its_speaking_time(routine: Routine) -> None:
    cues = build_timeline(routine)
    clock = SessionClock(timeline=cues, started=0.0)
    console = Console(file=io.StringIO(), width=60, color_system=None)
    for cue in cues[:-1]:
        assert cue.duration >= speaking_seconds(cue.text)
        if cue.kind not in (CueKind.STEP, CueKind.HOLD, CueKind.RELEASE):
            continue
        for at in (cue.offset + 0.01, cue.end - 0.01):  # from its first to its last moment
            console.file = io.StringIO()
            console.print(_view(routine, clock, at))
            shown = " ".join(console.file.getvalue().replace("│", " ").split())
            assert " ".join(cue.text.split()) in shown, (cue.text, shown)
    assert "Next: Next:" not in shown


def test_voice_queues_instead_of_cutting(tmp_path, monkeypatch) -> None:
    said = tmp_path / "said.txt"
    fake = tmp_path / "espeak-ng"
    fake.write_text(f'#!/bin/sh\nsleep 0.3\necho "$3" >> {said}\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    voice = Voice(True)
    assert voice.exe == str(fake)
    voice.say("first cue")
    voice.say("second cue")  # arrives while the first is still being said
    voice.close()
    assert said.read_text().splitlines() == ["first cue", "second cue"]


def test_a_session_ended_early_keeps_what_was_done(catalogue: Catalogue, routine: Routine) -> None:
    assert len(routine.items) >= 2
    out = io.StringIO()
    console = Console(file=out, width=90, force_terminal=True, color_system=None)
    events: list[tuple[str, dict[str, object]]] = []

    def ctrl_c_after_the_first_technique(timeout: float) -> str | None:
        if any(kind == "technique" for kind, _ in events):
            raise KeyboardInterrupt
        time.sleep(min(timeout, 0.05))
        return None

    with pytest.raises(KeyboardInterrupt):
        run_session(
            catalogue,
            routine,
            build_timeline(routine),
            speed=50,
            voice=False,
            on_event=lambda kind, data: events.append((kind, data)),
            console=console,
            keys=ctrl_c_after_the_first_technique,
        )
    techniques = [data for kind, data in events if kind == "technique"]
    first = routine.items[0].technique.id
    assert techniques[0] == {"id": first, "outcome": "done"}  # sent when it was done
    assert [t["outcome"] for t in techniques[1:]] == [None] * (len(routine.items) - 1)
    assert [k for k, _ in events if k in ("completed", "stopped")] == []
    assert f"Session ended early. 1 of {len(routine.items)} techniques done." in out.getvalue()


def test_next_names_the_coming_step_by_its_number(routine: Routine) -> None:
    """Eyes closed, "Next: step 3" tells where you are; "the next step" told nothing (the web
    player already numbered it)."""
    cues = build_timeline(routine)
    clock = SessionClock(timeline=cues, started=0.0)
    console = Console(file=io.StringIO(), width=80, color_system=None)
    seen = []
    for cue, nxt in pairwise(cues):
        if nxt.kind is CueKind.STEP:
            console.file = io.StringIO()
            console.print(_view(routine, clock, cue.offset + 0.01))
            shown = " ".join(console.file.getvalue().replace("│", " ").split())
            number = nxt.text.split(".")[0]
            assert f"Next: step {number}" in shown, shown
            seen.append(number)
    assert len(seen) >= 3 and "2" in seen
