"""CAP 1.2: export an emergency as an alert, check it, read it back, cancel it, refuse bad files.

The structure checks are written from the CAP 1.2 standard (broadcast/emergency/cap.py); the
round trip goes through the real command (real render of a short bulletin).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from click.testing import CliRunner
from lxml import etree

from broadcast.cli import cli, main
from broadcast.emergency.cap import (
    NS,
    Alert,
    CapError,
    Info,
    bulletin_alert,
    check_alert,
    parse_alert,
    script_id_for,
    script_text,
    to_xml,
    vietnamese_info,
)
from broadcast.project.scripts import Priority, parse_script

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ)
DAY = "2026-11-25"
BAO = (
    "---\nid: bao-so-9\ntitle: Khẩn cấp về bão số 9\ntopic: thiên tai\n"
    "directive: {number: 12/BCH-PCTT, issuer: Ban chỉ huy PCTT xã}\n"
    "priority: emergency\n---\nBão số 9 đang vào. Bà con chằng chống nhà cửa, "
    "gọi 112 khi cần cứu nạn.\n"
)


def _alert(**over) -> Alert:  # type: ignore[no-untyped-def]
    kw = dict(
        identifier="khan-cap-20261125-100000-bao-so-9",
        sender="xa-thu@broadcast",
        sent=NOW,
        title="Khẩn cấp về bão số 9",
        topic="thiên tai",
        text="Bão số 9 đang vào.\n\nBà con chằng chống nhà cửa.",
        priority=Priority.emergency,
        area="Xã Thử: Loa xóm A",
        resources=(),
    )
    kw.update(over)
    return bulletin_alert(**kw)  # type: ignore[arg-type]


def _root(xml: bytes):  # type: ignore[no-untyped-def]
    return etree.fromstring(xml)


def test_exported_alert_is_cap_1_2_and_reads_back_the_same():
    xml = to_xml(_alert())
    root = _root(xml)
    assert root.tag == f"{{{NS}}}alert"
    assert check_alert(root) == []
    assert root.findtext(f"{{{NS}}}sent") == "2026-11-25T10:00:00+07:00"
    back = parse_alert(xml, "x.xml")
    info = vietnamese_info(back, "x.xml")
    assert (back.status, back.msg_type, back.scope) == ("Actual", "Alert", "Public")
    assert (info.language, info.urgency, info.severity) == ("vi-VN", "Immediate", "Severe")
    assert info.description == "Bão số 9 đang vào.\n\nBà con chằng chống nhà cửa."
    assert info.areas == ("Xã Thử: Loa xóm A",)


@pytest.mark.parametrize("level", list(Priority))
def test_level_survives_the_round_trip(level):
    back = parse_alert(to_xml(_alert(priority=level)), "x.xml")
    assert vietnamese_info(back, "x.xml").priority is level


@pytest.mark.parametrize(
    "edit,words",
    [
        (
            lambda x: x.replace(b"<identifier>khan-cap-20261125-100000-bao-so-9</identifier>", b""),
            "thiếu <identifier>",
        ),
        (lambda x: x.replace(b"<status>Actual</status>", b"<status>Real</status>"), "'Real'"),
        (lambda x: x.replace(b"+07:00</sent>", b"Z</sent>"), "không dùng Z"),
        (lambda x: x.replace(b"<urgency>Immediate</urgency>", b""), "thiếu <urgency>"),
        (
            lambda x: x.replace(b"<category>Safety</category>", b"<category>Storm</category>"),
            "'Storm'",
        ),
        (
            lambda x: x.replace(b"<scope>Public</scope>", b"<scope>Restricted</scope>"),
            "cần <restriction>",
        ),
        (
            lambda x: x.replace(b"<sender>xa-thu@broadcast</sender>", b"<sender>xa thu</sender>"),
            "khoảng trắng",
        ),
        (
            lambda x: x.replace(
                b"</areaDesc>", b"</areaDesc><polygon>21.6,105.8 21.7,105.9 21.6,105.8</polygon>"
            ),
            "ít nhất 4 cặp",
        ),
        (
            lambda x: x.replace(b"</areaDesc>", b"</areaDesc><circle>21.6,185.8 5</circle>"),
            "vòng tròn",
        ),
        # status before sent: out of the schema's order
        (
            lambda x: x.replace(
                b"<sent>2026-11-25T10:00:00+07:00</sent>\n  <status>Actual</status>",
                b"<status>Actual</status>\n  <sent>2026-11-25T10:00:00+07:00</sent>",
            ),
            "sai thứ tự",
        ),
    ],
)
def test_structure_checks_catch_what_the_standard_forbids(edit, words):
    xml = edit(to_xml(_alert()))
    assert xml != to_xml(_alert())
    problems = check_alert(_root(xml))
    assert any(words in p for p in problems), problems
    with pytest.raises(CapError) as err:
        parse_alert(xml, "bad.xml")
    assert "bad.xml" in err.value.message and "CAP 1.2" in err.value.message


def test_script_from_alert_uses_description_headline_and_level():
    info = Info(
        language="vi",
        event="Bão",
        urgency="Unknown",
        severity="Moderate",
        certainty="Likely",
        headline="Tin bão\nkhẩn cấp",
        description="Bão số 9 đang vào.",
        instruction="Bà con ở trong nhà.",
    )
    alert = Alert(identifier="VN.KTTV 2026/09", sender="kttv@gov.vn", sent=NOW, infos=(info,))
    text = script_text(alert, info)
    assert script_id_for(alert) == "cap-vn-kttv-2026-09"
    script = parse_script(text, Path("/x/cap-vn-kttv-2026-09.md"))
    assert script.meta.title == "Tin bão khẩn cấp"
    assert script.text == "Bão số 9 đang vào.\n\nBà con ở trong nhà."
    assert script.meta.priority is Priority.priority


# -- through the command ----------------------------------------------------------------


@pytest.fixture
def cap_project(small_root: Path, tmp_path: Path) -> dict:
    out = tmp_path / "out"
    bao = tmp_path / "bao-so-9.md"
    bao.write_text(BAO, "utf-8")
    return {"root": small_root, "out": out, "bao": bao, "base": ["--root", str(small_root)]}


def _queue(out: Path) -> list[dict]:
    path = out / "emergency" / "queue.json"
    return json.loads(path.read_text("utf-8"))["queue"] if path.is_file() else []


@pytest.mark.slow
def test_round_trip_export_validate_import_cancel(cap_project, tmp_path):
    p = cap_project
    runner = CliRunner()
    xml_path = tmp_path / "cap" / "bao-so-9.xml"
    with time_machine.travel(NOW, tick=False):
        r = runner.invoke(
            cli,
            [
                "emergency",
                str(p["bao"]),
                "-s",
                "xom-a",
                "--cap-out",
                str(xml_path),
                "--cap-category",
                "Met",
                *p["base"],
                "--out",
                str(p["out"]),
            ],
        )
    assert r.exit_code == 0, r.output
    xml = xml_path.read_bytes()
    root = _root(xml)
    assert check_alert(root) == []
    info = root.find(f"{{{NS}}}info")
    assert info.findtext(f"{{{NS}}}category") == "Met"
    assert info.findtext(f"{{{NS}}}area/{{{NS}}}areaDesc") == "Xã Thử: Loa xóm A"
    res = info.find(f"{{{NS}}}resource")
    mp3 = (xml_path.parent / res.findtext(f"{{{NS}}}uri")).resolve()
    queued = _queue(p["out"])[0]
    assert mp3 == (p["out"] / queued["files"]["xom-a"]).resolve()
    data = mp3.read_bytes()
    assert res.findtext(f"{{{NS}}}mimeType") == "audio/mpeg"
    assert int(res.findtext(f"{{{NS}}}size")) == len(data) > 10_000
    assert res.findtext(f"{{{NS}}}digest") == hashlib.sha1(data).hexdigest()

    # import into another output folder: same text, same level, queued and rendered
    out2 = tmp_path / "out2"
    assert (
        runner.invoke(cli, ["build", "--date", DAY, *p["base"], "--out", str(out2)]).exit_code == 0
    )
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        r = runner.invoke(
            cli,
            [
                "emergency",
                "--from-cap",
                str(xml_path),
                "-s",
                "xom-a",
                *p["base"],
                "--out",
                str(out2),
            ],
        )
    assert r.exit_code == 0, r.output
    [entry] = _queue(out2)
    script = parse_script(
        (out2 / "emergency" / "cap" / f"{entry['script']}.md").read_text("utf-8"),
        out2 / "emergency" / "cap" / f"{entry['script']}.md",
    )
    original = parse_script(BAO, Path("bao-so-9.md"))
    assert script.text == original.text
    assert script.meta.title == original.meta.title
    assert script.meta.priority is original.meta.priority is Priority.emergency
    assert (out2 / entry["files"]["xom-a"]).stat().st_size > 10_000
    order = json.loads((out2 / "playlists" / DAY / "xom-a.json").read_text("utf-8"))
    assert entry["script"] in [i["script"] for i in order["items"]]
    # the same alert delivered again is not queued twice
    again = runner.invoke(
        cli, ["emergency", "--from-cap", str(xml_path), *p["base"], "--out", str(out2)]
    )
    assert again.exit_code == 0 and "đã có trong hàng đợi" in again.output
    assert len(_queue(out2)) == 1

    # a CAP Cancel referring to it withdraws it, from the queue and from today's playlist
    sender = root.findtext(f"{{{NS}}}sender")
    ident = root.findtext(f"{{{NS}}}identifier")
    cancel = Alert(
        identifier="huy-1",
        sender=sender,
        sent=NOW + dt.timedelta(minutes=9),
        msg_type="Cancel",
        references=(f"{sender},{ident},2026-11-25T10:00:00+07:00",),
    )
    cancel_path = tmp_path / "huy.xml"
    cancel_path.write_bytes(to_xml(cancel))
    assert check_alert(_root(cancel_path.read_bytes())) == []
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        r = runner.invoke(
            cli, ["emergency", "--from-cap", str(cancel_path), *p["base"], "--out", str(out2)]
        )
    assert r.exit_code == 0, r.output
    assert "Đã rút" in r.output
    assert _queue(out2) == []
    order = json.loads((out2 / "playlists" / DAY / "xom-a.json").read_text("utf-8"))
    assert entry["script"] not in [i["script"] for i in order["items"]]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol4;</identifier></alert>
"""


