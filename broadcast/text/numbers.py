"""Numbers as a Vietnamese announcer says them, in the three dialect wordings.

Quantities go through vn_numberwords, which gets mười/mươi, mốt, lăm, linh/lẻ,
"không trăm" and nghìn/ngàn right (num2words does not). Everything here takes
digits already cut out of the text and returns words; finding the digits in running
text is the job of rules.py.
"""

from __future__ import annotations

import re

from vn_numberwords import Dictionary, SouthDictionary, number_to_words

from ..errors import InputError
from . import tables

DIALECTS = ("north", "central", "south")

# Above this vn_numberwords falls into float notation; such runs are codes anyway.
MAX_QUANTITY = 10**15 - 1

_DICTIONARIES = {"north": Dictionary(), "central": Dictionary(), "south": SouthDictionary()}


def check_dialect(dialect: str) -> str:
    if dialect not in _DICTIONARIES:
        raise InputError(
            f"Không biết phương ngữ '{dialect}'",
            fix="dùng một trong: north (Bắc), central (Trung), south (Nam)",
        )
    return dialect


def quantity(n: int, dialect: str = "north") -> str:
    """An integer as a quantity: 2024 -> "hai nghìn không trăm hai mươi bốn"."""
    if n < 0:
        return "âm " + quantity(-n, dialect)
    if n > MAX_QUANTITY:
        return digit_by_digit(str(n))
    return _fix_lam(number_to_words(n, _DICTIONARIES[check_dialect(dialect)]))


def _fix_lam(words: str) -> str:
    """vn_numberwords 0.2.0 says 65, 75, 85, 95 "... mươi năm"; after mươi it is "lăm"."""
    return re.sub(r"(?<=mươi) năm(?!\w)", " lăm", words)


def quantity_text(digits: str, dialect: str = "north") -> str:
    """A run of digits (thousands dots allowed) as a quantity; "06" -> "sáu"."""
    plain = digits.replace(".", "")
    if len(plain.lstrip("0")) > len(str(MAX_QUANTITY)):
        return digit_by_digit(plain)
    return quantity(int(plain), dialect)


def decimal(integer: str, fraction: str, dialect: str = "north") -> str:
    """2,5 -> "hai phẩy năm"; 0,05 -> "không phẩy không năm"; 3,25 -> "ba phẩy hai mươi lăm".

    Announcers read a short fraction without leading zero as a number and anything
    else digit by digit, which keeps the reading unambiguous.
    """
    head = quantity_text(integer, dialect)
    if fraction.startswith("0") or len(fraction) > 3:
        tail = digit_by_digit(fraction, group=False)
    else:
        tail = quantity(int(fraction), dialect)
    return f"{head} phẩy {tail}"


def digit_by_digit(run: str, group: bool = True) -> str:
    """Digits one by one, groups separated by a short pause (comma).

    ``run`` may carry its own separators (spaces, dots, hyphens): they are the groups
    the writer chose. A bare run is grouped as announcers do: 10 digits 4-3-3,
    11 digits 4-3-4, otherwise threes with no group of one.
    """
    names = tables.digits()
    groups = _split_groups(run) if group else [run]
    return ", ".join(" ".join(names[c] for c in g if c in names) for g in groups if g)


def _split_groups(run: str) -> list[str]:
    parts = [p for p in "".join(c if c.isdigit() else " " for c in run).split() if p]
    if len(parts) > 1:
        return parts
    s = parts[0] if parts else ""
    if len(s) <= 4:
        return [s]
    if len(s) in (10, 11):  # phone numbers: 0912 345 678, 0208 385 5123
        return [s[:4], s[4:7], s[7:]]
    out = [s[i : i + 3] for i in range(0, len(s), 3)]
    if len(out[-1]) == 1:
        out[-2:] = [out[-2] + out[-1]]
    return out


def month(m: int, dialect: str = "north") -> str:
    """Month names: tháng tư (never "tháng bốn") in every dialect."""
    return "tư" if m == 4 else quantity(m, dialect)


def day(d: int, dialect: str = "north", mung: bool = True) -> str:
    """Day of month; days 1-10 take "mùng" as spoken: mùng sáu, mùng mười."""
    words = quantity(d, dialect)
    return f"mùng {words}" if mung and 1 <= d <= 10 else words


def ordinal(n: int, dialect: str = "north") -> str:
    """After "thứ": nhất, hai, ba, tư, năm, ... mười bốn."""
    if n == 1:
        return "nhất"
    if n == 4:
        return "tư"
    return quantity(n, dialect)
