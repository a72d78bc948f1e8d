"""``broadcast build``: playlists and bulletins for one or more days."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ..build import BuildResult, build
from ..project import Project
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


def run_build(
    project: Project, out: Path, date: dt.date, days: int, stations: list[str] | None
) -> BuildResult:
    check_stations(project, stations or [])
    show = sys.stderr.isatty()

    def progress(msg: str) -> None:
        if show:
            click.echo(f"\r\033[K  đang làm {msg}", nl=False, err=True)

    result = build(project, out, date, days, stations, progress=progress)
    if show:
        click.echo("\r\033[K", nl=False, err=True)
    click.echo(
        f"Xong: {len(result.playlists)} danh sách phát, {result.rendered} bản tin mới, "
        f"{result.reused} bản tin dùng lại. Thư mục: {out}"
    )
    for fb in result.fallbacks:
        click.echo(f"Cảnh báo: bản tin đọc bằng bộ đọc dự phòng: {fb}", err=True)
    print_summary(lambda line: click.echo(line, err=True), result.notes)
    return result


@click.command("build")
@date_option
@days_option(help="Số ngày cần làm. Number of days.")
@stations_option
@engine_option
@root_option
@out_option
def build_cmd(
    date: dt.date,
    days: int,
    stations: tuple[str, ...],
    engines: str | None,
    root: Path,
    out: Path | None,
) -> None:
    """Làm bản tin và danh sách phát cho từng đài. Build playlists.

    Ghi OUT/playlists/NGÀY/ĐÀI.m3u8 (mở được bằng VLC, foobar2000, phần mềm phát sóng)
    và ĐÀI.json (thứ tự phát, giờ bắt đầu). Chạy lại nhiều lần vẫn an toàn: bản tin đã có
    được dùng lại; hai lần chạy cùng lúc thì lần sau đợi lần trước.

    \b
    Ví dụ:  broadcast build --date today
            broadcast build --date 2026-11-25 --days 7     # làm trước cả tuần
    """
    project = apply_engines(load_for_work(root), engines)
    run_build(project, resolve_out(root, out), date, days, list(stations) or None)
    report_skipped(project)
