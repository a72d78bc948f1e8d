"""Letters glued to digits, read by the token's shape: plates, Q3, T2, x2, 2tr5, 19g.

Warnings write "29A-123.45", "Q3/2025", "T2–T6", "x2", "2tr5" and "19g" the way a
phone keyboard makes easy; an engine reads them as "hai mươi chínA" or "haitrnăm".
Each rule here recognises one shape, and hands on either words or a plain form the
later number rules read ("Q3/2025" -> "quý 3/2025"). They run after the codes and
before dates, times and units, so "19g" is never grams when the sentence says time.

Readings (decided once, kept everywhere):

* A licence plate is the province number as a number, the series letters by their
  letter names with the series digit, a pause, then the serial digit by digit:
  "29A-123.45" -> "hai mươi chín a, một hai ba bốn năm"; "51G1-234.56" -> "năm mươi
  mốt giê một, hai ba bốn năm sáu". That is how a witness reads a plate out.
* "2tr5" is 2,5 million said in full, "hai triệu năm trăm nghìn" ("rưỡi" would not
  extend to 2tr25); "1.5tr" keeps the writer's decimal, "một phẩy năm triệu".
* "Q3" is quận ba; before a year ("Q3/2025", "Q3 2025") it is quý ba.
* "T2"-"T7" are weekdays (thứ hai ... thứ bảy), "CN" next to them chủ nhật; "T5/2025"
  is a month.
"""

from __future__ import annotations

import re

from .numbers import digit_by_digit, quantity
from .spelling import spell

# 29A-123.45, 51G1-234.56, 30E 123.45, 29A-1234, 29-B1 123.45: province, series, serial.
_PLATE = re.compile(
    r"(?<![\w.,/-])(\d{2})[ \t-]?([A-Z]{1,2})(\d?)[ \t]?[.-]?[ \t]?(\d{3}\.\d{2}|\d{5}|\d{4})"
    r"(?![\w]|[.,]\d)"
)
_ANY_PLATE = re.compile(r"\d[ \t-]?[A-Z]")
# Without any separator the digits could be anything ("12AB1234" is a code): a plate
# needs its dash, dot or space somewhere.
_PLATE_SEPARATOR = re.compile(r"[ .-]")


def read_plates(text: str, dialect: str = "north", marks: bool = False) -> str:
    """29A-123.45 -> "hai mươi chín a, một hai ba bốn năm"."""
    if not _ANY_PLATE.search(text):
        return text

    def repl(m: re.Match[str]) -> str:
        if not _PLATE_SEPARATOR.search(m.group(0)):
            return m.group(0)
        province, series, digit, serial = m.groups()
        head = f"{quantity(int(province), dialect)} {spell(series, marks)}"
        if digit:
            head += " " + digit_by_digit(digit)
        return f"{head}, {digit_by_digit(serial, group=False)}"

    return _PLATE.sub(repl, text)


# 19g, 7g: "g" is giờ (not gam) when a time word stands before or after it.
_HOUR_G_RANGE = re.compile(
    r"(?<![\w.,:])(\d{1,2})[ \t]?g[ \t]*(?:[-–—]|đến|tới)[ \t]*(\d{1,2})[ \t]?g(?!\w)"
)
_ANY_HOUR_G = re.compile(r"\dg|\d g")
_HOUR_G = re.compile(r"(?<![\w.,:])(\d{1,2})[ \t]?g(?!\w)")
_TIME_BEFORE = re.compile(
    r"(?i)(?<!\w)(?:lúc|từ|đến|tới|vào|khoảng|trước|sau|hạn|tầm|từ[ \t]+lúc|vào[ \t]+lúc)[ \t]*\Z"
)
_TIME_AFTER = re.compile(
    r"(?i)[ \t]*(?:sáng|trưa|chiều|tối|đêm|ngày|hôm|hằng[ \t]+ngày|mỗi[ \t]+ngày|cùng[ \t]+ngày)(?!\w)"
)


def read_hour_g(text: str) -> str:
    """ "lúc 19g" -> "lúc 19h" (read as giờ by the time rule); "19g-21g" likewise."""
    if not _ANY_HOUR_G.search(text):
        return text
    text = _HOUR_G_RANGE.sub(
        lambda m: (
            f"{m.group(1)}h đến {m.group(2)}h"
            if int(m.group(1)) <= 24 and int(m.group(2)) <= 24
            else m.group(0)
        ),
        text,
    )

    def repl(m: re.Match[str]) -> str:
        if int(m.group(1)) > 24:
            return m.group(0)
        start = m.start()
        if _TIME_BEFORE.search(text, max(0, start - 12), start) or _TIME_AFTER.match(text, m.end()):
            return f"{m.group(1)}h"
        return m.group(0)

    return _HOUR_G.sub(repl, text)


