"""``broadcast emergency``: put an emergency bulletin on air now (level 3, Circular 39)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from ..build.day import build, playlist_path
from ..emergency.cap import (
    CATEGORIES,
    MIME_MP3,
    CapError,
    Resource,
    bulletin_alert,
    parse_alert,
    script_id_for,
    script_text,
    to_xml,
    vietnamese_info,
)
from ..emergency.queue import enqueue, queue_path, queued_alerts, withdraw
from ..errors import InputError
from ..files import atomic
from ..playlists.usb import ascii_slug
from ..project.loader import Project
from ..project.schedule import EmergencyPolicy
from ..project.scripts import Script, load_script
from ..render.renderer import Renderer
from ..schedule.planner import QueuedBulletin
from ..vocabulary import TIMEZONE
from .options import load_for_work, out_option, resolve_out, root_option


@click.command("emergency")
@click.argument("script", type=click.Path(dir_okay=False, path_type=Path), required=False)
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
@click.option(
    "--from-cap",
    "from_cap",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Lấy bản tin từ tệp cảnh báo CAP 1.2 (thay cho SCRIPT); CAP 'Cancel' thì rút "
    "bản tin khỏi hàng đợi. Read a CAP 1.2 alert instead of a script.",
)
@click.option(
    "--cap-out",
    "cap_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Ghi thêm cảnh báo CAP 1.2 (XML) cho bản tin này. Also write a CAP 1.2 alert.",
)
@click.option(
    "--cap-status",
    type=click.Choice(["Actual", "Exercise", "Test"]),
    default="Actual",
    show_default=True,
    help="CAP status: Actual (thật), Exercise (diễn tập), Test (thử kỹ thuật).",
)
@click.option(
    "--cap-category",
    type=click.Choice(CATEGORIES),
    default="Safety",
    show_default=True,
    help="CAP category: Met (bão), Fire (cháy), Health (dịch bệnh), Geo, Safety...",
)
@click.option(
    "--cap-sender",
    default=None,
    help="CAP sender (không dấu cách), mặc định theo tên xã, ví dụ xa-kha-son@broadcast.",
)
@root_option
@out_option
def emergency(
    script: Path | None,
    stations: tuple[str, ...],
    cut: bool,
    after_item: bool,
    then: str | None,
    from_cap: Path | None,
    cap_out: Path | None,
    cap_status: str,
    cap_category: str,
    cap_sender: str | None,
    root: Path,
    out: Path | None,
) -> None:
    """Phát ngay bản tin khẩn cấp SCRIPT (bão, cháy, dịch bệnh). Emergency bulletin.

    Làm bản tin cho các đài đã chọn rồi đưa vào hàng đợi khẩn cấp (OUT/emergency/):
    nếu 'broadcast run' đang chạy, mỗi đài làm theo 'emergency:' của nó trong
    stations.yaml (mặc định: nhỏ dần tiếng rồi ngắt bản tin đang phát, phát khẩn cấp, rồi
    phát lại bản tin bị ngắt từ đầu), hoặc theo --now, --after-item, --then; danh sách
    phát của buổi tới (hôm nay, hoặc buổi đầu ngày mai) cũng có bản tin này ở đầu, cho đài
    nạp danh sách bằng tay.

    CAP 1.2 (Common Alerting Protocol): --cap-out ghi cảnh báo chuẩn cho hệ thống cảnh
    báo cấp trên (kèm MP3: kích thước, mã SHA-1); --from-cap phát cảnh báo CAP nhận
    được (khối <info> tiếng Việt), hoặc rút bản tin nếu đó là cảnh báo hủy (Cancel).

    \b
    Ví dụ:  broadcast emergency scripts/con-cap-cuu.md --station xom-dong
            broadcast emergency scripts/con-cap-cuu.md --station cac-xom --now
            broadcast emergency scripts/con-cap-cuu.md --station xom-dong --cap-out canh-bao.cap.xml
            broadcast emergency --from-cap canh-bao.cap.xml --station xom-dong
    """
    if (script is None) == (from_cap is None):
        raise InputError(
            "Cần đúng một nguồn bản tin: tệp kịch bản SCRIPT hoặc --from-cap TỆP.xml",
            where="broadcast emergency",
            fix="ví dụ 'broadcast emergency scripts/bao-so-9.md' hoặc "
            "'broadcast emergency --from-cap canh-bao.xml'",
        )
    if cut and after_item:
        raise InputError(
            "Không dùng cùng lúc --now và --after-item",
            where="--now, --after-item",
            fix="chọn một: --now (ngắt ngay) hoặc --after-item (đợi bản tin đang phát hết)",
        )
    project = load_for_work(root)
    check_targets(project, list(stations) or ["all"])  # before the file: as it always was
    target_out = resolve_out(root, out)
    cap_key: dict[str, str] | None = None
    update = None  # a CAP Update: the alerts it replaces leave the queue once it is in
    if from_cap is not None:
        alert = _read_cap(from_cap)
        if alert.msg_type == "Cancel":
            _withdraw(project, target_out, alert, str(from_cap))
            return
        # checked before an Update withdraws anything: a bad update leaves the old one on
        info = vietnamese_info(alert, str(from_cap))
        if alert.key in queued_alerts(target_out):
            # CAP feeds deliver an alert again (retries, two routes): not an error
            click.echo(
                f"Cảnh báo CAP '{alert.identifier}' của {alert.sender} đã có trong hàng đợi "
                f"khẩn cấp ({queue_path(target_out)}): không phát lần nữa."
            )
            return
        if alert.msg_type == "Update":
            _references(alert, str(from_cap))
            update = alert
        script = target_out / "emergency" / "cap" / f"{script_id_for(alert)}.md"
        atomic.write_text(script, script_text(alert, info))
        cap_key = {"sender": alert.sender, "identifier": alert.identifier}
    assert script is not None
    parsed = load_script(script)

    def write_cap(entry: QueuedBulletin) -> dict[str, str] | None:
        if cap_out is None:
            return cap_key
        mine = _write_cap(
            cap_out, project, parsed, entry, target_out, cap_status, cap_category, cap_sender
        )
        return cap_key or mine  # an alert from upstream keeps its own key for Cancel

    entry, refreshed = send_emergency(
        project,
        parsed,
        list(stations),
        cut,
        target_out,
        after_item=after_item,
        then=then,
        cap=write_cap,
    )
    click.echo(
        f"Đã đưa bản tin khẩn cấp '{entry.title}' vào hàng đợi "
        f"{queue_path(target_out)} cho {len(entry.stations)} đài: {', '.join(entry.stations)}."
    )
    click.echo("  Nếu 'broadcast run' đang chạy:")
    for sid in entry.stations:
        p = entry.policy[sid]
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
    for path in refreshed:
        click.echo(f"  Đã cập nhật {path}")
    if update is not None:
        _withdraw(project, target_out, update, str(from_cap))


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
    project: Project,
    parsed: Script,
    names: list[str],
    cut: bool,
    target_out: Path,
    *,
    after_item: bool = False,
    then: str | None = None,
    cap: Callable[[QueuedBulletin], dict[str, str] | None] | None = None,
) -> tuple[QueuedBulletin, list[Path]]:
    """Render ``parsed`` for the stations or groups ``names``, queue it, and refresh the
    playlists of today and tomorrow that already exist. ``cut``/``after_item``/``then``
    override each station's ``emergency:`` policy; ``cap`` (given the queue entry) returns
    the CAP alert key to keep with it. Returns the queue entry and the playlists rewritten.
    Used by this command and by the web console."""
    sched = project.schedule
    names = names or ["all"]
    check_targets(project, names)
    targets = sched.resolve_targets(names)
    policy = {sid: _policy(sched.stations[sid].emergency, cut, after_item, then) for sid in targets}
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
    enqueue(target_out, entry, cap=cap(entry) if cap is not None else None)
    # Operators who load playlists by hand: refresh the playlists that already exist.
    refreshed: list[Path] = []
    day = created.date()
    for d in (day, day + dt.timedelta(days=1)):
        have = [sid for sid in targets if playlist_path(target_out, d, sid).is_file()]
        if have:
            build(project, target_out, d, 1, have)
            refreshed.extend(playlist_path(target_out, d, sid) for sid in have)
    return entry, refreshed


def _read_cap(path: Path):  # type: ignore[no-untyped-def]
    """The CAP alert in ``path``, checked; refuses what must not go on air."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CapError(
            "Không tìm thấy tệp cảnh báo CAP", where=str(path), fix="kiểm tra đường dẫn tệp"
        ) from None
    alert = parse_alert(data, str(path))
    if alert.msg_type in ("Ack", "Error"):
        raise CapError(
            f"Bản tin CAP loại '{alert.msg_type}' là thư trả lời giữa các hệ thống, "
            "không có gì để phát",
            where=str(path),
            fix="dùng bản tin CAP loại Alert, Update hoặc Cancel",
        )
    if alert.status not in ("Actual", "Exercise"):
        raise CapError(
            f"Bản tin CAP có status '{alert.status}': theo chuẩn CAP, người nhận bỏ qua, "
            "không phát cho dân",
            where=str(path),
            fix="chỉ phát bản tin status Actual (thật) hoặc Exercise (diễn tập)",
        )
    return alert


