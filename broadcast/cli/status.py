"""``broadcast status``: is ``broadcast run`` alive, and what is on air at each station."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from ..playout.status import STALE_S, describe, read_status
from ..vocabulary import TIMEZONE
from .options import out_option, resolve_out, root_option

#: no daemon answers for this output folder (missing, stopped or stale heartbeat)
EXIT_NO_DAEMON = 5


@click.command("status")
@root_option
@out_option
def status(root: Path, out: Path | None) -> None:
    """Xem 'broadcast run' có đang chạy và mỗi đài đang phát gì. Playout status.

    In: đang phát, tiếp theo, vừa phát, lỗi gần nhất của từng đài, và lần báo sống
    cuối của 'broadcast run'. Mã thoát 0 khi 'broadcast run' đang chạy; 5 khi không có
    'broadcast run' nào trả lời cho thư mục này (chưa chạy, đã dừng, hoặc im lặng quá
    30 giây): dùng được cho cron hoặc hệ thống giám sát để báo động.

    \b
    Ví dụ:  broadcast status
            broadcast status --out /srv/phat-thanh
    """
    target = resolve_out(root, out)
    st = read_status(target, dt.datetime.now(ZoneInfo(TIMEZONE)), STALE_S)
    click.echo(f"Thư mục: {target}")
    for line in describe(st):
        click.echo(line)
    if not st.alive:
        click.get_current_context().exit(EXIT_NO_DAEMON)
