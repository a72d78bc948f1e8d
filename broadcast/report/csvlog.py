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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import BroadcastError, InputError, ValidationErrors
from ..project.converters import to_time
from ..vocabulary import TIMEZONE
from .asrun import AsRunLog, Planned

TZ = ZoneInfo(TIMEZONE)


@dataclass(frozen=True)
class Column:
    """One column of the CSV: the header names it goes by, and how its cells are read."""

    aliases: tuple[str, ...]  # compared without accents, case, spaces; the first is shown
    required: bool = False
    parse: Callable[[str], Any] | None = None  # raises ValueError with the fix
    label: str = ""  # "Ngày" in "Ngày '32/11' không đọc được"


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


#: canonical name -> the column (the order of the module docstring's table)
TABLE: dict[str, Column] = {
    "date": Column(("ngay", "date"), required=True, parse=_parse_date, label="Ngày"),
    "station": Column(("dai", "station", "station_id"), required=True),
    "start": Column(
        ("bat_dau", "gio_bat_dau", "start"), required=True, parse=_parse_time, label="Giờ bắt đầu"
    ),
    "end": Column(("ket_thuc", "gio_ket_thuc", "end"), parse=_parse_time, label="Giờ kết thúc"),
    "duration_s": Column(
        ("thoi_luong", "duration_s", "duration"), parse=_parse_duration, label="Thời lượng"
    ),
    "script": Column(("kich_ban", "script", "script_id"), required=True),
    "result": Column(("ket_qua", "result")),
    "source": Column(("chien_dich", "source", "campaign")),
    "directive": Column(("cong_van", "directive")),
    "file": Column(("tep", "file")),
    "title": Column(("tieu_de", "title")),
}
#: canonical name -> accepted header names
COLUMNS: dict[str, tuple[str, ...]] = {name: c.aliases for name, c in TABLE.items()}
REQUIRED = tuple(name for name, c in TABLE.items() if c.required)
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


#: a playout program's CSV of more than this is refused before it is read: a year of a
#: commune's five stations is about 2 MB; a bigger file is split by month
MAX_CSV_BYTES = 5_000_000


