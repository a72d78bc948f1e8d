"""CAP 1.2 alerts: the emergency bulletin in the format other warning systems speak.

The Common Alerting Protocol (OASIS CAP 1.2, also ITU-T X.1303) is the XML message
disaster agencies, weather services and sirens exchange. Writing one for each emergency
bulletin (``broadcast emergency --cap-out``) lets a district or province system list what
the commune put on air, with the MP3 attached by size and SHA-1 digest; reading one
(``--from-cap``) lets an alert from upstream go on air without anyone retyping it, and a
CAP ``Cancel`` withdraws it.

What arrives is untrusted: it is parsed with defusedxml (no DTD, no entity expansion: a
"billion laughs" file is refused, not expanded) and checked against the structure of the
CAP 1.2 schema, written here from the standard's text: element order and multiplicity of
``alert``, ``info``, ``resource``, ``area``; the value lists; the date-time form (with an
explicit offset, never ``Z``); the characters identifiers may not contain.

Pure functions: an :class:`Alert` in, XML bytes out (:func:`to_xml`), and bytes in, an
:class:`Alert` or a :class:`CapError` out (:func:`parse_alert`).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError
from zoneinfo import ZoneInfo

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..errors import InputError, thousands
from ..project.scripts import Priority
from ..vocabulary import MAX_SCRIPT_CHARS, TIMEZONE

NS = "urn:oasis:names:tc:emergency:cap:1.2"
OLDER = {
    "urn:oasis:names:tc:emergency:cap:1.1": "1.1",
    "urn:oasis:names:tc:emergency:cap:1.0": "1.0",
    "http://www.incident.com/cap/1.0": "1.0",
}
MIME_MP3 = "audio/mpeg"

# Value lists of CAP 1.2 (section 3.2).
STATUS = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
SCOPES = ("Public", "Restricted", "Private")
CATEGORIES = (
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
)
RESPONSE_TYPES = (
    "Shelter",
    "Evacuate",
    "Prepare",
    "Execute",
    "Avoid",
    "Monitor",
    "Assess",
    "AllClear",
    "None",
)
URGENCY = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITY = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTY = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")

VALUE_LISTS = {
    "status": STATUS,
    "msgType": MSG_TYPES,
    "scope": SCOPES,
    "category": CATEGORIES,
    "responseType": RESPONSE_TYPES,
    "urgency": URGENCY,
    "severity": SEVERITY,
    "certainty": CERTAINTY,
}
DATETIMES = ("sent", "effective", "onset", "expires")
#: CAP 1.2 3.3.2: dates carry an explicit offset; "-00:00" stands for UTC, "Z" is not allowed.
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$")
#: identifier and sender: no spaces, commas or restricted characters (< and &).
NO_SPACE = re.compile(r"^[^\s,<&]+$")

#: The largest CAP file read (issue 23): an alert is a few kB; a bigger file is refused by
#: its size, before it is parsed.
MAX_CAP_BYTES = 1_000_000
#: Longest text of a field, in characters; what is not listed takes DEFAULT_FIELD_CHARS.
#: The description is the text read on air: no longer than a script body may be.
FIELD_CHARS = {
    "description": MAX_SCRIPT_CHARS,
    "instruction": 5_000,
    "note": 5_000,
    "polygon": 100_000,
    "addresses": 10_000,
    "references": 10_000,
    "derefUri": 0,  # never read: an attachment inside the file is refused by its size
}
DEFAULT_FIELD_CHARS = 1_000
#: How far ahead of this machine's clock an alert's <sent> may be (the two clocks' skew).
CLOCK_SKEW = dt.timedelta(minutes=5)

MANY = None  # unbounded maxOccurs
Seq = tuple[tuple[str, int, int | None], ...]
# Element sequences of the CAP 1.2 schema: (name, minOccurs, maxOccurs).
ALERT_SEQ: Seq = (
    ("identifier", 1, 1),
    ("sender", 1, 1),
    ("sent", 1, 1),
    ("status", 1, 1),
    ("msgType", 1, 1),
    ("source", 0, 1),
    ("scope", 1, 1),
    ("restriction", 0, 1),
    ("addresses", 0, 1),
    ("code", 0, MANY),
    ("note", 0, 1),
    ("references", 0, 1),
    ("incidents", 0, 1),
    ("info", 0, MANY),
)
INFO_SEQ: Seq = (
    ("language", 0, 1),
    ("category", 1, MANY),
    ("event", 1, 1),
    ("responseType", 0, MANY),
    ("urgency", 1, 1),
    ("severity", 1, 1),
    ("certainty", 1, 1),
    ("audience", 0, 1),
    ("eventCode", 0, MANY),
    ("effective", 0, 1),
    ("onset", 0, 1),
    ("expires", 0, 1),
    ("senderName", 0, 1),
    ("headline", 0, 1),
    ("description", 0, 1),
    ("instruction", 0, 1),
    ("web", 0, 1),
    ("contact", 0, 1),
    ("parameter", 0, MANY),
    ("resource", 0, MANY),
    ("area", 0, MANY),
)
RESOURCE_SEQ: Seq = (
    ("resourceDesc", 1, 1),
    ("mimeType", 1, 1),
    ("size", 0, 1),
    ("uri", 0, 1),
    ("derefUri", 0, 1),
    ("digest", 0, 1),
)
AREA_SEQ: Seq = (
    ("areaDesc", 1, 1),
    ("polygon", 0, MANY),
    ("circle", 0, MANY),
    ("geocode", 0, MANY),
    ("altitude", 0, 1),
    ("ceiling", 0, 1),
)
PAIR_SEQ: Seq = (("valueName", 1, 1), ("value", 1, 1))
CHILDREN: dict[str, Seq] = {
    "alert": ALERT_SEQ,
    "info": INFO_SEQ,
    "resource": RESOURCE_SEQ,
    "area": AREA_SEQ,
    "eventCode": PAIR_SEQ,
    "parameter": PAIR_SEQ,
    "geocode": PAIR_SEQ,
}

#: Our level (Circular 39/2020) from CAP severity; Unknown falls back on urgency.
PRIORITY_BY_SEVERITY = {
    "Extreme": Priority.emergency,
    "Severe": Priority.emergency,
    "Moderate": Priority.priority,
    "Minor": Priority.normal,
}
PRIORITY_BY_URGENCY = {"Immediate": Priority.emergency, "Expected": Priority.priority}
SEVERITY_BY_PRIORITY = {
    Priority.emergency: "Severe",
    Priority.priority: "Moderate",
    Priority.normal: "Minor",
}
VIETNAMESE = ("vi", "vi-vn")


class CapError(InputError):
    """A CAP file is not XML, not CAP 1.2, or not usable here."""


@dataclass(frozen=True)
class Resource:
    desc: str
    mime_type: str
    size: int | None = None
    uri: str | None = None
    digest: str | None = None  # SHA-1, hex (CAP 1.2 3.2.3)


@dataclass(frozen=True)
class Info:
    event: str
    urgency: str
    severity: str
    certainty: str
    categories: tuple[str, ...] = ("Safety",)
    language: str = "en-US"  # the standard's default when <language> is absent
    sender_name: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    areas: tuple[str, ...] = ()
    resources: tuple[Resource, ...] = ()
    expires: dt.datetime | None = None  # aware; past it the alert must not air

    @property
    def vietnamese(self) -> bool:
        lang = self.language.lower()
        return lang in VIETNAMESE or lang.startswith("vi-")

    @property
    def priority(self) -> Priority:
        """severity -> level; Unknown severity -> urgency; else normal."""
        if self.severity in PRIORITY_BY_SEVERITY:
            return PRIORITY_BY_SEVERITY[self.severity]
        return PRIORITY_BY_URGENCY.get(self.urgency, Priority.normal)


@dataclass(frozen=True)
class Alert:
    identifier: str
    sender: str
    sent: dt.datetime  # aware
    status: str = "Actual"
    msg_type: str = "Alert"
    scope: str = "Public"
    references: tuple[str, ...] = ()  # "sender,identifier,sent" each
    note: str = ""
    infos: tuple[Info, ...] = field(default_factory=tuple)

    def vietnamese_info(self) -> Info | None:
        return next((i for i in self.infos if i.vietnamese), None)

    @property
    def key(self) -> tuple[str, str]:
        """(sender, identifier): what a later Update or Cancel refers to."""
        return (self.sender, self.identifier)

    def referenced(self) -> list[tuple[str, str]]:
        """(sender, identifier) of each alert this one refers to."""
        out = []
        for ref in self.references:
            parts = ref.split(",")
            if len(parts) >= 2:
                out.append((parts[0], parts[1]))
        return out


def cap_time(value: dt.datetime) -> str:
    """CAP date-time: seconds, explicit offset (+07:00 here)."""
    if value.tzinfo is None:
        raise ValueError("CAP times need a time zone")
    return value.replace(microsecond=0).isoformat()


def severity_for(priority: Priority) -> str:
    return SEVERITY_BY_PRIORITY[priority]


# -- writing ----------------------------------------------------------------------------


def _sub(parent: ET.Element, name: str, text: str | None) -> None:
    if text is None or text == "":
        return
    ET.SubElement(parent, f"{{{NS}}}{name}").text = text


def to_xml(alert: Alert) -> bytes:
    """The alert as CAP 1.2 XML (UTF-8, default namespace), children in schema order."""
    root = ET.Element(f"{{{NS}}}alert")
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", alert.sender)
    _sub(root, "sent", cap_time(alert.sent))
    _sub(root, "status", alert.status)
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "scope", alert.scope)
    _sub(root, "note", alert.note)
    _sub(root, "references", " ".join(alert.references))
    for info in alert.infos:
        el = ET.SubElement(root, f"{{{NS}}}info")
        _sub(el, "language", info.language)
        for cat in info.categories:
            _sub(el, "category", cat)
        _sub(el, "event", info.event)
        _sub(el, "urgency", info.urgency)
        _sub(el, "severity", info.severity)
        _sub(el, "certainty", info.certainty)
        _sub(el, "expires", cap_time(info.expires) if info.expires else None)
        _sub(el, "senderName", info.sender_name)
        _sub(el, "headline", info.headline)
        _sub(el, "description", info.description)
        _sub(el, "instruction", info.instruction)
        for res in info.resources:
            r = ET.SubElement(el, f"{{{NS}}}resource")
            _sub(r, "resourceDesc", res.desc)
            _sub(r, "mimeType", res.mime_type)
            _sub(r, "size", None if res.size is None else str(res.size))
            _sub(r, "uri", res.uri)
            _sub(r, "digest", res.digest)
        for desc in info.areas:
            a = ET.SubElement(el, f"{{{NS}}}area")
            _sub(a, "areaDesc", desc)
    ET.indent(root, space="  ")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=NS)
    return body + b"\n"


# -- checking ---------------------------------------------------------------------------


def _local(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag."""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _check_children(el: ET.Element, seq: Seq, path: str, problems: list[str]) -> None:
    children = [c for c in el if isinstance(c.tag, str)]
    i = 0
    for name, lo, hi in seq:
        n = 0
        while i < len(children) and children[i].tag == f"{{{NS}}}{name}":
            child = children[i]
            n += 1
            i += 1
            sub = f"{path}/{name}" + (f"[{n}]" if hi is MANY else "")
            if name in CHILDREN:
                _check_children(child, CHILDREN[name], sub, problems)
            else:
                _check_value(name, child, sub, problems)
        if n < lo:
            problems.append(f"{path}: thiếu <{name}> (bắt buộc)")
        if hi is not None and n > hi:
            problems.append(f"{path}: <{name}> chỉ được có {hi} lần, có {n}")
    for extra in children[i:]:
        ns, name = _local(extra.tag)
        # The schema lets an alert end with elements of other namespaces (a signature).
        if el.tag == f"{{{NS}}}alert" and ns not in ("", NS):
            continue
        known = any(name == s[0] for s in seq)
        problems.append(
            f"{path}: <{name}> sai thứ tự (xem thứ tự trong CAP 1.2)"
            if known and ns == NS
            else f"{path}: <{name}> không có trong CAP 1.2 ở chỗ này"
        )


