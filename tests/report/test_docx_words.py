"""The DOCX report is dated in Vietnam and writes the commune's name with its capitals
(issue 19: it said 02/12 on the morning of 03/12, and "xã kha sơn")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from docx import Document

from broadcast.report.asrun import AsRunLog
from broadcast.report.docx import in_sentence, write_docx
from broadcast.report.report import build_report


def test_dated_in_vietnam_not_utc_and_the_name_keeps_its_case(tmp_path: Path) -> None:
    log = AsRunLog(tmp_path / "asrun.sqlite")
    rep = build_report(log, dt.date(2026, 12, 1), dt.date(2026, 12, 2), "Xã Kha Sơn", {})
    target = tmp_path / "bao-cao.docx"
    # 06:30 on 03/12 in Vietnam is still 02/12 on a UTC clock
    morning = dt.datetime(2026, 12, 3, 6, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with time_machine.travel(morning, tick=False):
        assert dt.datetime.now(dt.UTC).day == 2
        write_docx(rep, target)
    doc = Document(str(target))
    head = doc.tables[0].rows[0].cells
    assert "Kha Sơn, ngày 03 tháng 12 năm 2026" in head[1].text
    assert "UBND XÃ KHA SƠN" in head[0].text
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "xã Kha Sơn" in body and "xã kha sơn" not in body


def test_in_sentence_lowers_only_the_kind_of_place() -> None:
    assert in_sentence("Xã Kha Sơn") == "xã Kha Sơn"
    assert in_sentence("Thị trấn Đu") == "thị trấn Đu"
    assert in_sentence("Phường Quang Trung") == "phường Quang Trung"
    assert in_sentence("Kha Sơn") == "Kha Sơn"
