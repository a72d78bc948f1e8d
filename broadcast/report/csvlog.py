"""Read another player's playout log (CSV) into as-run rows, with errors an officer can fix.

Communes that air with other software (a PC player, a loudspeaker controller) export what
it played as a CSV; ``broadcast asrun import FILE.csv`` puts it in the as-run log so the
report counts it. The file is checked completely first: every bad cell is reported with
file, line and column, and nothing is written unless the whole file is good.

Columns (first row is the header; Vietnamese or English names; order free; UTF-8, comma,
semicolon or tab separated):

===========  ===========  =====  ==============================================
Vietnamese   English      Need   Value
===========  ===========  =====  ==============================================
ngay         date         yes    2026-11-25 or 25/11/2026
dai          station      yes    station id, e.g. xom-cau
bat_dau      start        yes    time it started: 06:00, 5h30, 5g30 or 06:00:15
ket_thuc     end          (1)    time it ended: 06:02:30
thoi_luong   duration_s   (1)    seconds (150) or minutes:seconds (2:30)
kich_ban     script       yes    script id (the file name in scripts/ without .md)
ket_qua      result       no     da phat / played (default), loi / failed,
                                 bo qua / skipped
chien_dich   source       (2)    campaign id
cong_van     directive    (2)    the công văn, e.g. "Công văn số 818/STTTT-TTBCVT ..."
tep          file         no     audio file that was played
tieu_de      title        no     bulletin title
===========  ===========  =====  ==============================================

(1) one of the two for a row that aired. (2) taken from the planned row of the same day,
station and script when empty; needed when the day was never built.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import BroadcastError, InputError, ValidationErrors
from ..project.converters import to_time
from ..vocabulary import TIMEZONE
from .asrun import AsRunLog, Planned

TZ = ZoneInfo(TIMEZONE)

#: canonical name -> accepted header names (compared without accents, case, spaces)
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("ngay", "date"),
    "station": ("dai", "station", "station_id"),
    "start": ("bat_dau", "gio_bat_dau", "start"),
    "end": ("ket_thuc", "gio_ket_thuc", "end"),
    "duration_s": ("thoi_luong", "duration_s", "duration"),
    "script": ("kich_ban", "script", "script_id"),
    "result": ("ket_qua", "result"),
    "source": ("chien_dich", "source", "campaign"),
    "directive": ("cong_van", "directive"),
    "file": ("tep", "file"),
    "title": ("tieu_de", "title"),
}
REQUIRED = ("date", "station", "start", "script")
RESULT_WORDS = {
    "": "imported",
    "da phat": "imported",
    "played": "imported",
    "ok": "imported",
    "imported": "imported",
    "loi": "failed",
    "failed": "failed",
    "bo qua": "skipped",
    "skipped": "skipped",
}
HEADER_HELP = "ngay,dai,bat_dau,ket_thuc,kich_ban,ket_qua (xem 'broadcast asrun import --help')"


def _plain(text: str) -> str:
    """Lower case, no accents, single underscores: 'Bắt đầu' -> 'bat_dau'."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.sub(r"[\s\-]+", "_", text)


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"Không thấy tệp {path}", where=str(path), fix="kiểm tra lại tên và đường dẫn tệp"
        ) from None
    except OSError as exc:
        raise InputError(
            f"Không đọc được tệp {path}: {exc.strerror}",
            where=str(path),
            fix="kiểm tra quyền đọc tệp",
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            "Tệp CSV không phải mã UTF-8 (chữ có dấu sẽ bị sai)",
            where=f"{path}, dòng {line}",
            fix="trong Excel chọn Lưu thành (Save As) > 'CSV UTF-8 (Comma delimited)'",
        ) from None