def _references(alert, where: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(sender, identifier) of the alerts a Cancel or Update replaces; an error if none."""
    refs: list[tuple[str, str]] = alert.referenced()
    if not refs:
        raise CapError(
            f"Bản tin CAP loại {alert.msg_type} không có <references> (không biết hủy, "
            "thay bản tin nào)",
            where=where,
            fix="<references> cần dạng 'sender,identifier,sent' của bản tin gốc",
        )
    return refs


def _withdraw(project, target_out: Path, alert, where: str) -> None:  # type: ignore[no-untyped-def]
    """CAP Cancel / Update: take the alerts it refers to out of the queue and out of the
    playlists already written for today and tomorrow."""
    gone = withdraw(target_out, _references(alert, where))
    if not gone:
        if alert.msg_type == "Update":
            return
        raise CapError(
            "Bản tin CAP hủy (Cancel) không ứng với bản tin nào trong hàng đợi khẩn cấp: "
            + " ".join(alert.references),
            where=where,
            fix=f"xem {queue_path(target_out)}; bản tin đã quá 2 ngày thì đã tự rời hàng đợi",
        )
    click.echo(
        f"Đã rút khỏi hàng đợi {len(gone)} bản tin khẩn cấp: "
        + ", ".join(f"'{q.title}'" for q in gone)
    )
    stations = sorted({sid for q in gone for sid in q.stations})
    day = dt.datetime.now(ZoneInfo(TIMEZONE)).date()
    for d in (day, day + dt.timedelta(days=1)):
        have = [sid for sid in stations if playlist_path(target_out, d, sid).is_file()]
        if have:
            build(project, target_out, d, 1, have)
            for sid in have:
                click.echo(f"  Đã cập nhật {playlist_path(target_out, d, sid)}")


def _write_cap(  # type: ignore[no-untyped-def]
    path: Path,
    project,
    parsed,
    entry,
    target_out: Path,
    status: str,
    category: str,
    sender: str | None,
) -> dict[str, str]:
    """Write the CAP alert of a queued emergency (atomically); returns its key."""
    sched = project.schedule
    commune = sched.commune or "broadcast"
    sender = sender or f"{ascii_slug(commune, 40)}@broadcast"
    resources = []
    for sid in entry.stations:
        mp3 = target_out / entry.files[sid]
        data = mp3.read_bytes()
        try:
            uri = Path(os.path.relpath(mp3, Path(path).resolve().parent)).as_posix()
        except ValueError:  # another drive (Windows): an absolute URI
            uri = mp3.resolve().as_uri()
        resources.append(
            Resource(
                desc=f"Bản tin khẩn cấp — {sched.stations[sid].name} ({sid})",
                mime_type=MIME_MP3,
                size=len(data),
                uri=uri,
                digest=hashlib.sha1(data).hexdigest(),
            )
        )
    names = ", ".join(sched.stations[sid].name for sid in entry.stations)
    alert = bulletin_alert(
        identifier=entry.id,
        sender=sender,
        sent=entry.created,
        title=parsed.meta.title,
        topic=parsed.meta.topic,
        text=parsed.text,
        priority=parsed.meta.priority,
        area=f"{commune}: {names}" if sched.commune else names,
        resources=tuple(resources),
        status=status,
        category=category,
        sender_name=parsed.meta.directive.issuer,
    )
    atomic.write_bytes(path, to_xml(alert))
    click.echo(f"Đã ghi cảnh báo CAP 1.2: {path}")
    return {"sender": alert.sender, "identifier": alert.identifier}


def _policy(
    station: EmergencyPolicy, cut: bool, after_item: bool, then: str | None
) -> dict[str, str]:
    """The station's ``emergency:`` default, overridden by the command's options."""
    interrupt = "now" if cut else "after_item" if after_item else station.interrupt
    return {"interrupt": interrupt, "after": then or station.after}
