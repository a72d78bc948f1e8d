"""Control characters: found, with their line, in what officers write; removed from what
writers emit.

Why: text pasted from Word, a PDF or a chat carries invisible characters (Word's soft line
break is U+000B, a page break U+000C; a bad copy leaves NUL bytes). YAML reports a NUL with
no line, an XML writer (DOCX) refuses U+000B outright, and a NUL in an ID3 tag stops ffmpeg.
``check`` refuses them with the line and column (issue 23), and every writer removes what
its format cannot carry, so that no string can make a report or a tag fail.
"""

from __future__ import annotations

import re
from typing import Any

#: what a script or schedule may not hold: C0 controls but tab and line feed, DEL, C1
#: controls, the two non-characters, the bidirectional overrides (text displayed in
#: another order than it is stored and read) and Unicode's own line and paragraph
#: separators (a line break to Python, JavaScript and many playout programs)
CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)

#: what ends a line for some reader: a one-line field holding one is two lines in a playlist
LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")

#: what XML 1.0 (DOCX, HTML read as XML) cannot carry at all
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

_NAMES = {
    "\x00": "NUL (byte 0, thường do tệp chép hỏng)",
    "\x0b": "ngắt dòng của Word (Shift+Enter)",
    "\x0c": "ngắt trang",
    "\x0d": "về đầu dòng (CR)",
    "\x1b": "ESC",
    "\x7f": "DEL",
    "\x85": "xuống dòng kiểu cũ (NEL)",
    "\u2028": "ngắt dòng Unicode (LINE SEPARATOR)",
    "\u2029": "ngắt đoạn Unicode (PARAGRAPH SEPARATOR)",
}


def describe(ch: str) -> str:
    """'U+000B, ngắt dòng của Word (Shift+Enter)'."""
    code = f"U+{ord(ch):04X}"
    if ch in _NAMES:
        return f"{code}, {_NAMES[ch]}"
    if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069":
        return f"{code}, ký tự đảo chiều chữ"
    return code


def first_control(text: str) -> tuple[int, int, str] | None:
    """(line, column, character) of the first control character in ``text`` (1-based)."""
    m = CONTROL.search(text)
    if m is None:
        return None
    start = m.start()
    line_start = text.rfind("\n", 0, start) + 1
    return text.count("\n", 0, start) + 1, start - line_start + 1, m.group()


def control_in_values(data: Any, loc: tuple[Any, ...] = ()) -> tuple[tuple[Any, ...], str] | None:
    """(place, character) of the first control character in a string of parsed YAML data
    (``"\\v"`` and ``"\\x00"`` escapes in quotes make them out of plain text)."""
    todo: list[tuple[tuple[Any, ...], Any]] = [(loc, data)]
    while todo:
        where, value = todo.pop()
        if isinstance(value, str):
            m = CONTROL.search(value)
            if m:
                return where, m.group()
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if isinstance(key, str) and CONTROL.search(key):
                    return where + (key,), CONTROL.search(key).group()  # type: ignore[union-attr]
                todo.append((where + (key,), item))
        elif isinstance(value, list):
            todo.extend((where + (i,), item) for i, item in reversed(list(enumerate(value))))
    return None


FIX = (
    "xóa ký tự vô hình đó (thường do dán từ Word, PDF hay tin nhắn): xóa rồi gõ lại chỗ ấy; "
    "nếu là ngắt dòng thì xuống dòng bằng phím Enter"
)


def xml_safe(text: str) -> str:
    """``text`` without what XML cannot carry (U+000B becomes a space, the rest goes)."""
    if not XML_ILLEGAL.search(text):
        return text
    return XML_ILLEGAL.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", text)


def tag_safe(text: str) -> str:
    """``text`` fit for an ID3 tag or a command-line argument: no controls, one line."""
    return " ".join(CONTROL.sub(" ", text).split())


def one_line(text: str) -> str:
    """``text`` as one line for a line-based format (M3U8, a tab-separated list): every
    line break and control character becomes a space; nothing else changes."""
    if not (LINE_BREAK.search(text) or CONTROL.search(text)):
        return text
    return CONTROL.sub(" ", LINE_BREAK.sub(" ", text))


def line_break_in(text: str) -> bool:
    """A one-line field (a title, a name) holding a line break."""
    return LINE_BREAK.search(text) is not None


def unix_newlines(text: str) -> str:
    """Windows (CR LF) and old Mac (CR) line ends as line feeds: one line break each."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