def _check_value(name: str, el: ET.Element, path: str, problems: list[str]) -> None:
    text = (el.text or "").strip()
    if len(el):
        problems.append(f"{path}: <{name}> chỉ chứa chữ, không chứa thẻ con")
    if name in VALUE_LISTS and text not in VALUE_LISTS[name]:
        problems.append(
            f"{path}: '{text}' không hợp lệ; chọn một trong: {', '.join(VALUE_LISTS[name])}"
        )
    elif name in DATETIMES and not DATETIME.match(text):
        problems.append(
            f"{path}: thời gian '{text}' sai dạng; cần dạng 2026-11-25T10:00:00+07:00 "
            "(có múi giờ, không dùng Z)"
        )
    elif name in DATETIMES and not _real_time(text):
        problems.append(
            f"{path}: thời gian '{text}' không có thật (tháng, ngày, giờ hay múi giờ sai)"
        )
    elif name in ("identifier", "sender") and not NO_SPACE.match(text):
        problems.append(f"{path}: '{text}' không được có khoảng trắng, dấu phẩy, < hoặc &")
    elif name == "size" and not (text.isascii() and text.isdigit()):
        problems.append(f"{path}: kích thước '{text}' phải là số byte (số nguyên)")
    elif name == "polygon" and not _polygon(text):
        problems.append(
            f"{path}: vùng đa giác cần ít nhất 4 cặp 'vĩ độ,kinh độ' cách nhau bởi dấu cách, "
            "cặp cuối trùng cặp đầu"
        )
    elif name == "circle" and not _circle(text):
        problems.append(f"{path}: vòng tròn cần dạng 'vĩ độ,kinh độ bán_kính_km'")
    elif name in ("altitude", "ceiling") and not _number(text):
        problems.append(f"{path}: '{text}' phải là một số (feet)")
    elif name == "references" and not all(len(r.split(",")) == 3 for r in text.split()):
        problems.append(
            f"{path}: mỗi tham chiếu cần dạng 'sender,identifier,sent', cách nhau bởi dấu cách"
        )
    elif name in ("event", "areaDesc", "resourceDesc", "mimeType", "valueName") and not text:
        problems.append(f"{path}: <{name}> để trống")


