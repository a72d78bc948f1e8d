"""``broadcast approve-existing``: record the scripts on disk as approved, once asked.

Turning ``approval: required`` on approves nothing by itself (issue 18): the scripts
already on disk are drafts until someone who read them says so. This command lists the
scripts never approved, asks, and records them as approved by the person running it.
"""

from __future__ import annotations

from pathlib import Path

import click

from .options import root_option


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in a container or under some services
        return ""


@click.command("approve-existing")
@root_option
@click.option(
    "--by",
    default=None,
    help="Tên người duyệt ghi vào sổ (mặc định: tên đăng nhập máy). Approver's name.",
)
@click.option(
    "--yes",
    "-y",
    is_flag=True,
    help="Không hỏi lại (cho cron, script). Do not ask for confirmation.",
)
def approve_existing(root: Path, by: str | None, yes: bool) -> None:
    """Ghi các kịch bản hiện có là đã duyệt (khi mới bật duyệt). Approve existing scripts.

    Khi bật 'approval: required', chưa kịch bản nào được phát cho đến khi được duyệt.
    Lệnh này liệt kê các kịch bản chưa từng được duyệt, hỏi lại, rồi ghi vào sổ duyệt là
    đã duyệt, người duyệt là người chạy lệnh (--by). Bản sửa của kịch bản đã duyệt không
    nằm trong danh sách: người duyệt đọc và duyệt từng bản trong 'broadcast serve'.

    \b
    Ví dụ:  broadcast approve-existing --by chu-tich
            broadcast approve-existing --by chu-tich --yes   # không hỏi lại
    """
    from ..errors import InputError
    from ..project.approval import approval_required, unapproved_existing
    from ..project.approval import approve_existing as record

    who = (by or _login()).strip()
    if not who:
        raise InputError(
            "Không biết tên người duyệt",
            where="broadcast approve-existing",
            fix="ghi tên người duyệt bằng --by, ví dụ: broadcast approve-existing --by chu-tich",
        )
    todo = unapproved_existing(root)
    if not todo:
        click.echo("Không có kịch bản nào chưa được duyệt: không ghi gì.")
        return
    if not approval_required(root):
        click.echo(
            "Lưu ý: dự án chưa bật duyệt (dòng 'approval: required' trong "
            "schedules/stations.yaml); sổ duyệt vẫn được ghi.",
            err=True,
        )
    click.echo(f"{len(todo)} kịch bản chưa từng được duyệt:")
    for item in todo:
        click.echo(f"  {item.script_id:<28} {item.version[:10]}  {item.title}")
    if not yes:
        click.confirm(
            f"Ghi {len(todo)} kịch bản trên là đã duyệt, người duyệt là '{who}'? "
            "Chỉ đồng ý khi đã đọc các bài này",
            abort=True,
        )
    done = record(root, who, todo)
    click.echo(f"Đã ghi {len(done)} kịch bản là đã duyệt, người duyệt: {who}.")
    if len(done) < len(todo):
        click.echo(
            f"Cảnh báo: {len(todo) - len(done)} kịch bản vừa bị sửa trong lúc hỏi, chưa ghi: "
            "chạy lại lệnh để xem bản mới.",
            err=True,
        )
