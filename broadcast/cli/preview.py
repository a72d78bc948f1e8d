"""``broadcast preview``: one HTML page per day to read and listen before it airs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..report.names import project_names
from ..report.preview import render_preview
from .options import date_option, days_option, out_option, resolve_out, root_option


@click.command("preview")
@date_option
@days_option()
@root_option
@out_option
def preview(date: dt.date, days: int, root: Path, out: Path | None) -> None:
    """Trang xem trước: thứ tự phát, văn bản gốc bên cạnh văn bản máy đọc, nghe thử.

    Ghi OUT/preview/NGÀY.html (mở bằng trình duyệt, không cần mạng). Chạy
    'broadcast build' cho ngày đó trước.

    \b
    Ví dụ:  broadcast preview --date tomorrow
            broadcast preview --date 2026-11-25 --days 7
    """
    target = resolve_out(root, out)
    commune, _ = project_names(root)
    for offset in range(days):
        day = date + dt.timedelta(days=offset)
        res = render_preview(target, day, root / "scripts", commune)
        over = f", {res.overruns} bản tin quá giờ" if res.overruns else ""
        click.echo(f"{res.path}  ({res.stations} đài, {res.items} bản tin{over})")
