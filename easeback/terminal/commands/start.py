"""The `start` journey in the terminal: screening, routine choices, then the guided session."""

from __future__ import annotations

from datetime import date

from rich.console import Console
from rich.prompt import Prompt

from easeback.content.loader import Catalogue
from easeback.terminal.commands.journal import guided_session, journey_inputs
from easeback.terminal.interactive import ask_routine_choices, ask_screening
from easeback.terminal.render import render_routine, render_screening
from easeback.usecases import errors, planning, screening


def run_journey(cat: Catalogue, console: Console, speed: float = 1.0, voice: bool = True) -> int:
    answers = ask_screening(cat, console, episode=_episode())
    result = screening.screen_answers(cat, answers)
    render_screening(console, cat, result)
    inputs = journey_inputs(result)  # saves the screening; history-based planner inputs
    if result.plannable() is None:
        return 3
    while True:
        try:
            choices = ask_routine_choices(console)
            req = planning.make_request(**choices, **inputs)
            routine = planning.plan_routine(cat, result, req)
        except errors.InputError as exc:
            console.print(f"[red]{exc}[/]")
            continue
        assert routine is not None
        if routine.planned and routine.items:
            break
        # nothing suits this place or length: say why (and where does suit), and ask again
        render_routine(console, routine)
    render_routine(console, routine)
    if (
        Prompt.ask(
            "Start the guided session now?", choices=["yes", "no"], default="yes", console=console
        )
        == "no"
    ):
        return 0
    return guided_session(cat, routine, speed=speed, voice=voice, console=console, screened=True)


def _episode() -> tuple[date, date] | None:
    """(the day this episode began, today) from the journal's latest screening, so its days are
    worked out once the person confirms it is the same episode; None without one."""
    from easeback.storage import repository
    from easeback.terminal.commands.journal import _journal_or_none
    from easeback.usecases import journal

    engine = _journal_or_none("the screening")
    if engine is None:
        return None
    last = repository.latest_screening(engine)
    began = screening.episode_start(last["answers"], last["at"]) if last else None
    return None if began is None else (began, journal.local(journal.utc_now()).date())
