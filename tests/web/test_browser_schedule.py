"""Stations and campaigns written in Debian's Chromium on a 390×844 phone (issue 19): an
operator adds a hamlet's loudspeakers, an officer creates a campaign for a new directive,
by tapping only (no hover), with no sideways scrolling. Screenshots go to
``$CONSOLE_SCREENSHOTS`` (``docs/``) or a temp folder."""

from __future__ import annotations

import pytest
import yaml

from broadcast.project.loader import load_project

from .conftest import PASSWORD
from .test_browser import CHROMIUM, sync_api
from .test_browser import server as _server
from .test_browser import shots as _shots

pytestmark = pytest.mark.slow
live = pytest.fixture(_server.__wrapped__, name="live")  # type: ignore[attr-defined]
pictures = pytest.fixture(_shots.__wrapped__, name="pictures")  # type: ignore[attr-defined]
WAIT = 30_000
PHONE = {"width": 390, "height": 844}


def _login(browser, server: str, name: str, target: str):
    context = browser.new_context(locale="vi-VN", viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(WAIT)
    page.goto(f"{server}/login?next={target}", timeout=WAIT)
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.tap("button[type=submit]")
    return page


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, page.url


def test_a_station_and_a_campaign_made_on_a_phone(live, pictures, console_root):
    server, shots = live, pictures
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])

        # -- the operator adds the loudspeakers of a new hamlet
        page = _login(browser, server, "ky-thuat", "/stations")
        page.wait_for_selector("#add-station", timeout=WAIT)
        _fits(page)
        page.fill("#add-name", "Loa truyền thanh xóm Mới")
        page.fill("#add-id", "xom-moi")
        page.select_option("#add-kind", "loudspeaker")
        page.select_option("#add-dialect", "south")
        page.fill("#add-windows", "05:30-05:45, 17:00-17:15")
        page.locator("#add-station").screenshot(path=shots / "console-station-add-phone.png")
        page.tap("#add-station-save")
        page.wait_for_selector("#station-xom-moi", timeout=WAIT)
        assert "giọng Nam" in page.text_content("#station-xom-moi")
        assert "05:30–05:45" in page.text_content("#station-xom-moi")
        _fits(page)
        page.context.close()

        # -- the officer creates the campaign for the new directive
        page = _login(browser, server, "lan", "/campaigns")
        page.wait_for_selector("#new-campaign", timeout=WAIT)
        page.tap("#new-campaign")
        page.wait_for_selector("#f-title", timeout=WAIT)
        _fits(page)
        page.fill("#f-title", "Phòng, chống mua bán người")
        page.fill("#f-directive_number", "12/UBND-VHTT")
        page.fill("#f-directive_date", "01/12/2026")
        page.fill("#f-directive_issuer", "UBND huyện Phú Bình")
        page.fill("#f-from", "05/12/2026")
        page.fill("#f-until", "31/12/2026")
        page.tap("input[name=weekday][value='6']")  # not on Sundays
        page.fill("#slot-times-0", "2")
        page.tap("input[name=target][value=xom-moi]")
        page.tap("input[name=target][value=fm-thu]")
        page.select_option("#f-priority", "priority")
        page.screenshot(path=shots / "console-campaign-phone.png", full_page=True)
        page.tap("#save")
        page.wait_for_selector("#campaign-phong-chong-mua-ban-nguoi", timeout=WAIT)
        card = page.text_content("#campaign-phong-chong-mua-ban-nguoi")
        assert "Từ 05/12/2026 đến 31/12/2026" in card and "Chủ nhật" not in card
        assert "Loa truyền thanh xóm Mới" in card and "ưu tiên" in card
        _fits(page)
        page.screenshot(path=shots / "console-campaigns-phone.png", full_page=False)
        for url in ("/campaigns/thu", "/groups", "/limits", "/stations/xom-moi/air"):
            page.goto(server + url, timeout=WAIT)
            page.wait_for_selector("main h1", timeout=WAIT)
            _fits(page)
            if url == "/stations/xom-moi/air":
                page.screenshot(path=shots / "console-windows-phone.png", full_page=True)
        browser.close()

    sched = load_project(console_root).schedule
    c = next(c for c in sched.campaigns if c.id == "phong-chong-mua-ban-nguoi")
    assert c.weekdays == [0, 1, 2, 3, 4, 5] and c.stations == ["fm-thu", "xom-moi"]
    assert [(s.session, s.times) for s in c.slots] == [("morning", 2), ("evening", 1)]
    text = (console_root / "schedules" / "stations.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text)["stations"][-1]["dialect"] == "south"
