"""``broadcast emergency``: put an emergency bulletin on air now (level 3, Circular 39)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from ..build import build, playlist_path
from ..errors import InputError
from ..project import Project
from ..render import Renderer
from ..schedule.emergency import enqueue, queue_path
from ..schedule.planner import QueuedBulletin
from ..scripts import Script, load_script
from ..vocabulary import TIMEZONE
from .options import load_for_work, out_option, resolve_out, root_option


def check_targets(project: Project, names: list[str]) -> None:
    """Every name is a station or a group of the project."""
    sched = project.schedule
    known = set(sched.groups) | set(sched.stations)
    for name in names:
        if name not in known:
            raise InputError(
                f"Không có đài hay nhóm đài '{name}'",
                where="--station",
                fix=f"chọn một trong: {', '.join(sorted(known))}",
            )


def send_emergency(
    project: Project, parsed: Script, names: list[str], cut: bool, target_out: Path
) -> tuple[QueuedBulletin, list[Path]]:
    """Render ``parsed`` for the stations or groups ``names``, queue it, and refresh the
    playlists of today and tomorrow that already exist. Returns the queue entry and the
    playlists rewritten. Used by this command and by the web console."""
    sched = project.schedule
    names = names or ["all"]
    check_targets(project, names)
    targets = sched.resolve_targets(names)
    renderer = Renderer(project, target_out)
    files: dict[str, str] = {}
    durations: dict[str, float] = {}
    for sid in targets:
        b = renderer.render(parsed, sched.stations[sid])
        files[sid] = b.path.relative_to(target_out).as_posix()
        durations[sid] = b.duration_s
    created = dt.datetime.now(ZoneInfo(TIMEZONE)).replace(microsecond=0)
    entry = QueuedBulletin(
        id=f"khan-cap-{created:%Y%m%d-%H%M%S}-{parsed.id}",
        created=created,
        stations=tuple(targets),
        script_id=parsed.id,
        title=parsed.meta.title,
        directive=parsed.meta.directive.label(),
        files=files,
        durations=durations,
        now=cut,
    )
    enqueue(target_out, entry)
    # Operators who load playlists by hand: refresh the playlists that already exist.
    refreshed: list[Path] = []
    day = created.date()
    for d in (day, day + dt.timedelta(days=1)):
        have = [sid for sid in targets if playlist_path(target_out, d, sid).is_file()]
        if have:
            build(project, target_out, d, 1, have)
            refreshed.extend(playlist_path(target_out, d, sid) for sid in have)
    return entry, refreshed


@click.command("emergency")
@click.argument("script", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--station",
    "--stations",
    "-s",
    "stations",
    multiple=True,
    help="Đài hoặc nhóm đài (lặp lại được; mặc định: tất cả). Station or group.",
)
@click.option(
    "--now",
    "cut",
    is_flag=True,
    help="Ngắt bản tin đang phát để phát ngay. Cut the bulletin now playing.",
)
@root_option
@out_option
def emergency(
    script: Path, stations: tuple[str, ...], cut: bool, root: Path, out: Path | None
) -> None:
    """Phát ngay bản tin khẩn cấp SCRIPT (bão, cháy, dịch bệnh). Emergency bulletin.

    Làm bản tin cho các đài đã chọn rồi đưa vào hàng đợi khẩn cấp (OUT/emergency/):
    nếu 'broadcast run' đang chạy, bản tin phát ngay sau bản tin đang phát (không cắt
    ngang câu), hoặc ngắt ngay nếu có --now; danh sách phát của buổi tới (hôm nay, hoặc
    buổi đầu ngày mai) cũng có bản tin này ở đầu, cho đài nạp danh sách bằng tay.

    \b
    Ví dụ:  broadcast emergency scripts/bao-so-9.md
            broadcast emergency canh-bao-chay.md --station cac-xom --now
    """
    target_out = resolve_out(root, out)
    project = load_for_work(root)
    check_targets(project, list(stations) or ["all"])  # before the file: as it always was
    entry, refreshed = send_emergency(project, load_script(script), list(stations), cut, target_out)
    parsed_title, targets = entry.title, entry.stations
    click.echo(
        f"Đã đưa bản tin khẩn cấp '{parsed_title}' vào hàng đợi "
        f"{queue_path(target_out)} cho {len(targets)} đài: {', '.join(targets)}."
    )
    click.echo(
        "  Nếu 'broadcast run' đang chạy: phát "
        + ("ngay (ngắt bản tin đang phát)." if entry.now else "ngay sau bản tin đang phát.")
    )
    for path in refreshed:
        click.echo(f"  Đã cập nhật {path}")