def _bad(kind: str) -> bytes:
    good = to_xml(_alert())
    if kind == "malformed":
        return good[: len(good) // 2]
    if kind == "billion-laughs":
        return BILLION_LAUGHS
    if kind == "cap-1.1":
        return good.replace(NS.encode(), b"urn:oasis:names:tc:emergency:cap:1.1")
    if kind == "no-info":
        return to_xml(Alert(identifier="a1", sender="s@x", sent=NOW))
    if kind == "no-vietnamese":
        return to_xml(_alert()).replace(
            b"<language>vi-VN</language>", b"<language>en-US</language>"
        )
    if kind == "test-status":
        return to_xml(_alert(status="Test"))
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind,words",
    [
        ("malformed", "không phải XML hợp lệ"),
        ("billion-laughs", "billion laughs"),
        ("cap-1.1", "CAP 1.1"),
        ("no-info", "không có khối <info>"),
        ("no-vietnamese", "không có khối <info> tiếng Việt"),
        ("test-status", "status 'Test'"),
    ],
)
def test_bad_cap_file_is_refused_with_exit_2_and_nothing_queued(
    cap_project, tmp_path, capsys, kind, words
):
    p = cap_project
    bad = tmp_path / f"{kind}.xml"
    bad.write_bytes(_bad(kind))
    with pytest.raises(SystemExit) as ex:
        main(["emergency", "--from-cap", str(bad), *p["base"], "--out", str(p["out"])])
    err = capsys.readouterr().err
    assert ex.value.code == 2, err
    assert words in err and str(bad) in err and "Cách sửa:" in err
    assert "Traceback" not in err
    assert _queue(p["out"]) == []
    assert not (p["out"] / "bulletins").exists()


