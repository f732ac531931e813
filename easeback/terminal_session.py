"""Runs a guided session in the terminal: large countdown, the current step, what comes next,
the terminal bell at each transition and spoken cues through espeak-ng when it is installed.

Keys: p pause/resume, n skip to the next technique, s stop (then a number for the reason).
"""

from __future__ import annotations

import contextlib
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.text import Text

from easeback.content.loader import Catalogue
from easeback.domain.models import StopReason
from easeback.domain.planning import Routine
from easeback.domain.timeline import Cue, SessionClock

EventSink = Callable[[str, dict[str, object]], None]

_DIGITS = {
    "0": ["███", "█ █", "█ █", "█ █", "███"],
    "1": [" █ ", "██ ", " █ ", " █ ", "███"],
    "2": ["███", "  █", "███", "█  ", "███"],
    "3": ["███", "  █", "███", "  █", "███"],
    "4": ["█ █", "█ █", "███", "  █", "  █"],
    "5": ["███", "█  ", "███", "  █", "███"],
    "6": ["███", "█  ", "███", "█ █", "███"],
    "7": ["███", "  █", "  █", "  █", "  █"],
    "8": ["███", "█ █", "███", "█ █", "███"],
    "9": ["███", "█ █", "███", "  █", "███"],
    ":": ["   ", " █ ", "   ", " █ ", "   "],
}


def big_number(seconds: int) -> str:
    """A countdown in block digits, readable from the floor."""
    label = f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else str(seconds)
    rows = ["  ".join(_DIGITS[ch][r] for ch in label) for r in range(5)]
    return "\n".join(rows)


class Voice:
    """Speaks cues with espeak-ng if present; a newer cue cuts off an unfinished one."""

    def __init__(self, enabled: bool) -> None:
        self.exe = shutil.which("espeak-ng") if enabled else None
        self.proc: subprocess.Popen[bytes] | None = None

    def say(self, text: str) -> None:
        if not self.exe:
            return
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
        self.proc = subprocess.Popen(
            [self.exe, "-s", "150", text], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def close(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.wait(timeout=10)


@contextlib.contextmanager
def _keys() -> Iterator[Callable[[float], str | None]]:
    """Single key presses without Enter when stdin is a terminal; otherwise no keys."""
    if not sys.stdin.isatty():

        def wait(timeout: float) -> str | None:
            time.sleep(timeout)
            return None

        yield wait
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    tty.setcbreak(fd)

    def read(timeout: float) -> str | None:
        ready, _, _ = select.select([sys.stdin], [], [], max(0.0, timeout))
        return sys.stdin.read(1) if ready else None

    try:
        yield read
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


def _view(routine: Routine, clock: SessionClock, now: float) -> Panel:
    cue = clock.current(now)
    nxt = clock.next_cue(now)
    at = clock.elapsed(now)
    remaining = int(
        max(0.0, (cue.phase_end if cue.phase_end is not None else cue.end) - at) + 0.999
    )
    name = routine.items[cue.index].technique.name if cue.index is not None else "easeback"
    parts: list[object] = [
        Text(name, style="bold cyan"),
        Text(cue.text, style="bold"),
    ]
    if cue.breath:
        parts.append(Text(cue.breath, style="italic"))
    parts.append(Text(big_number(remaining), style="bold green"))
    done = int(40 * at / clock.length) if clock.length else 40
    parts.append(Text("━" * done + "─" * (40 - done) + f"  {int(100 * at / clock.length)}%"))
    if nxt is not None:
        parts.append(Text(f"Next: {nxt.text}", style="dim"))
    state = "PAUSED  " if clock.paused_at is not None else ""
    parts.append(Text(f"{state}[p] pause/resume  [n] skip  [s] stop: it hurts", style="reverse"))
    return Panel(Group(*parts), title="easeback session")  # type: ignore[arg-type]


def _ask_stop_reason(
    console: Console, read: Callable[[float], str | None], cat: Catalogue
) -> StopReason:
    reasons = list(StopReason)
    console.print(
        "[bold red]Stopping.[/] Why? "
        + "  ".join(f"[{i}] {cat.stops[r].label}" for i, r in enumerate(reasons, start=1))
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        key = read(0.5)
        if key and key.isdigit() and 1 <= int(key) <= len(reasons):
            return reasons[int(key) - 1]
    return StopReason.OTHER


def run_session(
    cat: Catalogue,
    routine: Routine,
    timeline: tuple[Cue, ...],
    speed: float = 1.0,
    voice: bool = True,
    on_event: EventSink | None = None,
    console: Console | None = None,
) -> int:
    """Run the timeline in real time (scaled by speed for demonstrations); return an exit code."""
    console = console or Console()
    t0 = time.monotonic()

    def now() -> float:
        return (time.monotonic() - t0) * speed

    emit = on_event or (lambda kind, data: None)
    speaker = Voice(voice)
    clock = SessionClock(timeline=timeline, started=0.0)
    spoken: set[int] = set()
    emit("started", {"total_seconds": routine.total_seconds})
    with (
        _keys() as read,
        Live(_view(routine, clock, now()), console=console, auto_refresh=False) as live,
    ):
        while not clock.finished(now()):
            current = clock.current(now())
            idx = timeline.index(current)
            if idx not in spoken and clock.paused_at is None:
                spoken.add(idx)
                console.bell()
                speaker.say(current.say or current.text)
            live.update(_view(routine, clock, now()), refresh=True)
            nxt = clock.next_cue(now())
            wait = 0.25 if nxt is None else min(0.25, (clock.deadline(nxt) - now()) / speed)
            key = read(max(0.01, wait))
            if key == "p":
                clock = clock.resume(now()) if clock.paused_at is not None else clock.pause(now())
            elif key == "n":
                clock = clock.skip(now())
            elif key == "s":
                clock = clock.pause(now())
                reason = _ask_stop_reason(console, read, cat)
                clock = clock.stop(now(), reason)
        live.update(_view(routine, clock, now()), refresh=True)
    outcomes = clock.results(now(), len(routine.items))
    for item, outcome in zip(routine.items, outcomes, strict=True):
        emit("technique", {"id": item.technique.id, "outcome": outcome.value if outcome else None})
    if clock.stopped is not None:
        reason = clock.stopped[1]
        advice = cat.stops[reason]
        speaker.say("Session stopped. " + advice.advice)
        console.print(Panel(advice.advice, title=f"Stopped: {advice.label}", style="bold yellow"))
        if advice.learn:
            console.print("Learn more: " + ", ".join(f"easeback learn {t}" for t in advice.learn))
        emit("stopped", {"reason": reason.value})
    else:
        speaker.say("Well done. The routine is complete.")
        console.print("[bold green]Routine complete. Well done.[/]")
        emit("completed", {})
    speaker.close()
    return 0
