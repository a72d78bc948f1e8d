"""A new commune run in the browser only, on a 390×844 phone (issue 19): from a project
with no station and no script, the operator adds the commune's FM station and two hamlets,
the officer creates the campaign for a directive and writes its script, the approver
approves it, the operator builds the day (every station's playlist holds it), sees it on
air (a daemon's status record, as ``broadcast run`` writes it), sends and cancels an
emergency, marks one item not aired with a reason, confirms a station's day and downloads
the report."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from broadcast.emergency.queue import load_queue
from broadcast.playout.status import StatusBoard
from broadcast.report.asrun import AsRunLog, asrun_path

from .conftest import PASSWORD
from .test_browser import CHROMIUM, sync_api
from .test_browser import server as _server
from .test_browser import shots as _shots

pytestmark = pytest.mark.slow
live = pytest.fixture(_server.__wrapped__, name="live")  # type: ignore[attr-defined]
pictures = pytest.fixture(_shots.__wrapped__, name="pictures")  # type: ignore[attr-defined]
WAIT = 30_000
PHONE = {"width": 390, "height": 844}
DAY = "2026-11-25"


@pytest.fixture
def empty_root(console_root):
    """The console's users, and a project with nothing in it but 'approval: required'."""
    for path in (console_root / "schedules").glob("*.yaml"):
        path.unlink()
    for path in (console_root / "scripts").glob("*.md"):
        path.unlink()
    (console_root / "schedules" / "stations.yaml").write_text(
        "approval: required\n", encoding="utf-8"
    )
    return console_root


