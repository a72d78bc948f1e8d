"""CAP alerts beyond the bounds (issue 23): a file over 1 MB is refused unread, a field
over its bound before the structure is checked, an expired alert or one sent from the
future is refused; each with a Vietnamese message naming the file and the fix, and
nothing queued."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from broadcast.cli import main
from broadcast.emergency.cap import (
    MAX_CAP_BYTES,
    CapError,
    bulletin_alert,
    check_times,
    parse_alert,
    script_text,
    to_xml,
)
from broadcast.project.converters import MAX_ONE_LINE
from broadcast.project.scripts import Priority, parse_script

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ)


def _alert(text: str = "Bão số 9 đang vào.", sent: dt.datetime = NOW, **info_over):  # type: ignore[no-untyped-def]
    alert = bulletin_alert(
        identifier="bao-so-9",
        sender="huyen@pctt",
        sent=sent,
        title="Khẩn cấp về bão số 9",
        topic="thiên tai",
        text=text,
        priority=Priority.emergency,
        area="Xã Thử",
        resources=(),
    )
    if info_over:
        info = dataclasses.replace(alert.infos[0], **info_over)
        alert = dataclasses.replace(alert, infos=(info,))
    return alert


def _refused(tmp_path: Path, small_root: Path, capsys, data: bytes) -> str:  # type: ignore[no-untyped-def]
    cap = tmp_path / "canh-bao.xml"
    cap.write_bytes(data)
    out = tmp_path / "out"
    with time_machine.travel(NOW, tick=False), pytest.raises(SystemExit) as stop:
        main(["emergency", "--from-cap", str(cap), "--root", str(small_root), "--out", str(out)])
    err = capsys.readouterr().err
    assert stop.value.code == 2, err
    assert str(cap) in err and "Cách sửa:" in err and "Traceback" not in err
    queue = out / "emergency" / "queue.json"
    assert not queue.is_file() or json.loads(queue.read_text("utf-8"))["queue"] == []
    return err


def test_a_cap_file_over_1_mb_is_refused_before_it_is_read(
    tmp_path, small_root, capsys, monkeypatch
):
    data = to_xml(_alert("Bão. " * 260_000))  # a 1.3 MB <description>
    assert len(data) > 1_300_000

    def never(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("the file was parsed")

    monkeypatch.setattr("defusedxml.ElementTree.fromstring", never)
    err = _refused(tmp_path, small_root, capsys, data)
    assert "quá giới hạn 1,0 MB" in err


def test_parse_alert_refuses_bytes_over_the_limit_without_parsing():
    with pytest.raises(CapError) as err:
        parse_alert(b"<" * (MAX_CAP_BYTES + 1), "tai-len.xml")
    assert "quá giới hạn" in err.value.what and err.value.where == "tai-len.xml"


def test_a_description_over_a_script_body_is_refused_naming_the_field(tmp_path, small_root, capsys):
    err = _refused(tmp_path, small_root, capsys, to_xml(_alert("Bão số 9. " * 3000)))
    assert "<description> dài 29.999 ký tự, quá giới hạn 20.000" in err


def test_a_long_headline_is_refused(tmp_path, small_root, capsys):
    err = _refused(tmp_path, small_root, capsys, to_xml(_alert(headline="Bão " * 400)))
    assert "<headline> dài" in err and "quá giới hạn 1.000" in err


def test_a_headline_under_the_cap_bound_but_over_a_title_is_cut_and_the_script_loads(tmp_path):
    """CAP takes a headline up to 1,000 characters, a script's title 300 (issue 23): the
    alert still airs, its title cut with '…'."""
    alert = _alert(headline="Bão " * 150)
    text = script_text(alert, alert.infos[0])
    script = parse_script(text, tmp_path / "cap-bao-so-9.md")
    assert len(script.meta.title) == MAX_ONE_LINE and script.meta.title.endswith("…")


def test_an_alert_that_expired_399_days_ago_is_refused(tmp_path, small_root, capsys):
    expired = _alert(expires=NOW - dt.timedelta(days=399))
    err = _refused(tmp_path, small_root, capsys, to_xml(expired))
    assert "đã hết hạn lúc 10:00 ngày 22/10/2025 (399 ngày trước): không phát" in err


def test_an_alert_sent_a_year_ahead_is_refused(tmp_path, small_root, capsys):
    ahead = _alert(sent=NOW + dt.timedelta(days=365))
    err = _refused(tmp_path, small_root, capsys, to_xml(ahead))
    assert "muộn hơn giờ của máy này 365 ngày" in err and "đồng hồ" in err


@pytest.mark.parametrize(
    "sent,expires,ok",
    [
        (NOW + dt.timedelta(minutes=4, seconds=59), None, True),  # within the clock skew
        (NOW + dt.timedelta(minutes=5, seconds=1), None, False),
        (NOW - dt.timedelta(hours=1), NOW + dt.timedelta(minutes=1), True),
        (NOW - dt.timedelta(hours=1), NOW, False),  # expires now: no longer airs
    ],
)
def test_the_time_rules_at_their_edges(sent, expires, ok):
    alert = _alert(sent=sent, expires=expires)
    if ok:
        check_times(alert, "x.xml", NOW)
    else:
        with pytest.raises(CapError):
            check_times(alert, "x.xml", NOW)


def test_a_cancel_of_an_expired_alert_still_withdraws_it():
    expired = _alert(expires=NOW - dt.timedelta(days=2))
    cancel = dataclasses.replace(expired, msg_type="Cancel")
    check_times(cancel, "x.xml", NOW)  # no error


def test_expires_round_trips_through_the_xml():
    alert = _alert(expires=NOW + dt.timedelta(hours=6))
    back = parse_alert(to_xml(alert), "x.xml")
    assert back.infos[0].expires == NOW + dt.timedelta(hours=6)


def test_description_and_instruction_together_over_a_body_are_refused(tmp_path, small_root, capsys):
    alert = _alert("Bão số 9. " * 1900, instruction="Sơ tán. " * 600)
    err = _refused(tmp_path, small_root, capsys, to_xml(alert))
    assert "<description> và <instruction>) dài 23.798 ký tự" in err


def test_every_mutation_of_a_good_alert_is_read_or_refused_with_a_cap_error():
    """Fuzz: random bytes and a good alert with a few bytes changed never raise anything
    but CapError (a date such as 2026-13-45T99:00:00+07:00 matches the form's pattern)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from broadcast.errors import BroadcastError

    good = to_xml(_alert(expires=NOW + dt.timedelta(hours=1)))

    @settings(max_examples=150, deadline=None)
    @given(
        st.binary(max_size=600)
        | st.tuples(st.integers(0, len(good)), st.binary(min_size=1, max_size=4)).map(
            lambda t: good[: t[0]] + t[1] + good[t[0] + len(t[1]) :]
        )
        | st.sampled_from(["sent", "expires"]).flatmap(
            lambda tag: st.from_regex(
                r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}\Z"
            ).map(lambda when, tag=tag: _with_time(good, tag, when))
        )
    )
    def run(data: bytes) -> None:
        try:
            alert = parse_alert(data, "x.xml")
        except BroadcastError as exc:
            assert isinstance(exc, CapError) and exc.message
            return
        try:
            check_times(alert, "x.xml", NOW)
        except CapError:
            pass

    run()


def _with_time(good: bytes, tag: str, when: str) -> bytes:
    import re

    return re.sub(
        rf"<{tag}>[^<]*</{tag}>".encode(), f"<{tag}>{when}</{tag}>".encode(), good, count=1
    )


@pytest.mark.parametrize("size", ["²", "١٢", "1.5"])
def test_a_resource_size_that_is_not_ascii_digits_is_a_cap_error(size):
    from broadcast.emergency.cap import Resource

    alert = _alert()
    info = dataclasses.replace(alert.infos[0], resources=(Resource("mp3", "audio/mpeg", 1),))
    data = to_xml(dataclasses.replace(alert, infos=(info,)))
    data = data.replace(b"<size>1</size>", f"<size>{size}</size>".encode())
    with pytest.raises(CapError) as err:
        parse_alert(data, "x.xml")
    assert "số byte" in err.value.what
