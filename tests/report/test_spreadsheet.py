"""CSV cells are never live formulas; the console's CSV opens right in Excel in Vietnam
(issues 19, 23)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from broadcast.report.spreadsheet import EXCEL, PLAIN, Fixed, cell, write_rows

ATTACKS = ["=HYPERLINK(\"http://x\")", "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)",
           "\t=1", "\r=1"]  # fmt: skip


def test_cells_that_start_a_formula_are_written_as_text() -> None:
    for text in ATTACKS:
        assert cell(text) == "'" + text
    assert cell("Cảnh giác = an toàn") == "Cảnh giác = an toàn"
    assert cell(-5) == "-5" and cell(Fixed(-1.25, 1), EXCEL) == "-1,2"


@given(st.text())
def test_no_cell_read_back_begins_a_formula(text: str) -> None:
    for dialect in (PLAIN, EXCEL):
        out = write_rows([["x", text]], dialect).lstrip("\ufeff")
        [row] = list(csv.reader(io.StringIO(out, newline=""), delimiter=dialect.delimiter)) or [
            ["x", ""]
        ]
        assert not row[-1].startswith(("=", "+", "-", "@", "\t", "\r"))


def test_excel_dialect_has_a_bom_semicolons_and_decimal_commas() -> None:
    text = write_rows([["so_phut", "ti_le"], [Fixed(1363.24, 1), Fixed(0.5, 3)]], EXCEL)
    assert text.startswith("\ufeff")
    assert text.splitlines()[1] == "1363,2;0,500"
    plain = write_rows([[Fixed(1363.24, 1), Fixed(0.5, 3)]])
    assert plain == "1363.2,0.500\n"