def _real_time(text: str) -> bool:
    """A CAP date-time that names a real moment (2026-13-45 matches the form, not a day)."""
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _point(pair: str) -> bool:
    parts = pair.split(",")
    if len(parts) != 2 or not all(_number(x) for x in parts):
        return False
    lat, lon = (float(x) for x in parts)
    return -90 <= lat <= 90 and -180 <= lon <= 180


def _polygon(text: str) -> bool:
    pairs = text.split()
    return len(pairs) >= 4 and pairs[0] == pairs[-1] and all(_point(x) for x in pairs)


def _circle(text: str) -> bool:
    parts = text.split()
    return len(parts) == 2 and _point(parts[0]) and _number(parts[1]) and float(parts[1]) >= 0


def check_alert(root: ET.Element) -> list[str]:
    """Every way ``root`` departs from the CAP 1.2 structure (empty list: valid)."""
    problems: list[str] = []
    ns, name = _local(root.tag)
    if ns != NS or name != "alert":
        return [f"phần tử gốc là <{name}> ({ns or 'không có namespace'}), cần <alert> của {NS}"]
    _check_children(root, ALERT_SEQ, "alert", problems)
    scope = root.findtext(f"{{{NS}}}scope", "").strip()
    if scope == "Restricted" and root.find(f"{{{NS}}}restriction") is None:
        problems.append("alert: scope Restricted cần <restriction>")
    if scope == "Private" and root.find(f"{{{NS}}}addresses") is None:
        problems.append("alert: scope Private cần <addresses>")
    for n, area in enumerate(root.iterfind(f"{{{NS}}}info/{{{NS}}}area"), start=1):
        if area.find(f"{{{NS}}}ceiling") is not None and area.find(f"{{{NS}}}altitude") is None:
            problems.append(f"alert/info/area[{n}]: <ceiling> cần có <altitude>")
    return problems


