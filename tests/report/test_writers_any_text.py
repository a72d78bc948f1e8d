"""Every writer takes any string (issue 23): a title with U+000B from Word or a NUL from a
bad copy never makes the DOCX, the CSV, a console page or an MP3's tags fail."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcast.files.controls import XML_ILLEGAL, tag_safe, xml_safe
from broadcast.report.asrun import AsRunLog
from broadcast.report.docx import write_docx
from broadcast.report.report import build_report
from broadcast.report.spreadsheet import write_rows

from .conftest import planned_item

HOSTILE = "Cảnh\vgiác\x00 lừa\x0cđảo\x1b\ufffe =cmd"


def test_a_docx_report_with_control_characters_in_titles_and_names_is_written(
    tmp_path: Path,
) -> None:
    log = AsRunLog(tmp_path / "asrun.sqlite")
    day = dt.date(2026, 12, 1)
    item = planned_item(day, "05:30", "thu", "chien-dich", HOSTILE, 60.0)
    item["title"] = HOSTILE
    log.record_planned(day, "fm-thu", [item])
    rep = build_report(log, day, day, "Xã\vKha Sơn\x00", {"fm-thu": "Đài\x0bthử"})
    target = tmp_path / "bao-cao.docx"
    write_docx(rep, target)
    doc = Document(str(target))
    text = "\n".join(p.text for p in doc.paragraphs) + "".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert "Kha Sơn" in text
    assert not XML_ILLEGAL.search(text)


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_xml_safe_leaves_only_what_xml_carries_and_keeps_the_rest(text: str) -> None:
    out = xml_safe(text)
    assert not XML_ILLEGAL.search(out)
    assert xml_safe(out) == out
    if not XML_ILLEGAL.search(text):
        assert out == text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=4))
def test_csv_rows_of_any_text_read_back_one_row_without_controls(cells: list[str]) -> None:
    text = write_rows([cells])
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 and len(rows[0]) == len(cells)
    assert "\x00" not in text


@pytest.mark.parametrize("value", [HOSTILE, "a\nb", "\x00", ""])
def test_tags_are_one_line_without_controls(value: str) -> None:
    out = tag_safe(value)
    assert "\n" not in out and "\x00" not in out and "\v" not in out
