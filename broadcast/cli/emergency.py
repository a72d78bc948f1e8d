"""``broadcast emergency``: put an emergency bulletin on air now (level 3, Circular 39)."""

from __future__ import annotations

from pathlib import Path

import click

from ..build.emergency import (
    cancel_emergency,
    check_targets,
    read_cap,
    references,
    send_emergency,
    withdraw_alert,
    write_cap,
)
from ..emergency.cap import CATEGORIES, script_id_for, script_text, vietnamese_info
from ..emergency.queue import queue_path, queued_alerts
from ..errors import InputError
from ..files import atomic
from ..project.scripts import load_script
from ..schedule.planner import QueuedBulletin
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
@click.option(
    "--cancel",
    "cancel_id",
    default=None,
    metavar="MÃ",
    help="Hủy bản tin khẩn cấp MÃ đang chờ trong hàng đợi (mã in ra khi gửi, hoặc xem ở "
    "trang Khẩn cấp). Cancel a queued emergency.",
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
    cancel_id: str | None,
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

    Hủy bản tin còn chờ: broadcast emergency --cancel MÃ (đài nào đã phát thì nhật ký
    phát sóng vẫn ghi; đài chưa phát sẽ không phát nữa).
    """
    if cancel_id is not None:
        if script is not None or from_cap is not None:
            raise InputError(
                "--cancel không dùng cùng tệp kịch bản hay --from-cap",
                where="--cancel",
                fix="chỉ ghi 'broadcast emergency --cancel MÃ'",
            )
        project = load_for_work(root)
        target_out = resolve_out(root, out)
        entry, refreshed = cancel_emergency(project, target_out, cancel_id)
        click.echo(
            f"Đã hủy bản tin khẩn cấp '{entry.title}' ({entry.id}): đài chưa phát sẽ không phát."
        )
        for path in refreshed:
            click.echo(f"  Đã cập nhật {path}")
        return
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
        alert = read_cap(from_cap)
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
            references(alert, str(from_cap))
            update = alert
        script = target_out / "emergency" / "cap" / f"{script_id_for(alert)}.md"
        atomic.write_text(script, script_text(alert, info))
        cap_key = {"sender": alert.sender, "identifier": alert.identifier}
    assert script is not None
    parsed = load_script(script, project.schedule.max_script_chars)

    def cap_for(entry: QueuedBulletin) -> dict[str, str] | None:
        if cap_out is None:
            return cap_key
        mine = write_cap(
            cap_out, project, parsed, entry, target_out, cap_status, cap_category, cap_sender
        )
        click.echo(f"Đã ghi cảnh báo CAP 1.2: {cap_out}")
        return cap_key or mine  # an alert from upstream keeps its own key for Cancel

    entry, refreshed = send_emergency(
        project,
        parsed,
        list(stations),
        cut,
        target_out,
        after_item=after_item,
        then=then,
        cap=cap_for,
    )
    click.echo(
        f"Đã đưa bản tin khẩn cấp '{entry.title}' vào hàng đợi "
        f"{queue_path(target_out)} cho {len(entry.stations)} đài: {', '.join(entry.stations)}."
    )
    click.echo(f"  Mã: {entry.id} (hủy khi còn chờ: broadcast emergency --cancel {entry.id})")
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


def _withdraw(project, target_out: Path, alert, where: str) -> None:  # type: ignore[no-untyped-def]
    """A CAP Cancel / Update, with what it did told on the terminal."""
    gone, refreshed = withdraw_alert(project, target_out, alert, where)
    if gone:
        click.echo(
            f"Đã rút khỏi hàng đợi {len(gone)} bản tin khẩn cấp: "
            + ", ".join(f"'{q.title}'" for q in gone)
        )
    for path in refreshed:
        click.echo(f"  Đã cập nhật {path}")