# -- reading ----------------------------------------------------------------------------


def _text(el: ET.Element, name: str) -> str:
    return (el.findtext(f"{{{NS}}}{name}") or "").strip()


def _info(el: ET.Element) -> Info:
    def res(r: ET.Element) -> Resource:
        size = _text(r, "size")
        return Resource(
            desc=_text(r, "resourceDesc"),
            mime_type=_text(r, "mimeType"),
            size=int(size) if size else None,
            uri=_text(r, "uri") or None,
            digest=_text(r, "digest") or None,
        )

    return Info(
        language=_text(el, "language") or "en-US",
        categories=tuple((c.text or "").strip() for c in el.findall(f"{{{NS}}}category")),
        event=_text(el, "event"),
        urgency=_text(el, "urgency"),
        severity=_text(el, "severity"),
        certainty=_text(el, "certainty"),
        sender_name=_text(el, "senderName"),
        headline=_text(el, "headline"),
        description=_text(el, "description"),
        instruction=_text(el, "instruction"),
        areas=tuple(_text(a, "areaDesc") for a in el.findall(f"{{{NS}}}area")),
        resources=tuple(res(r) for r in el.findall(f"{{{NS}}}resource")),
        expires=dt.datetime.fromisoformat(_text(el, "expires")) if _text(el, "expires") else None,
    )


