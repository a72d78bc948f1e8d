"""Reading the text files officers edit: UTF-8 decoding and YAML with line numbers.

Officers edit in Notepad or Word, so files may carry a BOM, be saved in a legacy code
page, or be decomposed Unicode. Every problem becomes an InputError naming the file,
the line and the fix. YAML nodes keep their line so that a wrong field deep in a
schedule can be reported at its own line.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from .controls import FIX as FIX_CONTROL
from .controls import control_in_values, describe, first_control, unix_newlines
from .encodings import guess, utf16_without_bom

FIX_ENCODING = (
    "mở tệp bằng Notepad, chọn File > Save As, Encoding: UTF-8, rồi lưu lại "
    "(save the file as UTF-8)"
)


def read_user_bytes(path: Path) -> bytes:
    """The bytes of a file a user named; a missing or unreadable one is an InputError."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"Không tìm thấy tệp {path}", where=str(path), fix="kiểm tra lại tên và đường dẫn tệp"
        ) from None
    except OSError as exc:
        raise InputError(
            f"Không đọc được tệp {path}: {exc.strerror}",
            where=str(path),
            fix="kiểm tra quyền đọc tệp (hoặc đóng chương trình đang mở nó) rồi chạy lại",
        ) from None


def read_text(path: Path) -> str:
    """Read a user file as UTF-8 (BOM allowed), normalized to NFC."""
    raw = read_user_bytes(path)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_without_bom(raw):
        raise InputError(
            "Tệp được lưu dạng UTF-16, chương trình cần UTF-8",
            where=str(path),
            fix=f"chạy: broadcast convert-encoding {path}  (hoặc {FIX_ENCODING})",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        found = guess(raw)
        if found is not None and found.encoding in ("tcvn3", "vni", "cp1258"):
            raise InputError(
                f"Tệp được gõ bằng bảng mã cũ {found.label}, chương trình cần Unicode UTF-8",
                where=f"{path}, dòng {line}",
                fix=f"chạy: broadcast convert-encoding {path}  (xem trước chữ đã chuyển, "
                "đồng ý thì ghi lại thành UTF-8, giữ bản cũ .bak)",
            ) from None
        raise InputError(
            "Tệp không phải mã UTF-8 (có thể lưu bằng bảng mã cũ như TCVN3/VNI/Windows-1258)",
            where=f"{path}, dòng {line}",
            fix=FIX_ENCODING,
        ) from None
    return unicodedata.normalize("NFC", unix_newlines(text))


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


#: Deepest nesting of lists and groups a file may have. The deepest the schema needs is
#: stations[].voice.options.<engine>.<option> (5); a 5,000-deep list would exhaust the
#: parser's recursion instead of being answered (issue 23).
MAX_YAML_DEPTH = 20

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_SPECIAL_KEYS = {"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"}  # '<<' and '='


def _walk(
    node: yaml.Node,
    loc: tuple[Any, ...],
    lines: dict[tuple[Any, ...], int],
    ctor: Any = None,
    dups: list[_DuplicateKey] | None = None,
    depth: int = 0,
) -> Any:
    """Record the line of every key and item under ``loc``; with a constructor ``ctor``
    also build and return the Python data, so the document is parsed only once.

    Plain strings, lists and mappings are built here; anything else (ints, booleans,
    explicit tags, merge keys) is handed to the loader's own SafeConstructor, so the data
    is what ``yaml.load`` gives. The first duplicate key goes to ``dups`` (the walk goes
    on: a constructor error anywhere is still reported first, as it was before).
    """
    if depth > MAX_YAML_DEPTH:
        raise _TooDeep(node.start_mark)
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode):
        if ctor is None:
            return None
        return node.value if node.tag == _STR else ctor.construct_object(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        fast = ctor is not None and node.tag == _MAP
        data: dict[Any, Any] = {}
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _ListKey()  # '? [a, b]': the constructor says "found unhashable key"
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen and key != "<<":
                # YAML keeps the last one silently: an officer who adds a new 'title:'
                # line above the old one would air the old title without knowing.
                if dups is None:
                    raise _DuplicateKey(str(key), seen[key], line)
                if not dups:
                    dups.append(_DuplicateKey(str(key), seen[key], line))
            seen[key] = line
            lines[loc + (key,)] = line
            if fast and key_node.tag in _SPECIAL_KEYS:
                fast = False  # merge key '<<' or '=': the constructor's own rules
            value = _walk(value_node, loc + (key,), lines, ctor if fast else None, dups, depth + 1)
            if fast:
                k = key if key_node.tag == _STR else ctor.construct_object(key_node, deep=True)
                data[k] = value
        if ctor is not None and not fast:
            # after the walk: flatten_mapping rewrites a merge node's value in place
            return ctor.construct_object(node, deep=True)
        return data if fast else None
    if isinstance(node, yaml.SequenceNode):
        fast = ctor is not None and node.tag == _SEQ
        items = []
        for i, item in enumerate(node.value):
            lines[loc + (i,)] = item.start_mark.line + 1
            value = _walk(item, loc + (i,), lines, ctor if fast else None, dups, depth + 1)
            if fast:
                items.append(value)
        if ctor is not None and not fast:
            return ctor.construct_object(node, deep=True)
        return items if fast else None
    return None


class _TooDeep(Exception):
    """Lists or groups nested deeper than MAX_YAML_DEPTH."""

    def __init__(self, mark: yaml.Mark | None) -> None:
        self.mark = mark


class _ListKey(Exception):
    """A list or mapping used as a key: ``yaml.load`` refuses the document."""


class _DuplicateKey(Exception):
    def __init__(self, key: str, first: int, second: int) -> None:
        self.key, self.first, self.second = key, first, second


_DROPPED_TAGS = {
    "tag:yaml.org,2002:timestamp",  # dates stay strings; our converters accept dd/mm/yyyy too
    "tag:yaml.org,2002:int",  # re-added below without YAML 1.1's sexagesimal 05:30 -> 330
    "tag:yaml.org,2002:float",
}


class _AliasFound(Exception):
    def __init__(self, mark: yaml.Mark, alias: bool) -> None:
        self.mark, self.alias = mark, alias


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps times such as 05:30 and dates as strings, and refuses
    anchors and aliases (``&a`` / ``*a``).

    Scripts and schedules never need them, and eight lines of nested aliases (the
    "billion laughs" shape) expand to gigabytes and minutes of work: refused while
    composing, before anything is expanded, any file is answered at once.
    """

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _AliasFound(event.start_mark, alias=True)
        if getattr(event, "anchor", None) is not None:
            raise _AliasFound(event.start_mark, alias=False)
        # The composer recurses once per level: refuse before Python's stack runs out.
        depth = getattr(self, "_depth", 0)
        if depth > MAX_YAML_DEPTH:
            raise _TooDeep(event.start_mark)
        self._depth = depth + 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth


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


if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):  # type: ignore[misc,name-defined]
        """The same loader on libyaml's C parser: a 10,000-station stations.yaml parses
        in about a second instead of tens of seconds (bench/bench_yaml.py).

        libyaml composes in C, so anchors cannot be refused while composing:
        ``parse_yaml`` only gives it text in which no anchor or alias can start.
        """

        def resolve(self, kind, value, implicit):  # type: ignore[no-untyped-def]
            # A plain value's tag depends on its text alone (no path resolvers here), and a
            # province file repeats the same few values ('loudspeaker', '05:30-05:45')
            # thousands of times: each is resolved once per file.
            if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
                return super().resolve(kind, value, implicit)
            try:
                cache = self._resolved
            except AttributeError:
                cache = self._resolved = {}
            key = (value, implicit)
            tag = cache.get(key)
            if tag is None:
                tag = cache[key] = super().resolve(kind, value, implicit)
            return tag

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _C_LOADER: type | None = _CLoader
else:  # PyYAML built without libyaml: the pure-Python parser, same results, slower
    _C_LOADER = None
_PY_LOADER: type = _Loader

# Where an anchor '&a' or alias '*a' could start a node (line start, after indentation,
# '- ', ': ', '[', ',' ...). Text without such a place is safe for libyaml; text with one
# (or '*' in a quoted USSD code '*123#') takes the pure-Python path, which refuses them.
# So do tabs (libyaml takes 'a:<Tab>b', PyYAML refuses it and the officer is told) and
# the rare Unicode line breaks, so that both parsers count lines the same way.
_PURE_PYTHON_ONLY = re.compile(r"(?:^|[\s\[\]{},:?-])[&*]|[\t\x85\u2028\u2029]")


def _libyaml_reads_as_pyyaml(text: str) -> bool:
    """False when libyaml might read the text differently from PyYAML (or take what
    PyYAML refuses): anchors, tabs, Unicode line breaks, and a '?' outside a comment line
    (PyYAML ends a plain value at '?' inside [ ] and { }, libyaml does not)."""
    if _PURE_PYTHON_ONLY.search(text):
        return False
    if "?" in text:
        return all("?" not in ln or ln.lstrip().startswith("#") for ln in text.split("\n"))
    return True


FIX_SYNTAX = (
    "kiểm tra dấu hai chấm sau tên mục, thụt lề bằng dấu cách (không dùng Tab), "
    "đóng đủ ngoặc [ ] { }, và đặt văn bản có dấu ':' trong ngoặc kép"
)


def _quoted(line: str) -> str:
    """'title: Chú ý: lừa đảo' -> 'title: "Chú ý: lừa đảo"' (the line as it should be)."""
    if len(line) > 300:
        return ""  # a line too long to repeat in a message
    m = re.match(r"^(\s*(?:-\s+)?[^\s:#][^:#]*?:)\s+(.*?)\s*$", line)
    if not m or not m.group(2):
        return ""
    value = m.group(2)
    if value[:1] in "“„‘" and value[-1:] in "”’“":
        value = value[1:-1]  # Word's curly quotes: the value was meant quoted
    value = value.translate(_CURLY).replace("\\", "\\\\").replace('"', '\\"')
    return f'{m.group(1)} "{value}"'


def _explain(problem: str, line: str) -> tuple[str, str]:
    """PyYAML's English problem, said as what the officer did and how to fix it."""
    quoted = _quoted(line)
    write_as = f"; viết lại dòng này thành: {quoted.strip()}" if quoted else ""
    if "mapping values are not allowed" in problem:
        return (
            "Giá trị có dấu hai chấm ':' mà không nằm trong ngoặc kép",
            "đặt cả giá trị trong ngoặc kép" + write_as,
        )
    if "'\\t'" in problem or "\t" in problem:
        return "Dòng có ký tự Tab", "xóa Tab, thụt lề bằng dấu cách (2 dấu cách mỗi cấp)"
    if "cannot start any token" in problem or "expected alphabetic or numeric" in problem:
        return (
            "Giá trị bắt đầu bằng ký tự đặc biệt (@ % ` & * !)",
            "đặt cả giá trị trong ngoặc kép" + write_as,
        )
    if "sequence entries are not allowed" in problem:
        return (
            "Giá trị bắt đầu bằng dấu '-' hoặc dòng '- ...' thụt lề sai",
            "nếu là văn bản, đặt trong ngoặc kép" + write_as + "; nếu là danh sách, "
            "thụt lề các dòng '- ...' vào trong mục của nó",
        )
    if "could not find expected ':'" in problem:
        return (
            "Thiếu dấu hai chấm ':' sau tên mục (hoặc có dấu cách lạ, dấu ':' kiểu khác)",
            "viết 'tên: giá trị' với dấu ':' thường và một dấu cách sau nó",
        )
    if "expected <block end>" in problem or "did not find expected key" in problem:
        if quoted and re.search(r":\s+[\[{]", line):
            return (
                "Giá trị bắt đầu bằng ngoặc [ hoặc { nhưng không phải danh sách",
                "đặt cả giá trị trong ngoặc kép" + write_as,
            )
        return (
            "Thụt lề không khớp với các dòng trên",
            "các mục cùng cấp phải thụt lề bằng đúng số dấu cách như nhau (so với dòng trên)",
        )
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        return "Thiếu ngoặc đóng ] hoặc }", "đóng đủ ngoặc, các giá trị cách nhau bằng dấu phẩy"
    if "found unexpected end of stream" in problem:
        return "Thiếu dấu ngoặc kép đóng", "đóng ngoặc kép ở cuối giá trị"
    return "Lỗi cú pháp", FIX_SYNTAX


_CURLY = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
# 'title:Cảnh giác' (no space after the colon) and 'topic：' (a full-width colon from a
# Vietnamese or Chinese keyboard) make YAML read the whole line as text; it complains
# only on the next line, so the officer looks at the wrong one.
_NO_SPACE = re.compile(r"^(\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_-]*):(?=[^\s/:])(.*)$")
_WIDE_COLON = re.compile(r"^(\s*(?:-\s+)?[^\s#:\"'][^:#\"'：]*?)\s*[：﹕︓](.*)$")


def _trap(line: str) -> tuple[str, str] | None:
    """A punctuation trap on ``line``: (what, the line as it should be)."""
    if line.lstrip().startswith("#"):
        return None
    m = _WIDE_COLON.match(line)
    if m:
        return "Dấu hai chấm '：' là dấu của bàn phím tiếng Hoa/toàn khổ, YAML không nhận", (
            f"{m.group(1)}: {m.group(2).strip()}"
        )
    m = _NO_SPACE.match(line)
    if m:
        return "Thiếu dấu cách sau dấu hai chấm ':'", f"{m.group(1)}: {m.group(2).strip()}"
    return None


def _trap_before(source: list[str], upto: int) -> tuple[int, str, str] | None:
    """The first trap on lines 0..upto (0-based): (index, what, fixed line)."""
    for i in range(0, min(upto, len(source) - 1) + 1):
        found = _trap(source[i])
        if found:
            return i, found[0], found[1]
    return None


def _compose_and_build(
    text: str, loader_cls: type
) -> tuple[Any, dict[tuple[Any, ...], int], list[_DuplicateKey]]:
    """One pass over the text: the node tree, then its data and lines in one walk."""
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
        lines: dict[tuple[Any, ...], int] = {}
        dups: list[_DuplicateKey] = []
        try:
            data = None if node is None else _walk(node, (), lines, loader, dups)
        except _ListKey:
            yaml.load(text, Loader=loader_cls)  # raises the ConstructorError yaml.load gave
            raise
        return data, lines, dups
    finally:
        loader.dispose()


def parse_yaml(
    text: str, path: Path, line_offset: int = 0, *, loader: type | None = None
) -> YamlDoc:
    """Parse YAML text into a YamlDoc; syntax errors name the line and the likely fix.

    ``loader``: force ``_PY_LOADER`` or ``_C_LOADER`` (tests, bench). By default libyaml
    reads the text when it is available and no anchor can hide in it; any error is
    then read again by the pure-Python parser, whose messages the explanations know.
    """
    # Word and web pages paste non-breaking spaces; YAML does not take them as spaces.
    text = text.replace("\u00a0", " ")
    control = first_control(text)
    if control is not None:  # YAML would name no line (NUL) or take it in silently
        at_line, column, ch = control
        raise control_error(ch, f"{path}, dòng {at_line + line_offset}, cột {column}")
    try:
        parsed = None
        if loader is None and _C_LOADER is not None and _libyaml_reads_as_pyyaml(text):
            try:
                parsed = _compose_and_build(text, _C_LOADER)
            except yaml.YAMLError:
                parsed = None  # said again below with the pure-Python parser's words
        if parsed is None:
            parsed = _compose_and_build(text, loader or _PY_LOADER)
        data, lines, dups = parsed
    except (_TooDeep, RecursionError) as deep:
        mark = deep.mark if isinstance(deep, _TooDeep) else None
        where = f"{path}, dòng {mark.line + 1 + line_offset}" if mark is not None else str(path)
        raise InputError(
            f"Tệp có danh sách hay nhóm mục lồng nhau quá sâu (quá {MAX_YAML_DEPTH} cấp), "
            "không mục nào của kịch bản hay lịch phát cần sâu như vậy",
            where=where,
            fix="xóa các dấu ngoặc [ ] { } hay dấu '- ' thừa từ dòng này; mỗi mục chỉ ghi "
            "'tên: giá trị' hoặc một danh sách giá trị, như tệp mẫu",
        ) from None
    except _AliasFound as found:
        line = found.mark.line + 1 + line_offset
        sign = "*" if found.alias else "&"
        raise InputError(
            f"Tệp dùng ký hiệu '{sign}' (neo/bí danh YAML '&tên', '*tên'), kịch bản và lịch "
            "phát không dùng được",
            where=f"{path}, dòng {line}",
            fix="viết đầy đủ giá trị ở từng chỗ (giá trị chung cho mọi đài đặt trong "
            "'defaults:'); nếu đây là văn bản bắt đầu bằng * hoặc &, đặt cả giá trị trong "
            "ngoặc kép",
        ) from None
    except yaml.MarkedYAMLError as exc:
        source = text.split("\n")
        index = exc.problem_mark.line if exc.problem_mark else -1
        trap = _trap_before(source, index if index >= 0 else len(source) - 1)
        if trap is not None:
            i, what, fixed = trap
            raise InputError(
                f"Lỗi cú pháp YAML: {what}",
                where=f"{path}, dòng {i + 1 + line_offset}",
                fix=f"viết lại dòng này thành: {_quoted(fixed).strip() or fixed.strip()}",
            ) from None
        problem_line = exc.problem_mark.line + 1 + line_offset if exc.problem_mark else None
        context_line = exc.context_mark.line + 1 + line_offset if exc.context_mark else None
        where = str(path)
        if problem_line:
            where += f", dòng {problem_line}"
            if context_line and context_line != problem_line:
                where += f" (phần bắt đầu ở dòng {context_line})"
        line = source[index] if 0 <= index < len(source) else ""
        what, fix = _explain(exc.problem or "", line)
        raise InputError(
            f"Lỗi cú pháp YAML: {what} (YAML: {exc.problem or 'cú pháp sai'})",
            where=where,
            fix=fix,
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"Lỗi YAML: {exc}", where=str(path), fix=FIX_SYNTAX) from None
    escaped = control_in_values(data)
    if escaped is not None:  # written as an escape in quotes: "\v", "\x00"
        doc = YamlDoc(path=Path(path), data=data, lines=lines, line_offset=line_offset)
        raise control_error(escaped[1], doc.where(escaped[0]))
    if dups:
        dup = dups[0]
        raise InputError(
            f"Mục '{dup.key}' được viết hai lần (dòng {dup.first + line_offset} "
            f"và dòng {dup.second + line_offset})",
            where=f"{path}, dòng {dup.second + line_offset}, mục '{dup.key}'",
            fix="giữ một dòng, xóa dòng còn lại",
        )
    return YamlDoc(path=Path(path), data=data, lines=lines, line_offset=line_offset)


def control_error(ch: str, where: str) -> InputError:
    """The refusal of a control character, at ``where`` (file, line, column or field)."""
    return InputError(
        f"Có ký tự điều khiển không in ra được ({describe(ch)})", where=where, fix=FIX_CONTROL
    )


#: a schedule file larger than this is refused before it is read: a province's 10,000
#: stations take about 2.1 MB (bench/bench_yaml.py); a bigger file is a mistake (a log pasted in) or an attack
MAX_YAML_BYTES = 10_000_000


def load_yaml(path: Path) -> YamlDoc:
    """Read and parse a YAML file of at most MAX_YAML_BYTES (refused by its size first)."""
    refuse_if_bigger(Path(path), MAX_YAML_BYTES)
    return parse_yaml(read_text(path), Path(path))


def refuse_if_bigger(path: Path, max_bytes: int, fix: str | None = None) -> None:
    """An InputError when ``path`` is larger than ``max_bytes``, said before it is read."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # read_text says what is wrong with it
    if size > max_bytes:
        shown = f"{math.ceil(size / 1e5) / 10:g}".replace(".", ",")  # rounded up: over
        limit = f"{max_bytes / 1e6:g}".replace(".", ",")
        raise InputError(
            f"Tệp {path.name} nặng {shown} MB, quá giới hạn {limit} MB: không đọc",
            where=str(path),
            fix=fix
            or "tệp này chỉ ghi lịch và danh sách đài; kiểm tra có dán nhầm nội dung "
            "khác vào không (mở bằng Notepad), hoặc chia thành nhiều tệp trong schedules/",
        )
