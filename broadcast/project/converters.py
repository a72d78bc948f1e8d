"""Small pure converters from what officers type to real types.

Dates may be written 2026-11-25 or 25/11/2026, times 05:30, 5:30, 5h30 or 17h. Each
converter raises ValueError with a Vietnamese message that says the accepted forms; the
validation layer adds the file and line.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_DATE_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_DATE_VN = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})\s*(?:[:hHgG]\s*(\d{2})?)\s*(?:p|ph|phút)?\s*$")
_DURATION = re.compile(
    r"^\s*(?:(\d+)\s*(?:h|giờ|gio|tiếng|tieng)\s*)?"
    r"(?:(\d+)\s*(?:m|min|ph|phút|phut|p)\s*)?"
    r"(?:(\d+)\s*(?:s|giây|giay)\s*)?$",
    re.I,
)
# "1h30", "1 giờ 30": minutes after the hours need no unit, as in a clock time.
_HOURS_MINUTES = re.compile(r"^\s*(\d+)\s*(?:h|giờ|gio|tiếng|tieng)\s*(\d{1,2})\s*$", re.I)


def to_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    m = _DATE_ISO.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _DATE_VN.match(text)
        if not m:
            raise ValueError(f"ngày '{text}' không đúng dạng; viết 2026-11-25 hoặc 25/11/2026")
        d, mo, y = (int(g) for g in m.groups())
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise ValueError(f"ngày '{text}' không có thật (kiểm tra ngày và tháng)") from None


_TIME_SECONDS = re.compile(r"^\s*(\d{1,2}):(\d{2}):(\d{2})\s*$")


def to_time(value: object, seconds: bool = False) -> dt.time:
    """05:30, 5:30, 5h30, 5g30, 17h (and 06:00:15 when ``seconds``: logs of what aired)."""
    if isinstance(value, dt.time):
        return value
    if seconds:
        ms = _TIME_SECONDS.match(str(value))
        if ms:
            h, mi, s = (int(g) for g in ms.groups())
            if h > 23 or mi > 59 or s > 59:
                raise ValueError(f"giờ '{value}' không có thật (giờ 0–23, phút và giây 0–59)")
            return dt.time(h, mi, s)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 23:
        return dt.time(value, 0)
    text = str(value)
    m = _TIME.match(text)
    if not m:
        raise ValueError(f"giờ '{text}' không đúng dạng; viết 05:30, 5h30 hoặc 17h")
    h, mi = int(m.group(1)), int(m.group(2) or 0)
    if h > 23 or mi > 59:
        raise ValueError(f"giờ '{text}' không có thật (giờ 0–23, phút 0–59)")
    return dt.time(h, mi)


def to_window(value: object) -> tuple[dt.time, dt.time]:
    """'05:30-06:30' -> (05:30, 06:30)."""
    text = str(value)
    parts = re.split(r"\s*(?:-|–|—|đến)\s*", text.strip())
    if len(parts) != 2:
        raise ValueError(f"khung giờ '{text}' không đúng dạng; viết 05:30-06:30")
    start, end = to_time(parts[0]), to_time(parts[1])
    if end <= start:
        raise ValueError(f"khung giờ '{text}': giờ kết thúc phải sau giờ bắt đầu")
    return start, end


def to_seconds(value: object) -> float:
    """A duration: a number of seconds, or '15m', '15 phút', '1h', '90s'."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    hm = _HOURS_MINUTES.match(text)
    if hm:
        return float(int(hm.group(1)) * 3600 + int(hm.group(2)) * 60)
    m = _DURATION.match(text)
    if not text or not m or not any(m.groups()):
        raise ValueError(
            f"thời lượng '{text}' không đúng dạng; viết 900 (giây), 15m, 15 phút hoặc 1h30"
        )
    h, mi, s = (int(g or 0) for g in m.groups())
    return float(h * 3600 + mi * 60 + s)


