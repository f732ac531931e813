"""Commands of the journal part. register() stays cheap: heavy imports go inside handlers."""

from __future__ import annotations

import argparse

from easeback.terminal.errors import EXIT_BLOCKED

TYPE_CHECKING = False  # keep typing, pathlib and json out of `easeback --help`
if TYPE_CHECKING:
    from typing import Any

    from sqlalchemy import Engine

SPARK = "▁▂▃▄▅▆▇█"
EXPORT_FORMATS = ("csv", "pdf", "fhir", "ics")


def _engine(args: argparse.Namespace) -> Engine:
    from easeback.settings import Settings
    from easeback.usecases import journal

    return journal.open_journal(Settings.from_env(database_url=args.database))


def _journal(args: argparse.Namespace) -> Any:
    """The journal through the sqlite3 door where it serves (an existing journal at the head
    revision, in the data folder), which spares the command SQLAlchemy; else the engine."""
    from easeback.settings import Settings
    from easeback.usecases import journal

    settings = Settings.from_env(database_url=args.database)
    return journal.open_quick(settings) or journal.open_journal(settings)


def _now() -> Any:
    from easeback.usecases.journal import utc_now

    return utc_now()


def _dump(data: Any) -> None:
    import json

    print(json.dumps(data, indent=2, ensure_ascii=False))


def _activity(value: str) -> tuple[str, int]:
    name, sep, rating = value.rpartition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"activity must be NAME=0-10, got {value!r}")
    try:
        return name.strip(), int(rating)
    except ValueError:
        raise argparse.ArgumentTypeError(f"activity rating must be a number: {value!r}") from None


def cmd_checkin(args: argparse.Namespace) -> int:
    from easeback.usecases import journal
    from easeback.usecases.errors import InputError

    peg_items = (args.peg_pain, args.peg_enjoyment, args.peg_activity)
    if any(v is not None for v in peg_items) and not all(v is not None for v in peg_items):
        raise InputError("PEG needs all three items: --peg-pain, --peg-enjoyment, --peg-activity")
    peg = peg_items if args.peg_pain is not None else None
    at = journal.parse_at(args.at, _now())
    check_in = journal.make_check_in(args.pain, args.stiffness, at, peg, args.activity or ())
    journal.log_check_in(_journal(args), check_in)
    print(f"Checked in: pain {args.pain}/10, stiffness {args.stiffness}/10 at {at:%Y-%m-%d %H:%M}.")
    return 0


