"""The directive report as a Word file an officer can sign and send upward.

Follows the layout of a Vietnamese administrative report (Nghị định 30/2020/NĐ-CP): the
heading block (issuing body and number on the left, national motto on the right, place and
date below it), the title BÁO CÁO, numbered sections, the results table and the signature
block with "Nơi nhận". Blanks an officer must fill (number, signer) are left as dots.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from ..files import atomic
from ..files.controls import xml_safe
from ..vocabulary import today as vocabulary_today
from . import approvals as appx
from .report import (
    COMPLIANCE_HEADER,
    COMPLIANCE_TITLE,
    UNBUILT_TITLE,
    Report,
    compliance_rows,
    missed_lines,
    notes_of,
    percent,
    period_of,
    tables,
    unbuilt_lines,
)

FONT = "Times New Roman"


def _place(commune: str) -> str:
    for prefix in ("Xã ", "xã ", "Phường ", "phường ", "Thị trấn ", "thị trấn "):
        if commune.startswith(prefix):
            return commune[len(prefix) :]
    return commune or "…"


def in_sentence(commune: str) -> str:
    """ "Xã Kha Sơn" -> "xã Kha Sơn" inside a sentence: only the kind of place is lowered,
    the name keeps its capitals ("xã kha sơn" is how it must not be written)."""
    for prefix in ("Xã ", "Phường ", "Thị trấn "):
        if commune.startswith(prefix):
            return prefix.lower() + commune[len(prefix) :]
    return commune


def _para(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,  # type: ignore[no-untyped-def]
    size: float = 13,
    align: str = "left",
    space_after: float = 3,
):
    p = container.add_paragraph()
    p.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    if text:
        run = p.add_run(xml_safe(text))
        run.bold, run.italic = bold, italic
        run.font.size = Pt(size)
        run.font.name = FONT
    return p


def _cell_text(cell, lines: list[tuple[str, bool, bool]], size: float = 13) -> None:  # type: ignore[no-untyped-def]
    cell.paragraphs[0].text = ""
    first = True
    for text, bold, italic in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(xml_safe(text))
        run.bold, run.italic = bold, italic
        run.font.size = Pt(size)
        run.font.name = FONT


def build_docx(report: Report, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    """A python-docx Document of the report."""
    today = today or vocabulary_today()
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)

    commune = report.commune or "Xã …"
    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    _cell_text(
        left,
        [
            ("UBND " + commune.upper(), True, False),
            ("───────", False, False),
            ("Số: …/BC-UBND", False, False),
        ],
    )
    _cell_text(
        right,
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False),
            ("Độc lập - Tự do - Hạnh phúc", True, False),
            ("───────────────", False, False),
            (
                f"{_place(commune)}, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
                False,
                True,
            ),
        ],
    )
    _para(doc)
    _para(doc, "BÁO CÁO", bold=True, size=14, align="center", space_after=0)
    _para(
        doc,
        "Kết quả phát thanh tuyên truyền phòng, chống lừa đảo chiếm đoạt tài sản",
        bold=True,
        align="center",
        space_after=0,
    )
    _para(doc, period_of(report), bold=True, align="center", space_after=12)

    t = report.total
    minutes = f"{t.minutes:.1f}".replace(".", ",")
    _para(doc, "I. TÌNH HÌNH TRIỂN KHAI", bold=True)
    _para(
        doc,
        (
            f"{period_of(report)}, hệ thống truyền thanh {in_sentence(commune)} đã phát {t.aired} "
            f"lượt bản tin tuyên truyền phòng, chống lừa đảo trên tổng số {t.planned} lượt theo "
            f"kế hoạch (đạt {percent(t.completion)}), tổng thời lượng {minutes} phút"
            f", trong đó {percent(t.morning_share)} số lượt phát vào khung giờ buổi sáng; "
            f"sử dụng {len(t.scripts)} bài tuyên truyền."
        ),
        align="justify",
    )
    _para(doc, "II. KẾT QUẢ THỰC HIỆN", bold=True)
    for n, (name, header, rows) in enumerate(tables(report)[:2], start=1):
        _para(doc, f"{n}. {name}", bold=True, italic=True)
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            _cell_text(cell, [(text, True, False)], size=10)
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                _cell_text(cell, [(text, row[0] == "Tổng cộng", False)], size=10)
        _para(doc)
    if report.compliance is not None:
        _para(doc, f"3. {COMPLIANCE_TITLE}", bold=True, italic=True)
        table = doc.add_table(rows=1, cols=len(COMPLIANCE_HEADER))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, COMPLIANCE_HEADER, strict=True):
            _cell_text(cell, [(text, True, False)], size=10)
        for row in compliance_rows(report):
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                _cell_text(cell, [(text, row[0] == "Tổng cộng", False)], size=10)
        _para(doc)
        _para(doc, f"4. {UNBUILT_TITLE}", bold=True, italic=True)
        for m in unbuilt_lines(report) or ["Không có."]:
            _para(doc, f"- {m}.", align="justify")
        _para(doc)
    _para(doc, "III. TỒN TẠI, HẠN CHẾ", bold=True)
    missed = missed_lines(report)
    if missed:
        _para(doc, "Các ngày có lịch phát nhưng không phát:", align="justify")
        for m in missed:
            _para(doc, f"- {m}.", align="justify")
    else:
        _para(doc, "Không có ngày nào có lịch phát mà không phát.", align="justify")
    for c in report.compliance or []:
        if c.missed:
            _para(
                doc,
                f"- {report.station_label(c.station)} — {c.source}: bỏ sót {c.missed}/"
                f"{c.required} bản tin theo kế hoạch ({c.reason_text}).",
                align="justify",
            )
    _para(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ", bold=True)
    _para(doc, "…", align="justify")
    _para(doc, "Ghi chú: " + " ".join(notes_of(report)), italic=True, size=11, align="justify")
    _para(
        doc,
        f"Trên đây là báo cáo kết quả phát thanh tuyên truyền phòng, chống lừa đảo "
        f"của UBND {in_sentence(commune)}./.",
        align="justify",
        space_after=12,
    )

    sign = doc.add_table(rows=1, cols=2)
    left, right = sign.rows[0].cells
    _cell_text(
        left,
        [
            ("Nơi nhận:", True, True),
            ("- UBND huyện (qua Công an huyện);", False, False),
            ("- Lưu: VT.", False, False),
        ],
        size=11,
    )
    for p in left.paragraphs:
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _cell_text(
        right,
        [
            ("TM. ỦY BAN NHÂN DÂN", True, False),
            ("CHỦ TỊCH", True, False),
            ("(Ký, ghi rõ họ tên, đóng dấu)", False, True),
            ("", False, False),
            ("", False, False),
            ("…", True, False),
        ],
    )
    if report.approvals is not None:  # an appendix after the signature
        add_approvals(doc, report.approvals)
    return doc


def add_approvals(doc, rows: list[appx.ApprovalRow]) -> None:  # type: ignore[no-untyped-def]
    """The appendix: who approved which script version, and whether it is what aired."""
    doc.add_page_break()
    _para(doc, "PHỤ LỤC", bold=True, size=14, align="center", space_after=0)
    _para(doc, appx.TITLE, bold=True, align="center", space_after=6)
    if not rows:
        _para(doc, "Không có kịch bản nào được duyệt hay phát trong kỳ.", align="justify")
        return
    table = doc.add_table(rows=1, cols=len(appx.HEADER))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, appx.HEADER, strict=True):
        _cell_text(cell, [(text, True, False)], size=10)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row.cells(), strict=True):
            _cell_text(cell, [(text, False, False)], size=10)


def write_docx(report: Report, target: Path, today: dt.date | None = None) -> None:
    """Save the report atomically (Word never sees half a file)."""
    doc = build_docx(report, today)
    atomic.write_with(Path(target), lambda tmp: doc.save(str(tmp)))
