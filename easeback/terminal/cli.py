"""Command-line door: parse arguments, call a service, render. Heavy imports happen inside commands
so that `easeback --help` stays as fast as Python itself."""

from __future__ import annotations

import argparse
import sys

from easeback.terminal.errors import EXIT_BLOCKED, EXIT_USAGE, CliError

TYPE_CHECKING = False  # typing, pathlib and json cost milliseconds; --help needs none of them
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from easeback.content.loader import Catalogue


def _catalogue() -> Catalogue:
    from easeback.content.loader import default_catalogue

    return default_catalogue()


def _dump(data: Any) -> None:
    import json

    print(json.dumps(data, indent=2, ensure_ascii=False))


def _console() -> Any:
    from rich.console import Console

    return Console()


# ---- commands ----


def cmd_screen(args: argparse.Namespace) -> int:
    from easeback.usecases import files, screening

    cat = _catalogue()
    if args.answers:
        raw = files.read_json_file(args.answers, "answers")
    else:
        from easeback.terminal.interactive import ask_screening

        raw = ask_screening(cat, _console())
    result = screening.screen_answers(cat, raw)
    if args.save or not args.answers:
        _save_screening(result, quiet=args.json)
    if args.json:
        _dump(screening.screening_public(result))
    else:
        from easeback.terminal.render import render_screening  # rich: not for --json

        render_screening(_console(), cat, result)
    if not result.complete:
        if not args.answers:
            return 1
        missing = ", ".join(result.missing)
        print(f"easeback: error: answers file has no answer for: {missing}", file=sys.stderr)
        return EXIT_USAGE
    return 0


def _save_screening(result: Any, quiet: bool) -> None:
    """Keep a screening in the journal, where a session looks for one from the last 7 days."""
    from easeback.terminal.commands.journal import _journal_or_none
    from easeback.usecases import journal

    engine = _journal_or_none("the screening")
    if engine is not None:
        journal.save_screening(engine, result, journal.utc_now())
        if not quiet:
            print("Saved in your journal.", file=sys.stderr)


def _journal_planner_inputs(cat: Catalogue) -> dict[str, Any]:
    """The journal's planner inputs (left out after sharp pain, what helps, holds grown,
    techniques done), or none when there is no journal yet or no journal extra. A journal
    that cannot be read is an error: a plan must never bring back a technique left out."""
    from easeback.settings import Settings

    settings = Settings.from_env()
    journal_file = settings.resolved_data_dir() / "journal.sqlite3"
    if not settings.database_url and not journal_file.exists():
        return {}  # nothing recorded yet; the SQLAlchemy import is not needed
    # an existing journal is read through the sqlite3 door when it can be: no SQLAlchemy either
    from easeback.usecases import journal
    from easeback.usecases.errors import InputError

    try:
        engine = journal.open_quick(settings) or journal.open_journal(settings)
    except InputError as exc:
        if "journal extra" in str(exc):
            return {}
        raise
    return journal.planner_inputs_of(engine, cat.techniques)


