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

A script may instead air a recording (issue 20): ``recording: ten-tep.mp3`` names an
audio file beside it in ``scripts/`` (MP3, WAV, M4A, OGG, AMR or anything ffmpeg decodes),
which airs in place of the synthesized body. Its body may then be empty (a file the
district sent with no text). The name must stay inside ``scripts/``: an absolute path,
``..`` or a link that leads out of the folder is refused.
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
    #: an audio file in scripts/ that airs instead of the synthesized body (issue 20)
    recording: str | None = Field(None, min_length=1)


#: what ``recording:`` may name (what ffmpeg decodes and officers are sent); scripts/ may
#: hold these beside the .md files
AUDIO_SUFFIXES = (".mp3", ".wav", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".amr", ".flac", ".wma")


class Script(BaseModel):
    """A parsed warning script: metadata, original text, and where it came from."""

    meta: ScriptMeta
    text: str
    path: Path
    body_line: int
    #: the version that airs (content hash, :mod:`broadcast.project.versions`); set by a
    #: load for work (build, plan, the daemon), "" otherwise
    version: str = ""
    #: the recording that airs instead of the synthesized body (absolute), or None
    recording: Path | None = None
    #: the line of the ``recording:`` header (for messages about the file)
    recording_line: int = 0

    @property
    def id(self) -> str:
        return self.meta.id

    def valid_on(self, day: dt.date) -> bool:
        m = self.meta
        return (m.valid_from is None or m.valid_from <= day) and (
            m.valid_until is None or day <= m.valid_until
        )


_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n(.*)\Z", re.S)


def parse_script(text: str, path: Path, recording_at: Path | None = None) -> Script:
    """Parse a script's text (already decoded); raise ScriptError naming the line.

    ``recording_at`` is the recording's file when it is not the one ``recording:`` names
    in the script's folder: a kept version's copy (:mod:`broadcast.project.versions`)."""
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
    if meta.recording and recording_at is not None:
        recording: Path | None = Path(recording_at).absolute()
    else:
        recording = _recording_path(meta.recording, Path(path), doc) if meta.recording else None
    if not body and recording is None:
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
    return Script(
        meta=meta,
        text=body,
        path=Path(path),
        body_line=body_line,
        recording=recording,
        recording_line=(doc.line_of(("recording",)) or 0) if recording else 0,
    )


def _recording_path(name: str, path: Path, doc: YamlDoc) -> Path:
    """The file ``recording:`` names, checked to be a file inside the script's folder."""
    name = name.strip()
    where = doc.where(("recording",))
    folder = path.parent
    rel = Path(name.replace("\\", "/"))
    fix_inside = (
        f"chép tệp âm thanh vào thư mục {folder.name or 'scripts'}/ (cùng chỗ với kịch bản) "
        f"và chỉ ghi tên tệp, ví dụ 'recording: {rel.name or 'ban-ghi.mp3'}'"
    )
    if rel.is_absolute() or re.match(r"^[A-Za-z]:", name) or ".." in rel.parts:
        raise ScriptError(
            f"Bản ghi «{name}» nằm ngoài thư mục kịch bản",
            where=where,
            fix=fix_inside,
        )
    target = folder / rel
    try:
        inside = target.resolve().is_relative_to(folder.resolve())
    except OSError:
        inside = False
    if not inside:
        raise ScriptError(
            f"Bản ghi «{name}» trỏ ra ngoài thư mục kịch bản (lối tắt/liên kết)",
            where=where,
            fix=fix_inside,
        )
    if not target.is_file():
        raise ScriptError(
            f"Không thấy tệp bản ghi «{name}» mà kịch bản nêu",
            where=where,
            fix=f"chép tệp {rel.name} vào thư mục {folder.name or 'scripts'}/ (MP3, WAV, "
            "M4A, OGG, AMR), hoặc sửa tên tệp ở dòng này cho đúng (kể cả chữ hoa, chữ thường)",
        )
    return target.absolute()


def load_script(path: Path) -> Script:
    return parse_script(read_text(path), Path(path))
