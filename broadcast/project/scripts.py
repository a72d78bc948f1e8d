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

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from ..errors import ScriptError, thousands
from ..files.controls import FIX, describe, first_control
from ..files.sources import YamlDoc, control_error, parse_yaml, read_text
from ..vocabulary import MAX_HEADER_CHARS, MAX_SCRIPT_CHARS, MAX_SCRIPT_CHARS_CEILING
from .converters import one_line, plain_words, to_date
from .validation import ID_PATTERN, free_name, slug, taken_note, validate

Date = Annotated[dt.date, BeforeValidator(to_date)]
#: a title or a name: one line (see :func:`.converters.one_line`)
OneLine = Annotated[str, AfterValidator(one_line), Field(min_length=1)]
SCRIPT_ID = ID_PATTERN


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
    number: OneLine
    date: Date | None = None
    issuer: OneLine

    def label(self) -> str:
        when = f" ngày {self.date:%d/%m/%Y}" if self.date else ""
        return f"Công văn số {self.number}{when} của {self.issuer}"


class ScriptMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SCRIPT_ID)
    title: OneLine
    topic: OneLine
    directive: Directive
    valid_from: Date | None = None
    valid_until: Date | None = None
    audience: str = "toàn dân"
    priority: Priority = Priority.normal
    #: an audio file in scripts/ that airs instead of the synthesized body (issue 20)
    recording: str | None = Field(None, min_length=1)


#: what ``recording:`` may name (what ffmpeg decodes and officers are sent); scripts/ may
#: hold these beside the .md files
AUDIO_SUFFIXES = (
    ".mp3",
    ".wav",
    ".m4a",
    ".aac",
    ".ogg",
    ".oga",
    ".opus",
    ".amr",
    ".flac",
    ".wma",
    ".webm",
)


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
    #: what was read differently from the file, for ``check`` to say (Word's soft breaks)
    notes: list[str] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return self.meta.id

    def valid_on(self, day: dt.date) -> bool:
        m = self.meta
        return (m.valid_from is None or m.valid_from <= day) and (
            m.valid_until is None or day <= m.valid_until
        )


#: the key of a header line ('title: ...'), to name the field a control character is in
_HEADER_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:")
#: Word's manual line break (Shift+Enter) and page break: in a body, line breaks
_SOFT_BREAK = re.compile(r"[\x0b\x0c\u2028\u2029]")
_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n(.*)\Z", re.S)


def _split_fix(limit: int) -> str:
    raise_to = (
        f", hoặc tăng 'max_script_chars' ở đầu schedules/stations.yaml (tối đa "
        f"{thousands(MAX_SCRIPT_CHARS_CEILING)})"
        if limit < MAX_SCRIPT_CHARS_CEILING
        else ""
    )
    return (
        f"chia bản tin thành nhiều kịch bản ngắn hơn, mỗi tệp dưới {thousands(limit)} ký tự "
        f"(mỗi tệp một mã 'id' riêng){raise_to}"
    )


def too_big_file(path: Path, size: int, limit: int) -> ScriptError:
    """The refusal of a file too big to hold a body within ``limit`` (by its size alone)."""
    return ScriptError(
        f"Tệp kịch bản nặng {thousands(size // 1000)} kB, quá lớn cho giới hạn {thousands(limit)} ký tự nội dung",
        where=str(path),
        fix=_split_fix(limit),
    )


def body_too_long(path: Path, length: int, line: int, limit: int) -> ScriptError:
    """The refusal of a body longer than ``limit`` characters: the file, the limit, the fix."""
    return ScriptError(
        f"Nội dung kịch bản dài {thousands(length)} ký tự, quá giới hạn {thousands(limit)} ký tự "
        f"(khoảng {round(limit / 800)} phút đọc)",
        where=f"{path}, dòng {line}",
        fix=_split_fix(limit),
    )


