"""The script form: fields in, the Markdown an officer would write in Notepad out.

Pure functions: ``compose`` writes a script file's text from the form's fields,
``fields_of`` reads the fields back from a file's text (for editing), and
``errors_by_field`` places the messages of the project's own parser (the one
``broadcast check`` uses) beside the field each one concerns.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import BroadcastError, ValidationErrors
from ..files.controls import unix_newlines
from ..project.yamledit import reads_back_plain

#: form field -> header key path, in the order a script's header is written
FIELDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("id", ("id",), "Mã kịch bản (tên tệp)"),
    ("title", ("title",), "Tiêu đề"),
    ("topic", ("topic",), "Chủ đề"),
    ("directive_number", ("directive", "number"), "Số công văn"),
    ("directive_date", ("directive", "date"), "Ngày công văn"),
    ("directive_issuer", ("directive", "issuer"), "Cơ quan ban hành"),
    ("valid_from", ("valid_from",), "Phát từ ngày"),
    ("valid_until", ("valid_until",), "Phát đến ngày"),
    ("audience", ("audience",), "Đối tượng"),
    ("priority", ("priority",), "Mức"),
    ("recording", ("recording",), "Bản ghi âm (tên tệp trong scripts/; để trống nếu máy đọc)"),
)
OPTIONAL = {"directive_date", "valid_from", "valid_until", "audience", "recording"}
PRIORITIES = (("normal", "thường"), ("priority", "ưu tiên"), ("emergency", "khẩn cấp"))
GENERAL = "_general"
BODY = "body"


def _scalar(value: str) -> str:
    """A YAML scalar that reads back as exactly ``value`` (plain when it can be)."""
    value = value.strip()
    if reads_back_plain(value):
        return value
    # a line break stays one (written as \n): the parser refuses it in a one-line field
    # and names the box; a raw one in quotes would be folded into a space unseen
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped + '"'


def compose(form: dict[str, str]) -> str:
    """The script file's text for the form's fields (header between '---', then body)."""
    lines = ["---"]
    in_directive = False
    for name, path, _ in FIELDS:
        value = unix_newlines(form.get(name) or "").strip()
        if name in OPTIONAL and not value:
            continue
        if len(path) == 2:
            if not in_directive:
                lines.append("directive:")
                in_directive = True
            lines.append(f"  {path[1]}: {_scalar(value)}" if value else f"  {path[1]}:")
            continue
        lines.append(f"{path[0]}: {_scalar(value)}" if value else f"{path[0]}:")
    lines.append("---")
    body = unix_newlines(form.get(BODY) or "").strip()
    return "\n".join(lines) + "\n" + body + "\n"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def fields_of(text: str) -> dict[str, str]:
    """The form fields of a script file's text; what cannot be read is left empty."""
    form = {name: "" for name, _, _ in FIELDS}
    form[BODY] = text
    m = re.match(r"\A---[ \t]*\r?\n(.*?\r?\n)---[ \t]*\r?\n(.*)\Z", text, re.S)
    if not m:
        return form
    form[BODY] = m.group(2).strip()
    try:
        head = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return form
    if not isinstance(head, dict):
        return form
    for name, path, _ in FIELDS:
        node: Any = head
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        form[name] = _text(node)
    return form


@dataclass(frozen=True)
class FieldError:
    field: str
    text: str  # what and how to fix, without the file path


def _field_of(err: BroadcastError) -> str:
    m = re.search(r"mục '([^']+)'", err.where or "")
    if m:
        key = tuple(m.group(1).split("."))
        for name, path, _ in FIELDS:
            if path == key[: len(path)]:
                return name
        return GENERAL
    if "nội dung" in err.what:
        return BODY
    return GENERAL


def errors_by_field(exc: BroadcastError) -> dict[str, list[str]]:
    """The parser's messages, grouped by the form field they concern."""
    flat = exc.errors if isinstance(exc, ValidationErrors) else [exc]
    out: dict[str, list[str]] = {}
    for err in flat:
        text = in_form_words(err.what + (f" — cách sửa: {err.fix}" if err.fix else ""))
        out.setdefault(_field_of(err), []).append(text)
    return out


#: what the file's own words mean in the form: the officer fills boxes, not a file
_FILE_WORDS = (
    ("bên dưới dòng '---' thứ hai", "vào ô «Nội dung»"),
    ("dòng '---' thứ hai", "ô «Nội dung»"),
    ("giữa hai dòng '---'", "trong các ô ở trên"),
)


def in_form_words(text: str) -> str:
    """A parser message said as the form shows it: YAML keys become the boxes' labels
    ("'title' đang để trống" -> "ô «Tiêu đề» đang để trống"), no '---' lines, no Notepad."""
    for _name, path, label in FIELDS:
        text = text.replace(f"'{'.'.join(path)}'", f"ô «{label}»")
    for said, meant in _FILE_WORDS:
        text = text.replace(said, meant)
    text = re.sub(r"[^.;—]*Notepad[^.;]*[.;]?", "", text).strip(" ;—")
    return text
