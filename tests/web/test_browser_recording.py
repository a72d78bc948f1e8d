"""A recorded bulletin through the console in a real Chromium (issue 20): the officer
sends a file, then records a take on a phone-sized screen with Chromium's fake
microphone (a beep), listens and sends it; the leader approves; the operator builds the
day and the playlist airs the recording.

Screenshots go to a temp folder, or to ``$CONSOLE_SCREENSHOTS`` (``docs/``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from broadcast.audio.probe import probe
from broadcast.project.scripts import load_script
from tests.build.test_recorded_bulletins import officer_recording

from .conftest import PASSWORD
from .test_browser import CHROMIUM, DAY, server, shots, sync_api  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow
SID = "noi-trinh-bao"
FAKE_MIC = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


def test_officer_uploads_records_in_the_browser_and_the_recording_airs(
    server,  # noqa: F811
    shots,  # noqa: F811
    console_root: Path,
    tmp_path: Path,
):
    phone_file = tmp_path / "dien-thoai.mp3"
    officer_recording(phone_file)
    script_path = console_root / "scripts" / f"{SID}.md"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", *FAKE_MIC])
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="vi-VN", permissions=["microphone"]
        )
        page = context.new_page()
        page.set_default_timeout(30_000)

        def login(name: str) -> None:
            page.goto(server + "/login")
            page.fill("#name", name)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/scripts")

        def logout() -> None:
            page.click("header button:has-text('Đăng xuất')")
            page.wait_for_url("**/login")

        def no_sideways_scroll() -> None:
            assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

        # -- the officer sends the file the district sent
        login("lan")
        page.goto(server + f"/scripts/{SID}")
        page.set_input_files("#recording-file", str(phone_file))
        page.click("#upload")
        page.wait_for_url(f"**/scripts/{SID}?ghi-am=1")
        assert "scripts/noi-trinh-bao.mp3" in page.text_content("#recording")
        assert "bản nháp" in page.text_content("#recording-saved")
        no_sideways_scroll()

        # -- then records it herself: the text large, record, listen, again, send
        page.click("#record-link")
        page.wait_for_selector("#rec-start:visible")
        assert page.text_content("#rec-unsupported") and page.is_hidden("#rec-unsupported")
        body = load_script(script_path).text
        assert body.split()[0] in page.text_content("#prompter")
        font = page.evaluate("parseFloat(getComputedStyle(prompter).fontSize)")
        assert font >= 22  # large enough to read at arm's length on a phone
        no_sideways_scroll()
        page.screenshot(path=shots / "console-record-phone.png")
        page.click("#rec-start")
        page.wait_for_function(
            "() => document.getElementById('rec-state').textContent.includes('0:01')"
        )
        page.click("#rec-stop")
        page.wait_for_selector("#rec-send:visible")
        # someone saves the script meanwhile: the take is refused, said in the page, kept
        script_path.write_text(script_path.read_text("utf-8") + "\nXin cảm ơn.\n", "utf-8")
        page.click("#rec-send")
        page.wait_for_selector("#rec-error:visible")
        assert "Kịch bản đã được sửa sau khi anh/chị mở trang này" in page.text_content(
            "#rec-error"
        )
        assert page.is_visible("#rec-send") and page.is_visible("#rec-player")
        asked = []
        page.once("dialog", lambda d: (asked.append(d.type), d.accept()))
        page.reload()  # the new text, then a new take; the browser asks before dropping it
        assert asked == ["beforeunload"]
        assert "Xin cảm ơn." in page.text_content("#prompter")
        page.click("#rec-start")
        page.wait_for_function(
            "() => document.getElementById('rec-state').textContent.includes('0:01')"
        )
        page.click("#rec-stop")
        page.wait_for_selector("#rec-player:visible")
        page.click("#rec-again")  # not happy with this take: record again
        page.wait_for_selector("#rec-stop:visible")
        page.wait_for_function(
            "() => document.getElementById('rec-state').textContent.includes('0:02')"
        )
        page.click("#rec-stop")
        page.wait_for_selector("#rec-send:visible")
        assert "Đã thu 0:02" in page.text_content("#rec-state")
        page.screenshot(path=shots / "console-record-take.png")
        page.click("#rec-send")
        page.wait_for_url(f"**/scripts/{SID}?ghi-am=1")
        assert "scripts/noi-trinh-bao.webm" in page.text_content("#recording")
        take = console_root / "scripts" / f"{SID}.webm"
        assert 1.5 < probe(take, take.name).seconds < 10
        assert page.locator("#recording-player").count() == 1
        page.screenshot(path=shots / "console-recording-sent.png", full_page=True)
        page.goto(server + "/scripts")  # the list says which scripts air a recording
        assert page.text_content(f"#recorded-{SID}") == "bản ghi âm"
        assert page.locator(".badge.recorded").count() == 1
        logout()

        # -- the commune's leader listens and approves the recording
        login("chu-tich")
        page.goto(server + f"/scripts/{SID}")
        assert page.text_content("#status") == "bản nháp chờ duyệt"  # an approved script's new take
        page.select_option("#station", "fm-thu")
        page.click("#listen")
        page.wait_for_selector("#player", timeout=60_000)
        assert "phát bản ghi âm noi-trinh-bao.webm" in page.text_content("main")
        page.click("#approve")
        page.wait_for_selector("#status:text-is('đã duyệt')")
        logout()

        # -- the operator builds the day: the playlist airs the recording
        login("ky-thuat")
        page.goto(server + f"/plan?date={DAY}&station=fm-thu")
        page.click(f"#build-{DAY}")
        page.wait_for_selector("#job-done, #job-error", timeout=120_000)
        assert page.locator("#job-done").count() == 1, page.text_content("#job")
        browser.close()

    orders = list((console_root / "audio_out" / "playlists" / DAY).glob("fm-thu*.json"))
    assert orders, "no running order for the station's day"
    items = json.loads(orders[0].read_text("utf-8"))
    entries = items["items"] if isinstance(items, dict) else items
    ours = [e for e in entries if e.get("script") == SID or e.get("script_id") == SID]
    assert ours and all(e.get("source_audio") == f"{SID}.webm" for e in ours)
