"""``broadcast plan``: what airs where and when, as a table, without rendering anything."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from ..project import Project
from ..schedule.emergency import KEEP, load_queue
from ..schedule.model import Station
from ..schedule.planner import DayPlan, estimate_duration, plan_day
from ..scripts import Script
from .options import (
    check_stations,
    date_option,
    days_option,
    load_for_work,
    out_option,
    report_skipped,
    resolve_out,
    root_option,
    stations_option,
)

LEVEL = {"emergency": "KHẨN CẤP", "priority": "ưu tiên", "normal": "thường"}


def measured_durations(out_dir: Path) -> dict[tuple[str, str], float]:
    """Durations of bulletins already rendered under ``OUT/bulletins`` (newest wins)."""
    found: dict[tuple[str, str], tuple[float, float]] = {}
    base = Path(out_dir) / "bulletins"
    if not base.is_dir():
        return {}
    for meta in base.glob("*/*.json"):
        try:
            doc = json.loads(meta.read_text("utf-8"))
            key = (doc["station_id"], doc["script_id"])
            stamp = meta.stat().st_mtime
            duration = float(doc["duration_s"])
        except (OSError, ValueError, KeyError):
            continue
        if key not in found or stamp > found[key][0]:
            found[key] = (stamp, duration)
    return {k: v[1] for k, v in found.items()}


def _mmss(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


def plan_days(
    project: Project, out: Path, date: dt.date, days: int, stations: list[str]
) -> list[tuple[DayPlan, set[tuple[str, str]]]]:
    measured = measured_durations(out)
    used: set[tuple[str, str]] = set()

    def duration(station: Station, script: Script) -> float:
        key = (station.id, script.id)
        if key in measured:
            used.add(key)
            return measured[key]
        return estimate_duration(station, script)

    tz = dt.timezone(dt.timedelta(hours=7))
    queued = load_queue(out, since=dt.datetime.combine(date, dt.time(0), tzinfo=tz) - KEEP)
    out_plans = []
    for i in range(days):
        day = date + dt.timedelta(days=i)
        plan = plan_day(
            project.schedule,
            project.scripts,
            day,
            durations=duration,
            queued=queued,
            stations=stations,
        )
        out_plans.append((plan, set(used)))
    return out_plans


def print_plan(project: Project, plans: list[tuple[DayPlan, set[tuple[str, str]]]]) -> int:
    """Print the tables; return how many overruns and drops were flagged."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console = Console(highlight=False, soft_wrap=False, width=120)
    flagged = 0
    sched = project.schedule
    for plan, measured in plans:
        for sid, sessions in plan.sessions.items():
            st = sched.stations[sid]
            table = Table(
                title=f"{st.name} ({sid}) — {plan.day:%d/%m/%Y}",
                title_justify="left",
                show_lines=False,
            )
            for col, kw in (
                ("Giờ", {}),
                ("Kịch bản", {}),
                ("Mức", {}),
                ("Nguồn", {}),
                ("Dài", {"justify": "right"}),
                ("Ghi chú", {}),
            ):
                table.add_column(col, **kw)  # type: ignore[arg-type]
            for sess in sessions:
                t = dt.datetime.combine(plan.day, sess.start) + dt.timedelta(
                    seconds=sess.station_id_s
                )
                for n, item in enumerate(sess.items):
                    if n:
                        t += dt.timedelta(seconds=sess.between_s)
                    note = []
                    if (sid, item.script_id) not in measured and item.file is None:
                        note.append("ước tính")
                    if item.moved_from:
                        note.append(f"dời từ {item.moved_from:%H:%M}")
                    level = LEVEL[item.priority.value]
                    if item.priority.value == "emergency":
                        level = f"[bold red]{level}[/]"
                    table.add_row(
                        f"{t:%H:%M:%S}",
                        item.script_id,
                        level,
                        item.source,
                        _mmss(item.duration_s),
                        ", ".join(note),
                    )
                    t += dt.timedelta(seconds=item.duration_s)
                cap = f" / {_mmss(sess.capacity_s)}" if sess.capacity_s is not None else ""
                window = (
                    f" khung {sess.window[0]:%H:%M}-{sess.window[1]:%H:%M}" if sess.window else ""
                )
                over = ""
                if sess.overrun_s > 0:
                    flagged += 1
                    over = f"[bold red]QUÁ {_mmss(sess.overrun_s)}[/]"
                table.add_row(
                    f"[bold]Σ {sess.start:%H:%M}[/]",
                    f"[bold]tổng{window}[/]",
                    "",
                    "",
                    f"[bold]{_mmss(sess.used_s)}{cap}[/]",
                    over,
                    end_section=True,
                )
            if not sessions:
                table.add_row("", "(không có bản tin)", "", "", "", "")
            console.print(table)
            for flag in plan.notes_for(sid):
                if flag.kind in (
                    "dropped",
                    "overrun",
                    "sessions",
                    "weekday",
                    "outside-window",
                    "no-session",
                ):
                    flagged += 1
                console.print(f"  [yellow]![/] {flag.text}")
    return flagged


@click.command("plan")
@date_option
@days_option()
@stations_option
@root_option
@out_option
def plan(date: dt.date, days: int, stations: tuple[str, ...], root: Path, out: Path | None) -> None:
    """Xem lịch phát: bản tin nào, đài nào, giờ nào. Show the running order.

    Không cần làm bản tin trước: thời lượng ước tính theo độ dài kịch bản; bản tin nào đã
    làm (trong OUT/bulletins) thì dùng thời lượng thật. Mỗi buổi có tổng thời lượng; buổi
    dài quá khung giờ hoặc giới hạn được đánh dấu, bản tin bị dời hay bỏ được ghi rõ.

    \b
    Ví dụ:  broadcast plan --date 2026-11-25
            broadcast plan --date tomorrow --days 7 --station xom-dong
    """
    project = load_for_work(root)
    check_stations(project, stations)
    wanted = list(stations) or list(project.schedule.stations)
    print_plan(project, plan_days(project, resolve_out(root, out), date, days, wanted))
    for warning in project.warnings:  # e.g. drafts left out (approval: required)
        click.echo(f"Cảnh báo: {warning}", err=True)
    report_skipped(project)
