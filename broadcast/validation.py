"""Turn pydantic validation errors into InputErrors that name file, line, field and fix."""

from __future__ import annotations

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
    template = _MESSAGES.get(kind)
    if template is None:
        return InputError(f"'{field}': {err['msg']}", where=doc.where(loc))
    fmt = {"field": field, "input": err.get("input"), **ctx}
    if "expected" in fmt:
        fmt["expected"] = str(fmt["expected"]).replace(" or ", " hoặc ")
    what, fix = template
    return InputError(what.format(**fmt), where=doc.where(loc), fix=fix.format(**fmt))


def validate(model: type[M], data: Any, doc: YamlDoc, prefix: tuple[Any, ...] = ()) -> M:
    """Validate ``data`` into ``model``; all field errors at once, with lines."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors: list[InputError] = [_one(e, doc, prefix) for e in exc.errors()]
        if len(errors) == 1:
            raise errors[0] from None
        raise ValidationErrors(list(errors)) from None