def cmd_log_session(args: argparse.Namespace) -> int:
    from pathlib import Path

    from easeback.content.loader import default_catalogue
    from easeback.usecases import files, journal, planning

    cat = default_catalogue()
    routine = planning.routine_from_public(cat, files.read_json_file(Path(args.plan), "plan"))
    at = journal.parse_at(args.at, _now())
    journal.check_pains(args.pain_before, args.pain_after)
    engine = _engine(args)
    sid = journal.log_session(
        engine, routine, args.pain_before, args.pain_after, at, args.stopped, args.soreness
    )
    print(f"Logged session {sid}: pain {args.pain_before} -> {args.pain_after}.")
    if args.stopped:  # the stop advice the guided session shows for this reason
        from easeback.domain.models import StopReason

        stop = cat.stops[StopReason(journal.parse_stop(args.stopped, routine)[1])]
        print(f"Stopped ({stop.label.lower()}): {stop.advice}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from easeback.usecases import journal

    engine = _engine(args)
    journal.restore(engine, args.technique_id, _now())
    print(f"{args.technique_id} is back in your plans. Stop at once if the sharp pain returns.")
    return 0


def _details(kind: str, r: Any) -> str:
    """One line about a journal entry."""
    if kind == "check-in":
        extra = f", PEG {r.peg_score:.1f}" if r.peg_score is not None else ""
        acts = "; ".join(f"{n} {v}/10" for n, v in r.activities)
        return f"pain {r.pain}, stiffness {r.stiffness}{extra}" + (f"; {acts}" if acts else "")
    if kind == "session":
        done = sum(1 for x in r.results if x.outcome == "done")
        pain = f"pain {r.pain_before if r.pain_before is not None else '?'} -> " + (
            f"{r.pain_after}" if r.pain_after is not None else "?"
        )
        stops = "; ".join(f"stopped at {e.technique_id} ({e.reason.value})" for e in r.stops)
        soreness = f", soreness {r.soreness}" if r.soreness else ""
        text = f"{r.status.replace('_', ' ')}, {done}/{r.techniques} done, {pain}{soreness}"
        return text + (f"; {stops}" if stops else "")
    return r.disposition.value if r.disposition else "incomplete"


def cmd_history(args: argparse.Namespace) -> int:
    """The latest page of the journal (oldest of it first), or all of it streamed with --all."""
    import sys

    from easeback.usecases import journal

    since = journal.parse_since(args.since)
    out = sys.stdout
    if args.all:
        entries, older = journal.all_entries(_engine(args), since), 0
    else:
        page, older = journal.history_page(_journal(args), args.limit or journal.PAGE, since)
        entries = iter(page[::-1])
    header = False
    for e in entries:
        if not header:
            out.write(f"{'When':<16}  {'What':<9}  Details\n")
            header = True
        out.write(f"{e.at:%Y-%m-%d %H:%M}  {e.kind:<9}  {_details(e.kind, e.record)}\n")
    if not header:
        if since is None:
            print("Your journal is empty. Start with `easeback checkin --pain N --stiffness N`.")
        else:
            print(f"Nothing in your journal since {args.since}.")
    elif older:
        print(
            f"{older} older {'entry is' if older == 1 else 'entries are'} not shown: "
            "`--limit N` shows the last N, `--since YYYY-MM-DD` those since a day, "
            "`--all` everything."
        )
    return 0


def spark(values: list[int]) -> str:
    return "".join(SPARK[min(len(SPARK) - 1, v * len(SPARK) // 11)] for v in values)


def cmd_progress(args: argparse.Namespace) -> int:
    from easeback.usecases import journal

    if args.json and not args.plot:
        _dump(journal.progress_summary(_journal(args), journal.local(_now())))
        return 0
    from pathlib import Path

    from easeback.content.loader import default_catalogue

    cat, engine = default_catalogue(), _engine(args)
    if args.plot:  # the journal's rows streamed into bins: a long journal stays readable
        from easeback.export.plot import save_plot

        save_plot(journal.chart(engine), Path(args.plot))
    # aggregated by the database: the same cost at 100 rows or 100,000
    report = journal.progress_of(engine, cat.techniques, journal.local(_now()))
    if args.json:
        _dump(journal.progress_public(report))
        return 0
    _render_progress(engine, report, cat)
    if args.plot:
        print(f"Wrote {args.plot}")
    return 0


SPARK_DAYS = 60  # the pain line of `easeback progress`: the last 60 days up to the newest rating


def _render_progress(engine: Any, report: Any, cat: Any) -> None:
    from rich.console import Console
    from rich.table import Column, Table

    from easeback.domain.progression import frequency
    from easeback.usecases import journal

    console = Console()
    readings = journal.recent_readings(engine, SPARK_DAYS)
    if not readings:
        console.print(
            "No pain ratings yet. Check in with `easeback checkin --pain N --stiffness N`."
        )
    else:
        daily: dict[Any, int] = {}
        for at, pain in readings:
            daily[at.date()] = pain  # the day's last rating
        days = list(daily)
        span = f"{len(days)} day{'s' if len(days) != 1 else ''} with ratings"
        console.print(f"[bold]Pain, last {SPARK_DAYS} days[/] ({span}; 0 ▁ to 10 █)")
        console.print(f"  {spark([daily[d] for d in days])}  {days[0]} → {days[-1]}")
        change = report.change
        verdict = (
            "a clinically meaningful improvement (2 points or 30%)"
            if report.meaningful_improvement
            else "not yet a clinically meaningful improvement (2 points or 30%)"
        )
        console.print(
            f"Started at {report.baseline_pain}/10, now {report.latest_pain}/10 "
            f"(change {change:+d}): {verdict}."
        )
    for a in report.advice:
        console.print(f"[bold yellow]{a.code.value.replace('_', ' ')}:[/] {a.text}")
        console.print(f"  [dim]Learn more: easeback learn {a.learn}[/]")
    if report.techniques:
        table = Table("Sessions", "Mean change in pain", "95% interval", "How often")
        # ids are what `restore` and `show` take: never cut one, the other columns wrap instead
        width = max(len(e.technique_id) for e in report.techniques)
        table.columns.insert(0, Column("Technique", no_wrap=True, min_width=width))
        counts = journal.sessions_per_technique(engine)
        for e in report.techniques:
            try:
                how = frequency(cat.technique(e.technique_id), counts.get(e.technique_id, 0))
            except KeyError:
                how = ""
            mean = f"{e.mean_change:+.1f}" if e.mean_change is not None else "needs 3 sessions"
            ci = f"{e.interval[0]:+.1f} to {e.interval[1]:+.1f}" if e.interval else ""
            table.add_row(e.technique_id, str(e.sessions), mean, ci, how)
        console.print("[bold]What helps you[/] (negative means pain eased)")
        console.print(table)
    if report.left_out:
        console.print(
            "Left out after sharp pain: "
            + ", ".join(sorted(report.left_out))
            + " (put one back with `easeback restore ID`)."
        )


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from easeback.content.loader import default_catalogue
    from easeback.export import export
    from easeback.usecases import journal

    engine = _engine(args)
    out = Path(args.out)
    written = export(
        args.format, engine, default_catalogue(), out, journal.utc_now(), times=args.times
    )
    print(written)
    if written.is_dir():  # csv: say what the folder holds
        for table in sorted(written.glob("*.csv")):
            print(f"  {table.name}")
    return 0


def _count(value: str) -> int:
    """A whole number of 1 or more, for argparse."""
    if not value.strip().isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, got {value!r}")
    return int(value)


def _whole(value: str, name: str) -> int:
    if not value.strip().isdigit():
        raise ValueError(f"{name} must be a whole number of minutes, got {value!r}")
    return int(value)


def cmd_reminders(args: argparse.Namespace) -> int:
    from pathlib import Path

    from easeback.content.loader import default_catalogue
    from easeback.domain import reminders
    from easeback.export import ExportError
    from easeback.export.ics import desk_break_calendar
    from easeback.usecases import errors, journal, planning

    try:
        schedule = reminders.ReminderSchedule(
            every=_whole(args.every, "--every"),
            start=reminders.parse_clock(args.start, "--start"),
            end=reminders.parse_clock(args.end, "--end"),
            days=reminders.parse_days(args.days),
            minutes=_whole(args.minutes, "--minutes"),
        )
    except ValueError as exc:
        message = str(exc)
        for name in ("every", "minutes", "end", "days"):
            if message.startswith(name + " "):
                message = "--" + message
        raise errors.InputError(message) from None
    out = Path(args.out)
    if out.is_dir() or not out.parent.exists():
        raise errors.InputError(f"--out {out}: give a file name in a folder that exists")
    cat, engine, now = default_catalogue(), _engine(args), journal.utc_now()
    result = journal.latest_valid_screening(engine, cat, now)
    if result is None:
        raise errors.InputError(
            "no valid screening in your journal: answer the safety questions with "
            "`easeback start` (or in `easeback serve`) first"
        )
    inputs = journal.planner_inputs_of(engine, cat.techniques)
    routine = planning.desk_break_routine(cat, result, schedule.minutes, **inputs)
    if routine is None or not routine.items:
        raise errors.InputError(
            "your latest screening does not allow a routine: see its advice with `easeback screen`"
        )
    try:
        data = desk_break_calendar(
            planning.routine_public(routine), schedule, journal.local(now).date()
        )
    except ExportError as exc:
        raise errors.InputError(str(exc)) from None
    out.write_bytes(data)
    print(out)
    return 0


def _database(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--database",
        metavar="URL",
        help="journal database URL (default: $EASEBACK_DATABASE_URL or a SQLite file in the "
        "data folder)",
    )


def _at(p: argparse.ArgumentParser) -> None:
    p.add_argument("--at", metavar="ISO-TIME", help="when it happened (past only; default now)")


def register(sub: Any) -> None:  # argparse._SubParsersAction
    """Add this part's subcommands."""
    p = sub.add_parser("checkin", help="rate your pain and stiffness now (0-10)")
    p.add_argument("--pain", type=int, required=True, help="pain now, 0 (none) to 10 (worst)")
    p.add_argument("--stiffness", type=int, required=True, help="stiffness now, 0 to 10")
    p.add_argument("--peg-pain", type=int, help="PEG: average pain in the past week, 0-10")
    p.add_argument("--peg-enjoyment", type=int, help="PEG: how pain interfered with enjoyment")
    p.add_argument("--peg-activity", type=int, help="PEG: how pain interfered with activity")
    p.add_argument(
        "--activity",
        type=_activity,
        action="append",
        metavar="NAME=N",
        help="a personal activity and how hard it is, 0-10 (up to three)",
    )
    _at(p)
    _database(p)
    p.set_defaults(handler=cmd_checkin)

    p = sub.add_parser("history", help="your check-ins, sessions and screenings")
    many = p.add_mutually_exclusive_group()
    many.add_argument("--limit", type=_count, default=0, help="the last N entries (default 20)")
    many.add_argument("--all", action="store_true", help="every entry, oldest first")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only entries from this day on")
    _database(p)
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser("progress", help="pain over time, what helps you, and advice")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--plot", metavar="FILE.png|svg", help="also save a chart of pain and stiffness")
    _database(p)
    p.set_defaults(handler=cmd_progress)

    p = sub.add_parser("export", help="export the journal: csv, pdf, fhir or ics")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="file format")
    p.add_argument("--out", required=True, metavar="PATH", help="file (or folder for csv)")
    p.add_argument(
        "--times",
        default="08:00,18:00",
        metavar="HH:MM,...",
        help="ics: reminder times each day (default 08:00,18:00)",
    )
    _database(p)
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("reminders", help="desk-break reminders as an iCalendar file")
    p.add_argument("--every", required=True, metavar="N", help="minutes of sitting (5-240)")
    p.add_argument("--start", default="09:00", metavar="HH:MM", help="workday start (09:00)")
    p.add_argument("--end", default="17:00", metavar="HH:MM", help="workday end (17:00)")
    p.add_argument(
        "--days", default="mon,tue,wed,thu,fri", metavar="mon,tue,...", help="weekdays (mon-fri)"
    )
    p.add_argument("--minutes", default="3", metavar="M", help="break length, 1-30 (3)")
    p.add_argument("--out", required=True, metavar="FILE.ics", help="calendar file to write")
    _database(p)
    p.set_defaults(handler=cmd_reminders)

    p = sub.add_parser("log-session", help="record a routine done away from the timer")
    p.add_argument("--plan", required=True, metavar="FILE.json", help="the plan you followed")
    p.add_argument("--pain-before", type=int, required=True, help="pain before, 0-10")
    p.add_argument("--pain-after", type=int, required=True, help="pain after, 0-10")
    p.add_argument("--stopped", metavar="ID:REASON", help="stopped at this technique, and why")
    p.add_argument("--soreness", choices=("low", "medium", "high"), help="soreness afterwards")
    _at(p)
    _database(p)
    p.set_defaults(handler=cmd_log_session)

    p = sub.add_parser("restore", help="put a technique left out after sharp pain back")
    p.add_argument("technique_id", metavar="TECHNIQUE_ID", help="e.g. cat-cow")
    _database(p)
    p.set_defaults(handler=cmd_restore)


# ---- the guided session, recorded (called by `session` and `start`) ----


def _journal_or_none(what: str) -> Engine | None:
    """The journal, or None with a note when the journal extra is not installed."""
    import sys

    from easeback.settings import Settings
    from easeback.usecases import journal
    from easeback.usecases.errors import InputError

    try:
        return journal.open_journal(Settings.from_env())
    except InputError as exc:
        if "journal extra" not in str(exc):
            raise
        print(f"easeback: note: not recording {what}: {exc}", file=sys.stderr)
        return None


def _ask_screening_again(cat: Any, console: Any, last: dict[str, Any] | None) -> Any:
    """Ask the screening again in the order of asking, as a new screening (safety.md, "Asking
    again"): the red flags and the changing context afresh, pain_days from the episode's start
    once confirmed, other earlier answers only offered for confirming (everything afresh if
    nothing was recorded), and screen."""
    from easeback.terminal.interactive import ask_screening
    from easeback.usecases import journal, screening

    if last is None:
        return screening.screen_answers(cat, ask_screening(cat, console))
    began = screening.episode_start(last["answers"], last["at"])
    today = journal.local(journal.utc_now()).date()
    console.print("[bold]The safety questions again, before this session.[/]")
    answers = ask_screening(
        cat,
        console,
        previous=last["answers"],
        again=screening.asked_afresh(cat.screening),
        episode=(began, today) if began is not None else None,
    )
    return screening.screen_answers(cat, answers)


def guided_session(
    cat: Any,
    routine: Any,
    speed: float = 1.0,
    voice: bool = True,
    console: Any = None,
    screened: bool = False,
) -> int:
    """Run a routine in the terminal and record it in the journal as it happens.

    Before it: a lapsed screening is asked again, a rest day is pointed out, and techniques left
    out after sharp pain are taken out. In a terminal, pain is asked before and after.
    """
    import sys

    from rich.console import Console

    from easeback.domain import progression
    from easeback.domain.timeline import build_timeline
    from easeback.terminal.interactive import _ask_int
    from easeback.terminal.render import render_routine
    from easeback.terminal.session import run_session
    from easeback.usecases import journal, planning, screening

    console = console or Console()
    interactive = sys.stdin.isatty()
    engine = _journal_or_none("this session")
    if engine is None:
        # No journal to hold a screening: the safety questions are asked now, or none is run.
        if not screened:
            if not interactive:
                return _refuse_unscreened("The journal is not installed to keep a screening.")
            result = _ask_screening_again(cat, console, None)
            if not _still_allows(console, cat, result, routine):
                return EXIT_BLOCKED
            fitted = _fit_to_answers(console, cat, routine, result, frozenset())
            if fitted is None:
                return EXIT_BLOCKED
            routine = fitted
        return run_session(cat, routine, build_timeline(routine), speed=speed, voice=voice)
    facts = journal.facts_of(engine)  # a few indexed queries, whatever the journal's size
    now = journal.local(journal.utc_now())
    reason = None if screened else progression.rescreen_reason_from(facts, now)
    if reason is not None:
        if not interactive:
            return _refuse_unscreened(reason)
        else:
            console.print(f"[bold yellow]{reason}[/]")
            from easeback.storage import repository

            last = repository.latest_screening(engine)
            result = _ask_screening_again(cat, console, last)
            journal.save_screening(engine, result, journal.utc_now())
            if not _still_allows(console, cat, result, routine):
                return EXIT_BLOCKED
    due = progression.rest_day_from(journal.facts_of(engine), now.date())
    if due == now.date():
        console.print(
            "[bold yellow]Today is a rest day[/]: your pain got worse during your last session, "
            "or you were very sore afterwards. Gentle walking is fine."
        )
        if interactive:
            from rich.prompt import Prompt

            if Prompt.ask("Do the routine anyway?", choices=["yes", "no"], default="no") == "no":
                return 0
    # A plan file may be older than the answers in force or a sharp-pain stop: fit it to them.
    result = journal.latest_valid_screening(engine, cat, journal.utc_now())
    before = _ask_int(console, "Your pain right now, 0-10?", 0, 10, False) if interactive else None
    if before is not None and result is not None:  # safety.md: it counts as pain_now
        result = screening.with_pain_now(cat, result, before)
    fitted = _fit_to_answers(console, cat, routine, result, journal.left_out_of(engine))
    if fitted is None:
        return EXIT_BLOCKED
    routine = planning.held_to(fitted, result)
    if routine is not fitted:
        render_routine(console, routine)
    recorder = journal.SessionRecorder(engine, routine, before)
    recorder.start()
    try:
        code = run_session(
            cat, routine, build_timeline(routine), speed=speed, voice=voice, on_event=recorder
        )
    except KeyboardInterrupt:
        recorder.interrupted()
        raise
    after, soreness = None, None
    if interactive:
        from rich.prompt import Prompt

        after = _ask_int(console, "Your pain now, 0-10?", 0, 10, False)
        soreness = Prompt.ask(
            "How sore are you?", choices=["low", "medium", "high"], default="low", console=console
        )
    recorder.finish(after, soreness)
    if (
        before is not None
        and after is not None
        and (after - before >= progression.REST_RISE or soreness == "high")
    ):
        console.print("[bold yellow]Tomorrow is a rest day.[/] Keep gently active with walking.")
    return code


def _refuse_unscreened(reason: str) -> int:
    """No terminal to ask the safety questions in: no session without a valid screening."""
    import sys

    print(
        f"easeback: refused: {reason} A session needs a screening from the last 7 days: run "
        "`easeback session` in a terminal to answer the safety questions, or save them with "
        "`easeback screen --answers FILE --save`.",
        file=sys.stderr,
    )
    return EXIT_BLOCKED


def fit_plan(
    cat: Any, routine: Any, result: Any, left_out: frozenset[str]
) -> tuple[Any | None, list[str]]:
    """A plan file fitted to the screening in force (None: no valid one, then only the stops
    count) and the sharp-pain stops, and notes in plain words on what was taken out and why.
    The routine is None when those answers allow no routine at all."""
    from easeback.domain.programme import fitted

    notes: list[str] = []
    if result is None:
        kept = routine.model_copy(
            update={"items": tuple(i for i in routine.items if i.technique.id not in left_out)}
        )
        stopped = [i.technique.id for i in routine.items if i.technique.id in left_out]
        ruled: list[Any] = []
    else:
        kept, hidden = fitted(routine, result, left_out)
        if kept is None:
            level = result.disposition.value.replace("_", " ") if result.disposition else "?"
            notes.append(f"Your latest safety answers ({level}) do not allow a routine now: "
                         "follow their advice; `easeback start` asks them again.")  # fmt: skip
            return None, notes
        stopped = [h.technique_id for h in hidden if not h.rules]
        ruled = [h for h in hidden if h.rules]
    if stopped:
        names = ", ".join(cat.technique(t).name for t in stopped)
        back = " or ".join(f"easeback restore {t}" for t in stopped)
        notes.append(f"Left out after sharp pain: {names}. Ask a professional before trying it "
                     f"again; once they agree, {back} puts it back.")  # fmt: skip
    if ruled:
        names = ", ".join(cat.technique(h.technique_id).name for h in ruled)
        rules = {r.id: r for r in cat.screening.rules}
        why = " ".join(dict.fromkeys(rules[x].advice for h in ruled for x in h.rules if x in rules))
        notes.append(f"Left out for your latest safety answers: {names}. {why}")
    if not kept.items:
        notes.append("Nothing in this plan suits your latest answers and stops: plan a new "
                     "routine with `easeback plan` (or `easeback start`).")  # fmt: skip
    elif ruled:
        notes.append("For a routine made for these answers, plan again with `easeback plan`.")
    return kept, notes


def _fit_to_answers(
    console: Any, cat: Any, routine: Any, result: Any, left_out: frozenset[str]
) -> Any:
    """fit_plan, said in the terminal; None when nothing of the routine may be done."""
    kept, notes = fit_plan(cat, routine, result, left_out)
    for note in notes:
        console.print(note)
    return kept if kept is not None and kept.items else None


def _still_allows(console: Any, cat: Any, result: Any, routine: Any) -> bool:
    """True when the screening just answered allows this routine (no more cautious disposition)."""
    from easeback.terminal.render import render_screening

    plannable = result.plannable()
    if plannable is None or plannable.disposition.severity > routine.disposition.severity:
        render_screening(console, cat, result)
        console.print("Your answers have changed: plan a new routine before a session.")
        return False
    return True


def journey_inputs(result: Any) -> dict[str, Any]:
    """For `start`: save the screening just answered and return the planner's inputs from the
    journal (nothing when the journal extra is not installed)."""

    from easeback.content.loader import default_catalogue
    from easeback.usecases import journal

    engine = _journal_or_none("the screening")
    if engine is None:
        return {}
    journal.save_screening(engine, result, journal.utc_now())
    return journal.planner_inputs_of(engine, default_catalogue().techniques)