def _plan_from_args(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    from easeback.usecases import files, planning, screening

    cat = _catalogue()
    raw = files.read_json_file(args.answers, "answers")
    result = screening.screen_answers(cat, raw)
    inputs = _journal_planner_inputs(cat)
    req = planning.make_request(args.where, args.minutes, args.equipment, args.goal, **inputs)
    return cat, result, planning.plan_routine(cat, result, req)


def cmd_plan(args: argparse.Namespace) -> int:
    from easeback.usecases import files, planning, screening

    cat, result, routine = _plan_from_args(args)
    if routine is None:
        if args.json:
            out = screening.screening_public(result)
            _dump(
                {
                    "planned": False,
                    "disposition": out["disposition"],
                    "reasons": out["reasons"],
                    "missing": out["missing"],
                    "not_asked": out["not_asked"],
                }
            )
        else:
            from easeback.terminal.render import render_screening

            render_screening(_console(), cat, result)
        if not result.complete:
            # An incomplete answers file is bad input, like a missing field: name what is missing.
            missing = ", ".join(result.missing)
            print(f"easeback: error: answers file has no answer for: {missing}", file=sys.stderr)
            return EXIT_USAGE
        return EXIT_BLOCKED
    data = planning.routine_public(routine)
    if not routine.planned:  # too few minutes, or nothing suits the place
        if args.json:
            _dump(data)
        else:
            from easeback.terminal.render import render_routine

            render_routine(_console(), routine)
        return EXIT_BLOCKED
    if args.out:
        files.write_json_file(args.out, data)
    if args.json:
        _dump(data)
    else:
        from easeback.terminal.render import render_routine

        render_routine(_console(), routine)
        if args.out:
            print(f"Saved plan to {args.out}")
    return 0


def cmd_techniques(args: argparse.Namespace) -> int:
    from easeback.usecases import catalogue

    cat = _catalogue()
    items = catalogue.filter_techniques(cat, args.place, args.equipment, args.category)
    if args.json:
        _dump([catalogue.technique_public(t, full=True) for t in items])
    else:
        from easeback.terminal.render import render_technique_table  # rich: not for --json

        render_technique_table(_console(), items)
    return 0


def _write_sheet(args: argparse.Namespace) -> int:
    """The contact sheet: every technique's numbered key poses on one PNG, for review."""
    from pathlib import Path

    from easeback.pictures import PicturesUnavailable, contact_sheet_png
    from easeback.usecases.catalogue import find_technique

    cat = _catalogue()
    chosen = (find_technique(cat, " ".join(args.id)),) if args.id else cat.techniques
    out = Path(args.sheet)
    existed = out.exists()
    try:
        with out.open("ab"):  # refuse an unwritable path before drawing for a minute
            pass
        contact_sheet_png(chosen, out)
    except PicturesUnavailable as exc:
        if not existed:
            out.unlink(missing_ok=True)
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot write --sheet {args.sheet}: {exc.strerror}") from None
    print(f"Wrote {args.sheet}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from easeback.terminal.render import render_technique

    if args.sheet:
        return _write_sheet(args)
    if not args.id:
        raise CliError("give a technique id, e.g. `easeback show cat-cow` (or --sheet FILE)")
    from easeback.usecases.catalogue import find_technique

    t = find_technique(_catalogue(), " ".join(args.id))  # `show cat camel` needs no quotes
    render_technique(_console(), t)
    if args.svg or args.png:
        from pathlib import Path

        from easeback.pictures import save_picture

        for fmt, path in (("svg", args.svg), ("png", args.png)):
            if path:
                try:
                    save_picture(t, fmt, Path(path))
                except OSError as exc:
                    raise CliError(f"cannot write --{fmt} {path}: {exc.strerror}") from None
                print(f"Wrote {path}")
    return 0


def cmd_questions(args: argparse.Namespace) -> int:
    """The screening questions an answers file answers, from the content."""
    from easeback.usecases.screening import questions_public

    questions = questions_public(_catalogue())
    if args.json:
        _dump(questions)
        return 0
    import textwrap

    width = max(len(q["id"]) for q in questions)
    for q in questions:
        takes = q["answers"]
        words = " | ".join(takes) if isinstance(takes, list) else (
            f"a whole number from {takes['min']} to {takes['max']}"
        )  # fmt: skip
        kind = {"red_flag": "red flag", "yes_no": "yes/no", "integer": "number"}[q["type"]]
        extra = ", or left out" if q["optional"] else ""
        print(f"{q['id']:<{width}}  {kind:<8}  {words}{extra}")
        print(textwrap.fill(q["text"], 96, initial_indent="    ", subsequent_indent="    "))
    print()
    print(
        textwrap.fill(
            'Write the answers as one JSON object keyed by id, e.g. {"bladder_bowel_control": '
            '"no", "pain_days": 3, ...}, answering truthfully every question that may not be '
            "left out; then `easeback screen --answers FILE.json --save` or `easeback plan "
            "--answers FILE.json ...`.",
            100,
        )
    )
    return 0


def cmd_learn(args: argparse.Namespace) -> int:
    from easeback.terminal.render import render_topic, render_topic_list

    cat = _catalogue()
    if args.list or not args.topic:
        render_topic_list(_console(), cat)
        return 0
    try:
        topic = cat.topic(args.topic)
    except KeyError:
        raise CliError(f"unknown topic {args.topic!r}; see `easeback learn --list`") from None
    render_topic(_console(), topic)
    return 0


def cmd_session(args: argparse.Namespace) -> int:
    from easeback.domain.timeline import build_timeline
    from easeback.usecases import files, planning

    cat = _catalogue()
    routine = planning.routine_from_public(cat, files.read_json_file(args.plan, "plan"))
    timeline = build_timeline(routine)
    if args.dry_run:
        import json

        if args.json:
            for cue in timeline:
                print(json.dumps(cue.as_dict(), ensure_ascii=False))
        else:
            for cue in timeline:
                print(f"{cue.offset:8.1f}s  {cue.kind.value:<12} {cue.text}")
        return 0
    from easeback.terminal.commands.journal import guided_session

    # records itself in the journal; asks the safety questions again if they have lapsed
    return guided_session(cat, routine, speed=args.speed, voice=not args.no_voice)


def cmd_start(args: argparse.Namespace) -> int:
    from easeback.terminal.commands.start import run_journey

    return run_journey(_catalogue(), _console(), speed=args.speed, voice=not args.no_voice)


# ---- parser ----


def _add_plan_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--answers", required=True, metavar="FILE.json", help="screening answers by question id"
    )
    p.add_argument(
        "--where", required=True, metavar="PLACE", help="bed, floor, chair, standing, pool or any"
    )
    p.add_argument("--minutes", required=True, type=int, help="minutes available (1-120)")
    p.add_argument(
        "--equipment",
        metavar="a,b",
        help="equipment at hand: chair, ball, foam-roller, towel, pillow, mat, wall, pool",
    )
    p.add_argument(
        "--goal", help="morning-stiffness, desk-break, general-relief (default) or strengthen"
    )


def _columns() -> int:
    """The terminal's width as shutil.get_terminal_size gives it, worked out once: argparse asks
    for it each time it makes a formatter (about a hundred times while building the parser)."""
    import os

    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


class _Formatter(argparse.HelpFormatter):
    width: int | None = None

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _Formatter.width = _Formatter.width or _columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    """Argument errors in one line naming what was wrong (the usage is in --help)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> Any:  # argparse's signature is NoReturn
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


class _Deferred:
    """A subcommand's parser while it is being declared: the calls made on it (add_argument,
    set_defaults, groups, nested subcommands) are kept, and made on the real parser only when
    that subcommand is the one given. `easeback --help` and every command then build one
    subcommand's parser instead of all twenty (each costs argparse time and translations)."""

    def __init__(self) -> None:
        self._calls: list[tuple[str, tuple[Any, ...], dict[str, Any], _Deferred]] = []

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> _Deferred:
            result = _Deferred()
            self._calls.append((name, args, kwargs, result))
            return result

        return call

    def replay(self, real: Any) -> None:
        for name, args, kwargs, result in self._calls:
            made = getattr(real, name)(*args, **kwargs)
            if result._calls:
                result.replay(made)


