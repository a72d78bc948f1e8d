"""What the planner tells an officer: one rule table of notes, and a short summary.

Every move, drop, overrun or clash the planner makes becomes a ``Note``. Their wording
lives here, in one table (``RULES``): which ``kind`` a note is (the running order's
``notes[].kind``, stable for playout tools), whether it means a requested bulletin does
not air (``lost``), its sentence, and what the officer can change. ``summarize`` turns
a plan's notes into the few lines ``build`` and ``plan`` print per station.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Note:
    """Something the planner did or could not do that an officer should see."""

    day: dt.date
    station_id: str
    kind: str  # a Rule.kind
    text: str
    slot: dt.time | None = None
    source: str = ""
    script_id: str = ""
    lost: bool = False  # a requested bulletin does not air that day because of this
    rule: str = ""  # the RULES entry that wrote it (for the fix in a summary)


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str
    lost: bool
    text: str
    fix: str


#: Every note the planner writes, by rule name. Placeholders: script, source, day, at,
#: session, frm, to, dur, cap, used, over, n, limit, valid, others, why.
RULES: dict[str, Rule] = {
    "weekday": Rule(
        "weekday",
        True,
        "'{script}' ({source}) không phát: ngày {day} ngoài các ngày đài được phát "
        "(limits.weekdays)",
        "thêm ngày này vào limits.weekdays của đài, hoặc đổi 'weekdays' của chiến dịch",
    ),
    "no-session": Rule(
        "no-session",
        True,
        "'{script}' ({source}) không phát: đài không có buổi {session}",
        "thêm khung giờ buổi sáng/chiều còn thiếu cho đài, hoặc đổi 'session' của khung phát",
    ),
    "outside-window": Rule(
        "outside-window",
        True,
        "'{script}' ({source}) không phát: {at} nằm ngoài mọi khung giờ của đài",
        "đổi giờ khung phát cho nằm trong khung giờ của đài, hoặc dùng 'session: sáng'/'chiều'",
    ),
    "oneoff-outside": Rule(
        "outside-window",
        False,
        "'{script}' ({source}) phát lúc {at}, ngoài mọi khung giờ của đài (bản tin riêng vẫn phát)",
        "",
    ),
    "invalid": Rule(
        "invalid",
        True,
        "'{script}' ({source}) không phát: ngày {day} kịch bản không còn hiệu lực ({valid})",
        "sửa valid_from/valid_until của kịch bản, hoặc đổi ngày phát",
    ),
    "withheld": Rule(
        "withheld",
        True,
        "'{script}' ({source}) không phát ngày {day}: {why}",
        "tạo lại tệp kịch bản, sửa lỗi của nó (xem 'broadcast check') hoặc duyệt nó; "
        "nếu không phát nữa thì bỏ tên nó khỏi lịch phát",
    ),
    "no-script": Rule(
        "invalid",
        False,
        "Chiến dịch '{source}' không phát gì ngày {day}: không kịch bản nào của nó có hiệu lực",
        "sửa valid_from/valid_until của kịch bản, hoặc thêm kịch bản còn hiệu lực vào 'scripts'",
    ),
    "too-long": Rule(
        "too-long",
        True,
        "'{script}' ({source}) không phát: dài {dur}, hơn mọi buổi còn lại của đài "
        "(buổi dài nhất {cap})",
        "rút ngắn kịch bản, giảm 'repeat' của đài, hoặc tăng limits.max_session/khung giờ",
    ),
    "moved": Rule(
        "moved",
        False,
        "'{script}' ({source}) không đủ chỗ ở buổi {frm}, dời sang buổi {to}",
        "tăng limits.max_session hoặc khung giờ, hoặc bớt 'times' của chiến dịch",
    ),
    "moved-cap": Rule(
        "moved",
        False,
        "'{script}' ({source}) dời từ buổi {frm} sang buổi {to}: đài chỉ được {limit} buổi "
        "một ngày (limits.max_sessions_per_day)",
        "gộp các khung phát vào ít buổi hơn, hoặc tăng limits.max_sessions_per_day",
    ),
    "dropped": Rule(
        "dropped",
        True,
        "'{script}' ({source}) không phát: buổi {frm} và các buổi sau trong ngày không đủ "
        "chỗ ({dur})",
        "tăng limits.max_session hoặc thêm khung giờ, hoặc bớt 'times'/'per_day' của chiến dịch",
    ),
    "dropped-cap": Rule(
        "dropped",
        True,
        "'{script}' ({source}) không phát: buổi {frm} không mở vì đài chỉ được {limit} buổi "
        "một ngày và không còn buổi nào sau nó",
        "gộp các khung phát vào ít buổi hơn, hoặc tăng limits.max_sessions_per_day",
    ),
    "shared": Rule(
        "shared",
        False,
        "'{script}' ({source}) phát chung một lượt với {others} ở buổi {frm}: một kịch bản "
        "không phát hai lần trong một buổi, lượt phát được tính cho cả hai",
        "",
    ),
    "overrun": Rule(
        "overrun",
        False,
        "buổi {frm} dài {used}, quá {cap} cho phép {over} (bản tin khẩn cấp không dời được)",
        "",
    ),
    "sessions": Rule(
        "sessions",
        False,
        "{n} buổi trong ngày, quá {limit} buổi cho phép (limits.max_sessions_per_day): "
        "bản tin khẩn cấp mở thêm buổi {frm}",
        "",
    ),
    "clash": Rule(
        "clash",
        False,
        "Hai bản tin ưu tiên tranh nhau buổi {frm}: '{script}' ({source}) không đủ chỗ, "
        "trong khi buổi đã có {others}. Cán bộ quyết định bản tin nào phát trước",
        "đổi giờ một trong hai, hoặc nâng một bản lên khẩn cấp",
    ),
}


def hm(t: dt.time | None) -> str:
    return f"{t:%H:%M}" if t is not None else ""


def mmss(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m} phút {s:02d} giây" if m else f"{s} giây"


def make_note(
    rule: str,
    day: dt.date,
    station_id: str,
    slot: dt.time | None = None,
    source: str = "",
    script_id: str = "",
    **fields: object,
) -> Note:
    r = RULES[rule]
    text = r.text.format(script=script_id, source=source, day=f"{day:%d/%m}", **fields)
    return Note(day, station_id, r.kind, text, slot, source, script_id, r.lost, rule)


#: Why a script the schedule names does not air (``Project.withheld``), as a note says it.
WITHHELD_WHY = {
    "missing": "không có tệp scripts/{script}.md (đã xóa hoặc đổi tên)",
    "broken": "tệp scripts/{script}.md có lỗi (xem 'broadcast check')",
    "unapproved": "kịch bản chưa được duyệt (hoặc đã sửa sau khi duyệt)",
}


def withheld_note(
    day: dt.date, station_id: str, slot: dt.time | None, source: str, script_id: str, reason: str
) -> Note:
    why = WITHHELD_WHY.get(reason, WITHHELD_WHY["missing"]).format(script=script_id)
    return make_note("withheld", day, station_id, slot, source, script_id, why=why)


#: Kinds a per-station summary counts, with the words for them (read after the count:
#: "2 bản tin bị bỏ vì hết chỗ").
SUMMARY_WORDS = {
    "moved": "bản tin dời buổi",
    "dropped": "bản tin bị bỏ vì hết chỗ",
    "too-long": "bản tin bị bỏ vì dài hơn mọi buổi",
    "weekday": "bản tin bị bỏ vì ngày không được phát",
    "outside-window": "bản tin ngoài khung giờ",
    "no-session": "bản tin không có buổi phù hợp",
    "invalid": "bản tin có kịch bản hết hiệu lực",
    "withheld": "bản tin có kịch bản bị thiếu, lỗi hoặc chưa duyệt",
    "overrun": "buổi quá giờ",
    "sessions": "lần quá số buổi",
    "clash": "lần tranh chấp ưu tiên",
}


def summarize(notes: Iterable[Note], names: Mapping[str, str] | None = None) -> list[str]:
    """One line per station with moves or drops: how many of each, how many requested
    bulletins do not air, and what to change. ``names`` (station id -> name) lets the
    line name the station as officers know it: "Loa xóm A (xom-a): ..."."""
    per: dict[str, Counter[str]] = {}
    lost: Counter[str] = Counter()
    rules: dict[str, dict[str, None]] = {}
    for n in notes:
        if n.kind in SUMMARY_WORDS:
            per.setdefault(n.station_id, Counter())[n.kind] += 1
            rules.setdefault(n.station_id, {})[n.rule] = None
            lost[n.station_id] += n.lost
    lines = []
    for sid in sorted(per):
        counts = per[sid]
        parts = [f"{counts[k]} {SUMMARY_WORDS[k]}" for k in SUMMARY_WORDS if counts[k]]
        fixes = list(dict.fromkeys(RULES[r].fix for r in rules[sid] if r in RULES and RULES[r].fix))
        name = (names or {}).get(sid)
        who = f"{name} ({sid})" if name and name != sid else f"Đài {sid}"
        line = f"{who}: {', '.join(parts)}."
        if lost[sid]:
            line += f" Tổng cộng {lost[sid]} bản tin không phát trong ngày."
        if fixes:
            line += f" Cách sửa: {'; '.join(fixes)}."
        lines.append(line)
    return lines
