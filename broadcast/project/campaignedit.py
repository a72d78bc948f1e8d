"""Campaigns edited in the browser (issue 19): the form's fields in, the YAML officers
write by hand out.

Pure functions. ``form_of`` gives the form for a loaded campaign; ``wanted`` turns a
posted form into the values a campaign entry holds; ``apply`` writes them into a
``schedules/*.yaml`` text through ruamel.yaml's round trip, touching only the keys whose
meaning changed (a ``weekdays: [mon, tue]`` the officer wrote stays as written when the
days are the same), so comments, key order and quoting stay; ``new_file`` is the text of
a new campaign file. ``field_of`` and ``in_form_words`` place and word the loader's own
messages for the form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from ..errors import BroadcastError, InputError
from ..files.controls import one_line, unix_newlines
from . import yamledit
from .converters import to_date, whole_number
from .schedule import Campaign
from .validation import slug

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SESSION_WORDS = {"morning": "sáng", "evening": "chiều"}
MODES = {"rotate": "lần lượt từng kịch bản", "all": "mọi kịch bản mỗi khung"}
#: campaigns may say ``share: airtime`` once the planner knows it (issue 22)
SHARES = {"count": "theo số bản tin", "airtime": "theo thời lượng phát"}
SLOT_ROWS = 4  # slot rows in the form (filled ones plus empty ones)

#: YAML key -> the box it is in the form (the loader's messages name keys)
LABELS = {
    "id": "Mã chiến dịch",
    "title": "Tên chiến dịch",
    "number": "Số công văn",
    "date": "Ngày công văn",
    "issuer": "Cơ quan ban hành",
    "from": "Phát từ ngày",
    "until": "Phát đến ngày",
    "weekdays": "Các ngày trong tuần",
    "slots": "Khung phát",
    "at": "Giờ phát",
    "session": "Buổi",
    "times": "Số bản tin",
    "per_day": "Số bản tin mỗi ngày",
    "stations": "Phát ở đài / nhóm",
    "priority": "Mức",
    "mode": "Cách chọn kịch bản",
    "scripts": "Kịch bản",
    "share": "Chia giờ phát",
}
#: YAML key -> form field the message is shown beside
FIELD_OF_KEY = {
    "number": "directive_number",
    "date": "directive_date",
    "issuer": "directive_issuer",
    "at": "slots",
    "session": "slots",
    "times": "slots",
    "directive": "directive_number",
}
GENERAL = "_general"


def supports_share() -> bool:
    return "share" in Campaign.model_fields


def _date(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def form_of(c: Campaign | None) -> dict[str, Any]:
    """The form's values for a campaign (None: a new one, every day, morning and evening)."""
    if c is None:
        return {
            "id": "",
            "title": "",
            "directive_number": "",
            "directive_date": "",
            "directive_issuer": "",
            "from": "",
            "until": "",
            "weekdays": list(range(7)),
            "slots": [
                {"kind": "sáng", "at": "", "times": "1"},
                {"kind": "chiều", "at": "", "times": "1"},
            ],
            "per_day": "",
            "stations": [],
            "priority": "normal",
            "mode": "rotate",
            "scripts": "all",
            "share": "count",
        }
    slots = [
        {
            "kind": SESSION_WORDS[s.session] if s.session else "giờ",
            "at": f"{s.at:%H:%M}" if s.at else "",
            "times": str(s.times),
        }
        for s in c.slots
    ]
    return {
        "id": c.id,
        "title": c.title,
        "directive_number": c.directive.number,
        "directive_date": _date(c.directive.date),
        "directive_issuer": c.directive.issuer,
        "from": _date(c.start),
        "until": _date(c.end),
        "weekdays": list(c.weekdays),
        "slots": slots,
        "per_day": str(c.per_day or ""),
        "stations": list(c.stations),
        "priority": c.priority.value,
        "mode": c.mode,
        "scripts": c.scripts if c.scripts == "all" else list(c.scripts),
        "share": str(getattr(c, "share", "count") or "count"),
    }


