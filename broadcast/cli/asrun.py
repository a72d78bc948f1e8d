"""``broadcast asrun``: record what aired when another program played it, and look."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..errors import InputError
from ..report.asrun import AsRunError, AsRunLog, asrun_path, damage, damaged_logs
from ..report.csvlog import read_playout_csv
from ..report.names import project_names
from ..report.record import records
from ..report.recover import recover
from .options import DATE, out_option, resolve_out, root_option
from .report import open_log

RESULT_LABELS = {
    "played": "đã phát",
    "failed": "lỗi",
    "skipped": "bỏ qua",
    "confirmed": "xác nhận",
    "imported": "nhập",
}


@click.group("asrun")
def asrun() -> None:
    """Nhật ký phát sóng (OUT/asrun.sqlite): xác nhận, nhập, xem. As-run log."""


@asrun.command("confirm")
@click.option("--date", "-d", "date", type=DATE, required=True, help="Ngày đã phát.")
@click.option(
    "--station",
    "-s",
    "stations",
    multiple=True,
    required=True,
    help="Mã đài (lặp lại được; 'all' = mọi đài có lịch ngày đó).",
)
@root_option
@out_option
def confirm(date: dt.date, stations: tuple[str, ...], root: Path, out: Path | None) -> None:
    """Xác nhận cả ngày đã phát đúng lịch (khi phát bằng phần mềm khác).

    Ghi một lượt 'xác nhận' cho mỗi bản tin trong lịch đã lập của ngày đó mà nhật ký chưa
    có. Chạy lại không ghi trùng.

    \b
    Ví dụ:  broadcast asrun confirm --date 2026-11-25 --station xom-cau
    """
    log = open_log(root, out)
    wanted = list(stations)
    if "all" in wanted:
        wanted = sorted({p.station_id for p in log.planned(date, date)})
        if not wanted:
            raise InputError(
                f"Chưa có lịch đã lập cho ngày {date:%d/%m/%Y}",
                where=str(log.path),
                fix=f"chạy 'broadcast build --date {date.isoformat()}' trước",
            )
    for sid in wanted:
        added = log.confirm_day(date, sid)
        click.echo(
            f"{sid} {date:%d/%m/%Y}: đã ghi {added} lượt xác nhận"
            + ("" if added else " (đã có đủ)")
        )


@asrun.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@root_option
@out_option
def import_cmd(csv_file: Path, root: Path, out: Path | None) -> None:
    """Nhập nhật ký phát của phần mềm khác từ tệp CSV (UTF-8).

    \b
    Dòng đầu là tên cột (thứ tự tùy ý; tên tiếng Anh trong ngoặc):
      ngay (date)          bắt buộc  2026-11-25 hoặc 25/11/2026
      dai (station)        bắt buộc  mã đài, ví dụ xom-cau
      bat_dau (start)      bắt buộc  06:00, 5h30, 5g30 hoặc 06:00:15
      ket_thuc (end)       (*)       06:02:30
      thoi_luong (duration_s) (*)    số giây (150) hoặc phút:giây (2:30)
      kich_ban (script)    bắt buộc  mã kịch bản (tên tệp trong scripts/, bỏ .md)
      ket_qua (result)     tùy chọn  da phat (mặc định), loi, bo qua
      chien_dich (source), cong_van (directive)  lấy từ lịch đã lập nếu để trống
      tep (file), tieu_de (title)                tùy chọn
    (*) cần một trong hai cho lượt đã phát.

    Cả tệp được kiểm tra trước; có lỗi thì không ghi gì và báo từng ô sai (dòng, cột).
    Nhập lại cùng một tệp không ghi trùng.
    """
    _, names = project_names(root)
    path = asrun_path(resolve_out(root, out))
    why = damage(path)
    if why is not None:
        raise AsRunError(
            f"Nhật ký phát sóng bị hỏng: {why}",
            where=str(path),
            fix="chạy 'broadcast build' (chuyển tệp hỏng sang một bên, bắt đầu nhật ký mới), "
            "'broadcast asrun repair', rồi nhập lại",
        )
    log = AsRunLog(path)
    known = set(names) | set(log.stations()) if names else None
    rows = read_playout_csv(csv_file, log, known)
    added, skipped = log.import_plays(rows)
    click.echo(
        f"Đã nhập {added} lượt từ {csv_file}"
        + (f"; bỏ qua {skipped} lượt đã có" if skipped else "")
        + f". Nhật ký: {path}"
    )


@asrun.command("show")
@click.option("--date", "-d", "date", type=DATE, default="today", show_default=True)
@click.option("--station", "-s", "station", default=None, help="Chỉ đài này.")
@root_option
@out_option
def show(date: dt.date, station: str | None, root: Path, out: Path | None) -> None:
    """Xem các lượt đã ghi của một ngày.

    \b
    Ví dụ:  broadcast asrun show --date 2026-11-25 --station xom-cau
    """
    log = open_log(root, out, readonly=True)
    plays = log.plays(date, date, station)
    # what was planned comes from the record, as in the report (log rows, else the file)
    recs = records(log, date, date, resolve_out(root, out), station)
    planned = [p for rec in recs.values() for p in rec.items]
    click.echo(
        f"Ngày {date:%d/%m/%Y}: {len(planned)} bản tin theo lịch, "
        f"{sum(p.aired for p in plays)} lượt đã phát."
    )
    for p in plays:
        end = f"{p.end:%H:%M:%S}" if p.end else "…"
        click.echo(
            f"  {p.station_id:<12} {p.start:%H:%M:%S}-{end}  "
            f"{RESULT_LABELS.get(p.result, p.result):<9} {p.script_id}"
        )


@asrun.command("repair")
@click.argument(
    "damaged", type=click.Path(dir_okay=False, path_type=Path), required=False, default=None
)
@root_option
@out_option
def repair(damaged: Path | None, root: Path, out: Path | None) -> None:
    """Chép mọi dòng còn đọc được từ nhật ký hỏng sang nhật ký đang dùng.

    Khi nhật ký hỏng, 'broadcast build' đổi tên nó thành OUT/asrun.damaged-NGÀY-GIỜ.sqlite
    và bắt đầu nhật ký mới. Lệnh này đọc tệp hỏng (mặc định: tệp mới nhất như thế) bằng
    'sqlite3 .recover' nếu máy có, và đọc từng trang của tệp, rồi chép các lịch đã lập và
    lượt phát vào OUT/asrun.sqlite. Chạy lại không chép trùng. Tệp hỏng được giữ nguyên.

    \b
    Ví dụ:  broadcast asrun repair
            broadcast asrun repair audio_out/asrun.damaged-20261125-041500.sqlite
    """
    target_out = resolve_out(root, out)
    if damaged is None:
        found = damaged_logs(target_out)
        if not found:
            raise InputError(
                "Không có nhật ký hỏng nào để sửa",
                where=f"{target_out}/asrun.damaged-*.sqlite",
                fix="chỉ tên tệp hỏng: 'broadcast asrun repair TỆP.sqlite', hoặc chỉ đúng --out",
            )
        damaged = found[-1]
    if not damaged.is_file():
        raise InputError(
            "Không tìm thấy tệp nhật ký hỏng", where=str(damaged), fix="kiểm tra đường dẫn tệp"
        )
    path = asrun_path(target_out)
    if damaged.resolve() == path.resolve():
        raise InputError(
            "Đây là nhật ký đang dùng, không phải tệp đã chuyển sang một bên",
            where=str(damaged),
            fix="chạy 'broadcast build' trước: nó chuyển tệp hỏng sang asrun.damaged-….sqlite",
        )
    why = damage(path)
    if why is not None:
        raise InputError(
            f"Nhật ký đang dùng cũng hỏng: {why}",
            where=str(path),
            fix="chạy 'broadcast build' để bắt đầu nhật ký mới, rồi chạy lại lệnh này",
        )
    if damaged.stat().st_size == 0:
        click.echo(f"{damaged} rỗng (0 byte): không có dòng nào để chép.")
        return
    rows, how = recover(damaged)
    counts = AsRunLog(path).merge_recovered(rows)
    click.echo(
        f"Đọc được {len(rows['planned'])} dòng lịch đã lập và {len(rows['plays'])} lượt phát "
        f"từ {damaged} ({how})."
    )
    click.echo(
        f"Đã chép vào {path}: {counts['planned']} dòng lịch, {counts['plays']} lượt phát"
        + (f"; bỏ qua {counts['skipped']} dòng đã có" if counts["skipped"] else "")
        + "."
    )
