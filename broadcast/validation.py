"""Turn pydantic validation errors into InputErrors that name file, line, field and fix."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import InputError, ValidationErrors
from .sources import YamlDoc

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


def _one(err: ErrorDetails, doc: YamlDoc, prefix: tuple[Any, ...]) -> InputError:
    loc = prefix + tuple(p for p in err["loc"] if not str(p).startswith("function-"))
    field = str(loc[-1]) if loc else ""
    kind = err["type"]
    ctx = dict(err.get("ctx") or {})
    if kind == "value_error":
        # Our converters and validators speak Vietnamese already.
        msg = str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
        return InputError(f"'{field}': {msg}", where=doc.where(loc))
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
    return InputError(what.format(**fmt), where=doc.where(loc), fix=fix.format(**fmt))


def slug(text: str) -> str:
    """'Cảnh giác OTP' -> 'canh-giac-otp': the id an officer most likely meant."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _bad_id(field: str, value: str, doc: YamlDoc, loc: tuple[Any, ...]) -> InputError:
    good = slug(value) or "vi-du-1"
    fix = f"viết '{field}: {good}'"
    if doc.path.suffix == ".md":
        fix += f" và đổi tên tệp thành {good}.md"
    return InputError(
        f"'{field}' là '{value}': mã chỉ được dùng chữ thường không dấu (a-z), số và dấu '-'",
        where=doc.where(loc),
        fix=fix,
    )


def validate(model: type[M], data: Any, doc: YamlDoc, prefix: tuple[Any, ...] = ()) -> M:
    """Validate ``data`` into ``model``; all field errors at once, with lines."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors: list[InputError] = [_one(e, doc, prefix) for e in exc.errors()]
        if len(errors) == 1:
            raise errors[0] from None
        raise ValidationErrors(list(errors)) from None
