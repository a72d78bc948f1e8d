"""The console in a real Chromium: write, fix, hear, approve, plan, build, report.

One browser session for the whole flow (the way three people of a commune would use
it). Screenshots go to a temp folder, or to ``$CONSOLE_SCREENSHOTS`` (``docs/`` when
refreshing the README's pictures).
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from docx import Document

from .conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).is_file():
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True
    )

pytestmark = pytest.mark.slow
DAY = "2026-11-25"


@pytest.fixture
def server(app):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        assert time.monotonic() < deadline, "the console did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CONSOLE_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_officer_approver_and_operator_in_a_real_browser(server, shots, console_root, tmp_path):
    stations = console_root / "schedules" / "stations.yaml"
    stations.write_text(  # broadcast windows, so the plan shows how full each session is
        stations.read_text(encoding="utf-8").replace(
            "    kind: fm\n", '    kind: fm\n    windows: ["05:30-05:40", "17:00-17:10"]\n'
        ),
        encoding="utf-8",
    )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 1100, "height": 900}, accept_downloads=True, locale="vi-VN"
        )
        page = context.new_page()
        page.set_default_timeout(30_000)

        def login(name: str) -> None:
            page.goto(server + "/scripts")
            assert "/login" in page.url  # anonymous: sent to the login form
            page.fill("#name", name)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/scripts")

        def logout() -> None:
            page.click("header button:has-text('Đăng xuất')")
            page.wait_for_url("**/login")

        page.goto(server + "/login")
        page.screenshot(path=shots / "console-login.png")

        # -- the officer writes a script with an error, sees it beside the field, fixes it
        login("lan")
        page.click("text=Viết kịch bản mới")
        page.fill("#f-id", "canh-bao-zalo")
        page.fill("#f-topic", "mạo danh qua Zalo")
        page.fill("#f-directive_number", "3316/UBND-VHTT")
        page.fill("#f-directive_date", "22/11/2024")
        page.fill("#f-directive_issuer", "UBND huyện Phú Bình")
        page.fill("#f-valid_from", "25/11/2026")
        page.fill(
            "#body",
            "Bà con không bấm vào đường link lạ gửi qua zalo. Gặp lừa đảo, gọi ngay 156.",
        )
        # the live panel reads it as the station will (lexicon: zalo -> da lô, 156)
        page.wait_for_function(
            "() => document.getElementById('said').textContent.includes('da lô')"
        )
        assert "một năm sáu" in page.text_content("#said")
        page.click("#save")
        error = page.locator("#error-title")
        assert "ô «Tiêu đề» đang để trống" in error.text_content()
        # the message sits beside the title field, not only at the top of the page
        assert page.locator(".has-error #f-title").count() == 1
        page.screenshot(path=shots / "console-edit.png", full_page=True)
        page.fill("#f-title", "Cảnh giác đường link lạ qua Zalo")
        page.click("#save")
        page.wait_for_url("**/scripts/canh-bao-zalo")
        assert page.text_content("#status") == "bản nháp"
        assert (console_root / "scripts" / "canh-bao-zalo.md").is_file()

        # -- hear it: the audio element loads the real MP3
        page.select_option("#station", "fm-thu")
        page.click("#listen")
        page.wait_for_selector("#player")
        duration = page.evaluate(
            """() => new Promise((ok, fail) => {
                const a = document.getElementById('player');
                if (a.readyState >= 1) return ok(a.duration);
                a.addEventListener('loadedmetadata', () => ok(a.duration));
                a.addEventListener('error', () => fail('audio error ' + (a.error && a.error.code)));
                a.load();
            })"""
        )
        assert duration > 10
        page.screenshot(path=shots / "console-script.png", full_page=True)
        page.goto(server + "/scripts")
        page.screenshot(path=shots / "console-scripts.png", full_page=True)
        logout()

        # -- the approver approves it; it appears in the plan
        login("chu-tich")
        page.goto(server + f"/plan?date={DAY}&station=fm-thu")
        assert page.locator("a[href='/scripts/canh-bao-zalo']").count() == 0
        page.goto(server + "/scripts/canh-bao-zalo")
        page.click("#approve")
        page.wait_for_selector("#status:text-is('đã duyệt')")
        assert "chu-tich" in page.text_content("main")
        page.goto(server + f"/plan?date={DAY}&station=fm-thu")
        assert page.locator(f"#day-{DAY} a[href='/scripts/canh-bao-zalo']").count() >= 1
        logout()

        # -- the operator builds the day, confirms it aired and downloads the report
        login("ky-thuat")
        page.goto(server + f"/plan?date={DAY}&station=fm-thu")
        page.screenshot(path=shots / "console-plan.png", full_page=True)
        page.click(f"#build-{DAY}")
        page.wait_for_selector("#job-done, #job-error", timeout=120_000)
        assert "Xong: 2 danh sách phát" in page.text_content("#job")
        page.screenshot(path=shots / "console-build.png", full_page=True)
        playlist = console_root / "audio_out" / "playlists" / DAY / "fm-thu.m3u8"
        assert "canh-bao-zalo" in playlist.read_text(encoding="utf-8")
        page.goto(server + f"/asrun?date={DAY}")
        page.click("#confirm-fm-thu")  # one station, then its confirmation step
        page.wait_for_selector("#to-confirm", timeout=30_000)
        page.click("#confirm")
        page.wait_for_selector("#plays td:has-text('xác nhận')", timeout=30_000)
        page.screenshot(path=shots / "console-asrun.png", full_page=True)
        page.goto(server + f"/report?from={DAY}&to={DAY}")
        page.screenshot(path=shots / "console-report.png", full_page=True)
        with page.expect_download() as info:
            page.click("#docx")
        target = tmp_path / "bao-cao.docx"
        info.value.save_as(target)
        doc = Document(io.BytesIO(target.read_bytes()))
        assert "BÁO CÁO" in "\n".join(p.text for p in doc.paragraphs)
        page.goto(server + "/emergency")
        page.select_option("#script", "canh-bao-zalo")
        page.click("#next")
        page.wait_for_selector("#confirm")
        page.screenshot(path=shots / "console-emergency.png", full_page=True)
        page.goto(server + "/users")
        page.screenshot(path=shots / "console-users.png", full_page=True)

        # -- a phone-sized screen: the plan still reads without sideways scrolling
        phone = browser.new_context(
            locale="vi-VN",
            viewport={"width": 390, "height": 844},
            storage_state=context.storage_state(),
        )
        mobile = phone.new_page()
        mobile.goto(server + f"/plan?date={DAY}&station=fm-thu")
        width = mobile.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1
        mobile.screenshot(path=shots / "console-phone.png", full_page=False)
        browser.close()
