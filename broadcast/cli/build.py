"""``broadcast build``: playlists and bulletins for one or more days."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ..build.day import BuildResult, build
from ..project.loader import Project
from .options import (
    apply_engines,
    check_stations,
    date_option,
    days_option,
    engine_option,
    load_for_work,
    out_option,
    report_skipped,
    resolve_out,
    root_option,
    stations_option,
)
from .plan import print_summary


class RichProgress:
    """A progress bar on the terminal (counts, elapsed, ETA) for the files a build makes.

    Shown only on a terminal: cron logs and tests get the summary lines alone.
    """

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("tệp"),
            TimeElapsedColumn(),
            TextColumn("còn"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[what]}", style="dim"),
            console=Console(stderr=True),
            transient=True,
        )
        self._task: object = None

    def start(self, total: int, day: dt.date) -> None:
        self._progress.start()
        self._task = self._progress.add_task(f"Làm bản tin {day:%d/%m}", total=total, what="")

    def advance(self, what: str) -> None:
        self._progress.update(self._task, advance=1, what=what)  # type: ignore[arg-type]

    def stop(self) -> None:
        self._progress.stop()


def run_build(
    project: Project,
    out: Path,
    date: dt.date,
    days: int,
    stations: list[str] | None,
    jobs: int | None = None,
    rebuild_reason: str | None = None,
) -> BuildResult:
    check_stations(project, stations or [])
    bar = RichProgress() if sys.stderr.isatty() else None
    result = build(
        project,
        out,
        date,
        days,
        stations,
        jobs=jobs,
        bar=bar,
        keep_records=True,
        rebuild_reason=rebuild_reason,
    )
    click.echo(
        f"Xong: {len(result.playlists)} danh sách phát, {result.rendered} bản tin mới, "
        f"{result.reused} bản tin dùng lại. Thư mục: {out}"
    )
    for fb in result.fallbacks[:20]:
        click.echo(f"Cảnh báo: bản tin đọc bằng bộ đọc dự phòng: {fb}", err=True)
    if len(result.fallbacks) > 20:
        click.echo(
            f"Cảnh báo: … và {len(result.fallbacks) - 20} tệp khác đọc bằng bộ đọc dự phòng",
            err=True,
        )
    names = {sid: st.name for sid, st in project.schedule.stations.items()}
    if result.kept:
        click.echo(
            f"Giữ nguyên {len(result.kept)} danh sách phát của ngày đã bắt đầu hoặc đã phát "
            "(đó là hồ sơ, không làm lại): " + _days_text(result.kept, names),
            err=True,
        )
        click.echo(
            '  Nếu thật cần làm lại: broadcast build ... --rebuild-past --reason "lý do" '
            "(nhật ký phát sóng ghi người làm và lý do).",
            err=True,
        )
    if result.rebuilt:
        click.echo(
            f"Đã làm lại {len(result.rebuilt)} danh sách phát của ngày đã qua, đã ghi lý do "
            "vào nhật ký phát sóng: " + _days_text(result.rebuilt, names),
            err=True,
        )
    print_summary(lambda line: click.echo(line, err=True), result.notes, names)
    return result


def _days_text(pairs: list[tuple[dt.date, str]], names: dict[str, str]) -> str:
    by_day: dict[dt.date, list[str]] = {}
    for day, sid in pairs:
        by_day.setdefault(day, []).append(names.get(sid, sid))
    return "; ".join(f"{day:%d/%m/%Y} ({', '.join(st)})" for day, st in sorted(by_day.items()))


@click.command("build")
@date_option
@days_option(help="Số ngày cần làm. Number of days.")
@stations_option
@engine_option
@root_option
@out_option
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 256),
    default=None,
    help="Số tiến trình làm bản tin song song (mặc định: số lõi CPU). "
    "Processes rendering at once (default: number of cores).",
)
@click.option(
    "--rebuild-past",
    is_flag=True,
    help="Làm lại cả ngày đã bắt đầu hoặc đã phát (cần --reason). Mặc định các ngày đó được "
    "giữ nguyên vì là hồ sơ. Rewrite days that began or aired (needs --reason).",
)
@click.option(
    "--reason",
    default=None,
    metavar="LÝ_DO",
    help="Lý do làm lại ngày đã qua, ghi vào nhật ký phát sóng. Why, for the as-run log.",
)
def build_cmd(
    date: dt.date,
    days: int,
    stations: tuple[str, ...],
    engines: str | None,
    root: Path,
    out: Path | None,
    jobs: int | None,
    rebuild_past: bool,
    reason: str | None,
) -> None:
    """Làm bản tin và danh sách phát cho từng đài. Build playlists.

    Ghi OUT/playlists/NGÀY/ĐÀI.m3u8 (mở được bằng VLC, foobar2000, phần mềm phát sóng)
    và ĐÀI.json (thứ tự phát, giờ bắt đầu). Chạy lại nhiều lần vẫn an toàn: bản tin đã có
    được dùng lại; hai lần chạy cùng lúc thì lần sau đợi lần trước.

    \b
    Ví dụ:  broadcast build --date today
            broadcast build --date 2026-11-25 --days 7 --station xom-dong  # cả tuần, một đài
            broadcast build --date 2026-11-25 --station xom-dong --jobs 2  # 2 tiến trình

    Ngày đã bắt đầu (giờ Việt Nam) hoặc đã có trong nhật ký phát sóng là hồ sơ: lệnh giữ
    nguyên danh sách phát của ngày đó, nói rõ, và làm các ngày còn lại. Chỉ
    --rebuild-past --reason "..." mới làm lại, và nhật ký ghi ai làm, vì sao.
    """
    if rebuild_past and not (reason or "").strip():
        raise click.UsageError(
            'Làm lại ngày đã qua cần lý do: thêm --reason "lý do" (ví dụ: --reason '
            '"sửa số điện thoại sai trong bản tin")'
        )
    if reason and not rebuild_past:
        raise click.UsageError("--reason chỉ dùng cùng --rebuild-past")
    project = apply_engines(load_for_work(root), engines)
    run_build(
        project,
        resolve_out(root, out),
        date,
        days,
        list(stations) or None,
        jobs,
        rebuild_reason=reason.strip() if rebuild_past and reason else None,
    )
    for warning in project.warnings:  # e.g. drafts left out (approval: required)
        click.echo(f"Cảnh báo: {warning}", err=True)
    report_skipped(project)