def _one(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    if isinstance(value, list):
        value = value[0] if value else ""
    # a line break is kept: the loader refuses it in a one-line field (title, directive)
    # and names the box, where a silent space would change what the officer wrote
    return unix_newlines(str(value or "")).strip()


def _many(form: Any, name: str) -> list[str]:
    if hasattr(form, "getlist"):
        return [str(v) for v in form.getlist(name)]
    value = form.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def form_from_post(form: Any) -> dict[str, Any]:
    """The posted form as :func:`form_of` gives it (to show it again with its errors)."""
    slots = []
    for i in range(SLOT_ROWS):
        kind = _one(form, f"slot_kind_{i}")
        at = _one(form, f"slot_at_{i}")
        times = _one(form, f"slot_times_{i}") or "1"
        if kind in ("sáng", "chiều", "giờ"):
            slots.append({"kind": kind, "at": at, "times": times})
    scripts: str | list[str] = "all"
    if _one(form, "scripts_mode") == "some":
        scripts = _many(form, "script")
    days = []
    for d in _many(form, "weekday"):
        day = whole_number(d)
        if day is not None and day < 7:
            days.append(day)
    return {
        "id": _one(form, "id"),
        "title": _one(form, "title"),
        "directive_number": _one(form, "directive_number"),
        "directive_date": _one(form, "directive_date"),
        "directive_issuer": _one(form, "directive_issuer"),
        "from": _one(form, "from"),
        "until": _one(form, "until"),
        "weekdays": sorted(set(days)),
        "slots": slots,
        "per_day": _one(form, "per_day"),
        "stations": _many(form, "target"),
        "priority": _one(form, "priority") or "normal",
        "mode": _one(form, "mode") or "rotate",
        "scripts": scripts,
        "share": _one(form, "share") or "count",
    }


def _number(text: str) -> Any:
    number = whole_number(text)
    return text if number is None else number


def wanted(form: dict[str, Any]) -> dict[str, Any]:
    """The campaign entry's values for the form (plain Python values, keys in the order
    officers write them). None: the key is left out (its default applies)."""
    s = yamledit.scalar
    directive: dict[str, Any] = {"number": s(form["directive_number"])}
    if form["directive_date"]:
        directive["date"] = s(form["directive_date"])
    directive["issuer"] = s(form["directive_issuer"])
    slots = []
    for row in form["slots"]:
        slot: dict[str, Any] = (
            {"at": DoubleQuotedScalarString(row["at"])}
            if row["kind"] == "giờ"
            else {"session": row["kind"]}
        )
        times = _number(row.get("times") or "1")
        if times != 1:
            slot["times"] = times
        slots.append(slot)
    values: dict[str, Any] = {
        "id": form["id"],
        "title": s(form["title"]),
        "directive": directive,
        "from": s(form["from"]),
        "until": s(form["until"]),
        "weekdays": [WEEKDAY_KEYS[d] for d in form["weekdays"]],
        "slots": slots,
        "scripts": form["scripts"],
        "mode": form["mode"],
        "stations": form["stations"],
        "priority": form["priority"],
        "per_day": _number(form["per_day"]) if form["per_day"] else None,
    }
    if supports_share():
        values["share"] = form["share"] if form["share"] != "count" else None
    return values


_DEFAULTS: dict[str, Any] = {
    "weekdays": list(WEEKDAY_KEYS),
    "scripts": "all",
    "mode": "rotate",
    "stations": ["all"],
    "priority": "normal",
}
#: the order officers write a campaign's keys in (new keys go to their place)
ORDER = (
    "id",
    "title",
    "directive",
    "from",
    "until",
    "weekdays",
    "slots",
    "per_day",
    "scripts",
    "mode",
    "stations",
    "priority",
    "share",
)
_ATTR = {"from": "start", "until": "end"}


def _model(entry: Mapping[str, Any]) -> Campaign | None:
    try:
        return Campaign.model_validate(dict(entry))
    except (ValidationError, ValueError, TypeError):
        return None


def _same(key: str, old: Any, new: Any) -> bool:
    """Do two values of ``key`` mean the same to the loader?"""
    base = {
        "id": "x",
        "title": "x",
        "directive": {"number": "x", "issuer": "x"},
        "from": "01/01/2026",
        "until": "01/01/2026",
        "slots": [{"session": "sáng"}],
    }
    a, b = _model({**base, key: old}), _model({**base, key: new})
    if a is None or b is None:
        return str(old) == str(new)
    attr = _ATTR.get(key, key)
    return bool(getattr(a, attr) == getattr(b, attr))


def _yaml_value(key: str, value: Any) -> Any:
    if key in ("weekdays", "stations") or (key == "scripts" and isinstance(value, list)):
        return yamledit.flow_list(list(value))
    if key == "slots":
        seq = CommentedSeq()
        for slot in value:
            seq.append(yamledit.flow_map(slot))
        return seq
    if key == "directive":
        return CommentedMap(value)
    return value


def _set_directive(entry: CommentedMap, value: dict[str, Any], changed: list[str]) -> None:
    old = entry.get("directive")
    if not isinstance(old, dict):
        entry["directive"] = _yaml_value("directive", value)
        changed.append("directive")
        return
    for sub in ("number", "date", "issuer"):
        new = value.get(sub)
        if new is None:
            if sub in old:
                yamledit.remove_key(old, sub)
                changed.append(f"directive.{sub}")
            continue
        if sub in old and _same_text_or_date(sub, old[sub], new):
            continue
        if isinstance(old, CommentedMap):
            yamledit.put_key(old, sub, new, ("number", "date", "issuer"))
        else:
            old[sub] = new
        changed.append(f"directive.{sub}")


def _same_text_or_date(key: str, old: Any, new: Any) -> bool:
    if key == "date":
        try:
            return to_date(old) == to_date(new)
        except ValueError:
            pass
    return str(old) == str(new)


def set_entry(entry: CommentedMap, values: dict[str, Any]) -> list[str]:
    """Write ``values`` into a campaign's mapping in place; the keys that changed."""
    changed: list[str] = []
    for key, value in values.items():
        if key == "directive":
            _set_directive(entry, value, changed)
            continue
        if value is None:
            if key in entry:
                yamledit.remove_key(entry, key)
                changed.append(key)
            continue
        if key in entry:
            if _same(key, entry[key], value):
                continue
        elif key in _DEFAULTS and _same(key, _DEFAULTS[key], value):
            continue
        if key == "slots" and isinstance(entry.get(key), list):
            _set_slots(entry[key], value)
        else:
            yamledit.put_key(entry, key, _yaml_value(key, value), ORDER)
        changed.append(key)
    return changed


def _keep_what_followed(seq: CommentedSeq, tail: Any) -> None:
    """A removed last item's comment: its own end-of-line note goes with it, what
    followed it (a blank line, the next section's heading) stays after the new last."""
    tok = tail[0] if tail else None
    if tok is None or not seq or (seq.ca.items.get(len(seq) - 1) or [None])[0] is not None:
        return
    eol, nl, rest = tok.value.partition("\n")
    if not rest.strip():
        return
    value = nl + rest if eol.strip() else tok.value
    seq.ca.items[len(seq) - 1] = [CommentToken(value, CommentMark(0)), None, None, None]


def _set_slots(old: CommentedSeq, slots: list[dict[str, Any]]) -> None:
    """The slot list changed in place: a slot that means the same keeps its line, a
    changed one keeps the comment written after it, extra ones go at the end."""
    for i, slot in enumerate(slots):
        if i >= len(old):
            old.append(yamledit.flow_map(slot))
        elif not _same("slots", [old[i]], [slot]):
            old[i] = yamledit.flow_map(slot)
    while len(old) > len(slots):
        last = len(old) - 1
        tail = old.ca.items.pop(last, None)
        del old[last]
        _keep_what_followed(old, tail)


def apply(text: str, campaign_id: str, values: dict[str, Any]) -> tuple[str, list[str]]:
    """The file's text with one campaign changed, and the keys that changed."""
    doc = yamledit.load(text)
    for entry in (doc or {}).get("campaigns") or []:
        if str(entry.get("id")) == campaign_id:
            if not isinstance(entry, CommentedMap):
                break
            changed = set_entry(entry, {k: v for k, v in values.items() if k != "id"})
            return (yamledit.dump(doc) if changed else text), changed
    raise InputError(
        f"Không có chiến dịch '{campaign_id}' trong tệp",
        where="các chiến dịch",
        fix="tải lại trang danh sách chiến dịch",
    )


def new_file(values: dict[str, Any], title: str) -> str:
    """A new ``schedules/ID.yaml`` holding one campaign, with a heading comment."""
    entry = CommentedMap()
    for key, value in values.items():
        if value is None or (key in _DEFAULTS and _same(key, _DEFAULTS[key], value)):
            continue
        entry[key] = _yaml_value(key, value)
    doc = CommentedMap({"campaigns": CommentedSeq([entry])})
    # a comment is one line: a line break in the title would start a line of YAML (the
    # title itself, quoted, is refused by the loader's one-line rule and named)
    head = f"# {one_line(title)}\n# Tạo trên bàn làm việc; sửa tay được như mọi tệp lịch.\n"
    return head + yamledit.dump(doc)


def file_name(campaign_id: str) -> str:
    return f"{campaign_id}.yaml"


def suggested_id(form: dict[str, Any]) -> str:
    return form["id"] or slug(form["title"])


def field_of(err: BroadcastError) -> str:
    """The form field a loader message concerns (by the key it names)."""
    m = re.search(r"mục '([^']+)'", err.where or "")
    if m:
        parts = [p for p in m.group(1).split(".") if not p.isdigit()]
        for key in reversed(parts):
            if key in FIELD_OF_KEY:
                return FIELD_OF_KEY[key]
            if key in LABELS:
                return key
    return GENERAL


def in_form_words(text: str) -> str:
    """A loader message as the form shows it: keys become the boxes' labels."""
    for key, label in LABELS.items():
        text = text.replace(f"'{key}'", f"ô «{label}»")
    text = text.replace("'at' (giờ, ví dụ 05:30) hoặc 'session' (sáng/chiều)", "giờ hoặc buổi")
    text = re.sub(r"viết '[a-z_]+: ([^']*)'", r"ghi \1", text)
    return text


def errors_by_field(found: list[BroadcastError], name: str = "") -> dict[str, list[str]]:
    """The loader's messages by the form field they concern; a problem in another file
    (``name`` is the one being saved) is shown above the form, naming that file."""
    out: dict[str, list[str]] = {}
    for err in found:
        words = in_form_words(err.what + (f" — cách sửa: {err.fix}" if err.fix else ""))
        file = (err.where or "").split(",")[0].strip()
        if name and file.endswith(".yaml") and file != name:
            out.setdefault(GENERAL, []).append(f"{words} (trong tệp lịch {file})")
            continue
        out.setdefault(field_of(err), []).append(words)
    return out
