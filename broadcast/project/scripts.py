"""Warning scripts: one Markdown file per bulletin, with a YAML header officers edit.

    ---
    id: mao-danh-cong-an
    title: Cảnh giác cuộc gọi giả danh công an
    topic: mạo danh cơ quan nhà nước
    directive: {number: 818/STTTT-TTBCVT, date: 11/04/2024, issuer: Sở TT&TT Long An}
    valid_from: 25/11/2026
    valid_until: 15/12/2026
    audience: toàn dân
    priority: normal
    ---
    Bà con chú ý ...

Everything below the second ``---`` is the text read on air.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..errors import ScriptError
from ..files.sources import YamlDoc, parse_yaml, read_text
from .converters import plain_words, to_date
from .validation import validate

Date = Annotated[dt.date, BeforeValidator(to_date)]
SCRIPT_ID = r"^[a-z0-9][a-z0-9-]*$"


class Priority(StrEnum):
    """The three bulletin levels of Circular 39/2020/TT-BTTTT."""

    normal = "normal"
    priority = "priority"
    emergency = "emergency"

    @classmethod
    def _missing_(cls, value: object) -> Priority | None:
        """Vietnamese names of the levels: 'khẩn cấp', 'ưu tiên', 'thường' (any case,
        with or without accents)."""
        return PRIORITY_WORDS.get(plain_words(str(value)))

    @property
    def rank(self) -> int:
        return {"emergency": 0, "priority": 1, "normal": 2}[self.value]


PRIORITY_WORDS = {
    "khan cap": Priority.emergency,
    "khan": Priority.emergency,
    "uu tien": Priority.priority,
    "thuong": Priority.normal,
    "binh thuong": Priority.normal,
    "emergency": Priority.emergency,
    "priority": Priority.priority,
    "normal": Priority.normal,
}


class Directive(BaseModel):
    """The công văn that orders a broadcast."""

    model_config = ConfigDict(extra="forbid")
    number: str = Field(min_length=1)
    date: Date | None = None
    issuer: str = Field(min_length=1)

    def label(self) -> str:
        when = f" ngày {self.date:%d/%m/%Y}" if self.date else ""
        return f"Công văn số {self.number}{when} của {self.issuer}"


class ScriptMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SCRIPT_ID)
    title: str = Field(min_length=1)
    topic: str = Field(min_length=1)
    directive: Directive
    valid_from: Date | None = None
    valid_until: Date | None = None
    audience: str = "toàn dân"
    priority: Priority = Priority.normal


class Script(BaseModel):
    """A parsed warning script: metadata, original text, and where it came from."""

    meta: ScriptMeta
    text: str
    path: Path
    body_line: int

    @property
    def id(self) -> str:
        return self.meta.id

    def valid_on(self, day: dt.date) -> bool:
        m = self.meta
        return (m.valid_from is None or m.valid_from <= day) and (
            m.valid_until is None or day <= m.valid_until
        )


_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n(.*)\Z", re.S)


def parse_script(text: str, path: Path) -> Script:
    """Parse a script's text (already decoded); raise ScriptError naming the line."""
    m = _FRONT.match(text if text.endswith("\n") else text + "\n")
    if not m:
        raise ScriptError(
            "Kịch bản thiếu phần đầu (thông tin) nằm giữa hai dòng '---'",
            where=f"{path}, dòng 1",
            fix="bắt đầu tệp bằng dòng '---', các dòng 'id: ...', 'title: ...', rồi dòng '---'; "
            "xem mẫu trong thư mục scripts/",
        )
    header, body = m.group(1), m.group(2)
    doc: YamlDoc = parse_yaml(header, path, line_offset=1)
    if not isinstance(doc.data, dict):
        raise ScriptError(
            "Phần đầu kịch bản phải là các dòng 'tên: giá trị'", where=f"{path}, dòng 2"
        )
    meta = validate(ScriptMeta, doc.data, doc)
    body_line = header.count("\n") + 3
    body = body.strip()
    if not body:
        raise ScriptError(
            "Kịch bản chưa có nội dung để đọc",
            where=f"{path}, dòng {body_line}",
            fix="viết nội dung cần phát thanh bên dưới dòng '---' thứ hai",
        )
    if meta.valid_from and meta.valid_until and meta.valid_until < meta.valid_from:
        raise ScriptError(
            "'valid_until' đứng trước 'valid_from'",
            where=doc.where(("valid_until",)),
            fix="đổi lại hai ngày cho đúng thứ tự",
        )
    expected = Path(path).stem
    if meta.id != expected:
        raise ScriptError(
            f"'id' là '{meta.id}' nhưng tên tệp là '{Path(path).name}'",
            where=doc.where(("id",)),
            fix=f"đặt 'id: {expected}' hoặc đổi tên tệp thành '{meta.id}.md'",
        )
    return Script(meta=meta, text=body, path=Path(path), body_line=body_line)


def load_script(path: Path) -> Script:
    return parse_script(read_text(path), Path(path))