def parse_script(
    text: str, path: Path, max_chars: int = MAX_SCRIPT_CHARS, recording_at: Path | None = None
) -> Script:
    """Parse a script's text (already decoded); raise ScriptError naming the line.

    A body longer than ``max_chars`` (or a header longer than MAX_HEADER_CHARS) is refused
    before anything else reads it: the YAML parser, the spoken form and the voices all take
    time and memory in proportion to the text (issue 23).

    ``recording_at`` is the recording's file when it is not the one ``recording:`` names
    in the script's folder: a kept version's copy (:mod:`broadcast.project.versions`).
    """
    m = _FRONT.match(text if text.endswith("\n") else text + "\n")
    if not m:
        raise ScriptError(
            "Kịch bản thiếu phần đầu (thông tin) nằm giữa hai dòng '---'",
            where=f"{path}, dòng 1",
            fix="bắt đầu tệp bằng dòng '---', các dòng 'id: ...', 'title: ...', rồi dòng '---'; "
            "xem mẫu trong thư mục scripts/",
        )
    header, body = m.group(1), m.group(2)
    if len(header) > MAX_HEADER_CHARS:
        raise ScriptError(
            f"Phần đầu kịch bản (giữa hai dòng '---') dài {thousands(len(header))} ký tự, quá giới "
            f"hạn {thousands(MAX_HEADER_CHARS)} ký tự",
            where=f"{path}, dòng 2",
            fix="phần đầu chỉ ghi các mục id, title, topic, directive, valid_from, valid_until, "
            "audience, priority, recording; nội dung đọc đặt bên dưới dòng '---' thứ hai",
        )
    stripped = body.strip()
    if len(stripped) > max_chars:
        raise body_too_long(path, len(stripped), header.count("\n") + 3, max_chars)
    body_line = header.count("\n") + 3
    notes: list[str] = []
    soft = _SOFT_BREAK.search(body)
    if soft is not None:  # Word's line and page breaks, pasted: read as line breaks
        at = body_line + body.count("\n", 0, soft.start())
        notes.append(
            f"{path}, dòng {at}: có ngắt dòng/ngắt trang của Word ({describe(soft.group())}), "
            "được đọc như xuống dòng. Cách sửa: mở tệp, xóa chỗ ngắt đó rồi nhấn Enter"
        )
        body = _SOFT_BREAK.sub("\n", body)
        stripped = body.strip()
    # what is left is refused, header or body: what the DOCX, the tags and the voice trip on
    for part, first_line in ((header, 2), (body, body_line)):
        found = first_control(part)
        if found is not None:
            line, column, ch = found
            where = f"{path}, dòng {line + first_line - 1}, cột {column}"
            key = _HEADER_KEY.match(part.split("\n")[line - 1]) if part is header else None
            raise ScriptError(
                control_error(ch, "").what,
                where=where + (f", mục '{key.group(1)}'" if key else ""),
                fix=FIX,
            )
    doc: YamlDoc = parse_yaml(header, path, line_offset=1)
    if not isinstance(doc.data, dict):
        raise ScriptError(
            "Phần đầu kịch bản phải là các dòng 'tên: giá trị'", where=f"{path}, dòng 2"
        )
    meta = validate(ScriptMeta, doc.data, doc)
    body = stripped
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
    if meta.id != Path(path).stem:
        raise ScriptError(
            f"'id' là '{meta.id}' nhưng tên tệp là '{Path(path).name}'",
            where=doc.where(("id",)),
            fix=_id_fix(Path(path), meta.id),
        )
    return Script(
        meta=meta,
        text=body,
        path=Path(path),
        body_line=body_line,
        recording=recording,
        recording_line=(doc.line_of(("recording",)) or 0) if recording else 0,
        notes=notes,
    )


def _id_fix(path: Path, script_id: str) -> str:
    """How to make a file's name and its id agree without overwriting another script:
    renaming ``Ban-tai-khoan.md`` to ``ban-tai-khoan.md`` would replace the file of that
    name, so a free name is offered instead."""
    stem = path.stem
    options = []
    if re.fullmatch(SCRIPT_ID, stem):
        options.append(f"đặt 'id: {stem}'")
    free = free_name(path, script_id)
    if free == script_id:
        options.append(f"đổi tên tệp thành '{script_id}.md'")
    elif not options:
        new = free_name(path, slug(stem) or script_id)
        options.append(f"đổi tên tệp thành '{new}.md' và đặt 'id: {new}'")
    fix = " hoặc ".join(options)
    return fix + (taken_note(f"{script_id}.md") if free != script_id else "")


#: the longest file name a disk holds (ext4, NTFS, FAT32 long names: 255)
MAX_FILE_NAME_BYTES = 255


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
    if len(rel.name.encode("utf-8")) > MAX_FILE_NAME_BYTES:  # no disk holds such a name
        raise ScriptError(
            f"Tên tệp bản ghi «{name[:60]}…» dài quá, không ổ đĩa nào lưu được tên như vậy "
            f"(tối đa {MAX_FILE_NAME_BYTES} byte)",
            where=where,
            fix="ghi đúng tên tệp âm thanh trong thư mục scripts/, ví dụ 'recording: ban-ghi.mp3'",
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


#: bytes a character of a script can take on disk (UTF-8 Vietnamese with combining marks)
_BYTES_PER_CHAR = 4


def load_script(path: Path, max_chars: int = MAX_SCRIPT_CHARS) -> Script:
    """Read and parse one script file; a file too big to be within the bounds is refused
    by its size, before it is read into memory."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        size = 0  # read_text says what is wrong with it
    if size > (max_chars + MAX_HEADER_CHARS) * _BYTES_PER_CHAR:
        raise too_big_file(Path(path), size, max_chars)
    return parse_script(read_text(path), Path(path), max_chars)
