"""Asking questions in the terminal: the screening and the routine choices, one at a time."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
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
    episode: tuple[date, date] | None = None,
) -> dict[str, AnswerValue]:
    """Ask in the domain's order of asking: an emergency or urgent answer ends the questions at
    once. Asked again (safety.md, "Asking again"), no earlier answer is copied: the questions in
    `again` are asked afresh, every other earlier answer from `previous` is offered as the
    default for the person to see and confirm or change, and with `episode` (the day the episode
    began, and today) `pain_days` is worked out from that day once the person confirms it is
    the same episode."""
    if previous is None:
        console.print(
            "[bold]Safety questions first.[/] Answer each honestly; [italic]unsure[/] counts as "
            "yes, to be safe. easeback does not diagnose anything.\n"
        )
    offered = {k: v for k, v in (previous or {}).items() if k not in set(again)}
    answers: dict[str, AnswerValue] = {}
    table = cat.screening
    questions = table.questions
    q = next_question(table, answers)
    while q is not None:
        prefix = f"[dim]{questions.index(q) + 1}/{len(questions)}[/] {q.text}"
        if q.help:
            prefix += f" [dim]({q.help})[/]"
        default = offered.get(q.id)
        if q.id == "pain_days" and episode is not None:
            answer: AnswerValue | None = _ask_episode(console, prefix, q.min, q.max, *episode)
        elif q.kind is QuestionKind.RED_FLAG:
            answer = _choose(console, prefix, ["yes", "no", "unsure"], default)
        elif q.kind is QuestionKind.YES_NO:
            answer = _choose(console, prefix, ["yes", "no"], default)
        else:
            answer = _ask_int(console, prefix, q.min, q.max, q.optional)
        if answer is not None:
            answers[q.id] = answer
        q = next_question(table, answers, after=q.id)
    return answers


def _choose(console: Console, prompt: str, choices: list[str], default: AnswerValue | None) -> str:
    """One of the choices; an earlier answer is shown as the default, kept only by confirming."""
    if default is None or default not in choices:
        return Prompt.ask(prompt, choices=choices, console=console)
    prompt += " [dim](your answer last time is shown: Enter keeps it)[/]"
    return Prompt.ask(prompt, choices=choices, default=str(default), console=console)


def _ask_episode(
    console: Console, prompt: str, lo: int | None, hi: int | None, began: date, today: date
) -> int:
    """pain_days from the day the episode began, once the person confirms it is the same one."""
    days = max(0, (today - began).days)
    same = Prompt.ask(
        f"Is this the same episode of back pain that began on {began:%d %B %Y} "
        f"({days} day{'' if days == 1 else 's'} ago)?",
        choices=["yes", "no"],
        console=console,
    )
    if same == "yes" and (hi is None or days <= hi):
        return days
    answer = _ask_int(console, prompt, lo, hi, False)
    assert answer is not None
    return answer


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
