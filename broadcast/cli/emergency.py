"""``broadcast emergency``: put an emergency bulletin on air now (level 3, Circular 39)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from ..build import build, playlist_path
from ..errors import InputError
from ..render import Renderer
from ..schedule.emergency import enqueue, queue_path
from ..schedule.model import EmergencyPolicy
from ..schedule.planner import QueuedBulletin
from ..scripts import load_script
from ..vocabulary import TIMEZONE
from .options import load_for_work, out_option, resolve_out, root_option


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
    help="Ngắt bản tin đang phát để phát ngay (mặc định theo 'emergency:' của đài trong "
    "stations.yaml, thường là ngắt ngay). Cut the bulletin now playing.",
)
@click.option(
    "--after-item",
    is_flag=True,
    help="Đợi bản tin đang phát hết rồi mới phát. Wait for the item now playing.",
)
@click.option(
    "--then",
    "then",
    type=click.Choice(["resume", "drop"]),
    default=None,
    help="Sau bản tin khẩn cấp: resume = phát lại bản tin bị ngắt từ đầu rồi tiếp tục buổi; "
    "drop = bỏ phần còn lại của buổi (mặc định theo stations.yaml).",
)
@root_option
@out_option
def emergency(
    script: Path,
    stations: tuple[str, ...],
    cut: bool,
    after_item: bool,
    then: str | None,
    root: Path,
    out: Path | None,
) -> None:
    """Phát ngay bản tin khẩn cấp SCRIPT (bão, cháy, dịch bệnh). Emergency bulletin.

    Làm bản tin cho các đài đã chọn rồi đưa vào hàng đợi khẩn cấp (OUT/emergency/):
    nếu 'broadcast run' đang chạy, mỗi đài làm theo 'emergency:' của nó trong
    stations.yaml (mặc định: nhỏ dần tiếng rồi ngắt bản tin đang phát, phát khẩn cấp, rồi
    phát lại bản tin bị ngắt từ đầu), hoặc theo --now, --after-item, --then; danh sách phát của buổi tới (hôm nay, hoặc
    buổi đầu ngày mai) cũng có bản tin này ở đầu, cho đài nạp danh sách bằng tay.

    \b
    Ví dụ:  broadcast emergency scripts/bao-so-9.md
            broadcast emergency canh-bao-chay.md --station cac-xom --now
    """
    project = load_for_work(root)
    sched = project.schedule
    names = list(stations) or ["all"]
    known = set(sched.groups) | set(sched.stations)
    for name in names:
        if name not in known:
            raise InputError(
                f"Không có đài hay nhóm đài '{name}'",
                where="--station",
                fix=f"chọn một trong: {', '.join(sorted(known))}",
            )
    if cut and after_item:
        raise InputError(
            "Không dùng cùng lúc --now và --after-item",
            where="--now, --after-item",
            fix="chọn một: --now (ngắt ngay) hoặc --after-item (đợi bản tin đang phát hết)",
        )
    targets = sched.resolve_targets(names)
    policy = {sid: _policy(sched.stations[sid].emergency, cut, after_item, then) for sid in targets}
    parsed = load_script(script)
    target_out = resolve_out(root, out)
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
        policy=policy,
    )
    enqueue(target_out, entry)
    click.echo(
        f"Đã đưa bản tin khẩn cấp '{parsed.meta.title}' vào hàng đợi "
        f"{queue_path(target_out)} cho {len(targets)} đài: {', '.join(targets)}."
    )
    click.echo("  Nếu 'broadcast run' đang chạy:")
    for sid in targets:
        p = policy[sid]
        click.echo(
            f"    {sid}: "
            + (
                "ngắt ngay bản tin đang phát (nhỏ dần tiếng), phát khẩn cấp khoảng 1 giây "
                "sau khi vào hàng đợi"
                if p["interrupt"] == "now"
                else "phát ngay sau bản tin đang phát"
            )
            + (
                "; sau đó phát lại bản tin bị ngắt từ đầu và tiếp tục buổi."
                if p["after"] == "resume"
                else "; sau đó bỏ phần còn lại của buổi."
            )
        )
    # Operators who load playlists by hand: refresh the playlists that already exist.
    day = created.date()
    for d in (day, day + dt.timedelta(days=1)):
        have = [sid for sid in targets if playlist_path(target_out, d, sid).is_file()]
        if have:
            build(project, target_out, d, 1, have)
            for sid in have:
                click.echo(f"  Đã cập nhật {playlist_path(target_out, d, sid)}")


def _policy(
    station: EmergencyPolicy, cut: bool, after_item: bool, then: str | None
) -> dict[str, str]:
    """The station's ``emergency:`` default, overridden by the command's options."""
    interrupt = "now" if cut else "after_item" if after_item else station.interrupt
    return {"interrupt": interrupt, "after": then or station.after}
