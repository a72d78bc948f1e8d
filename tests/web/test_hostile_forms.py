"""Hostile form values on every POST action of the console (issue 23): a logged-in user
of each role sends, with a valid CSRF token, values a form never offers: 5,000
characters, a line break with a playlist entry behind it, NUL, U+000B, U+2028, a
spreadsheet formula, negative and huge numbers, digits that are not ASCII, impossible
times and dates, empty and missing fields, a field repeated 1,000 times, paths and device
names as ids. Each answer is a page (never a 500), a refusal says what in Vietnamese, the
project still loads afterwards, and nothing is written outside the project."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

from broadcast.errors import BroadcastError
from broadcast.project import yamledit
from broadcast.project.approval import file_hash
from broadcast.project.loader import load_project
from broadcast.report.asrun import asrun_path

from .conftest import PASSWORD, csrf_of
from .test_air import DAY, _planned

FORM = {"content-type": "application/x-www-form-urlencoded"}
MISSING = object()  # the field is left out of the form
REPEATED = object()  # the field's valid value sent 1,000 times

HOSTILE: dict[str, object] = {
    "long": "Bà con cảnh giác " * 300,  # 5,100 characters
    "line-break": "Tựa\n#EXTINF:1,x\nhttp://e/x.mp3",
    "nul": "a\x00b",
    "vt": "a\x0bb",
    "u2028": "a\u2028b",
    "formula": "=cmd|' /C calc'!A0",
    "negative": "-1",
    "inf": "1e309",
    "huge": "99999999999999999999",
    "digits": "9" * 5000,  # int() refuses more than 4,300 digits
    "not-ascii-digit": "²",
    "time": "25:61",
    "date": "2026-02-30",
    "empty": "",
    "path": "../../x",
    "device": "CON",
    "missing": MISSING,
    "repeated": REPEATED,
}
#: classes of values: a field of text is sent one value of each class (a different one
#: from field to field of the action), a field of numbers every value of "number"
CLASSES = {
    "control": ("nul", "vt", "u2028"),
    "number": ("negative", "inf", "huge", "digits", "not-ascii-digit"),
    "id": ("path", "device"),
}
NUMERIC = {"max_sessions_per_day", "max_session", "per_day", "slot_times_0", "seq", "weekday"}


def values_for(name: str, index: int) -> list[str]:
    """The hostile values (keys of HOSTILE) sent to the ``index``-th field ``name``."""
    grouped = {k for members in CLASSES.values() for k in members}
    kinds = [k for k in HOSTILE if k not in grouped]
    for cls, members in CLASSES.items():
        if cls == "number" and name in NUMERIC:
            kinds.extend(members)
        else:
            kinds.append(members[index % len(members)])
    return kinds


#: the statuses a refused value may have; a 500 (or anything else) is a failure
OK = {200, 303, 400, 403, 409, 413}
#: what a refusal page shows (error.html's title, or a form page's messages)
VIETNAMESE = re.compile(r"Lỗi|Cách sửa|cách sửa|Không|không|Cần|Chưa|chưa|Đã có|Sai|quá")
#: what marks a value in a one-line field as written with its line break
LINE_BREAK = re.compile(r"#EXTINF:1,x\s*\n|a[\u2028\x0b]b")


@dataclass
class Action:
    """One POST action: who sends it, where, the valid form it starts from, the fields
    attacked (the valid form is re-made before each value: versions change)."""

    role: str
    path: str
    form: Callable[[Path, str], dict[str, str]]
    fields: tuple[str, ...]
    setup: Callable[[Path], object] = field(default=lambda root: None)
    #: what the valid form gets (the test sends real forms, not forged ones)
    valid: int = 303
    #: setup again before each value (a mark can be made only once)
    fresh: bool = False
    #: hostile values this action is not sent (a valid one starts a whole build)
    skip: tuple[str, ...] = ()
    #: where a line break must never be written (file under the project, one-line field)
    one_line: tuple[str, ...] = ()


def _planned_again(out: Path) -> None:
    """A log with the day planned and nothing marked yet."""
    path = asrun_path(out)
    for p in path.parent.glob(path.name + "*"):
        p.unlink()
    _planned(out)


def _script_form(root: Path, token: str) -> dict[str, str]:
    return {
        "csrf": token,
        "id": "thu-moi",
        "title": "Cảnh giác cuộc gọi lạ",
        "topic": "lừa đảo",
        "directive_number": "1/UBND",
        "directive_date": "22/11/2024",
        "directive_issuer": "UBND xã",
        "valid_from": "25/11/2026",
        "valid_until": "15/12/2026",
        "audience": "bà con",
        "priority": "normal",
        "recording": "",
        "body": "Bà con cảnh giác với cuộc gọi lạ.",
        "base": "",
    }


def _edit_form(root: Path, token: str) -> dict[str, str]:
    path = root / "scripts" / "noi-trinh-bao.md"
    from broadcast.web.scriptform import fields_of

    form = {**fields_of(path.read_text(encoding="utf-8")), "csrf": token}
    form["base"] = file_hash(path)
    return form


def _based_on(root: Path) -> str:
    return yamledit.text_hash(yamledit.current_text(root / "schedules" / yamledit.STATIONS))


def _campaign_based_on(root: Path) -> str:
    return yamledit.text_hash(yamledit.current_text(root / "schedules" / "campaign.yaml"))


def _campaign_form(root: Path, token: str, based_on: str = "") -> dict[str, str]:
    return {
        "csrf": token,
        "id": "moi",
        "title": "Chiến dịch mới",
        "directive_number": "5/UBND",
        "directive_date": "22/11/2024",
        "directive_issuer": "UBND xã",
        "from": "2026-11-25",
        "until": "2026-12-15",
        "weekday": "0",
        "slot_kind_0": "giờ",
        "slot_at_0": "05:30",
        "slot_times_0": "1",
        "per_day": "",
        "target": "all",
        "priority": "normal",
        "mode": "rotate",
        "scripts_mode": "all",
        "script": "noi-trinh-bao",
        "share": "count",
        "based_on": based_on,
    }


def _air_form(root: Path, token: str) -> dict[str, str]:
    return {
        "csrf": token,
        "start_0": "05:30",
        "end_0": "06:00",
        "max_sessions_per_day": "2",
        "max_session": "15",
        "weekday": "0",
        "based_on": _based_on(root),
    }


ACTIONS: dict[str, Action] = {
    "scripts-new": Action(
        "officer",
        "/scripts/new",
        _script_form,
        tuple("id title topic directive_date valid_from priority recording body base".split()),
        one_line=("scripts",),
    ),
    "scripts-edit": Action(
        "officer",
        "/scripts/noi-trinh-bao/edit",
        _edit_form,
        tuple("id directive_number directive_issuer valid_until audience body base".split()),
        one_line=("scripts",),
    ),
    "stations-new": Action(
        "operator",
        "/stations/new",
        lambda root, token: {
            "csrf": token,
            "name": "Loa xóm B",
            "id": "xom-b",
            "kind": "loudspeaker",
            "dialect": "north",
            "windows": "05:30-05:45",
            "commune": "",
            "based_on": _based_on(root),
        },
        ("name", "id", "kind", "dialect", "windows", "commune", "based_on"),
        one_line=("schedules",),
    ),
    "stations-edit": Action(
        "operator",
        "/stations/xom-a",
        lambda root, token: {
            "csrf": token,
            "name": "Loa xóm A mới",
            "dialect": "south",
            "based_on": _based_on(root),
        },
        ("name", "dialect", "based_on"),
        one_line=("schedules",),
    ),
    "stations-air": Action(
        "operator",
        "/stations/xom-a/air",
        _air_form,
        ("start_0", "end_0", "max_sessions_per_day", "max_session", "weekday", "based_on"),
    ),
    "limits": Action(
        "operator",
        "/limits",
        lambda root, token: {k: v for k, v in _air_form(root, token).items() if "_0" not in k},
        ("max_sessions_per_day", "max_session", "weekday", "based_on"),
    ),
    "groups": Action(
        "operator",
        "/groups",
        lambda root, token: {
            "csrf": token,
            "name": "ven-song",
            "member": "xom-a",
            "based_on": _based_on(root),
        },
        ("name", "member", "based_on"),
        one_line=("schedules",),
    ),
    "campaigns-new": Action(
        "officer",
        "/campaigns/new",
        lambda root, token: _campaign_form(root, token, yamledit.text_hash("")),
        tuple(
            "id title directive_number directive_date from until weekday slot_kind_0 slot_at_0 slot_times_0 per_day target priority mode scripts_mode share based_on".split()
        ),
        one_line=("schedules",),
    ),
    "campaigns-edit": Action(
        "officer",
        "/campaigns/thu",
        lambda root, token: {
            **_campaign_form(root, token, _campaign_based_on(root)),
            "id": "thu",
            "scripts_mode": "some",
        },
        tuple("title directive_issuer from slot_at_0 per_day script based_on".split()),
        one_line=("schedules",),
    ),
    "users-add": Action(
        "operator",
        "/users",
        lambda root, token: {
            "csrf": token,
            "name": "hong.nhung",
            "role": "officer",
            "password": "lua-chin-dong-xa",
        },
        ("name", "role", "password"),
    ),
    "users-role": Action(
        "operator",
        "/users/lan/role",
        lambda root, token: {"csrf": token, "role": "officer"},
        ("role",),
    ),
    "users-password": Action(
        "operator",
        "/users/lan/password",
        lambda root, token: {"csrf": token, "password": "lua-chin-dong-xa"},
        ("password",),
    ),
    "emergency": Action(  # the confirmation step: a valid 'yes' would render and queue
        "operator",
        "/emergency",
        lambda root, token: {"csrf": token, "script": "noi-trinh-bao", "targets": "xom-a"},
        ("script", "targets", "now", "confirm"),
        valid=200,
    ),
    "asrun-confirm": Action(
        "operator",
        "/asrun/confirm",
        lambda root, token: {"csrf": token, "date": "2026-11-25", "station": "xom-a"},
        ("date", "station", "confirm"),
        setup=lambda root: _planned(root / "audio_out"),
        valid=200,
    ),
    "asrun-not-aired": Action(
        "operator",
        "/asrun/not-aired",
        lambda root, token: {
            "csrf": token,
            "date": "2026-11-25",
            "station": "xom-a",
            "seq": "0",
            "reason": "mất điện",
            "confirm": "yes",
        },
        ("date", "station", "seq", "reason"),
        setup=lambda root: _planned_again(root / "audio_out"),
        fresh=True,
    ),
    "plan-build": Action(  # a valid date starts a whole day's build: only refused ones
        "operator",
        "/plan/build",
        lambda root, token: {"csrf": token, "date": "2026-02-30"},
        ("date",),
        skip=("empty", "missing", "repeated"),
        valid=400,
    ),
    "approve": Action(
        "approver",
        "/scripts/noi-trinh-bao/approve",
        lambda root, token: {
            "csrf": token,
            "version": file_hash(root / "scripts" / "noi-trinh-bao.md"),
        },
        ("version",),
    ),
    "listen": Action(  # only refused stations: a valid one renders
        "officer",
        "/scripts/noi-trinh-bao/listen",
        lambda root, token: {"csrf": token, "station": "khong-co"},
        ("station",),
        skip=("repeated",),
        valid=400,
    ),
    "spoken": Action(
        "officer",
        "/spoken",
        lambda root, token: {"csrf": token, "station": "xom-a", "body": "Xin chào bà con."},
        ("station", "body"),
        valid=200,
    ),
    "approve-existing": Action(
        "approver",
        "/scripts/approve-existing",
        lambda root, token: {"csrf": token, "confirm": "yes", "v-noi-trinh-bao": "x"},
        ("confirm", "v-noi-trinh-bao"),
    ),
}


def _payload(form: dict[str, str], name: str, value: object) -> list[tuple[str, str]]:
    items = [(k, v) for k, v in form.items() if k != name]
    if value is MISSING:
        return items
    if value is REPEATED:
        return items + [(name, form.get(name, "x"))] * 1000
    assert isinstance(value, str)
    return items + [(name, value)]


def _post(client, path: str, items: list[tuple[str, str]]):
    body = urlencode(items).encode()
    return client.post(path, content=body, headers=FORM, follow_redirects=False)


def _files(folder: Path, skip: Path | None = None) -> dict[str, str]:
    """Every file under ``folder`` (but ``skip``) -> the hash of its bytes."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if skip is not None and (p == skip or skip in p.parents):
            continue
        if p.is_file() and not p.is_symlink():
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _project_files(root: Path) -> dict[str, str]:
    out = {}
    for name in ("scripts", "schedules", "jingles"):
        out.update({f"{name}/{k}": v for k, v in _files(root / name).items()})
    return out