class _Subcommands(argparse._SubParsersAction):  # type: ignore[type-arg]
    """Subcommands whose parsers are built when chosen (see _Deferred); their names and help
    lines are known at once, for `easeback --help` and for refusing an unknown command."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._declared: dict[str, tuple[dict[str, Any], _Deferred]] = {}

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if "help" in kwargs:
            self._choices_actions.append(self._ChoicesPseudoAction(name, (), kwargs.pop("help")))
        kwargs.setdefault("prog", f"{self._prog_prefix} {name}")
        declared = _Deferred()
        self._declared[name] = (kwargs, declared)
        self._name_parser_map[name] = None  # a known name; the parser is made when it is chosen
        return declared

    def parser(self, name: str) -> argparse.ArgumentParser:
        """The subcommand's parser, built now if it was not yet."""
        if name in self._declared:
            kwargs, declared = self._declared.pop(name)
            real = self._parser_class(**kwargs)
            declared.replay(real)
            self._name_parser_map[name] = real
        made: argparse.ArgumentParser = self._name_parser_map[name]
        return made

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        self.parser(values[0])
        super().__call__(parser, namespace, values, option_string)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="easeback",
        description="Safe, gentle relief for a stiff lower back: screening first, then a routine "
        "that fits where you are, talked through step by step. Not a diagnosis.",
    )
    from easeback import __version__

    parser.add_argument("--version", action="version", version=f"easeback {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", action=_Subcommands)

    p = sub.add_parser(
        "start", help="the whole journey in the terminal: screening, routine, session"
    )
    p.add_argument("--speed", type=float, default=1.0, help=argparse.SUPPRESS)
    p.add_argument("--no-voice", action="store_true", help="do not speak cues (espeak-ng)")
    p.set_defaults(handler=cmd_start)

    p = sub.add_parser("screen", help="answer the safety questions (or read them from a file)")
    p.add_argument(
        "--answers", metavar="FILE.json", help="answers by question id instead of asking"
    )
    p.add_argument(
        "--save",
        action="store_true",
        help="with --answers: keep the result in the journal (answers asked here always are)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=cmd_screen)

    p = sub.add_parser("plan", help="plan a routine from screening answers")
    _add_plan_options(p)
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument("--out", metavar="FILE.json", help="also save the plan as JSON for `session`")
    p.set_defaults(handler=cmd_plan)

    p = sub.add_parser("techniques", help="list techniques, optionally filtered")
    p.add_argument("--place", help="bed, floor, chair, standing, pool or any")
    p.add_argument("--equipment", metavar="a,b", help="only techniques doable with this equipment")
    p.add_argument(
        "--category",
        help="mobilisation, stretch, decompression, soft-tissue-release, "
        "stability-strength or extension",
    )
    p.add_argument("--json", action="store_true", help="print every field as JSON")
    p.set_defaults(handler=cmd_techniques)

    p = sub.add_parser("show", help="show one technique in full")
    p.add_argument(
        "id", nargs="*", help="technique id, name or other name, e.g. cat-cow, 'cat camel', Bridge"
    )
    p.add_argument("--svg", metavar="FILE", help="also write its animated picture as SVG")
    p.add_argument("--png", metavar="FILE", help="also write its key poses as PNG")
    p.add_argument(
        "--sheet",
        metavar="FILE",
        help="write a contact sheet PNG of every technique's key poses (or only the id given)",
    )
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("questions", help="list the safety questions and the answers each takes")
    p.add_argument("--json", action="store_true", help="print them as JSON")
    p.set_defaults(handler=cmd_questions)

    p = sub.add_parser("learn", help="why backs pop, red flags, who to see, and more")
    p.add_argument("topic", nargs="?", help="topic id, e.g. why-backs-pop")
    p.add_argument("--list", action="store_true", help="list the topics")
    p.set_defaults(handler=cmd_learn)

    p = sub.add_parser("session", help="be talked through a planned routine")
    p.add_argument(
        "--plan",
        required=True,
        metavar="FILE.json",
        help="a plan saved by `plan --out` or `plan --json`",
    )
    p.add_argument("--dry-run", action="store_true", help="print the cue timeline without waiting")
    p.add_argument("--json", action="store_true", help="with --dry-run: one JSON object per cue")
    p.add_argument("--no-voice", action="store_true", help="do not speak cues (espeak-ng)")
    p.add_argument("--speed", type=float, default=1.0, help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_session)

    from easeback.terminal.commands import coach, database, journal, pictures, practice, web

    for part in (journal, web, pictures, coach, practice, database):
        part.register(sub)
    return parser


class _ReaderProofStdout:
    """stdout whose exit code never depends on the reader: when the reader has gone (a closed
    pipe), the rest of the output is dropped and the command still ends with its own code."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except BrokenPipeError:
            self._reader_gone()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_gone()

    def _reader_gone(self) -> None:
        import contextlib
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())  # what is still buffered goes nowhere
        os.close(devnull)
        with contextlib.suppress(OSError):
            self._stream.flush()


def _in_english(message: str) -> str:
    """argparse's own words (usage:, options, its error phrases) as written. easeback speaks
    English, and argparse would otherwise look its words up in a translation catalogue (none
    ships for it): the first look-up imports locale and normalises the language, a tenth of
    the time `easeback --help` takes beyond Python's own start-up."""
    return message


def main(argv: Sequence[str] | None = None) -> int:
    if not isinstance(sys.stdout, _ReaderProofStdout) and hasattr(sys.stdout, "fileno"):
        try:
            sys.stdout.fileno()
        except (OSError, ValueError):  # not a real file (captured in tests): leave it be
            pass
        else:
            sys.stdout = _ReaderProofStdout(sys.stdout)
    translate = argparse._  # type: ignore[attr-defined]
    argparse._ = _in_english  # type: ignore[attr-defined]
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        handler = getattr(args, "handler", None)
        if handler is None:
            from easeback.terminal.commands.web import cmd_serve, web_available

            serve = web_available()
            args = parser.parse_args(["serve" if serve else "start"])
            handler = cmd_serve if serve else cmd_start
    finally:
        argparse._ = translate  # type: ignore[attr-defined]
    try:
        return handler(args)
    except CliError as exc:
        print(f"easeback: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 130
    except EOFError:  # stdin closed while a question waited for its answer
        if handler in (cmd_start, cmd_session):  # a way to start a session: refused, exit 3
            print(
                "\neaseback: refused: the input ended before every question was answered; "
                "nothing was planned or run (answer in a terminal, or save answers with "
                "`easeback screen --answers FILE --save`)",
                file=sys.stderr,
            )
            return EXIT_BLOCKED
        print(
            "\neaseback: error: the input ended before the question was answered; nothing more "
            "was saved (use --answers FILE.json to answer from a file)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except Exception as exc:  # one clear line for the errors we know how to name
        from easeback.content.loader import ContentError
        from easeback.settings import SettingError
        from easeback.usecases.errors import InputError

        storage = sys.modules.get("easeback.storage.sqlite_file")  # loaded with a journal
        if isinstance(exc, InputError | SettingError) or (
            storage and isinstance(exc, storage.StorageError)
        ):
            print(f"easeback: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if isinstance(exc, OSError) and exc.filename and exc.strerror:
            # a path the person named that cannot be read or written: say which, in one line
            print(f"easeback: error: cannot use {exc.filename}: {exc.strerror}", file=sys.stderr)
            return EXIT_USAGE
        if isinstance(exc, ContentError):
            print(f"easeback: invalid content, refusing to start: {exc}", file=sys.stderr)
            return 1
        raise
