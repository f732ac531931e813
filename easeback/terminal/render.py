"""Terminal rendering with rich: screening results, routines, techniques and learn pages."""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console, Group
from rich.markdown import Markdown
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from easeback.content.loader import Catalogue
from easeback.content.schema import Topic
from easeback.domain.models import Disposition, Technique
from easeback.domain.planning import Routine
from easeback.domain.screening import ScreeningResult
from easeback.wording import count_text, dose_lines, dose_source_text, label, seconds_text

STYLE = {
    Disposition.EMERGENCY: "bold white on red",
    Disposition.URGENT: "bold red",
    Disposition.PROFESSIONAL_FIRST: "bold yellow",
    Disposition.CAUTION: "bold cyan",
    Disposition.CLEAR: "bold green",
}


def _minutes(seconds: int) -> str:
    return f"{seconds // 60} min {seconds % 60:02d} s"


def _bullet(text: Text) -> Table:
    """A bullet whose wrapped lines line up under its first word, not under the bullet."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column(ratio=1)
    grid.add_row("•", text)
    return grid


def render_screening(console: Console, cat: Catalogue, result: ScreeningResult) -> None:
    if result.emergency_now and not result.complete:
        text = cat.dispositions[Disposition.EMERGENCY]
        console.print(Panel(text.do_now, title=text.title, style=STYLE[Disposition.EMERGENCY]))
        for r in result.reasons:
            console.print(f"  • {r.advice}")
        return
    if not result.complete or result.disposition is None:
        console.print(
            "[bold]The screening is incomplete.[/] Every safety question needs an answer "
            "(yes, no or unsure) before easeback can plan anything. Unanswered: "
            + ", ".join(result.missing)
        )
        return
    d = result.disposition
    text = cat.dispositions[d]
    body = [Text(text.do_now), Text(""), Text(text.routine_note, style="italic")]
    console.print(Panel(Group(*body), title=text.title, style=STYLE[d]))
    if result.call:  # get seen now: the emergency page's call button, in words
        console.print(
            Text(
                f"Cannot move? Call {_emergency_number()} now.", style=STYLE[Disposition.EMERGENCY]
            )
        )
    # what each answer changes, in plain words: the advice once each (no question ids), then
    # the topics to read; `--json` keeps the question ids and answers for scripts
    advice: dict[str, list[str]] = {}
    for r in result.shown_reasons:
        learn = advice.setdefault(r.advice, [])
        learn.extend(t for t in r.learn if t not in learn)
    if advice:
        console.print("[bold]Why:[/]")
    for said, learn in advice.items():
        console.print(_bullet(Text(said)))
        if learn:
            links = ", ".join(f"easeback learn {t}" for t in learn)
            console.print(Padding(Text(f"Learn more: {links}", style="dim"), (0, 0, 0, 4)))
    if result.not_asked:
        n = len(result.not_asked)
        them = "them" if n > 1 else "it"
        console.print(
            f"[dim]{n} other question{'s were' if n > 1 else ' was'} not asked: no answer to "
            f"{them} could change what to do now.[/]"
        )
    seen = [pid for r in result.shown_reasons for pid in r.see]
    if seen:
        console.print("\n[bold]Who can help:[/]")
        for pid in dict.fromkeys(seen):
            pro = cat.professionals[pid]
            console.print(_bullet(Text.assemble((pro.name, "bold"), f": {pro.offers}")))
    if result.check_first:
        console.print(Text(f"\n{result.check_first}", style="bold"))


def _emergency_number() -> str:
    """The number to call: EASEBACK_EMERGENCY_NUMBER when set, else the common ones by region."""
    from easeback.settings import Settings

    number = Settings.from_env().emergency_number
    if number:
        return number
    return "your local emergency number (911 in the US, 112 in Europe, 999 in the UK)"


def render_routine(console: Console, routine: Routine) -> None:
    if not routine.planned:
        console.print(f"[yellow]No routine planned:[/] {routine.reason}")
        return
    table = Table(title=f"Your routine: {_minutes(routine.total_seconds)}", show_lines=True)
    for col in ("#", "technique", "dose", "time", "why"):
        table.add_column(col)
    for n, item in enumerate(routine.items, start=1):
        d = item.technique.dosage
        dose = count_text(item.reps, item.reps, "rep", "reps")
        if item.hold_seconds:  # rolling, walking or resting lasts its time; a stretch is held
            length = seconds_text(item.hold_seconds)
            dose += f" of {length}" if d.rep_means else f" × {length} hold"
        if item.sets > 1:
            dose += f", {item.sets} sets"
        if d.per_side:
            dose += " each side"
        name = item.technique.name + (f"\n[dim]{item.variant.whole}[/]" if item.variant else "")
        table.add_row(str(n), name, dose, _minutes(item.seconds), item.reason)
    console.print(table)
    for note in routine.notes:
        console.print(f"[yellow]Note:[/] {note}")


def render_technique_table(console: Console, items: Iterable[Technique]) -> None:
    """Ids are what `show` takes, so they are never cut: names and details wrap instead. Below 100
    columns the details go under the name, so the id column keeps its full width."""
    items = list(items)
    id_width = max((len(t.id) for t in items), default=2)
    narrow = console.width < 100
    table = Table(title="Techniques", box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD)
    table.add_column("id", no_wrap=True, min_width=id_width, style="bold")
    if narrow:
        table.add_column("technique", ratio=1)
    else:
        for col in ("name", "category", "places", "equipment"):
            table.add_column(col, ratio=2 if col == "name" else 1)
    for t in items:
        details = [
            label(t.category),
            labels(t.places),
            labels(t.equipment) or "no equipment",
        ]
        if narrow:
            table.add_row(t.id, Text(t.name) + Text("\n" + " · ".join(details), style="dim"))
        else:
            table.add_row(t.id, t.name, *details[:2], labels(t.equipment) or "-")
    console.print(table)


def render_technique(console: Console, t: Technique) -> None:
    lines = [f"# {t.name}", "", t.summary, ""]
    if t.aliases:
        lines += [f"*Also called:* {', '.join(t.aliases)}", ""]
    lines += [
        f"**Category:** {label(t.category)} · **Where:** {labels(t.places)}"
        f" · **Equipment:** {labels(t.equipment) or 'none'}",
        "",
        "## Dose",
    ]
    lines += [f"- {line}" for line in dose_lines(t.dosage)]
    lines += [f"- *Where this dose comes from:* {dose_source_text(t.dose_source)}"]
    # when to stop, before how to start: a reader who stops after the dose has still read it
    lines += ["", "## Stop if"] + [f"- {s}" for s in t.stop_if]
    lines += ["", "## Steps"] + [f"{i}. {s.text}" for i, s in enumerate(t.steps, start=1)]
    breath = [b for b in (t.breathing.into, t.breathing.hold, t.breathing.out) if b]
    if breath:
        lines += ["", "## Breathing"] + [f"- {b}" for b in breath]
    lines += ["", "## Form"] + [f"- {c}" for c in t.form_cues]
    lines += ["", f"**What you should feel:** {t.feel}"]
    if t.cautions:
        lines += ["", "## Cautions"] + [f"- {c}" for c in t.cautions]
    for v in t.variants:
        lines += ["", f"**{label(v.kind).capitalize()} version:** {v.whole}"]
    lines += ["", "*Sources:* " + "; ".join(t.sources)]
    console.print(Markdown("\n".join(lines)))


def labels(values: Iterable[object]) -> str:
    return ", ".join(label(v) for v in values)


def render_topic_list(console: Console, cat: Catalogue) -> None:
    table = Table(title="Learn: easeback learn TOPIC")
    table.add_column("topic")
    table.add_column("about")
    for t in cat.topics:
        table.add_row(t.id, f"[bold]{t.title}[/]\n{t.summary}")
    console.print(table)


def render_topic(console: Console, topic: Topic) -> None:
    lines = [f"# {topic.title}", "", topic.summary]
    for s in topic.sections:
        if s.heading:
            lines += ["", f"## {s.heading}"]
        lines += [p for para in s.paragraphs for p in ("", para)]
        if s.bullets:
            lines += [""] + [f"- {b}" for b in s.bullets]
    if topic.related:
        lines += ["", "*See also:* " + ", ".join(f"`easeback learn {r}`" for r in topic.related)]
    lines += ["", "*Sources:* " + "; ".join(topic.sources)]
    console.print(Markdown("\n".join(lines)))