_ANY_Q = re.compile(r"Q\d")
_QUARTER = re.compile(r"(?<![\w.,/-])Q([1-4])(?:/|[ \t]+(?:năm[ \t]+)?)(\d{4})(?![\w/]|[.,]\d)")
_DISTRICT = re.compile(r"(?<![\w.,/-])Q(\d{1,2})(?![\w/]|[.,]\d)")


def read_quarters_and_districts(text: str) -> str:
    """Q3/2025 -> "quý 3/2025", Q3 2025 -> "quý 3 năm 2025", Q3 -> "quận 3"."""
    if not _ANY_Q.search(text):  # most notices have none: skip the longer patterns
        return text
    text = _QUARTER.sub(lambda m: f"quý {m.group(1)} năm {m.group(2)}", text)
    return _DISTRICT.sub(
        lambda m: f"quận {int(m.group(1))}" if 1 <= int(m.group(1)) <= 12 else m.group(0), text
    )


_ANY_T = re.compile(r"T\d")
_WEEKDAY = r"T[2-7]|CN"
_WEEKDAY_RANGE = re.compile(
    r"(?<![\w.,/-])("
    + _WEEKDAY
    + r")(?:[ \t]*[-–—][ \t]*|[ \t]+(?:đến|tới)[ \t]+)("
    + _WEEKDAY
    + r")(?![\w/]|[.,]\d)"
)
_MONTH_T = re.compile(r"(?<![\w.,/-])T(1[0-2]|0?[1-9])/(\d{4})(?![\w/]|[.,]\d)")
_WEEKDAY_ONE = re.compile(r"(?<![\w.,/-])T([2-7])(?![\w/]|[.,]\d)")
_SUNDAY_IN_LIST = re.compile(r"(thứ (?:hai|ba|tư|năm|sáu|bảy)[ \t]*(?:,|và|hoặc)[ \t]*)CN(?!\w)")


def _weekday(token: str) -> str:
    return (
        "chủ nhật"
        if token == "CN"
        else "thứ " + ("tư" if token == "T4" else quantity(int(token[1])))
    )


def read_weekdays(text: str) -> str:
    """T2–T6 -> "thứ hai đến thứ sáu", T7, CN -> "thứ bảy, chủ nhật", T5/2025 -> tháng 5/2025."""
    if not _ANY_T.search(text):
        return text
    text = _MONTH_T.sub(lambda m: f"tháng {int(m.group(1))}/{m.group(2)}", text)
    text = _WEEKDAY_RANGE.sub(lambda m: f"{_weekday(m.group(1))} đến {_weekday(m.group(2))}", text)
    text = _WEEKDAY_ONE.sub(lambda m: _weekday(m.group(0)), text)
    return _SUNDAY_IN_LIST.sub(lambda m: m.group(1) + "chủ nhật", text)


_TIMES = re.compile(r"(?<![\w.,])x[ \t]?(\d{1,3})(?![\w]|[.,]\d)")


def read_multipliers(text: str) -> str:
    """x2 -> "nhân 2": "lợi nhuận x2" is doubled, not the letter ích."""
    if "x" not in text:
        return text
    return _TIMES.sub(lambda m: f"nhân {m.group(1)}", text)


_SCALES = {"k": 10**3, "K": 10**3, "tr": 10**6, "Tr": 10**6, "tỷ": 10**9, "tỉ": 10**9, "ty": 10**9}
_GLUED_AMOUNT = re.compile(
    r"(?<![\w.,])(\d{1,3})[ \t]?(tr|Tr|tỷ|tỉ|ty|k|K)(\d{1,3})(?![\w]|[.,]\d)"
)
_ANY_GLUED = re.compile(r"\d(?:[ \t]?(?:tr|Tr|tỷ|tỉ|ty|k|K)\d|\.\d)")
_DOT_DECIMAL = re.compile(
    r"(?<![\w.,])(\d{1,3})\.(\d{1,2})[ \t]?(tr|Tr|triệu|tỷ|tỉ|k|K|nghìn|ngàn)(?!\w)"
)


def read_glued_amounts(text: str, dialect: str = "north") -> str:
    """2tr5 -> "hai triệu năm trăm nghìn", 1tỷ2 -> "một tỷ hai trăm triệu"; 1.5tr -> 1,5tr.

    The digits after the unit are its next places, as spoken: 2tr5 is 2 500 000 and
    2tr25 is 2 250 000. A dot with one or two digits before a money unit is a decimal
    point (1.5tr), left for the money rule as 1,5tr.
    """

    if not _ANY_GLUED.search(text):
        return text

    def repl(m: re.Match[str]) -> str:
        head, unit, tail = m.groups()
        scale = _SCALES[unit]
        value = int(head) * scale + int(tail) * scale // 10 ** len(tail)
        return quantity(value, dialect)

    text = _GLUED_AMOUNT.sub(repl, text)
    return _DOT_DECIMAL.sub(r"\1,\2\3", text)