def _bytes(root: Path, files: dict[str, str]) -> dict[str, bytes]:
    return {k: (root / k).read_bytes() for k in files}


def _restore(root: Path, saved: dict[str, bytes]) -> None:
    """Put the project back as it was: the next value starts from a loadable project."""
    for key in _project_files(root):
        if key not in saved:
            (root / key).unlink()
    for key, data in saved.items():
        (root / key).write_bytes(data)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_hostile_values_are_refused_or_written_loadable_never_a_500(
    console_root, client_as, action
):
    spec = ACTIONS[action]
    spec.setup(console_root)
    client = client_as(spec.role)
    token = csrf_of(client.get("/scripts").text)
    outside = _files(console_root.parent, skip=console_root)
    failures: list[str] = []
    saved = _bytes(console_root, _project_files(console_root))
    valid = _post(client, spec.path, list(spec.form(console_root, token).items()))
    assert valid.status_code == spec.valid, (action, valid.status_code, valid.text[-1500:])
    _restore(console_root, saved)
    last = 303
    for index, name in enumerate(spec.fields):
        for kind in values_for(name, index):
            value = HOSTILE[kind]
            if kind in spec.skip:
                continue
            if spec.fresh and last == 303:  # the last value made its mark: a clean log
                spec.setup(console_root)
            before = _project_files(console_root)
            saved = _bytes(console_root, before)
            form = spec.form(console_root, token)
            where = f"{action} {name}={kind}"
            try:
                res = _post(client, spec.path, _payload(form, name, value))
                last = res.status_code
            except Exception as exc:  # the TestClient re-raises what the server did not catch
                failures.append(f"{where}: 500, {type(exc).__name__}: {str(exc)[:120]}")
                _restore(console_root, saved)
                continue
            if res.status_code not in OK:
                failures.append(f"{where}: HTTP {res.status_code}")
                continue
            if res.status_code == 403 and "CSRF" in res.text:
                failures.append(f"{where}: refused as a forged form (the test sent it wrong)")
            if res.status_code >= 400 and not VIETNAMESE.search(res.text):
                failures.append(
                    f"{where}: {res.status_code} without a Vietnamese message: {res.text[:80]!r}"
                )
            if "Traceback" in res.text:
                failures.append(f"{where}: a traceback on the page")
            after = _project_files(console_root)
            if after == before:
                continue
            changed = [k for k in after if after[k] != before.get(k)]
            for key in changed:
                if key.startswith(spec.one_line) and kind in ("line-break", "vt", "u2028"):
                    text = (console_root / key).read_text(encoding="utf-8")
                    head = text.split("\n---", 1)[0] if key.endswith(".md") else text
                    if LINE_BREAK.search(head):
                        failures.append(f"{where}: a line break written into {key}")
            try:
                load_project(console_root)
            except BroadcastError as exc:
                failures.append(f"{where}: written {changed}, the project no longer loads: {exc}")
                _restore(console_root, saved)
    assert _files(console_root.parent, skip=console_root) == outside, "written outside"
    assert not failures, "\n".join(failures)


