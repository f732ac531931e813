"""A chart of pain and stiffness over time with sessions and stops marked, as PNG or SVG.
matplotlib is imported only here, with the Agg backend (no display needed)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from easeback.domain.progression import History

EPOCH = datetime(1970, 1, 1)  # matplotlib's date epoch


def date2num(at: datetime) -> float:
    return (at - EPOCH).total_seconds() / 86400


def save_plot(h: History, out: Path) -> Path:
    from easeback.usecases.errors import InputError

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InputError(f"--plot {out}: the file name must end in .png or .svg")
    if not out.parent.exists():
        raise InputError(f"folder {out.parent} does not exist")
    try:
        import matplotlib
    except ImportError:
        raise InputError("plots need matplotlib: pip install 'easeback[journal]'") from None
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 4), dpi=100)
    ax = fig.add_subplot()
    if h.check_ins:
        days = [date2num(c.at) for c in h.check_ins]
        ax.plot(days, [c.pain for c in h.check_ins], "o-", label="pain")
        ax.plot(days, [c.stiffness for c in h.check_ins], "s--", label="stiffness", alpha=0.7)
    rated = [s for s in h.sessions if s.pain_before is not None and s.pain_after is not None]
    for s in rated:
        ax.annotate(
            "", xy=(date2num(s.at), s.pain_after), xytext=(date2num(s.at), s.pain_before),
            arrowprops={"arrowstyle": "->", "color": "tab:green"},
        )  # fmt: skip
    if rated:
        ax.plot([], [], color="tab:green", label="session: pain before → after")
    stops = h.stops()
    for n, stop in enumerate(stops):
        ax.axvline(
            date2num(stop.at), color="tab:red", linestyle=":", label="stop" if n == 0 else None
        )
    from matplotlib.dates import AutoDateLocator, DateFormatter

    ax.xaxis_date()
    locator = AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    locator.intervald[3] = [1, 2, 7, 14]  # DAILY: whole days or weeks, never hours
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
    ax.set_xlabel("Date")
    ax.set_ylim(-0.5, 10.5)
    ax.set_yticks(range(11))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_ylabel("Pain and stiffness, 0 (none) to 10 (worst)")
    ax.set_title("Pain and stiffness over time")
    if h.check_ins or rated or stops:
        ax.legend(loc="upper right")
    fig.autofmt_xdate()
    fig.savefig(out, format=fmt, bbox_inches="tight")
    return out
