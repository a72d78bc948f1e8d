"""Turn pydantic validation errors into InputErrors that name file, line, field and fix."""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import InputError, ValidationErrors
from ..files.sources import YamlDoc

M = TypeVar("M", bound=BaseModel)

_MESSAGES = {
    "missing": ("thiếu mục bắt buộc '{field}'", "thêm dòng '{field}: ...'"),
    "extra_forbidden": (
        "mục '{field}' không được biết đến",
        "kiểm tra chính tả tên mục; xem ví dụ trong README",
    ),
    "int_parsing": ("'{field}' phải là số nguyên, không phải {input!r}", "viết một số, ví dụ 2"),
    "int_type": ("'{field}' phải là số nguyên, không phải {input!r}", "viết một số, ví dụ 2"),
    "float_parsing": ("'{field}' phải là số, không phải {input!r}", "viết một số, ví dụ -16"),
    "float_type": ("'{field}' phải là số, không phải {input!r}", "viết một số, ví dụ -16"),
    "string_type": ("'{field}' phải là chữ, không phải {input!r}", "viết giá trị dạng chữ"),
    "list_type": ("'{field}' phải là một danh sách", "viết dạng [a, b] hoặc mỗi dòng '- a'"),
    "dict_type": ("'{field}' phải là một nhóm mục", "viết các mục con thụt lề bên dưới"),
    "model_type": ("'{field}' phải là một nhóm mục", "viết các mục con thụt lề bên dưới"),
    "bool_parsing": ("'{field}' phải là có/không", "viết true hoặc false"),
    "literal_error": ("'{field}' có giá trị {input!r} không hợp lệ", "chọn một trong: {expected}"),
    "enum": ("'{field}' có giá trị {input!r} không hợp lệ", "chọn một trong: {expected}"),
    "greater_than_equal": ("'{field}' quá nhỏ: {input!r}", "giá trị phải ≥ {ge}"),
    "less_than_equal": ("'{field}' quá lớn: {input!r}", "giá trị phải ≤ {le}"),
    "greater_than": ("'{field}' quá nhỏ: {input!r}", "giá trị phải > {gt}"),
    "less_than": ("'{field}' quá lớn: {input!r}", "giá trị phải < {lt}"),
    "string_too_short": ("'{field}' đang để trống", "điền nội dung cho mục này"),
    "too_short": ("'{field}' đang để trống", "thêm ít nhất một giá trị"),
}


def field_names(model: type[BaseModel]) -> set[str]:
    """Every field name and alias of ``model`` and of the models inside it."""
    names: set[str] = set()
    todo: list[Any] = [model]
    seen: set[Any] = set()
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        for name, info in m.model_fields.items():
            names.add(info.alias or name)
            names.add(name)
            for t in _inner_types(info.annotation):
                if isinstance(t, type) and issubclass(t, BaseModel):
                    todo.append(t)
    return names


def _inner_types(annotation: Any) -> list[Any]:
    out = [annotation]
    for arg in getattr(annotation, "__args__", ()) or ():
        out.extend(_inner_types(arg))
    return out


def _did_you_mean(field: str, known: set[str]) -> str:
    close = difflib.get_close_matches(field, sorted(known), n=1, cutoff=0.6)
    if not close:
        return ""
    return f"có phải ý là '{close[0]}'? viết '{close[0]}: ...'; "


def _one(
    err: ErrorDetails, doc: YamlDoc, prefix: tuple[Any, ...], known: set[str] | None = None
) -> InputError:
    loc = prefix + tuple(p for p in err["loc"] if not str(p).startswith("function-"))
    field = str(loc[-1]) if loc else ""
    kind = err["type"]
    ctx = dict(err.get("ctx") or {})
    if kind == "value_error":
        # Our converters and validators speak Vietnamese already.
        msg = str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
        fix = getattr(ctx.get("error"), "fix", None)  # a FieldError says the fix apart
        return InputError(f"'{field}': {msg}", where=doc.where(loc), fix=fix)
    if kind in ("string_type", "model_type", "dict_type", "list_type") and err.get("input") is None:
        # 'title:' with nothing after it: YAML gives None, which is not "the wrong type".
        return InputError(
            f"'{field}' đang để trống", where=doc.where(loc), fix="điền nội dung cho mục này"
        )
    if kind == "string_pattern_mismatch":
        return _bad_id(field, str(err.get("input")), doc, loc)
    template = _MESSAGES.get(kind)
    if template is None:
        return InputError(f"'{field}': {err['msg']}", where=doc.where(loc))
    fmt = {"field": field, "input": err.get("input"), **ctx}
    if "expected" in fmt:
        fmt["expected"] = str(fmt["expected"]).replace(" or ", " hoặc ")
    what, fix = template
    if kind == "extra_forbidden" and known:
        fix = _did_you_mean(field, known) + fix
    if kind == "enum" and field == "priority":
        fix += " (hoặc tiếng Việt: thường, ưu tiên, khẩn cấp)"
    return InputError(what.format(**fmt), where=doc.where(loc), fix=fix.format(**fmt))


