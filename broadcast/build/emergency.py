"""Put an emergency bulletin on air now (level 3, Circular 39): render it for the chosen
stations, queue it for the playout daemon, refresh today's and tomorrow's playlists, and
read or write CAP 1.2 alerts. Used by ``broadcast emergency`` and the web console."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from ..emergency.cap import (
    MAX_CAP_BYTES,
    MIME_MP3,
    CapError,
    Resource,
    bulletin_alert,
    check_times,
    parse_alert,
    to_xml,
    too_big,
)
from ..emergency.queue import cancel, enqueue, queue_path, withdraw
from ..errors import InputError
from ..files import atomic
from ..playlists.usb import ascii_slug
from ..project.loader import Project
from ..project.schedule import EmergencyPolicy
from ..project.scripts import Script
from ..render.renderer import Renderer
from ..schedule.planner import QueuedBulletin
from ..vocabulary import TIMEZONE
from .day import build, playlist_path


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
    policy = {
        sid: station_policy(sched.stations[sid].emergency, cut, after_item, then) for sid in targets
    }
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


def read_cap(path: Path, now: dt.datetime | None = None):  # type: ignore[no-untyped-def]
    """The CAP alert in ``path``, checked; refuses what must not go on air: a file over
    1 MB (unread), an alert sent in the future or expired (``now``: this machine's clock)."""
    try:
        size = path.stat().st_size
        if size > MAX_CAP_BYTES:
            raise too_big(size, str(path))
        data = path.read_bytes()
    except FileNotFoundError:
        raise CapError(
            "Không tìm thấy tệp cảnh báo CAP", where=str(path), fix="kiểm tra đường dẫn tệp"
        ) from None
    alert = parse_alert(data, str(path))
    check_times(alert, str(path), now or dt.datetime.now(dt.UTC))
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


def references(alert, where: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
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


def withdraw_alert(  # type: ignore[no-untyped-def]
    project, target_out: Path, alert, where: str
) -> tuple[list[QueuedBulletin], list[Path]]:
    """CAP Cancel / Update: take the alerts it refers to out of the queue and out of the
    playlists already written for today and tomorrow. Returns the entries withdrawn and
    the playlists rewritten."""
    gone = withdraw(target_out, references(alert, where))
    if not gone:
        if alert.msg_type == "Update":
            return [], []
        raise CapError(
            "Bản tin CAP hủy (Cancel) không ứng với bản tin nào trong hàng đợi khẩn cấp: "
            + " ".join(alert.references),
            where=where,
            fix=f"xem {queue_path(target_out)}; bản tin đã quá 2 ngày thì đã tự rời hàng đợi",
        )
    refreshed: list[Path] = []
    stations = sorted({sid for q in gone for sid in q.stations})
    day = dt.datetime.now(ZoneInfo(TIMEZONE)).date()
    for d in (day, day + dt.timedelta(days=1)):
        have = [sid for sid in stations if playlist_path(target_out, d, sid).is_file()]
        if have:
            build(project, target_out, d, 1, have)
            refreshed.extend(playlist_path(target_out, d, sid) for sid in have)
    return gone, refreshed


def cancel_emergency(
    project: Project, target_out: Path, entry_id: str
) -> tuple[QueuedBulletin, list[Path]]:
    """Take a queued emergency out of the queue and out of the playlists already written
    for today and tomorrow (``broadcast emergency --cancel``, the console's cancel
    button). Returns the entry and the playlists rewritten; an error naming the queue
    when there is no such entry."""
    entry = cancel(target_out, entry_id)
    if entry is None:
        raise InputError(
            f"Không có bản tin khẩn cấp '{entry_id}' trong hàng đợi",
            where=str(queue_path(target_out)),
            fix="xem mã bản tin ở trang Khẩn cấp; bản tin đã quá 2 ngày thì đã tự rời "
            "hàng đợi, bản tin đã hủy thì không cần hủy lại",
        )
    refreshed: list[Path] = []
    day = dt.datetime.now(ZoneInfo(TIMEZONE)).date()
    for d in (day, day + dt.timedelta(days=1)):
        have = [sid for sid in entry.stations if playlist_path(target_out, d, sid).is_file()]
        if have:
            build(project, target_out, d, 1, have)
            refreshed.extend(playlist_path(target_out, d, sid) for sid in have)
    return entry, refreshed


def write_cap(  # type: ignore[no-untyped-def]
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
    data, key = cap_alert(
        project, parsed, entry, target_out, status, category, sender, Path(path).resolve().parent
    )
    atomic.write_bytes(path, data)
    return key


def cap_alert(  # type: ignore[no-untyped-def]
    project,
    parsed,
    entry,
    target_out: Path,
    status: str,
    category: str,
    sender: str | None,
    base: Path,
) -> tuple[bytes, dict[str, str]]:
    """The CAP 1.2 XML of a queued emergency (MP3 URIs relative to ``base``) and its key."""
    sched = project.schedule
    commune = sched.commune or "broadcast"
    sender = sender or f"{ascii_slug(commune, 40)}@broadcast"
    resources = []
    for sid in entry.stations:
        mp3 = target_out / entry.files[sid]
        data = mp3.read_bytes()
        try:
            uri = Path(os.path.relpath(mp3, base)).as_posix()
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
    return to_xml(alert), {"sender": alert.sender, "identifier": alert.identifier}


def station_policy(
    station: EmergencyPolicy, cut: bool, after_item: bool, then: str | None
) -> dict[str, str]:
    """The station's ``emergency:`` default, overridden by the command's options."""
    interrupt = "now" if cut else "after_item" if after_item else station.interrupt
    return {"interrupt": interrupt, "after": then or station.after}
