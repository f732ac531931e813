"""Asking questions in the terminal: the screening and the routine choices, one at a time."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from rich.console import Console
from rich.prompt import IntPrompt, Prompt

from easeback.content.loader import Catalogue
from easeback.domain.screening import AnswerValue, QuestionKind, next_question


def ask_screening(
    cat: Catalogue,
    console: Console,
    previous: Mapping[str, AnswerValue] | None = None,
    again: Collection[str] = (),
) -> dict[str, AnswerValue]:
    """Ask in the domain's order of asking: an emergency or urgent answer ends the questions at
    once. With `previous` answers, only the questions in `again` and those still without an
    answer are asked (a lapsed screening asks its red flags again, and any question added since)."""
    if previous is None:
        console.print(
            "[bold]Safety questions first.[/] Answer each honestly; [italic]unsure[/] counts as "
            "yes, to be safe. easeback does not diagnose anything.\n"
        )
    answers: dict[str, AnswerValue] = {
        k: v for k, v in (previous or {}).items() if k not in set(again)
    }
    table = cat.screening
    questions = table.questions
    q = next_question(table, answers)
    while q is not None:
        if q.id not in answers:
            prefix = f"[dim]{questions.index(q) + 1}/{len(questions)}[/] {q.text}"
            if q.help:
                prefix += f" [dim]({q.help})[/]"
            if q.kind is QuestionKind.RED_FLAG:
                answers[q.id] = Prompt.ask(prefix, choices=["yes", "no", "unsure"], console=console)
            elif q.kind is QuestionKind.YES_NO:
                answers[q.id] = Prompt.ask(prefix, choices=["yes", "no"], console=console)
            else:
                answer = _ask_int(console, prefix, q.min, q.max, q.optional)
                if answer is not None:
                    answers[q.id] = answer
        q = next_question(table, answers, after=q.id)
    return answers


def _ask_int(
    console: Console, prompt: str, lo: int | None, hi: int | None, optional: bool
) -> int | None:
    while True:
        raw = Prompt.ask(
            prompt + (" [dim](Enter to skip)[/]" if optional else ""),
            console=console,
            default="" if optional else None,
        )
        if optional and not raw:
            return None
        try:
            value = int(raw or "")
        except ValueError:
            console.print("[red]Please type a whole number.[/]")
            continue
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            console.print(f"[red]Please type a number from {lo} to {hi}.[/]")
            continue
        return value


def ask_routine_choices(console: Console) -> dict[str, Any]:
    place = Prompt.ask(
        "Where are you?",
        choices=["bed", "floor", "chair", "standing", "pool", "any"],
        default="floor",
        console=console,
    )
    minutes = IntPrompt.ask("How many minutes do you have?", default=10, console=console)
    equipment = Prompt.ask(
        "Equipment at hand (comma-separated: chair, ball, foam-roller, towel, pillow, mat, "
        "wall, pool; Enter for none)",
        default="",
        console=console,
    )
    goal = Prompt.ask(
        "Goal",
        choices=["general-relief", "morning-stiffness", "desk-break", "strengthen"],
        default="general-relief",
        console=console,
    )
    return {"place": place, "minutes": minutes, "equipment": equipment or None, "goal": goal}