WEEKDAYS = {
    "mon": 0,
    "t2": 0,
    "thu2": 0,
    "thứ 2": 0,
    "thứ hai": 0,
    "tue": 1,
    "t3": 1,
    "thu3": 1,
    "thứ 3": 1,
    "thứ ba": 1,
    "wed": 2,
    "t4": 2,
    "thu4": 2,
    "thứ 4": 2,
    "thứ tư": 2,
    "thu": 3,
    "t5": 3,
    "thu5": 3,
    "thứ 5": 3,
    "thứ năm": 3,
    "fri": 4,
    "t6": 4,
    "thu6": 4,
    "thứ 6": 4,
    "thứ sáu": 4,
    "sat": 5,
    "t7": 5,
    "thu7": 5,
    "thứ 7": 5,
    "thứ bảy": 5,
    "sun": 6,
    "cn": 6,
    "chủ nhật": 6,
}


def to_weekday(value: object) -> int:
    key = str(value).strip().lower()
    if key not in WEEKDAYS:
        raise ValueError(f"thứ '{value}' không hiểu được; viết mon..sun hoặc t2..t7, cn")
    return WEEKDAYS[key]


def plain_words(text: str) -> str:
    """'Khẩn  cấp' -> 'khan cap': lower case, no accents, single spaces (for matching
    words an officer may type with or without Vietnamese accents)."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s_-]+", " ", text)


def to_name_list(value: object) -> object:
    """'all' or 'xom-cau' (one name written without brackets) -> ['all'] / ['xom-cau'];
    lists and anything else pass through for the model to check."""
    if isinstance(value, str) and value.strip():
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


#: the longest whole number a form may mean (18 digits: a 64-bit integer, far above any
#: count of sessions, minutes or times a day)
MAX_NUMBER_DIGITS = 18


def whole_number(text: str) -> int | None:
    """A whole number typed in a form's box, or None when the text is not one written
    with the digits 0-9. ``str.isdigit()`` also takes '²' and '١', which ``int()`` then
    refuses or reads as another number, and 5,000 digits make ``int()`` raise: a form's
    value goes through here before any ``int()``; what is not a number is kept as typed
    for the loader to refuse in its own words."""
    text = text.strip()
    if not text or len(text) > MAX_NUMBER_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


#: the longest title or name, in characters: the longest directive title seen is under
#: 200; a playlist line, an MP3 tag and a page heading are not the place for more
MAX_ONE_LINE = 300


def one_line(value: object) -> object:
    """A title or a name on one line: it goes into the M3U8 playlist, the ID3 tags and
    the lists an operator reads line by line, where a line break starts a new entry;
    and short (at most :data:`MAX_ONE_LINE` characters): what is longer belongs in the
    body."""
    from ..files.controls import line_break_in

    if isinstance(value, str) and len(value.strip()) > MAX_ONE_LINE:
        raise FieldError(
            f"dài {len(value.strip())} ký tự, mà một tiêu đề hay một tên chỉ được dài tối "
            f"đa {MAX_ONE_LINE} ký tự (nó vào danh sách phát, thẻ MP3 và đầu trang)",
            fix=f"rút gọn còn dưới {MAX_ONE_LINE} ký tự; phần giải thích dài đặt vào nội dung đọc",
        )

    if isinstance(value, str) and line_break_in(value.strip()):
        raise FieldError(
            "có chỗ xuống dòng, mà mục này phải viết trên một dòng (nó vào danh sách phát "
            "và thẻ MP3: chỗ xuống dòng sẽ thành một mục phát khác)",
            fix="viết cả mục trên một dòng, thay chỗ xuống dòng (\\n) bằng dấu cách",
        )
    if isinstance(value, str) and line_break_in(value):
        return value.strip()  # 'title: >' ends with a line break: yesterday's files load
    return value


class FieldError(ValueError):
    """A field's value refused by a validator, with the fix apart (the loader shows it
    as 'Cách sửa')."""

    def __init__(self, what: str, fix: str) -> None:
        super().__init__(what)
        self.fix = fix
