"""``broadcast build``: playlists and bulletins for one or more days."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ..build import BuildResult, build
from ..errors import InputError
from ..project import Project, load_project
from .options import DATE, apply_engines, engine_option, out_option, resolve_out, root_option


def run_build(
    project: Project, out: Path, date: dt.date, days: int, stations: list[str] | None
) -> BuildResult:
    known = project.schedule.stations
    for sid in stations or []:
        if sid not in known:
            raise InputError(
                f"Không có đài '{sid}'",
                where="--station",
                fix=f"chọn một trong: {', '.join(known)}",
            )
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
    return result


@click.command("build")
@click.option(
    "--date",
    "-d",
    "date",
    type=DATE,
    default="today",
    show_default=True,
    help="Ngày đầu: 2026-11-25, 25/11/2026, today, tomorrow.",
)
@click.option(
    "--days",
    "-n",
    type=click.IntRange(1, 366),
    default=1,
    show_default=True,
    help="Số ngày cần làm. Number of days.",
)
@click.option(
    "--station",
    "-s",
    "stations",
    multiple=True,
    help="Chỉ làm cho đài này (lặp lại được). Only this station.",
)
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
    project = apply_engines(load_project(root), engines)
    run_build(project, resolve_out(root, out), date, days, list(stations) or None)
