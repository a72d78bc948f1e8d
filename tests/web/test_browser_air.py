"""The on-air, emergency and as-run pages in Debian's Chromium (issue 19): see what is on
air, send an emergency after its confirmation step, watch it wait, download its CAP,
cancel it, mark one item not aired with a reason, confirm one station's day. Every wait
has a timeout; screenshots go to ``$CONSOLE_SCREENSHOTS`` (``docs/``) or a temp folder."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from broadcast.emergency.cap import parse_alert
from broadcast.emergency.queue import load_queue
from broadcast.report.asrun import asrun_path

from .conftest import PASSWORD
from .test_air import DAY, _planned, board
from .test_browser import CHROMIUM, sync_api
from .test_browser import server as _server
from .test_browser import shots as _shots

pytestmark = pytest.mark.slow
#: the live console and the screenshot folder, as test_browser makes them
live = pytest.fixture(_server.__wrapped__, name="live")  # type: ignore[attr-defined]
pictures = pytest.fixture(_shots.__wrapped__, name="pictures")  # type: ignore[attr-defined]

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WAIT = 30_000


def test_operator_watches_on_air_sends_cancels_and_marks_the_as_run(
    live, pictures, console_root, tmp_path
):
    server, shots = live, pictures
    out = console_root / "audio_out"
    board(out, dt.datetime.now(TZ))  # a daemon that has just written its heartbeat
    log = _planned(out)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 1100, "height": 900}, accept_downloads=True, locale="vi-VN"
        )
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.goto(server + "/login?next=/onair", timeout=WAIT)
        page.fill("#name", "ky-thuat")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#stations", timeout=WAIT)
        assert "Máy phát đang chạy" in page.text_content("#daemon")
        assert "Cảnh báo giả danh công an" in page.text_content("#st-xom-a")
        page.screenshot(path=shots / "console-onair.png", full_page=True)

        # -- emergency: by title and name, a confirmation, then its own page
        page.goto(server + "/emergency", timeout=WAIT)
        page.select_option("#script", "noi-trinh-bao")
        page.check("input[name=targets][value=xom-a]")
        page.click("#next")
        page.wait_for_selector("#confirm-stations", timeout=WAIT)
        assert "xom-a" in page.text_content("#confirm-stations")
        page.click("#confirm")
        page.wait_for_selector("#entry-stations", timeout=120_000)
        assert "đang chờ phát" in page.text_content("#entry-stations")
        page.screenshot(path=shots / "console-emergency-sent.png", full_page=True)
        with page.expect_download(timeout=WAIT) as info:
            page.click("#cap")
        cap = tmp_path / "alert.xml"
        info.value.save_as(cap)
        (entry,) = load_queue(out)
        assert parse_alert(cap.read_bytes(), str(cap)).identifier == entry.id
        page.click("#cancel")
        page.wait_for_selector("#cancel-confirm", timeout=WAIT)
        page.click("#cancel-confirm")
        page.wait_for_selector("#cancelled", timeout=120_000)
        assert load_queue(out) == []

        # -- as-run: one item not aired (with a reason), then one station's day
        page.goto(server + f"/asrun?date={DAY.isoformat()}", timeout=WAIT)
        page.click("#not-aired-xom-a-0")
        page.wait_for_selector("#reason", timeout=WAIT)
        page.fill("#reason", "mất điện cả buổi sáng")
        page.screenshot(path=shots / "console-asrun-not-aired.png", full_page=True)
        page.click("#not-aired-confirm")
        page.wait_for_selector("#st-xom-a", timeout=WAIT)
        page.click("#confirm-xom-a")
        page.wait_for_selector("#to-confirm", timeout=WAIT)
        assert page.locator("#to-confirm li").count() == 1
        page.click("#confirm")
        page.wait_for_selector("#plays td:has-text('xác nhận')", timeout=WAIT)
        page.screenshot(path=shots / "console-asrun-station.png", full_page=True)
        results = sorted(p.result for p in log.plays(DAY, DAY, "xom-a"))
        assert results == ["confirmed", "skipped"] and asrun_path(out).is_file()

        # -- the on-air page on a phone, no sideways scrolling
        phone = browser.new_context(
            locale="vi-VN", viewport={"width": 390, "height": 844},
            storage_state=context.storage_state(),
        )  # fmt: skip
        mobile = phone.new_page()
        mobile.goto(server + "/onair", timeout=WAIT)
        assert mobile.evaluate("document.documentElement.scrollWidth") <= 391
        mobile.screenshot(path=shots / "console-onair-phone.png", full_page=False)
        browser.close()