def _read(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise InputError(
                f"Tệp CSV nặng {f'{size / 1e6:.1f}'.replace('.', ',')} MB, quá giới hạn "
                f"{MAX_CSV_BYTES / 1e6:.0f} MB cho một lần nhập: không đọc",
                where=str(path),
                fix="xuất từ phần mềm phát sóng từng tháng một (mỗi tệp dưới "
                f"{MAX_CSV_BYTES / 1e6:.0f} MB) rồi nhập lần lượt từng tệp",
            )
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


def _closest(planned: Iterable[Planned], start: dt.datetime) -> Planned | None:
    best = None
    for p in planned:
        if best is None or abs(p.start - start) < abs(best.start - start):
            best = p
    return best


class _Rows:
    """The checks of one file: the column of each header cell, the errors found so far."""

    def __init__(self, path: Path, header: list[str], names: dict[int, str], log: AsRunLog):
        self.path = path
        self.header = header
        self.names = names
        self.col_of = {name: i for i, name in names.items()}
        self.log = log
        self.errors: list[BroadcastError] = []
        self._planned: dict[tuple[dt.date, str], list[Planned]] = {}

    def bad(self, line: int, name: str, what: str, fix: str) -> None:
        col = self.col_of[name]
        self.errors.append(
            InputError(
                what,
                where=f"{self.path}, dòng {line}, cột {col + 1} ({self.header[col].strip()})",
                fix=fix,
            )
        )

    def cell(self, line: int, values: dict[str, str], name: str) -> Any:
        """The parsed cell (None when it does not read: the error is recorded)."""
        column = TABLE[name]
        if column.parse is None:
            return values[name]
        try:
            return column.parse(values[name])
        except ValueError as exc:
            self.bad(line, name, f"{column.label} '{values[name]}' không đọc được", str(exc))
            return None

    def planned(self, day: dt.date, station: str) -> list[Planned]:
        if (day, station) not in self._planned:
            self._planned[(day, station)] = self.log.planned(day, day, station)
        return self._planned[(day, station)]


def _header(path: Path, header: list[str]) -> dict[int, str]:
    """Column index -> canonical name; raises with every unknown or missing column."""
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
    return names


def _end(
    rows: _Rows, line: int, values: dict[str, str], start: dt.datetime, result: str
) -> tuple[bool, dt.datetime | None]:
    """(row usable, end time) from ket_thuc or thoi_luong; a played row needs one."""
    if values.get("end"):
        end_t = rows.cell(line, values, "end")
        if end_t is None:
            return False, None
        end = dt.datetime.combine(start.date(), end_t, tzinfo=TZ)
        if end < start:  # played across midnight
            end += dt.timedelta(days=1)
        return True, end
    if values.get("duration_s"):
        seconds = rows.cell(line, values, "duration_s")
        if seconds is None:
            return False, None
        return True, start + dt.timedelta(seconds=seconds)
    if result != "imported":
        return True, None
    col_of = rows.col_of
    col = "end" if "end" in col_of else "duration_s" if "duration_s" in col_of else None
    if col is None:
        rows.errors.append(
            InputError(
                "Thiếu cột ket_thuc (giờ kết thúc) hoặc thoi_luong (số giây)",
                where=f"{rows.path}, dòng 1",
                fix="thêm một trong hai cột để báo cáo tính được số phút phát sóng",
            )
        )
        raise ValidationErrors(rows.errors)
    rows.bad(
        line,
        col,
        "Lượt đã phát nhưng không có giờ kết thúc hay thời lượng",
        "ghi giờ kết thúc (06:02:30) hoặc thời lượng (150)",
    )
    return False, None


def _row(rows: _Rows, line: int, cells: list[str], known: set[str] | None) -> dict[str, Any] | None:
    """One as-run row from one CSV line, or None (its errors recorded in ``rows``)."""
    values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in rows.names.items()}
    empty = [name for name in REQUIRED if not values[name]]
    for name in empty:
        rows.bad(line, name, "Ô này trống", f"ghi {COLUMNS[name][0]} cho dòng này")
    if empty:
        return None
    day = rows.cell(line, values, "date")
    start_t = rows.cell(line, values, "start")
    station = values["station"]
    if known is not None and station not in known:
        rows.bad(
            line,
            "station",
            f"Không có đài '{station}'",
            f"dùng mã đài trong schedules/stations.yaml: {', '.join(sorted(known))}",
        )
        return None
    result = RESULT_WORDS.get(_plain(values.get("result", "")).replace("_", " "))
    if result is None:
        rows.bad(
            line,
            "result",
            f"Kết quả '{values['result']}' không hiểu được",
            "ghi 'da phat' (played), 'loi' (failed) hoặc 'bo qua' (skipped)",
        )
        return None
    if day is None or start_t is None:
        return None
    start = dt.datetime.combine(day, start_t, tzinfo=TZ)
    ok, end = _end(rows, line, values, start, result)
    if not ok:
        return None
    script = values["script"]
    match = _closest((p for p in rows.planned(day, station) if p.script_id == script), start)
    source = values.get("source") or (match.source if match else "")
    directive = values.get("directive") or (match.directive if match else "")
    if not source or not directive:
        rows.bad(
            line,
            "directive" if "directive" in rows.col_of else "script",
            f"Không biết kịch bản '{script}' thuộc chiến dịch/công văn nào "
            f"(ngày {day:%d/%m/%Y} chưa có lịch cho đài '{station}')",
            "ghi cột chien_dich và cong_van, hoặc chạy 'broadcast build' cho ngày đó",
        )
        return None
    return {
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
        "note": f"nhập từ {rows.path.name} dòng {line}",
    }


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
    try:
        header = next(reader)
        rows = _Rows(path, header, _header(path, header), log)
        known = set(stations) if stations is not None else None
        out: list[dict[str, Any]] = []
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            row = _row(rows, line, cells, known)
            if row is not None:
                out.append(row)
    except csv.Error as exc:  # a cell over 128 kB, a quote never closed
        raise InputError(
            f"Tệp CSV hỏng, không đọc tiếp được ({exc})",
            where=f"{path}, dòng {reader.line_num}",
            fix="mở tệp bằng Excel hoặc LibreOffice, kiểm tra dòng đó (ô quá dài, dấu "
            "ngoặc kép \" thiếu), lưu lại dạng 'CSV UTF-8' rồi nhập lại",
        ) from None
    if rows.errors:
        raise ValidationErrors(rows.errors)
    return out