def test_update_replaces_the_queued_alert_and_a_cancel_needs_references(cap_project, tmp_path):
    p = cap_project
    runner = CliRunner()
    args = ["-s", "xom-a", *p["base"], "--out", str(p["out"])]
    first = _alert(identifier="tinh-1", sender="tinh@pctt", resources=())
    (tmp_path / "a.xml").write_bytes(to_xml(first))
    with time_machine.travel(NOW, tick=False):
        r = runner.invoke(cli, ["emergency", "--from-cap", str(tmp_path / "a.xml"), *args])
    assert r.exit_code == 0, r.output
    newer = _alert(identifier="tinh-2", sender="tinh@pctt", text="Bão số 9 đã đổi hướng.")
    newer = Alert(**{**newer.__dict__, "msg_type": "Update", "references": ("tinh@pctt,tinh-1,x",)})
    (tmp_path / "b.xml").write_bytes(to_xml(newer))
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        r = runner.invoke(cli, ["emergency", "--from-cap", str(tmp_path / "b.xml"), *args])
    assert r.exit_code == 0, r.output
    [entry] = _queue(p["out"])
    assert entry["cap"] == {"sender": "tinh@pctt", "identifier": "tinh-2"}
    md = (p["out"] / "emergency" / "cap" / f"{entry['script']}.md").read_text("utf-8")
    assert md.rstrip().endswith("Bão số 9 đã đổi hướng.")

    bare = Alert(identifier="huy", sender="tinh@pctt", sent=NOW, msg_type="Cancel")
    (tmp_path / "c.xml").write_bytes(to_xml(bare))
    r = runner.invoke(cli, ["emergency", "--from-cap", str(tmp_path / "c.xml"), *args])
    assert isinstance(r.exception, CapError) and "<references>" in str(r.exception)
    assert len(_queue(p["out"])) == 1


def test_a_full_area_from_another_system_passes_the_checks():
    area = (
        b"</areaDesc><polygon>21.6,105.8 21.7,105.9 21.6,105.9 21.6,105.8</polygon>"
        b"<circle>21.65,105.85 5.5</circle>"
        b"<geocode><valueName>MA_XA</valueName><value>05800</value></geocode>"
        b"<altitude>0</altitude><ceiling>1500</ceiling>"
    )
    xml = to_xml(_alert()).replace(b"</areaDesc>", area)
    assert check_alert(_root(xml)) == []
    assert check_alert(_root(xml.replace(b"<altitude>0</altitude>", b""))) == [
        "alert/info/area[1]: <ceiling> cần có <altitude>"
    ]
