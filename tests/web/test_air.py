"""The on-air page, one emergency (watch, cancel, CAP 1.2) and the as-run log's
per-station confirmation and per-item "not aired" marks (issue 19): roles, CSRF, audit."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from broadcast.emergency.cap import parse_alert
from broadcast.emergency.queue import load_queue
from broadcast.playout.status import StatusBoard, status_path
from broadcast.report.asrun import AsRunLog, asrun_path
from tests.cli.test_officer_traps import bc

from .conftest import csrf_of
from .test_pages import audit

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = dt.date(2026, 11, 25)


def board(out: Path, beat: dt.datetime) -> StatusBoard:
    b = StatusBoard(out, lambda: beat)
    b.names({"xom-a": "Loa xóm A"})
    b.on_air("xom-a", "Cảnh báo giả danh công an", "bulletin", "05:30", "2026-11-25",
             beat - dt.timedelta(seconds=20), 148, "x.mp3")  # fmt: skip
    b.finished("fm-thu", "Không cung cấp mã OTP", "failed", beat - dt.timedelta(minutes=5),
               beat - dt.timedelta(minutes=5) + dt.timedelta(seconds=4), "chỉ phát được 4.0 giây")  # fmt: skip
    return b


def test_on_air_page_shows_each_station_and_marks_a_silent_daemon(console_root, client_as):
    out = console_root / "audio_out"
    officer = client_as("officer")
    page = html.unescape(officer.get("/onair").text)
    assert "Máy phát không trả lời" in page and "chưa có 'broadcast run' nào chạy" in page
    assert 'http-equiv="refresh"' in page and "<script>" not in page
    board(out, dt.datetime.now(TZ))
    page = html.unescape(officer.get("/onair").text)
    assert "Máy phát đang chạy" in page
    assert "Cảnh báo giả danh công an" in page and "dài 2 phút 28 giây" in page
    assert "Đài truyền thanh xã Thử" in page  # the station's name, not only its id
    assert "phát lỗi" in page and "chỉ phát được 4.0 giây" in page
    # 45 s without a heartbeat: not answering, and nothing is shown as on air
    board(out, dt.datetime.now(TZ) - dt.timedelta(seconds=45))
    page = html.unescape(officer.get("/onair").text)
    assert "Máy phát không trả lời" in page
    assert re.search(r"không trả lời đã 4[5-9] giây", page)  # the request takes a moment
    assert '<span class="on-air">' not in page
    doc = json.loads(status_path(out).read_text("utf-8"))
    assert doc["stations"]["xom-a"]["on_air"]["seconds"] == 148


def test_on_air_page_needs_a_login(client_as):
    res = client_as(None).get("/onair", follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"].startswith("/login")


@pytest.fixture
def sent(console_root, client_as):
    """An emergency sent from the console to xom-a, through its confirmation step."""
    operator = client_as("operator")
    form = operator.get("/emergency").text
    title = re.search(r'<option value="noi-trinh-bao">([^<]+)</option>', form).group(1)
    assert title != "noi-trinh-bao"  # picked by title
    assert "Đài truyền thanh xã Thử" in form and "Tất cả các đài" in form
    data = {"csrf": csrf_of(form), "script": "noi-trinh-bao", "targets": "xom-a"}
    step = operator.post("/emergency", data=data)
    assert "Tôi xác nhận" in step.text and "confirm-stations" in step.text
    res = operator.post("/emergency", data={**data, "confirm": "yes"}, follow_redirects=False)
    assert res.status_code == 303
    page = operator.get(res.headers["location"])
    assert "Đã đưa bản tin khẩn cấp vào hàng đợi" in page.text and "đang chờ phát" in page.text
    (entry,) = load_queue(console_root / "audio_out")
    return operator, entry, res.headers["location"].split("?")[0]


def test_emergency_downloads_as_cap_1_2(sent):
    operator, entry, url = sent
    res = operator.get(url + "/cap")
    assert res.status_code == 200 and "attachment" in res.headers["content-disposition"]
    alert = parse_alert(res.content, "tải về")
    assert alert.identifier == entry.id and alert.msg_type == "Alert"
    assert b"bulletins/" in res.content


def test_emergency_is_cancelled_after_a_confirmation_step(sent, console_root):
    operator, entry, url = sent
    page = operator.get(url).text
    res = operator.post(url + "/cancel", data={"csrf": csrf_of(page)}, follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"].endswith("?cancel=1")
    assert load_queue(console_root / "audio_out")  # not yet
    step = operator.get(res.headers["location"]).text
    assert "Tôi xác nhận: hủy bản tin" in step
    res = operator.post(url + "/cancel", data={"csrf": csrf_of(step), "confirm": "yes"})
    assert res.status_code == 200 and "Đã hủy bản tin khẩn cấp" in res.text
    assert load_queue(console_root / "audio_out") == []
    assert ("ky-thuat", "hủy khẩn cấp", "noi-trinh-bao") in audit(console_root)
    assert operator.get(url).status_code == 400  # gone: said, not a 500


def test_cancel_and_cap_need_an_operator_and_csrf(sent, client_as, console_root):
    operator, entry, url = sent
    officer = client_as("officer")
    page = officer.get("/onair").text
    assert (
        officer.post(url + "/cancel", data={"csrf": csrf_of(page), "confirm": "yes"}).status_code
        == 403
    )
    assert officer.get(url + "/cap").status_code == 403
    assert operator.post(url + "/cancel", data={"confirm": "yes"}).status_code == 403  # no CSRF
    assert len(load_queue(console_root / "audio_out")) == 1


def test_cli_cancels_a_queued_emergency(sent, console_root):
    _, entry, _ = sent
    out = console_root / "audio_out"
    args = ["emergency", "--root", str(console_root), "--out", str(out)]
    r = bc(*args, "--cancel", entry.id)
    assert r.code == 0, r.err
    assert "Đã hủy bản tin khẩn cấp" in r.out and load_queue(out) == []
    r = bc(*args, "--cancel", entry.id)
    assert r.code == 2 and "Lỗi: Không có bản tin khẩn cấp" in r.err and "Traceback" not in r.err


def _planned(out: Path) -> AsRunLog:
    log = AsRunLog(asrun_path(out))
    for sid in ("fm-thu", "xom-a"):
        items = []
        for n, script in enumerate(("noi-trinh-bao", "khong-cung-cap-otp")):
            start = dt.datetime(2026, 11, 25, 5, 30 + n, tzinfo=TZ)
            items.append({"slot": "05:30", "start": start.isoformat(),
                          "end": (start + dt.timedelta(seconds=50)).isoformat(),
                          "duration_s": 50, "script": script, "source": "c",
                          "directive": "CV 1", "title": f"Tựa {script}", "file": "x.mp3"})  # fmt: skip
        log.record_planned(DAY, sid, items)
    return log


def test_asrun_marks_one_item_not_aired_then_confirms_one_station(console_root, client_as):
    log = _planned(console_root / "audio_out")
    operator = client_as("operator")
    page = operator.get("/asrun?date=2026-11-25").text
    assert "mọi đài" not in page and 'id="confirm-fm-thu"' in page
    assert "Đài truyền thanh xã Thử" in page
    step = operator.get("/asrun/not-aired?date=2026-11-25&station=xom-a&seq=0").text
    assert "Tôi xác nhận: bản tin này không phát" in step
    data = {"csrf": csrf_of(step), "date": "2026-11-25", "station": "xom-a", "seq": "0",
            "confirm": "yes"}  # fmt: skip
    res = operator.post("/asrun/not-aired", data={**data, "reason": "  "})
    assert res.status_code == 200 and "Cần ghi lý do không phát" in res.text
    assert log.plays(DAY, DAY) == []
    res = operator.post("/asrun/not-aired", data={**data, "reason": "mất điện"})
    assert res.status_code == 200
    (p,) = log.plays(DAY, DAY)
    assert (p.station_id, p.script_id, p.result) == ("xom-a", "noi-trinh-bao", "skipped")
    assert "mất điện" in p.note and "ky-thuat" in p.note
    # a second mark of the same item is refused
    assert operator.post("/asrun/not-aired", data={**data, "reason": "x"}).status_code == 400
    # confirm xom-a: a step listing the one item left, then the confirmation
    form = {"csrf": csrf_of(step), "date": "2026-11-25", "station": "xom-a"}
    step = operator.post("/asrun/confirm", data=form).text
    assert "Tựa khong-cung-cap-otp" in step and "Tựa noi-trinh-bao" not in step
    assert log.plays(DAY, DAY, "xom-a") == [p]  # nothing yet
    operator.post("/asrun/confirm", data={**form, "confirm": "yes"})
    results = {(x.station_id, x.script_id): x.result for x in log.plays(DAY, DAY)}
    assert results == {("xom-a", "noi-trinh-bao"): "skipped",
                       ("xom-a", "khong-cung-cap-otp"): "confirmed"}  # fmt: skip
    assert ("ky-thuat", "ghi không phát", "2026-11-25") in audit(console_root)
    assert ("ky-thuat", "xác nhận đã phát", "2026-11-25") in audit(console_root)
    # every station in one click is gone
    res = operator.post("/asrun/confirm", data={**form, "station": "all", "confirm": "yes"})
    assert res.status_code == 400 and log.plays(DAY, DAY, "fm-thu") == []


def test_asrun_marks_need_an_operator(console_root, client_as):
    log = _planned(console_root / "audio_out")
    officer = client_as("officer")
    page = officer.get("/asrun?date=2026-11-25").text
    assert "Báo không phát" not in page
    data = {"csrf": csrf_of(page), "date": "2026-11-25", "station": "xom-a", "seq": "0",
            "reason": "x", "confirm": "yes"}  # fmt: skip
    assert officer.post("/asrun/not-aired", data=data).status_code == 403
    assert officer.post("/asrun/confirm", data=data).status_code == 403
    assert log.plays(DAY, DAY) == []


def test_the_emergency_page_shows_it_go_on_air_from_a_running_daemon(sent, console_root):
    import sys

    from broadcast.playout.daemon import Daemon

    from ..playout.test_daemon import PLAYER, wait_for

    operator, entry, url = sent
    out = console_root / "audio_out"
    log = out.parent / "player.log"
    # a 0.05 s stand-in for a bulletin of about a minute: the 95 % rule is tested elsewhere
    d = Daemon(out, player=f"{sys.executable} {PLAYER} {{file}} {log} 0.05", poll_s=0.1,
               min_aired=0.0)  # fmt: skip
    d.start(build_now=False)
    try:
        wait_for(lambda: "đã phát" in operator.get(url).text, 30)
    finally:
        d.shutdown()
    page = operator.get(url).text
    assert "đang chờ phát" not in page and 'id="cancel"' not in page  # aired: no cancel
    onair = html.unescape(operator.get("/onair").text)
    assert entry.title in onair and "đã phát" in onair  # the last played, per station


def test_an_emergency_is_sent_while_a_preview_holds_the_render_lock(console_root, client_as):
    """Issue 23: an operator's emergency never waits behind an officer's long preview
    ("Làm bản tin và nghe" holds the console's render lock while it renders)."""
    import threading

    operator = client_as("operator")
    form = operator.get("/emergency").text
    data = {"csrf": csrf_of(form), "script": "noi-trinh-bao", "targets": "xom-a", "confirm": "yes"}
    lock = operator.app.state.render_lock  # type: ignore[attr-defined]
    answer: dict[str, int] = {}

    def send() -> None:
        answer["status"] = operator.post(
            "/emergency", data=data, follow_redirects=False
        ).status_code

    with lock:  # a preview is rendering
        t = threading.Thread(target=send, daemon=True)
        t.start()
        t.join(120)
        queued = load_queue(console_root / "audio_out")
    assert answer.get("status") == 303, "the emergency waited for the preview"
    assert [e.script_id for e in queued] == ["noi-trinh-bao"]
