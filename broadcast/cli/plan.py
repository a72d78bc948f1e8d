"""``broadcast plan``: what airs where and when, as a table, without rendering anything.

Durations are measured from the spoken text (:mod:`broadcast.schedule.estimate`): synthesized
speech, no MP3; before any build the speech goes to a scratch folder.

A built day that has begun, or has something in the as-run log, is a record (issue 18): it
is shown as it was built and aired (:func:`broadcast.report.record.frozen_records`), with
the planner notes of that build, and said so (:data:`RECORDED`), as the console's plan page
does; days not built are planned from today's scripts and schedules. The airtime shares and
the summary of moves and drops under the tables are the planner's, so they count only the
days planned here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

import click

from ..emergency.queue import queued_for
from ..project.loader import Project
from ..report.asrun import AsRunError, ReadOnlyAsRunLog, asrun_path
from ..report.record import DayRecord, frozen_records
from ..schedule.days import plan_days
from ..schedule.notes import Note, summarize
from ..schedule.planner import DayPlan
from ..vocabulary import today
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
#: said under the title of a station's day that is a record (the console says the same)
RECORDED = (
    "Đã làm danh sách phát: đây là hồ sơ của ngày đó (đúng như đã làm và đã phát), "
    "không tính lại theo kịch bản và lịch hôm nay."
)
COLUMNS = ("Giờ", "Kịch bản", "Mức", "Nguồn", "Dài", "Ghi chú")


def _mmss(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


def _level(priority: str) -> str:
    level = LEVEL.get(priority, priority)
    return f"[bold red]{level}[/]" if priority == "emergency" else level


def record_table(title: str, rec: DayRecord):  # type: ignore[no-untyped-def]
    """A station's built day as the record holds it: its bulletins by session, as built."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False)
    for col in COLUMNS:
        table.add_column(col, justify="right" if col == "Dài" else "left")
    slots: dict[str, list] = {}  # type: ignore[type-arg]
    for p in rec.items:
        slots.setdefault(p.slot, []).append(p)
    for slot, items in slots.items():
        for p in items:
            table.add_row(
                f"{p.start:%H:%M:%S}", p.script_id, _level(p.priority), p.source,
                _mmss(p.duration_s), "",
            )  # fmt: skip
        used = sum(p.duration_s for p in items)
        table.add_row(
            f"[bold]Σ {slot}[/]", "[bold]tổng[/]", "", "", f"[bold]{_mmss(used)}[/]", "",
            end_section=True,
        )  # fmt: skip
    if not rec.items:
        table.add_row("", "(không có bản tin)", "", "", "", "")
    return table


def print_plan(
    project: Project,
    plans: list[tuple[DayPlan, set[tuple[str, str]], set[tuple[str, str]]]],
    recorded: Mapping[tuple[dt.date, str], DayRecord] | None = None,
    summary_only: bool = False,
) -> int:
    """Print the tables; return how many overruns and drops were flagged. With
    ``summary_only`` (``plan --summary``) only the shares and the per-station summary.

    A station's day in ``recorded`` is printed from the record, not planned again."""
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
            rec = (recorded or {}).get((plan.day, sid))
            if rec is not None:
                title = f"{st.name} ({sid}) — {plan.day:%d/%m/%Y}"
                console.print(record_table(title, rec))
                console.print(f"  {RECORDED}", soft_wrap=True)
                for made in rec.notes:  # the planner notes of that build, from the file
                    if made.get("text"):
                        console.print(f"  [yellow]![/] {made.get('text')}")
                continue
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
    done = set(recorded or {})
    planned = [
        replace(
            plan, sessions={s: v for s, v in plan.sessions.items() if (plan.day, s) not in done}
        )
        for plan, _, _ in plans
    ]
    modes = {c.id: c.share for c in sched.campaigns}
    print_shares(console.print, planned, names, modes)
    notes = [n for plan, _, _ in plans for n in plan.notes if (n.day, n.station_id) not in done]
    print_summary(console.print, notes, names)
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
    tóm tắt từng đài và cách sửa. Ngày đã làm danh sách phát mà đã bắt đầu (hay đã có
    ghi nhận phát) là hồ sơ: in đúng như đã làm, không tính lại theo kịch bản hôm nay.

    \b
    Ví dụ:  broadcast plan --date 2026-11-25
            broadcast plan --date tomorrow --days 7 --station xom-dong
            broadcast plan --date 2026-11-25 --days 7 --summary
    """
    project = load_for_work(root)
    check_stations(project, stations)
    wanted = list(stations) or list(project.schedule.stations)
    folder = resolve_out(root, out)
    plans = plan_days(project, folder, date, days, wanted, queued_for(folder, date))
    path = asrun_path(folder)
    try:
        log = ReadOnlyAsRunLog(path) if path.is_file() else None
    except AsRunError:  # unreadable: the frozen running orders still are the record
        log = None
    end = date + dt.timedelta(days=days - 1)
    recorded = frozen_records(log, folder, date, end, today())
    print_plan(
        project,
        plans,
        {k: v for k, v in recorded.items() if k[1] in wanted},
        summary_only=summary,
    )
    for warning in project.warnings:  # e.g. drafts left out (approval: required)
        click.echo(f"Cảnh báo: {warning}", err=True)
    report_skipped(project)