def _parse_date(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    raise ValueError("ngày phải có dạng 2026-11-25 hoặc 25/11/2026")


def _parse_time(value: str) -> dt.time:
    """The same clock times as scripts and schedules (05:30, 5:30, 5h30, 5g30, 17h),
    and 06:00:15 with seconds."""
    try:
        return to_time(value, seconds=True)
    except ValueError:
        raise ValueError("giờ phải có dạng 06:00, 5:30, 5h30, 5g30 hoặc 06:00:15") from None


def _parse_duration(value: str) -> float:
    m = re.fullmatch(r"(\d+):([0-5]\d)", value)
    if m:
        return int(m.group(1)) * 60 + int(m.group(2))
    try:
        seconds = float(value.replace(",", "."))
    except ValueError:
        raise ValueError("thời lượng phải là số giây (150) hoặc phút:giây (2:30)") from None
    if not 0 <= seconds <= 6 * 3600:
        raise ValueError("thời lượng phải từ 0 đến 21600 giây")
    return seconds


def _closest(planned: Iterable[Planned], start: dt.datetime) -> Planned | None:
    best = None
    for p in planned:
        if best is None or abs(p.start - start) < abs(best.start - start):
            best = p
    return best


def read_playout_csv(
    path: Path, log: AsRunLog, stations: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Parse and check the whole file; return rows for :meth:`AsRunLog.import_plays`.

    Raises :class:`ValidationErrors` listing every bad cell (file, line, column, fix).
    """
    path = Path(path)
    text = _read(path)
    if not text.strip():
        raise InputError("Tệp CSV trống", where=str(path), fix=f"dòng đầu ghi: {HEADER_HELP}")
    try:
        dialect: Any = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader)
    names: dict[int, str] = {}
    lookup = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
    errors: list[BroadcastError] = []
    for i, cell in enumerate(header):
        key = _plain(cell)
        if not key:
            continue
        if key not in lookup:
            errors.append(
                InputError(
                    f"Cột '{cell}' không dùng được",
                    where=f"{path}, dòng 1, cột {i + 1}",
                    fix=f"đổi tên cột thành một trong: {', '.join(COLUMNS)} "
                    f"(hoặc tên tiếng Việt: {', '.join(a[0] for a in COLUMNS.values())})",
                )
            )
        else:
            names[i] = lookup[key]
    missing = [n for n in REQUIRED if n not in names.values()]
    if missing:
        errors.append(
            InputError(
                f"Thiếu cột: {', '.join(COLUMNS[n][0] for n in missing)}",
                where=f"{path}, dòng 1",
                fix=f"dòng đầu ghi: {HEADER_HELP}",
            )
        )
    if errors:
        raise ValidationErrors(errors)
    col_of = {name: i for i, name in names.items()}
    known = set(stations) if stations is not None else None
    rows: list[dict[str, Any]] = []
    planned_cache: dict[tuple[dt.date, str], list[Planned]] = {}

    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in names.items()}

        def bad(name: str, what: str, fix: str, line: int = line) -> None:
            errors.append(
                InputError(
                    what,
                    where=f"{path}, dòng {line}, cột {col_of[name] + 1} "
                    f"({header[col_of[name]].strip()})",
                    fix=fix,
                )
            )

        row_ok = True
        for name in REQUIRED:
            if not values[name]:
                bad(name, "Ô này trống", f"ghi {COLUMNS[name][0]} cho dòng này")
                row_ok = False
        if not row_ok:
            continue
        day = start_t = None
        try:
            day = _parse_date(values["date"])
        except ValueError as exc:
            bad("date", f"Ngày '{values['date']}' không đọc được", str(exc))
        try:
            start_t = _parse_time(values["start"])
        except ValueError as exc:
            bad("start", f"Giờ bắt đầu '{values['start']}' không đọc được", str(exc))
        station = values["station"]
        if known is not None and station not in known:
            bad(
                "station",
                f"Không có đài '{station}'",
                f"dùng mã đài trong schedules/stations.yaml: {', '.join(sorted(known))}",
            )
            continue
        result = RESULT_WORDS.get(_plain(values.get("result", "")).replace("_", " "))
        if result is None:
            bad(
                "result",
                f"Kết quả '{values['result']}' không hiểu được",
                "ghi 'da phat' (played), 'loi' (failed) hoặc 'bo qua' (skipped)",
            )
            continue
        if day is None or start_t is None:
            continue
        start = dt.datetime.combine(day, start_t, tzinfo=TZ)
        end = None
        if values.get("end"):
            try:
                end_t = _parse_time(values["end"])
            except ValueError as exc:
                bad("end", f"Giờ kết thúc '{values['end']}' không đọc được", str(exc))
                continue
            end = dt.datetime.combine(day, end_t, tzinfo=TZ)
            if end < start:  # played across midnight
                end += dt.timedelta(days=1)
        elif values.get("duration_s"):
            try:
                end = start + dt.timedelta(seconds=_parse_duration(values["duration_s"]))
            except ValueError as exc:
                bad("duration_s", f"Thời lượng '{values['duration_s']}' không đọc được", str(exc))
                continue
        elif result == "imported":
            col = "end" if "end" in col_of else "duration_s" if "duration_s" in col_of else None
            if col is None:
                errors.append(
                    InputError(
                        "Thiếu cột ket_thuc (giờ kết thúc) hoặc thoi_luong (số giây)",
                        where=f"{path}, dòng 1",
                        fix="thêm một trong hai cột để báo cáo tính được số phút phát sóng",
                    )
                )
                raise ValidationErrors(errors)
            bad(
                col,
                "Lượt đã phát nhưng không có giờ kết thúc hay thời lượng",
                "ghi giờ kết thúc (06:02:30) hoặc thời lượng (150)",
            )
            continue
        script = values["script"]
        day_key = (day, station)
        if day_key not in planned_cache:
            planned_cache[day_key] = log.planned(day, day, station)
        match = _closest((p for p in planned_cache[day_key] if p.script_id == script), start)
        source = values.get("source") or (match.source if match else "")
        directive = values.get("directive") or (match.directive if match else "")
        if not source or not directive:
            name = "directive" if "directive" in col_of else "script"
            bad(
                name,
                f"Không biết kịch bản '{script}' thuộc chiến dịch/công văn nào "
                f"(ngày {day:%d/%m/%Y} chưa có lịch cho đài '{station}')",
                "ghi cột chien_dich và cong_van, hoặc chạy 'broadcast build' cho ngày đó",
            )
            continue
        rows.append(
            {
                "station_id": station,
                "day": day,
                "slot": match.slot if match else start.strftime("%H:%M"),
                "script_id": script,
                "source": source,
                "directive": directive,
                "file": values.get("file") or (match.file if match else ""),
                "title": values.get("title") or (match.title if match else ""),
                "start": start,
                "end": end,
                "result": result,
                "note": f"nhập từ {path.name} dòng {line}",
            }
        )
    if errors:
        raise ValidationErrors(errors)
    return rows
