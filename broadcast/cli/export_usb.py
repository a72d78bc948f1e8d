"""``broadcast export-usb``: a day's bulletins, numbered, for USB/SD card players."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..playlists.usb import check_day, export_day, remove_past_days
from .options import (
    check_stations,
    date_option,
    days_option,
    load_for_work,
    out_option,
    resolve_out,
    root_option,
)


@click.command("export-usb")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@date_option
@days_option(60, "Số ngày (mỗi ngày một thư mục). Number of days.")
@click.option("--station", "-s", required=True, help="Mã đài. Station id.")
@root_option
@out_option
def export_usb(
    dest: Path, date: dt.date, days: int, station: str, root: Path, out: Path | None
) -> None:
    """Chép bản tin một ngày ra USB/thẻ nhớ cho loa phát theo thứ tự. Export to USB.

    Mỗi ngày một thư mục DEST/NĂMTHÁNGNGÀY/ với các tệp 001_..., 002_... (tên không dấu,
    ngắn) theo đúng thứ tự phát, kèm PLAYLIST.M3U và DANHSACH.TXT (giờ, tên bản tin).
    Thư mục của những ngày trước --date (chỉ chứa tệp do lệnh này chép) bị xóa, để loa
    không phát lại bản tin cũ. Chạy 'broadcast build' cho các ngày đó trước.

    \b
    DEST là thư mục của USB/thẻ nhớ, ví dụ /media/usb hoặc E:\\.

    \b
    Ví dụ:  broadcast export-usb --date tomorrow --station xom-dong the-nho
    """
    project = load_for_work(root)
    check_stations(project, [station])
    target = resolve_out(root, out)
    # Every day must be built and whole before the stick is touched: a failed export
    # leaves the stick exactly as it was.
    wanted = [date + dt.timedelta(days=i) for i in range(days)]
    for day in wanted:
        check_day(target, day, station)
    exported = [(day, export_day(target, day, station, dest)) for day in wanted]
    removed, left = remove_past_days(dest, date)
    for folder in removed:
        click.echo(f"Đã xóa thư mục ngày cũ {folder}")
    for folder in left:
        click.echo(
            f"Cảnh báo: thư mục ngày cũ {folder} có tệp khác, không xóa; loa phát cả thư mục "
            "thì hãy xóa tay",
            err=True,
        )
    for day, files in exported:
        click.echo(f"{day:%d/%m/%Y}: {len(files)} tệp vào {files[0].parent if files else dest}")