#: (action, one-line field): a title or a name goes into playlists and MP3 tags
ONE_LINE_FIELDS = [
    ("scripts-new", "title"),
    ("scripts-edit", "topic"),
    ("campaigns-new", "title"),
    ("stations-new", "name"),
    ("stations-edit", "name"),
]


#: a line break -> what the refusal says (U+2028 is refused as the invisible character
#: it is, before the one-line rule: files.controls)
BREAKS = {
    "Tựa\n#EXTINF:1,x\nhttp://e/x.mp3": "viết cả mục trên một dòng",
    "Tựa\r\nhai": "viết cả mục trên một dòng",
    "Tựa\u2028hai": "U+2028, ngắt dòng Unicode",
}


@pytest.mark.parametrize("action,name", ONE_LINE_FIELDS)
def test_a_line_break_in_a_title_or_a_name_is_refused_naming_the_fix(
    console_root, client_as, action, name
):
    """The console refuses it as ``check`` does (converters.one_line), rather than
    folding it into a space the officer never typed."""
    spec = ACTIONS[action]
    client = client_as(spec.role)
    token = csrf_of(client.get("/scripts").text)
    before = _project_files(console_root)
    for value, said in BREAKS.items():
        res = _post(client, spec.path, _payload(spec.form(console_root, token), name, value))
        assert res.status_code == 400, (value, res.text[-2000:])
        assert said in html.unescape(res.text), value
        assert "'name'" not in html.unescape(res.text)  # the box as the form names it
        assert _project_files(console_root) == before


