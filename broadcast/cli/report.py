"""``broadcast report``: the directive report for a period, from the as-run log."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import click

from ..errors import InputError
from ..files import atomic
from ..report.asrun import MIGRATIONS, AsRunError, AsRunLog, ReadOnlyAsRunLog, asrun_path, damage
from ..report.compliance import TZ
from ..report.docx import write_docx
from ..report.report import make_report, to_csv, to_html, to_markdown
from .options import DATE, out_option, resolve_out, root_option

log = logging.getLogger(__name__)
FORMATS = ("md", "csv", "html", "docx")


def open_log(root: Path, out: Path | None, readonly: bool = False) -> AsRunLog:
    """The existing as-run log of the output folder; an error naming the fix if none.

    ``readonly`` (commands that only read): open it read-only, so a read-only output
    folder or a log owned by another user still gives a report. Only a log written by
    an older version, in a folder we may write, is opened to be brought up to date.
    """
    path = asrun_path(resolve_out(root, out))
    if not path.is_file():
        raise InputError(
            "Chưa có nhật ký phát sóng",
            where=str(path),
            fix="chạy 'broadcast build' (ghi lịch) và phát bằng 'broadcast' hoặc ghi nhận "
            "bằng 'broadcast asrun confirm' / 'broadcast asrun import'; hoặc chỉ đúng --out",
        )
    why = damage(path)
    if why is not None:  # a zero-byte or broken log is never read as "nothing aired"
        raise AsRunError(
            f"Nhật ký phát sóng bị hỏng: {why}",
            where=str(path),
            fix="chạy 'broadcast build' (chuyển tệp hỏng sang một bên, bắt đầu nhật ký mới) "
            "rồi 'broadcast asrun repair' (chép lại mọi dòng còn đọc được)",
        )
    if readonly:
        log = ReadOnlyAsRunLog(path)
        writable = os.access(path.parent, os.W_OK) and os.access(path, os.W_OK)
        if log.schema_version >= len(MIGRATIONS) or not writable:
            return log
    return AsRunLog(path)


@click.command("report")
@click.option("--from", "start", type=DATE, required=True, help="Từ ngày. First day.")
@click.option("--to", "end", type=DATE, required=True, help="Đến ngày. Last day.")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="md (mặc định), csv, html, docx; mặc định theo đuôi của -o.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Ghi vào tệp này (mặc định: in ra màn hình; docx: bao-cao-TỪ-ĐẾN.docx).",
)
@root_option
@out_option
def report(
    start: dt.date, end: dt.date, fmt: str | None, output: Path | None, root: Path, out: Path | None
) -> None:
    """Báo cáo kết quả thực hiện công văn: số lượt, số phút, buổi sáng, ngày bỏ sót.

    Số liệu lấy từ nhật ký phát sóng (OUT/asrun.sqlite), theo công văn / chiến dịch và
    theo đài. Mục 5 so danh sách phát đã làm của từng ngày (hồ sơ, không tính lại theo
    lịch hôm nay) với những gì đã phát: kế hoạch, đã phát, phát dở, bỏ sót và lý do; mục 6
    kể riêng những ngày không làm danh sách phát và lịch yêu cầu gì cho ngày đó. Bản DOCX theo thể thức báo cáo
    hành chính, để ký và gửi.

    \b
    Ví dụ:  broadcast report --from 2026-11-01 --to 2026-11-30
            broadcast report --from 01/11/2026 --to 31/12/2026 -o bao-cao.docx
    """
    if end < start:
        raise InputError(
            f"--to ({end:%d/%m/%Y}) đứng trước --from ({start:%d/%m/%Y})",
            where="--from/--to",
            fix="đổi lại hai ngày cho đúng thứ tự",
        )
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output else ""
        if suffix not in (*FORMATS, "", "txt"):
            raise InputError(
                f"Không làm được báo cáo dạng .{suffix}",
                where=f"-o {output}",
                fix="đặt tên tệp đuôi .md, .csv, .html hoặc .docx (hoặc thêm --format)",
            )
        fmt = suffix if suffix in FORMATS else "md"
    now = dt.datetime.now(TZ)
    asrun = open_log(root, out, readonly=True)
    rep = make_report(root, asrun, start, end, now, out_dir=resolve_out(root, out))
    if fmt == "docx":
        target = output or Path(f"bao-cao-{start.isoformat()}-{end.isoformat()}.docx")
        write_docx(rep, target)
        click.echo(f"Đã ghi báo cáo: {target}")
        return
    text = {"md": to_markdown, "csv": to_csv, "html": to_html}[fmt](rep)
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic.write_text(output, text)
        click.echo(f"Đã ghi báo cáo: {output}")
