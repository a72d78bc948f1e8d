"""CSV cells that no spreadsheet runs as a formula, and the dialect Excel in Vietnam opens.

Why: a title that begins with ``=``, ``+``, ``-`` or ``@`` (``=HYPERLINK(...)``,
``=cmd|' /C calc'!A0``) is a live formula once the report is opened in Excel or LibreOffice.
As OWASP advises ("CSV Injection"), a text cell that begins with one of those, or with a
tab or a carriage return, is written with a leading apostrophe, which the spreadsheet shows
as text. Numbers stay numbers.

Excel on a Vietnamese Windows reads a CSV by the system's list separator (``;``) and decimal
symbol (``,``), and as the ANSI code page unless the file starts with a UTF-8 BOM: the
console's downloads use :data:`EXCEL` (BOM, ``;``, decimal commas). ``broadcast report -f
csv`` keeps the plain dialect it always had (``,`` and ``.``), read by scripts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..files.controls import unix_newlines, xml_safe

#: characters that make a spreadsheet read a cell as a formula (OWASP)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Dialect:
    bom: bool
    delimiter: str
    decimal: str


PLAIN = Dialect(bom=False, delimiter=",", decimal=".")
EXCEL = Dialect(bom=True, delimiter=";", decimal=",")


@dataclass(frozen=True)
class Fixed:
    """A number written with ``digits`` decimals (``Fixed(1363.24, 1)`` → 1363.2 / 1363,2)."""

    value: float
    digits: int


def cell(value: object, dialect: Dialect = PLAIN) -> str:
    """One cell as text: numbers with the dialect's decimal mark, text never a formula."""
    if isinstance(value, Fixed):
        return f"{value.value:.{value.digits}f}".replace(".", dialect.decimal)
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value).replace(".", dialect.decimal)
    text = xml_safe(str(value))  # no NUL or other control a spreadsheet trips on
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def _one_break(text: str) -> str:
    return unix_newlines(text)


def write_rows(rows: Iterable[Sequence[object]], dialect: Dialect = PLAIN) -> str:
    """The rows as CSV text in ``dialect`` (an empty row is a blank line)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=dialect.delimiter, lineterminator="\n")
    for row in rows:
        # a lone carriage return is a line break to a reader, but the writer (its line end
        # is "\n") does not quote it: write every line break inside a cell as "\n"
        w.writerow([_one_break(cell(v, dialect)) for v in row])
    return ("\ufeff" if dialect.bom else "") + buf.getvalue()