def test_a_new_commune_from_an_empty_project_in_a_phone_browser(
    empty_root, live, pictures, tmp_path
):
    server, shots, root = live, pictures, empty_root
    out = root / "audio_out"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])

        def as_user(name: str, target: str):
            context = browser.new_context(
                locale="vi-VN", viewport=PHONE, has_touch=True, is_mobile=True
            )
            page = context.new_page()
            page.set_default_timeout(WAIT)
            page.goto(f"{server}/login?next={target}")
            page.fill("#name", name)
            page.fill("#password", PASSWORD)
            page.tap("button[type=submit]")
            page.wait_for_selector("main h1")
            return page

        def fits(page) -> None:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

        # -- the operator: the commune's FM station, then two hamlets
        page = as_user("ky-thuat", "/stations")
        assert "Chưa có đài nào" in page.text_content("main")
        assert page.locator(".error-box").count() == 0
        page.fill("#add-commune", "Xã Kha Sơn")
        page.fill("#add-name", "Đài truyền thanh xã Kha Sơn")
        page.fill("#add-id", "fm-kha-son")
        page.select_option("#add-kind", "fm")
        page.fill("#add-windows", "05:30-06:30, 17:00-18:00")
        page.tap("#add-station-save")
        page.wait_for_selector("#station-fm-kha-son")
        for name, sid in (("Loa truyền thanh xóm Đồng", "xom-dong"), ("Loa xóm Cầu", "xom-cau")):
            assert page.locator("#add-commune").count() == 0
            page.fill("#add-name", name)
            page.fill("#add-id", sid)
            page.select_option("#add-kind", "loudspeaker")
            page.fill("#add-windows", "05:30-05:45, 17:00-17:15")
            page.tap("#add-station-save")
            page.wait_for_selector(f"#station-{sid}")
        fits(page)
        page.screenshot(path=shots / "console-new-commune-stations.png", full_page=True)
        page.context.close()

        # -- the officer: the campaign, then its script
        page = as_user("lan", "/campaigns/new")
        page.fill("#f-title", "Phòng, chống lừa đảo trực tuyến")
        page.fill("#f-directive_number", "3316/UBND-VHTT")
        page.fill("#f-directive_date", "22/11/2024")
        page.fill("#f-directive_issuer", "UBND huyện Phú Bình")
        page.fill("#f-from", "25/11/2026")
        page.fill("#f-until", "15/12/2026")
        page.tap("input[name=target][value=all]")
        page.tap("#save")
        page.wait_for_selector("#campaign-phong-chong-lua-dao-truc-tuyen")
        page.goto(server + "/scripts/new")
        page.fill("#f-id", "canh-giac-otp")
        page.fill("#f-title", "Cảnh giác khi bị hỏi mã OTP")
        page.fill("#f-topic", "lừa đảo chiếm đoạt OTP")
        page.fill("#f-directive_number", "3316/UBND-VHTT")
        page.fill("#f-directive_issuer", "UBND huyện Phú Bình")
        page.fill("#body", "Không đọc mã OTP cho bất kỳ ai qua điện thoại. Gặp lừa đảo, gọi 156.")
        page.tap("#save")
        page.wait_for_url("**/scripts/canh-giac-otp")
        fits(page)
        page.context.close()

        # -- the approver approves it
        page = as_user("chu-tich", "/scripts/canh-giac-otp")
        page.tap("#approve")
        page.wait_for_selector("#status:text-is('đã duyệt')")
        page.context.close()

        # -- the operator builds the day for every station
        page = as_user("ky-thuat", f"/plan?date={DAY}&station=fm-kha-son")
        page.tap(f"#build-{DAY}")
        page.wait_for_selector("#job-done, #job-error", timeout=300_000)
        assert "Xong: 3 danh sách phát" in page.text_content("#job")
        fits(page)

        # -- on air: what the daemon's status record says, by title and station name
        now = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
        daemon = StatusBoard(out, lambda: now)
        daemon.names({"xom-dong": "Loa truyền thanh xóm Đồng"})
        daemon.on_air("xom-dong", "Cảnh giác khi bị hỏi mã OTP", "bulletin", "05:30", DAY,
                      now - dt.timedelta(seconds=20), 60, "x.mp3")  # fmt: skip
        page.goto(server + "/onair")
        page.wait_for_selector("#stations")
        assert "Máy phát đang chạy" in page.text_content("#daemon")
        assert "Cảnh giác khi bị hỏi mã OTP" in page.text_content("#st-xom-dong")
        fits(page)

        # -- an emergency: sent after its confirmation step, cancelled while it waits
        page.goto(server + "/emergency")
        page.select_option("#script", "canh-giac-otp")
        page.tap("input[name=targets][value=xom-cau]")
        page.tap("#next")
        page.wait_for_selector("#confirm-stations")
        page.tap("#confirm")
        page.wait_for_selector("#entry-stations", timeout=120_000)
        assert len(load_queue(out)) == 1
        page.tap("#cancel")
        page.wait_for_selector("#cancel-confirm")
        page.tap("#cancel-confirm")
        page.wait_for_selector("#cancelled", timeout=120_000)
        assert load_queue(out) == []

        # -- the as-run: one item not aired, with a reason; then one station's whole day
        page.goto(server + f"/asrun?date={DAY}")
        page.tap("#not-aired-xom-dong-0")
        page.wait_for_selector("#reason")
        page.fill("#reason", "mất điện cả buổi sáng")
        page.tap("#not-aired-confirm")
        page.wait_for_selector("#st-xom-dong")
        page.tap("#confirm-fm-kha-son")
        page.wait_for_selector("#to-confirm")
        page.tap("#confirm")
        page.wait_for_selector("#plays td:has-text('xác nhận')")
        fits(page)

        # -- the report
        page.goto(server + f"/report?from={DAY}&to={DAY}")
        with page.expect_download() as info:
            page.tap("#docx")
        report = tmp_path / "bao-cao.docx"
        info.value.save_as(report)
        text = "\n".join(p.text for p in Document(io.BytesIO(report.read_bytes())).paragraphs)
        assert "BÁO CÁO" in text and "Kha Sơn" in text
        browser.close()

    day = dt.date.fromisoformat(DAY)
    log = AsRunLog(asrun_path(out))
    assert {p.result for p in log.plays(day, day, "xom-dong")} == {"skipped"}
    assert {p.result for p in log.plays(day, day, "fm-kha-son")} == {"confirmed"}

    for sid in ("fm-kha-son", "xom-dong", "xom-cau"):
        playlist = root / "audio_out" / "playlists" / DAY / f"{sid}.m3u8"
        assert "canh-giac-otp" in playlist.read_text(encoding="utf-8"), sid
    head = (root / "schedules" / "stations.yaml").read_text(encoding="utf-8")
    assert head.startswith("commune: Xã Kha Sơn\n") and "approval: required" in head
