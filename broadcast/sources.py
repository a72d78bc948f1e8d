"""Reading the text files officers edit: UTF-8 decoding and YAML with line numbers.

Officers edit in Notepad or Word, so files may carry a BOM, be saved in a legacy code
page, or be decomposed Unicode. Every problem becomes an InputError naming the file,
the line and the fix. YAML nodes keep their line so that a wrong field deep in a
schedule can be reported at its own line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

FIX_ENCODING = (
    "mở tệp bằng Notepad, chọn File > Save As, Encoding: UTF-8, rồi lưu lại "
    "(save the file as UTF-8)"
)


def read_text(path: Path) -> str:
    """Read a user file as UTF-8 (BOM allowed), normalized to NFC."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"Không tìm thấy tệp {path}", where=str(path), fix="kiểm tra lại tên và đường dẫn tệp"
        ) from None
    except OSError as exc:
        raise InputError(f"Không đọc được tệp {path}: {exc.strerror}", where=str(path)) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            "Tệp được lưu dạng UTF-16, chương trình cần UTF-8", where=str(path), fix=FIX_ENCODING
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            "Tệp không phải mã UTF-8 (có thể lưu bằng bảng mã cũ như TCVN3/VNI/Windows-1258)",
            where=f"{path}, dòng {line}",
            fix=FIX_ENCODING,
        ) from None
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass
class YamlDoc:
    """Parsed YAML plus the line of every mapping key / sequence item (1-based)."""

    path: Path
    data: Any
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)
    line_offset: int = 0

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc] + self.line_offset
            loc = loc[:-1]
        root = self.lines.get(())
        return root + self.line_offset if root else None

    def where(self, loc: tuple[Any, ...] = ()) -> str:
        line = self.line_of(loc)
        field_name = ".".join(str(p) for p in loc)
        parts = [str(self.path)]
        if line:
            parts.append(f"dòng {line}")
        if field_name:
            parts.append(f"mục '{field_name}'")
        return ", ".join(parts)


def _walk(node: yaml.Node, loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[loc + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, loc + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[loc + (i,)] = item.start_mark.line + 1
            _walk(item, loc + (i,), lines)
    return None


_DROPPED_TAGS = {
    "tag:yaml.org,2002:timestamp",  # dates stay strings; our converters accept dd/mm/yyyy too
    "tag:yaml.org,2002:int",  # re-added below without YAML 1.1's sexagesimal 05:30 -> 330
    "tag:yaml.org,2002:float",
}


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps times such as 05:30 and dates as strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789"),
)


def parse_yaml(text: str, path: Path, line_offset: int = 0) -> YamlDoc:
    """Parse YAML text into a YamlDoc; syntax errors name the line and the likely fix."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        problem_line = exc.problem_mark.line + 1 + line_offset if exc.problem_mark else None
        context_line = exc.context_mark.line + 1 + line_offset if exc.context_mark else None
        where = str(path)
        if problem_line:
            where += f", dòng {problem_line}"
            if context_line and context_line != problem_line:
                where += f" (phần bắt đầu ở dòng {context_line})"
        raise InputError(
            f"Lỗi cú pháp YAML: {exc.problem or 'cú pháp sai'}",
            where=where,
            fix="kiểm tra dấu hai chấm sau tên mục, thụt lề bằng dấu cách (không dùng Tab), "
            "đóng đủ ngoặc [ ] { }, và đặt văn bản có dấu ':' trong ngoặc kép",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"Lỗi YAML: {exc}", where=str(path)) from None
    lines: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _walk(node, (), lines)
    return YamlDoc(path=Path(path), data=data, lines=lines, line_offset=line_offset)


def load_yaml(path: Path) -> YamlDoc:
    return parse_yaml(read_text(path), Path(path))
