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
) -> BuildResult:
    check_stations(project, stations or [])
    bar = RichProgress() if sys.stderr.isatty() else None
    result = build(project, out, date, days, stations, jobs=jobs, bar=bar)
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
    print_summary(lambda line: click.echo(line, err=True), result.notes, names)
    return result


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
def build_cmd(
    date: dt.date,
    days: int,
    stations: tuple[str, ...],
    engines: str | None,
    root: Path,
    out: Path | None,
    jobs: int | None,
) -> None:
    """Làm bản tin và danh sách phát cho từng đài. Build playlists.

    Ghi OUT/playlists/NGÀY/ĐÀI.m3u8 (mở được bằng VLC, foobar2000, phần mềm phát sóng)
    và ĐÀI.json (thứ tự phát, giờ bắt đầu). Chạy lại nhiều lần vẫn an toàn: bản tin đã có
    được dùng lại; hai lần chạy cùng lúc thì lần sau đợi lần trước.

    \b
    Ví dụ:  broadcast build --date today
            broadcast build --date 2026-11-25 --days 7 --station xom-dong  # cả tuần, một đài
            broadcast build --date 2026-11-25 --station xom-dong --jobs 2  # 2 tiến trình
    """
    project = apply_engines(load_for_work(root), engines)
    run_build(project, resolve_out(root, out), date, days, list(stations) or None, jobs)
    for warning in project.warnings:  # e.g. drafts left out (approval: required)
        click.echo(f"Cảnh báo: {warning}", err=True)
    report_skipped(project)
