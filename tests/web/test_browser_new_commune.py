"""A new commune set up in the browser only, on a 390×844 phone (issue 19): from a project
with no station and no script, the operator adds the commune's FM station and two hamlets,
the officer creates the campaign for a directive and writes its script, the approver
approves it, and the operator builds the day: every station's playlist holds it."""

from __future__ import annotations

import pytest

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


def test_a_new_commune_from_an_empty_project_in_a_phone_browser(empty_root, live, pictures):
    server, shots, root = live, pictures, empty_root
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
        browser.close()

    for sid in ("fm-kha-son", "xom-dong", "xom-cau"):
        playlist = root / "audio_out" / "playlists" / DAY / f"{sid}.m3u8"
        assert "canh-giac-otp" in playlist.read_text(encoding="utf-8"), sid
    head = (root / "schedules" / "stations.yaml").read_text(encoding="utf-8")
    assert head.startswith("commune: Xã Kha Sơn\n") and "approval: required" in head