def _kb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB".replace(".", ",") if n >= 100_000 else f"{n // 1000} kB"


def too_big(size: int, where: str) -> CapError:
    """The refusal of a CAP file over MAX_CAP_BYTES (said before it is parsed)."""
    return CapError(
        f"Tệp CAP nặng {_kb(size)}, quá giới hạn {_kb(MAX_CAP_BYTES)}: không đọc",
        where=where,
        fix="một cảnh báo CAP chỉ vài kB; xin nơi gửi tệp CAP gốc, âm thanh hay hình ảnh để "
        "ở địa chỉ <uri> chứ không nhét vào tệp",
    )


def _field_lengths(root: ET.Element, where: str) -> None:
    """Every text field within its bound (FIELD_CHARS), or a CapError naming them."""
    long = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        _ns, name = _local(el.tag)
        n = len((el.text or "").strip())
        limit = FIELD_CHARS.get(name, DEFAULT_FIELD_CHARS)
        if n > limit:
            long.append(f"<{name}> dài {thousands(n)} ký tự, quá giới hạn {thousands(limit)}")
    if long:
        raise CapError(
            "Tệp CAP có mục dài quá giới hạn:\n" + "\n".join(f"  - {x}" for x in long[:5]),
            where=where,
            fix=f"một cảnh báo cần nội dung ngắn (<description> dưới {thousands(MAX_SCRIPT_CHARS)} "
            "ký tự); xin nơi gửi rút gọn hoặc chia thành nhiều cảnh báo",
        )


def parse_alert(data: bytes, where: str) -> Alert:
    """Parse and check a CAP 1.2 alert; ``where`` (the file) goes into every error.

    A file over MAX_CAP_BYTES is refused before it is parsed, a field over its bound
    (FIELD_CHARS) before the structure is checked."""
    if len(data) > MAX_CAP_BYTES:
        raise too_big(len(data), where)
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise CapError(
            "Tệp CAP có khai báo DTD hoặc thực thể (<!DOCTYPE>, <!ENTITY>): không đọc, vì "
            f"có thể làm treo máy (kiểu 'billion laughs') ({type(exc).__name__})",
            where=where,
            fix="xin nơi gửi bản tin CAP 1.2 không có DTD; CAP không cần khai báo thực thể",
        ) from None
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise CapError(
            f"Tệp CAP không phải XML hợp lệ: {exc.msg if hasattr(exc, 'msg') else exc}",
            where=f"{where}, dòng {line}, cột {col + 1}",
            fix="kiểm tra tệp có bị cắt cụt hay sửa tay sai không; xin gửi lại tệp gốc",
        ) from None
    ns, name = _local(root.tag)
    if ns in OLDER and name == "alert":
        raise CapError(
            f"Đây là bản tin CAP {OLDER[ns]} (namespace {ns}), chương trình chỉ nhận CAP 1.2",
            where=where,
            fix=f"xin nơi gửi xuất bản tin theo CAP 1.2 (namespace {NS})",
        )
    _field_lengths(root, where)
    problems = check_alert(root)
    if problems:
        raise CapError(
            "Tệp không đúng cấu trúc CAP 1.2:\n" + "\n".join(f"  - {p}" for p in problems),
            where=where,
            fix="sửa các chỗ trên theo chuẩn OASIS CAP 1.2, hoặc xin nơi gửi xuất lại tệp",
        )
    sent = dt.datetime.fromisoformat(_text(root, "sent"))
    refs = tuple(_text(root, "references").split())
    return Alert(
        identifier=_text(root, "identifier"),
        sender=_text(root, "sender"),
        sent=sent,
        status=_text(root, "status"),
        msg_type=_text(root, "msgType"),
        scope=_text(root, "scope"),
        references=refs,
        note=_text(root, "note"),
        infos=tuple(_info(i) for i in root.findall(f"{{{NS}}}info")),
    )


def _vn_time(value: dt.datetime) -> str:
    return f"{value.astimezone(ZoneInfo(TIMEZONE)):%H:%M ngày %d/%m/%Y}"


def _span(delta: dt.timedelta) -> str:
    """'399 ngày', '3 giờ', '12 phút' (the larger unit that is at least 1)."""
    seconds = abs(delta.total_seconds())
    if seconds >= 86_400:
        return f"{int(seconds // 86_400)} ngày"
    if seconds >= 3_600:
        return f"{int(seconds // 3_600)} giờ"
    return f"{max(1, int(seconds // 60))} phút"


def check_times(alert: Alert, where: str, now: dt.datetime) -> None:
    """Refuse an alert sent in the future (beyond CLOCK_SKEW) or one that has expired.

    ``now`` is aware. A Cancel of an expired alert still withdraws it; an alert from the
    future is refused whatever its type: one of the two clocks is wrong.
    """
    if alert.sent > now + CLOCK_SKEW:
        raise CapError(
            f"Cảnh báo CAP '{alert.identifier}' ghi giờ gửi {_vn_time(alert.sent)}, muộn hơn "
            f"giờ của máy này {_span(alert.sent - now)} (cho phép lệch tối đa 5 phút): không phát",
            where=f"{where}, <sent>",
            fix="kiểm tra đồng hồ của máy này (ngày, giờ, múi giờ +07:00) và báo nơi gửi kiểm "
            "tra đồng hồ của họ; khi giờ đã đúng, nhận lại bản tin",
        )
    if alert.msg_type == "Cancel":
        return
    for info in alert.infos:
        if info.expires is not None and info.expires <= now:
            raise CapError(
                f"Cảnh báo CAP '{alert.identifier}' đã hết hạn lúc {_vn_time(info.expires)} "
                f"({_span(now - info.expires)} trước): không phát",
                where=f"{where}, <expires>",
                fix="cảnh báo hết hạn không được đưa lên sóng; xin nơi gửi bản tin mới còn "
                "hiệu lực nếu nguy cơ vẫn còn",
            )


def vietnamese_info(alert: Alert, where: str) -> Info:
    """The Vietnamese info block an alert must have to go on air; a CapError if none."""
    if not alert.infos:
        raise CapError(
            "Bản tin CAP không có khối <info> (nội dung cảnh báo), không có gì để phát",
            where=where,
            fix="xin nơi gửi bản tin CAP có <info> với <language>vi-VN</language> và "
            "<description> (nội dung đọc trên loa)",
        )
    info = alert.vietnamese_info()
    if info is None:
        langs = ", ".join(i.language for i in alert.infos)
        raise CapError(
            f"Bản tin CAP không có khối <info> tiếng Việt (chỉ có: {langs})",
            where=where,
            fix="xin nơi gửi thêm khối <info> với <language>vi-VN</language>; chương trình "
            "không tự dịch",
        )
    spoken = len(info.description.strip()) + len(info.instruction.strip())
    if spoken > MAX_SCRIPT_CHARS:
        raise CapError(
            f"Nội dung đọc của cảnh báo (<description> và <instruction>) dài {thousands(spoken)} ký "
            f"tự, quá giới hạn {thousands(MAX_SCRIPT_CHARS)} ký tự của một bản tin",
            where=where,
            fix="xin nơi gửi rút gọn nội dung hoặc chia thành nhiều cảnh báo",
        )
    if not (info.description or info.headline):
        raise CapError(
            "Khối <info> tiếng Việt không có <description> (nội dung để đọc)",
            where=where,
            fix="thêm <description> với nội dung cần phát thanh",
        )
    return info


# -- a script from an alert -------------------------------------------------------------


def script_id_for(alert: Alert) -> str:
    """A script id (``^[a-z0-9][a-z0-9-]*$``) made from the alert's identifier."""
    from ..playlists.usb import ascii_slug

    return "cap-" + ascii_slug(alert.identifier, limit=48)


def _one_line(text: str) -> str:
    """A CAP headline, event or sender as a script's one-line field: one line, and cut to
    the length a title may have (converters.MAX_ONE_LINE), never refused: an alert that
    arrives must air."""
    from ..project.converters import MAX_ONE_LINE

    line = " ".join(text.split())
    return line if len(line) <= MAX_ONE_LINE else line[: MAX_ONE_LINE - 1].rstrip() + "…"


def script_text(alert: Alert, info: Info) -> str:
    """The Markdown script (header and text read on air) for an alert's Vietnamese info:
    description (then instruction) as the text, headline as title, severity/urgency as
    level, the alert's identifier and sender as the directive."""
    import yaml

    title = _one_line(info.headline or info.event)
    header = {
        "id": script_id_for(alert),
        "title": title,
        "topic": _one_line(info.event) or title,
        "directive": {
            "number": _one_line(alert.identifier),
            "date": alert.sent.date().isoformat(),
            "issuer": _one_line(info.sender_name) or _one_line(alert.sender),
        },
        "priority": info.priority.value,
    }
    body = "\n\n".join(t.strip() for t in (info.description, info.instruction) if t.strip())
    head = yaml.safe_dump(header, allow_unicode=True, sort_keys=False)
    return f"---\n{head}---\n{body or title}\n"


def bulletin_alert(
    *,
    identifier: str,
    sender: str,
    sent: dt.datetime,
    title: str,
    topic: str,
    text: str,
    priority: Priority,
    area: str,
    resources: tuple[Resource, ...],
    status: str = "Actual",
    category: str = "Safety",
    sender_name: str = "",
) -> Alert:
    """The CAP alert announcing an emergency bulletin: urgency Immediate (it goes on air
    now), severity from the script's level, the script's text as description."""
    info = Info(
        language="vi-VN",
        categories=(category,),
        event=_one_line(topic) or _one_line(title),
        urgency="Immediate",
        severity=severity_for(priority),
        certainty="Likely",
        sender_name=sender_name,
        headline=_one_line(title),
        description=text.strip(),
        areas=(area,),
        resources=resources,
    )
    return Alert(
        identifier=identifier,
        sender=sender,
        sent=sent,
        status=status,
        msg_type="Alert",
        scope="Public",
        infos=(info,),
    )