@pytest.mark.parametrize("action,name", ONE_LINE_FIELDS)
def test_a_title_or_a_name_of_5000_characters_is_refused(console_root, client_as, action, name):
    spec = ACTIONS[action]
    client = client_as(spec.role)
    token = csrf_of(client.get("/scripts").text)
    before = _project_files(console_root)
    res = _post(client, spec.path, _payload(spec.form(console_root, token), name, HOSTILE["long"]))
    assert res.status_code == 400, res.text[-2000:]
    assert "tối đa 300 ký tự" in html.unescape(res.text) and "rút gọn" in res.text
    assert _project_files(console_root) == before


@pytest.mark.parametrize(
    "target",
    ["/\\evil.example", "//evil.example", "/\t/evil.example", "https://evil.example", "/\\/x"],
)
def test_the_login_never_sends_the_user_to_another_site(client_as, target):
    """Browsers read '/\\host' and '/<TAB>/host' as '//host': another site."""
    client = client_as(None)
    token = csrf_of(client.get("/login").text)
    form = {"csrf": token, "name": "lan", "password": PASSWORD, "next": target}
    res = _post(client, "/login", list(form.items()))
    assert res.status_code == 303 and res.headers["location"] == "/"


def test_hostile_values_in_the_login_form_are_a_page_never_a_500(console_root, client_as):
    client = client_as(None)
    outside = _files(console_root.parent, skip=console_root)
    failures = []
    for index, name in enumerate(("name", "password", "next")):
        for kind in values_for(name, index):
            token = csrf_of(client.get("/login").text)
            form = {"csrf": token, "name": "ky-thuat", "password": "sai-mat-khau", "next": "/"}
            res = _post(client, "/login", _payload(form, name, HOSTILE[kind]))
            if res.status_code not in {400, 401, 429} or "Traceback" in res.text:
                failures.append(f"login {name}={kind}: {res.status_code}")
            elif not VIETNAMESE.search(res.text):
                failures.append(f"login {name}={kind}: no Vietnamese message")
    assert _files(console_root.parent, skip=console_root) == outside
    assert not failures, "\n".join(failures)


def test_a_not_aired_reason_of_5000_characters_is_refused_and_nothing_is_marked(
    console_root, client_as
):
    log = _planned(console_root / "audio_out")
    operator = client_as("operator")
    token = csrf_of(operator.get("/scripts").text)
    form = ACTIONS["asrun-not-aired"].form(console_root, token)
    res = _post(operator, "/asrun/not-aired", _payload(form, "reason", HOSTILE["long"]))
    assert res.status_code == 400 and "quá 500 ký tự" in res.text and "ghi ngắn gọn" in res.text
    assert log.plays(DAY, DAY) == []
