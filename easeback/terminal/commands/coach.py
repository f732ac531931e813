"""Commands of the coach part. register() stays cheap: heavy imports go inside handlers."""

from __future__ import annotations

import argparse

TYPE_CHECKING = False  # keep typing and json out of `easeback --help`
if TYPE_CHECKING:
    from typing import Any


def cmd_coach(args: argparse.Namespace) -> int:
    import json

    from easeback.pose.coach import UnknownSignal, analyse_video, coach_live
    from easeback.pose.landmarks import CameraUnavailable
    from easeback.terminal.errors import CliError

    try:
        if args.video is not None:
            data = analyse_video(args.id, args.video)
            if args.json:
                print(json.dumps(data, indent=2, ensure_ascii=False))
            else:
                _print_summary(data)
            return 0

        def say(event: Any) -> None:
            if args.json:
                print(json.dumps({"t": round(event.t, 2), "kind": event.kind.value}), flush=True)
            else:
                print(f"{event.t:7.1f}s  {event.message}", flush=True)

        def started() -> None:
            if not args.json:
                print("Watching the camera; press Ctrl-C to stop. Nothing is recorded.", flush=True)

        summary = coach_live(args.id, args.camera, say, started)
        if not args.json:
            print(f"Repetitions: {summary.reps}   held: {summary.hold_seconds:.0f} s")
        return 0
    except (UnknownSignal, CameraUnavailable) as exc:
        raise CliError(str(exc.args[0]) if exc.args else str(exc)) from None


def _print_summary(data: dict[str, Any]) -> None:
    print(f"Technique: {data['technique']}   signal: {data['signal'] or '-'}")
    print(f"Repetitions: {data['reps']}   held: {data['hold_seconds']} s")
    for w in data["warnings"]:
        print(f"  {w['t']:7.1f}s  {w['message']}")
    print(f"{data['frames_with_pose']} of {data['frames']} frames had a person in view")


def register(sub: Any) -> None:  # argparse._SubParsersAction
    """Add this part's subcommands."""
    p = sub.add_parser(
        "coach",
        help="count repetitions and holds from a webcam or video; warns about speed and bouncing",
        description="Watch a technique through the camera or in a recorded video: repetitions, "
        "hold time, and warnings to slow down, stop bouncing or ease back. Frames stay in memory; "
        "nothing is written or sent anywhere. Needs the camera extra: pip install "
        "'easeback[camera]'.",
    )
    p.add_argument(
        "id", help="technique id (see `easeback techniques`), or `auto` for any movement"
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--video", metavar="FILE", help="analyse a recorded video")
    source.add_argument("--camera", metavar="N", type=int, help="watch webcam number N live")
    p.add_argument("--json", action="store_true", help="print JSON (events as JSON lines live)")
    p.set_defaults(handler=cmd_coach)
