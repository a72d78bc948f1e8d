"""Change the schedule's YAML from the console the way an officer would by hand.

ruamel.yaml round-trips the file: comments, key order and quoting stay as the officer
wrote them; only the values changed move. A new text is checked by the schedule loader
(``check``'s own rules) on a copy of the schedules folder before it replaces the file,
atomically; a file changed meanwhile (its hash differs from the one the form was made
from) is refused.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from ..errors import BroadcastError, InputError, ValidationErrors
from ..files import atomic
from ..files.confined import check_within, script_paths
from ..files.controls import unix_newlines
from ..files.sources import load_yaml
from .converters import to_seconds, to_weekday, to_window
from .loader import load_schedule, load_scripts, missing_scripts
from .schedule import Schedule
from .scripts import Script

STATIONS = "stations.yaml"


class Conflict(InputError):
    """The file changed since the form was made: nothing written. ``theirs`` is the file
    as it is now, ``yours`` what saving the form onto it would write."""

    def __init__(self, name: str, theirs: str, yours: str) -> None:
        super().__init__(
            "Tệp lịch đã được người khác sửa trong lúc bạn đang sửa",
            where=name,
            fix="chưa ghi gì: xem hai bản dưới đây, sửa lại trong biểu mẫu rồi bấm Lưu",
        )
        self.theirs = theirs
        self.yours = yours


@dataclass
class Loaded:
    """What the editing pages show: the schedule and the scripts as far as they load (a
    new project has no script yet, and its first station is added from the browser)."""

    schedule: Schedule | None
    scripts: dict[str, Script]
    errors: list[BroadcastError]


def load_for_editing(root: Path) -> Loaded:
    errors: list[BroadcastError] = []
    schedule = load_schedule(root / "schedules", errors)
    scripts = load_scripts(root / "scripts", [])
    hide = str(root) + "/"
    shown: list[BroadcastError] = [
        InputError(e.what.replace(hide, ""), (e.where or "").replace(hide, ""), e.fix)
        for err in errors
        for e in (err.errors if isinstance(err, ValidationErrors) else [err])
    ]
    return Loaded(schedule, scripts, shown)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _yaml() -> YAML:
    y = YAML()  # round-trip
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    # '[{at: "17:00"}]' stays with its braces (ruamel drops them by default)
    y.brace_single_entry_mapping_in_flow_sequence = True
    return y


def load(text: str) -> Any:
    return _yaml().load(text)


def dump(doc: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    return buf.getvalue()


def scalar(value: str) -> Any:
    """A string the project's loader (PyYAML) reads back as exactly ``value``: plain when
    it can be, else double-quoted ('05:40' would be a number of minutes, 'on' a yes)."""
    # a form's line break is CR LF: one line break, which the loader names in a one-line
    # field (a lone CR would be refused as an invisible character instead)
    value = unix_newlines(value).strip()
    if reads_back_plain(value):
        return value
    return DoubleQuotedScalarString(value)


def reads_back_plain(value: str) -> bool:
    """Whether ``value`` written unquoted after ``key:`` reads back as exactly itself.
    Any text a form sends: an impossible date ('2026-02-30') makes PyYAML raise a
    ValueError, not a YAMLError; it is simply not plain."""
    if not value or "#" in value:
        return False
    try:
        return bool(yaml.safe_load(f"k: {value}") == {"k": value})
    except (yaml.YAMLError, ValueError, OverflowError):
        return False


def flow_list(items: list[Any]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def flow_map(items: dict[str, Any]) -> CommentedMap:
    m = CommentedMap(items)
    m.fa.set_flow_style()
    return m


def _tail_holder(node: Any) -> tuple[Any, Any] | None:
    """(mapping, key) whose comment slot holds what is written after ``node`` ends."""
    if isinstance(node, CommentedMap) and node:
        last = list(node)[-1]
        value = node[last]
        if isinstance(value, CommentedMap | CommentedSeq) and not value.fa.flow_style() and value:
            inner = _tail_holder(value)
            if inner is not None:
                return inner
        return node, last
    if isinstance(node, CommentedSeq) and node:
        return _tail_holder(node[-1])
    return None


def put_key(mapping: CommentedMap, key: str, value: Any, order: tuple[str, ...] = ()) -> None:
    """Set ``mapping[key]``; a new key goes after the last key before it in ``order``
    (at the end otherwise), and a comment block that followed the old last key (the
    next section's heading, a commented-out example) stays below the new one."""
    if key in mapping:
        mapping[key] = value
        return
    before = order[: order.index(key)] if key in order else tuple(order)
    pos = len(mapping)
    keys = list(mapping)
    for i in range(len(keys) - 1, -1, -1):
        if keys[i] in before:
            pos = i + 1
            break
    if pos < len(mapping):
        mapping.insert(pos, key, value)
        return
    holder = _tail_holder(mapping)
    mapping[key] = value
    if holder is None:
        return
    owner, last = holder
    slot = owner.ca.items.get(last)
    if not slot or len(slot) < 3 or slot[2] is None:
        return
    tok = slot[2]
    eol, nl, rest = tok.value.partition("\n")
    if not rest.strip():
        return  # only an end-of-line comment: it stays on its line
    column = getattr(tok, "column", 0) or 0
    slot[2] = CommentToken(eol + nl, CommentMark(column)) if eol.strip() else None
    mapping.ca.items[key] = [
        None,
        None,
        CommentToken(nl + rest if eol.strip() else tok.value, CommentMark(0)),
        None,
    ]


def _take_tail(mapping: CommentedMap) -> str:
    """Cut what is written after ``mapping``'s last line (a blank line, the next section's
    heading, a commented-out example), keeping that line's own end-of-line note; the
    text returned starts after the line's end."""
    holder = _tail_holder(mapping)
    if holder is None:
        return ""
    owner, last = holder
    slot = owner.ca.items.get(last)
    if not slot or len(slot) < 3 or slot[2] is None:
        return ""
    tok = slot[2]
    eol, nl, rest = tok.value.partition("\n")
    if eol.strip():
        slot[2] = CommentToken(eol + nl, CommentMark(getattr(tok, "column", 0) or 0))
        return rest
    slot[2] = None
    return tok.value[1:] if tok.value.startswith("\n") else tok.value


def attach_tail(mapping: CommentedMap, tail: str) -> None:
    """Write ``tail`` (from :func:`_take_tail`) after ``mapping``'s last line."""
    if not tail.strip():
        return
    holder = _tail_holder(mapping)
    if holder is None:
        return
    owner, last = holder
    slot = owner.ca.items.setdefault(last, [None, None, None, None])
    while len(slot) < 4:
        slot.append(None)
    if slot[2] is None:
        slot[2] = CommentToken("\n" + tail, CommentMark(0))
    else:
        value = slot[2].value
        slot[2] = CommentToken(
            value + tail if value.endswith("\n") else value + "\n" + tail,
            CommentMark(getattr(slot[2], "column", 0) or 0),
        )


def remove_key(mapping: Any, key: Any) -> str:
    """Delete ``mapping[key]``; when it was the last key, what followed it stays below
    the new last line. Returns that text when the mapping is left empty (for the caller
    to place after the mapping's own key)."""
    if key not in mapping:
        return ""
    last = list(mapping)[-1] == key and isinstance(mapping, CommentedMap)
    tail = _take_tail(mapping) if last else ""
    del mapping[key]
    if mapping and isinstance(mapping, CommentedMap):
        attach_tail(mapping, tail)
        return ""
    return tail


def append_item(seq: CommentedSeq, item: CommentedMap) -> None:
    """Append ``item`` to a block list the way the officer spaced it: when the entries are
    separated by a blank line the new one is too, and what followed the old last entry (a
    blank line, the next section's heading) follows the new one."""
    holder = _tail_holder(seq[-1]) if len(seq) else None
    before = seq.ca.items.get(len(seq) - 1) if len(seq) > 1 else None
    seq.append(item)
    if before and len(before) > 1 and before[1]:
        blank = [t for t in before[1] if not t.value.strip()]
        if blank and len(blank) == len(before[1]):  # entries spaced by blank lines only
            seq.ca.items[len(seq) - 1] = [None, [CommentToken("\n", CommentMark(0))], None, None]
    if holder is None:
        return
    owner, last = holder
    slot = owner.ca.items.get(last)
    if not slot or len(slot) < 3 or slot[2] is None:
        return
    tok = slot[2]
    eol, nl, rest = tok.value.partition("\n")
    if not rest and not eol.strip():
        return
    new_holder = _tail_holder(item)
    if new_holder is None:
        return
    spaced = rest.startswith("\n") if eol.strip() else tok.value.startswith("\n\n")
    keep = (eol + nl if eol.strip() else "\n") + ("\n" if spaced else "")
    moved = nl + rest if eol.strip() else tok.value
    column = getattr(tok, "column", 0) or 0
    slot[2] = CommentToken(keep, CommentMark(column if eol.strip() else 0))
    new_owner, new_last = new_holder
    new_owner.ca.items[new_last] = [None, None, CommentToken(moved, CommentMark(0)), None]


def _station_entry(doc: Any, station_id: str) -> Any:
    for st in doc.get("stations") or []:
        if str(st.get("id")) == station_id:
            return st
    raise InputError(
        f"Không có đài '{station_id}'", where="danh sách đài", fix="chọn đài trong danh sách"
    )


def add_station(text: str, values: dict[str, Any], commune: str = "") -> str:
    """``stations.yaml`` text with a new station at the end of the list (keys in the order
    officers write them: id, name, kind, dialect, windows). A new project's first station
    also names the commune (the file is made when there is none)."""
    doc = load(text) if text.strip() else None
    if not isinstance(doc, CommentedMap):
        doc = CommentedMap()
    if commune and not doc.get("commune"):
        doc.insert(0, "commune", scalar(commune))
        if "timezone" not in doc:
            doc.insert(1, "timezone", "Asia/Ho_Chi_Minh")
    if doc.get("stations") is None:
        doc["stations"] = CommentedSeq()
    entry = CommentedMap()
    for key in ("id", "name", "kind", "dialect", "windows", "limits"):
        value = values.get(key)
        if value in (None, "", [], {}):
            continue
        if key == "windows":
            value = flow_list([DoubleQuotedScalarString(w) for w in value])
        elif key == "limits":
            value = flow_map(value)
        elif isinstance(value, str):
            value = scalar(value)
        entry[key] = value
    append_item(doc["stations"], entry)
    return dump(doc)


def set_windows(text: str, station_id: str, windows: list[str]) -> str:
    """The station's own ``windows`` list replaced (left as written when the same)."""
    doc = load(text)
    st = _station_entry(doc, station_id)
    try:
        same = [to_window(w) for w in st.get("windows") or []] == [to_window(w) for w in windows]
    except ValueError:
        same = False
    if same and "windows" in st:
        return text
    if windows:
        st["windows"] = flow_list([DoubleQuotedScalarString(w) for w in windows])
    elif "windows" in st:
        remove_key(st, "windows")
    return dump(doc)


LIMIT_KEYS = ("max_sessions_per_day", "max_session", "weekdays")


def _same_limit(key: str, old: Any, new: Any) -> bool:
    """Do two values of a ``limits`` key mean the same ('15m' and '15 phút' do)?"""
    try:
        if key == "max_session":
            return to_seconds(old) == to_seconds(new)
        if key == "weekdays":
            return [to_weekday(d) for d in old] == [to_weekday(d) for d in new]
    except (TypeError, ValueError):
        return False
    return str(old) == str(new)


def set_limits(text: str, station_id: str | None, limits: dict[str, Any]) -> str:
    """A station's own ``limits`` (``station_id`` None: the defaults' for every station);
    a key whose value is None is removed (the station then follows the defaults)."""
    doc = load(text)
    if station_id is None:
        if doc.get("defaults") is None:
            doc["defaults"] = CommentedMap()
        owner = doc["defaults"]
    else:
        owner = _station_entry(doc, station_id)
    current = owner.get("limits")
    if current is None:
        current = flow_map({}) if station_id is not None else CommentedMap()
    carried = ""
    for key, value in limits.items():
        old = current.get(key)
        if value is None:
            carried += remove_key(current, key)
            continue
        if old is not None and _same_limit(key, old, value):
            continue
        shown = (
            flow_list(value)
            if isinstance(value, list)
            else scalar(value)
            if isinstance(value, str)
            else value
        )
        put_key(current, key, shown, LIMIT_KEYS)
    if current:
        owner["limits"] = current
        attach_tail(current, carried)  # a removed last key's heading, below the new last
    elif "limits" in owner:
        carried += remove_key(owner, "limits")
        attach_tail(owner, carried)
    return dump(doc)


def set_group(text: str, name: str, members: list[str]) -> str:
    """A named group with these stations (created at the end when new)."""
    doc = load(text)
    groups = doc.get("groups")
    if groups is None:
        groups = doc["groups"] = CommentedMap()
    old = groups.get(name)
    if old is not None and [str(m) for m in old] == members:
        return text
    if old is not None and isinstance(old, CommentedSeq):
        old.clear()
        old.extend(members)
    else:
        groups[name] = flow_list(members)
    return dump(doc)


def remove_group(text: str, name: str) -> str:
    doc = load(text)
    groups = doc.get("groups") or {}
    if name not in groups:
        raise InputError(f"Không có nhóm '{name}'", where="các nhóm", fix="tải lại trang")
    carried = remove_key(groups, name)
    if not groups:  # the last group: no 'groups: {}' left behind
        carried += remove_key(doc, "groups")
        attach_tail(doc, carried)
    return dump(doc)


def edit_station(text: str, station_id: str, changes: dict[str, str]) -> str:
    """``stations.yaml`` text with one station's fields changed (empty value: removed)."""
    y = _yaml()
    doc = y.load(text)
    for st in doc.get("stations") or []:
        if str(st.get("id")) == station_id:
            for key, value in changes.items():
                if value:
                    st[key] = scalar(value)  # as every other value a form writes
                elif key in st:
                    remove_key(st, key)
            break
    else:
        raise InputError(
            f"Không có đài '{station_id}'", where="danh sách đài", fix="chọn đài trong danh sách"
        )
    buf = io.StringIO()
    y.dump(doc, buf)
    return buf.getvalue()


def problems(folder: Path, name: str, text: str) -> list[BroadcastError]:
    """Every problem the schedule loader (``check``'s rules) finds in the schedules folder
    as it would be with ``name`` holding ``text``; paths are the file names only."""
    with tempfile.TemporaryDirectory(prefix="broadcast-check-") as tmp:
        copy = Path(tmp) / "schedules"
        shutil.copytree(folder, copy)
        (copy / name).write_text(text, encoding="utf-8")
        errors: list[BroadcastError] = []
        sched = load_schedule(copy, errors)
        if sched is not None:  # the scripts it names exist, as the project's load asks
            known = {p.stem for p in script_paths(folder.parent)}
            errors.extend(missing_scripts(sched, known, load_yaml))
    flat: list[BroadcastError] = []
    for err in errors:
        flat.extend(err.errors if isinstance(err, ValidationErrors) else [err])
    hide = str(copy) + "/"
    return [
        InputError(
            e.what.replace(hide, ""),
            where=(e.where or name).replace(hide, ""),
            fix=(e.fix or "").replace(hide, "") or None,
        )
        for e in flat
    ]


def check_schedules(folder: Path, name: str, text: str) -> None:
    """Load the schedules folder as it would be with ``name`` holding ``text``; raise the
    first problem (worded by the loader for an officer)."""
    found = problems(folder, name, text)
    if found:
        first = found[0]
        raise InputError(first.what, where=name, fix=first.fix or "sửa lại ô vừa nhập")


def current_text(path: Path) -> str:
    """The file's text, or '' for a file not there yet (a new campaign's); a link out of
    the project (``schedules/`` is in its root) is refused, never shown nor edited."""
    if not path.is_file():
        return ""
    return check_within(path.parent.parent, path).read_text(encoding="utf-8")


def refuse_if_changed(path: Path, based_on: str, yours: str) -> None:
    """Raise :class:`Conflict` when the file's text is not the one hashed in ``based_on``
    (a new file: ``based_on`` is the hash of '' and the file must not exist)."""
    now = current_text(path)
    if text_hash(now) != based_on or (not now and path.exists()):
        raise Conflict(path.name, now, yours)


def save(folder: Path, name: str, text: str, based_on: str) -> None:
    """Replace ``folder/name`` with ``text`` if nobody changed it since ``based_on``."""
    path = folder / name
    refuse_if_changed(path, based_on, text)
    check_schedules(folder, name, text)
    atomic.write_text(path, text)
