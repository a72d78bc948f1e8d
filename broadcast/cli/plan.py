"""``broadcast plan``: what airs where and when, as a table, without rendering anything.

Durations are measured from the spoken text (:mod:`broadcast.schedule.estimate`): synthesized
speech, no MP3; before any build the speech goes to a scratch folder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

import click

from ..emergency.queue import queued_for
from ..project.loader import Project
from ..schedule.days import plan_days
from ..schedule.notes import Note, summarize
from ..schedule.planner import DayPlan
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


def _mmss(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


def print_plan(
    project: Project,
    plans: list[tuple[DayPlan, set[tuple[str, str]], set[tuple[str, str]]]],
    summary_only: bool = False,
) -> int:
    """Print the tables; return how many overruns and drops were flagged. With
    ``summary_only`` (``plan --summary``) only the shares and the per-station summary."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console = Console(highlight=False, soft_wrap=False, width=120)
    flagged = 0
    sched = project.schedule
    for plan, rendered, guessed in [] if summary_only else plans:
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
                    if (sid, item.script_id) in guessed and item.file is None:
                        note.append("ước tính theo số chữ")
                    elif (sid, item.script_id) not in rendered and item.file is None:
                        note.append("ước tính từ lời đọc")
                    if item.moved_from:
                        note.append(f"dời từ {item.moved_from:%H:%M}")
                    if item.also:  # one airing for several campaigns' requests
                        others = dict.fromkeys(src for src, _ in item.also if src != item.source)
                        note.append("phát chung cho " + ", ".join(others or [item.source]))
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
            withheld = [n for n in plan.notes_for(sid) if n.rule == "withheld"]
            for w in withheld:  # a script the schedule names that does not air: its own row
                why = w.text.split(": ", 1)[-1]
                table.add_row(
                    f"{w.slot:%H:%M}" if w.slot else "—",
                    w.script_id,
                    "",
                    w.source,
                    "",
                    f"[yellow]không phát: {why}[/]",
                )
            if not sessions and not withheld:
                table.add_row("", "(không có bản tin)", "", "", "", "")
            console.print(table)
            for flag in plan.notes_for(sid):
                if flag.lost or flag.kind in ("overrun", "sessions", "clash"):
                    flagged += 1
                mark = "[bold red]![/]" if flag.kind == "clash" else "[yellow]![/]"
                console.print(f"  {mark} {flag.text}")
    names = {sid: st.name for sid, st in sched.stations.items()}
    modes = {c.id: c.share for c in sched.campaigns}
    print_shares(console.print, [plan for plan, _, _ in plans], names, modes)
    print_summary(console.print, [n for plan, _, _ in plans for n in plan.notes], names)
    return flagged


#: How a campaign shares a contested session (``share:``), as ``plan`` says it.
SHARE_WORDS = {"count": "chia theo số bản tin", "airtime": "chia theo thời lượng"}


def print_shares(
    echo: Callable[[str], object],
    plans: list[DayPlan],
    names: Mapping[str, str],
    modes: Mapping[str, str] | None = None,
) -> None:
    """Each campaign's morning and evening airtime, and its share, per station and week;
    with ``modes`` (campaign id -> ``share``) how each shares and its bulletin counts."""
    from ..schedule.shares import airtime_shares

    shown: tuple[str, tuple[int, int]] | None = None
    for sh in airtime_shares(plans):
        if (sh.station_id, sh.week) != shown:
            shown = (sh.station_id, sh.week)
            name = names.get(sh.station_id, sh.station_id)
            echo(
                f"Thời lượng phát theo chiến dịch — {name} ({sh.station_id}), "
                f"tuần {sh.week[1]}/{sh.week[0]}:"
            )
        line = (
            f"  {sh.campaign}: buổi sáng {_mmss(sh.morning_s)} ({sh.morning_share:.0%}), "
            f"buổi chiều {_mmss(sh.evening_s)} ({sh.evening_share:.0%})"
        )
        if modes is not None and sh.campaign in modes:
            line += (
                f"; {sh.morning_n} + {sh.evening_n} bản tin; "
                f"{SHARE_WORDS.get(modes[sh.campaign], modes[sh.campaign])}"
            )
        echo(line)


def print_summary(
    echo: Callable[[str], object], notes: list[Note], names: Mapping[str, str] | None = None
) -> None:
    """The per-station lines of moves and drops, and what to change (``plan``, ``build``);
    ``names`` (station id -> name) names each station as officers know it."""
    lines = summarize(notes, names)
    if lines:
        echo("Tóm tắt dời/bỏ bản tin:")
        for line in lines:
            echo(f"  {line}")


@click.command("plan")
@date_option
@days_option()
@stations_option
@root_option
@out_option
@click.option(
    "--summary",
    is_flag=True,
    help="chỉ in thời lượng, phần chia của từng chiến dịch và tóm tắt dời/bỏ, không in bảng",
)
def plan(
    date: dt.date,
    days: int,
    stations: tuple[str, ...],
    root: Path,
    out: Path | None,
    summary: bool = False,
) -> None:
    """Xem lịch phát: bản tin nào, đài nào, giờ nào. Show the running order.

    Không cần làm bản tin trước: thời lượng đo từ lời đọc thật (giọng của đài, đọc nhanh,
    không ghi tệp MP3); bản tin nào đã làm với đúng nội dung này thì dùng thời lượng của nó.
    Mỗi buổi có tổng thời lượng; bản tin bị dời hay bỏ được ghi rõ lý do, cuối cùng có
    tóm tắt từng đài và cách sửa.

    \b
    Ví dụ:  broadcast plan --date 2026-11-25
            broadcast plan --date tomorrow --days 7 --station xom-dong
            broadcast plan --date 2026-11-25 --days 7 --summary
    """
    project = load_for_work(root)
    check_stations(project, stations)
    wanted = list(stations) or list(project.schedule.stations)
    folder = resolve_out(root, out)
    made = plan_days(project, folder, date, days, wanted, queued_for(folder, date))
    print_plan(project, made, summary_only=summary)
    for warning in project.warnings:  # e.g. drafts left out (approval: required)
        click.echo(f"Cảnh báo: {warning}", err=True)
    report_skipped(project)