#: the longest id (of a script, station, campaign, group): it names files and folders
#: (scripts/ID.md, a station's folder of bulletins), and a file name has at most 255 bytes
MAX_ID = 100  # a slug of a long title stays whole; yesterday's long ids load
#: an id: lowercase ASCII letters, digits and '-', at most MAX_ID characters
ID_PATTERN = rf"^[a-z0-9][a-z0-9-]{{0,{MAX_ID - 1}}}$"
ID_RULE = f"mã chỉ được dùng chữ thường không dấu (a-z), số và dấu '-', dài tối đa {MAX_ID} ký tự"


def slug(text: str) -> str:
    """'Cảnh giác OTP' -> 'canh-giac-otp': the id an officer most likely meant (cut to
    :data:`MAX_ID` characters, so a suggested id is always a valid one)."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:MAX_ID].strip("-")


def free_name(path: Path, wanted: str) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3`` ...: the first stem whose '.md' beside
    ``path`` is not another file, so that a rename we suggest overwrites nothing
    (``Ban-tai-khoan.md`` beside ``ban-tai-khoan.md``). The file itself does not count
    (a case-only rename on Windows)."""
    folder = Path(path).parent
    # Another file whose name would be told the same rename ('mật-khẩu.md' in NFC
    # beside the same name in NFD, 'Mat-Khau.md'...) keeps it if it sorts first: two
    # suggested renames never land on one name.
    try:
        rivals = {
            other.name
            for other in folder.glob("*.md")
            if other.name < Path(path).name and not os.path.samefile(other, path)
        }
    except OSError:
        rivals = set()
    claimed = {slug(name[:-3]) for name in rivals}
    for n in range(1, 1000):
        stem = wanted if n == 1 else f"{wanted}-{n}"
        other = folder / f"{stem}.md"
        if stem in claimed and other.name not in rivals:
            continue
        try:
            if not other.exists() or os.path.samefile(other, path):
                return stem
        except OSError:
            return stem
    return f"{wanted}-moi"


def taken_note(name: str) -> str:
    return (
        f" (đã có tệp {name} khác: đừng đổi tên thành nó, sẽ ghi đè lên nó; nếu hai tệp là "
        "cùng một bản tin thì xóa bản thừa)"
    )


def _bad_id(field: str, value: str, doc: YamlDoc, loc: tuple[Any, ...]) -> InputError:
    good = slug(value) or "vi-du-1"
    fix = f"viết '{field}: {good}'"
    if doc.path.suffix == ".md":
        free = free_name(doc.path, good)
        fix = f"viết '{field}: {free}' và đổi tên tệp thành {free}.md"
        if free != good:
            fix += taken_note(f"{good}.md")
    return InputError(
        f"'{field}' là '{value[:MAX_ID]}{'…' if len(value) > MAX_ID else ''}': {ID_RULE}",
        where=doc.where(loc),
        fix=fix,
    )


def validate(model: type[M], data: Any, doc: YamlDoc, prefix: tuple[Any, ...] = ()) -> M:
    """Validate ``data`` into ``model``; all field errors at once, with lines."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        known = field_names(model)
        details = exc.errors()
        # 'untill' for 'until' gives "unknown field" and "missing field": say it once,
        # at the misspelt line, with the right name.
        misspelt = set()
        for e in details:
            if e["type"] == "extra_forbidden" and e["loc"]:
                close = difflib.get_close_matches(str(e["loc"][-1]), sorted(known), 1, 0.6)
                if close:
                    misspelt.add((tuple(e["loc"][:-1]), close[0]))
        details = [
            e
            for e in details
            if not (
                e["type"] == "missing" and (tuple(e["loc"][:-1]), str(e["loc"][-1])) in misspelt
            )
        ]
        errors: list[InputError] = [_one(e, doc, prefix, known) for e in details]
        if len(errors) == 1:
            raise errors[0] from None
        raise ValidationErrors(list(errors)) from None
