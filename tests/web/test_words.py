"""The console speaks an officer's words (issue 19): titles and names, Vietnamese labels,
dd/mm/yyyy and HH:MM, lengths in minutes and seconds, no server paths, no hover hints."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from broadcast.web import words

PAGES = [
    "/scripts",
    "/plan?date=2026-11-25&station=fm-thu",
    "/asrun",
    "/report",
    "/users",
    "/days",
    "/stations",
    "/campaigns",
    "/campaigns/new",
    "/campaigns/thu",
    "/groups",
    "/stations/xom-a/air",
]


@pytest.mark.parametrize(
    "fn,value,shown",
    [
        (words.vn_date, "2026-12-03", "03/12/2026"),
        (words.vn_datetime, "2026-12-02T23:30:00+00:00", "03/12/2026 06:30"),
        (words.vn_time, "06:30:12", "06:30"),
        (words.vn_time, dt.time(17, 5), "17:05"),
        (words.vn_duration, 147.7, "2 phút 28 giây"),
        (words.vn_duration, 42, "42 giây"),
        (words.dialect_name, "north", "giọng Bắc"),
        (words.priority_name, "priority", "ưu tiên"),
        (words.role_name, "officer", "cán bộ văn hóa"),
        (words.vn_date, "không rõ", "không rõ"),
    ],
)
def test_words(fn, value, shown):
    assert fn(value) == shown


def test_the_plan_shows_titles_and_lengths_in_words_without_hover(client_as, console_root):
    page = html.unescape(client_as("operator").get(PAGES[1]).text)
    assert "rê chuột" not in page and "title=" not in page.split("<main")[1]
    assert "phút" in page and "giây" in page
    assert "Đài truyền thanh xã Thử" in page and "Loa xóm A" in page


def test_the_script_page_has_no_english_levels_or_dialects(client_as, console_root):
    officer = client_as("officer")
    sid = sorted(p.stem for p in (console_root / "scripts").glob("*.md"))[0]
    page = html.unescape(officer.get(f"/scripts/{sid}").text)
    assert "(north)" not in page and "(south)" not in page
    assert "giọng Nam" in page or "giọng Bắc" in page
    assert "mức: priority" not in page and "mức: normal" not in page


def test_the_404_page_is_vietnamese_and_shows_no_server_path(client_as, console_root: Path):
    res = client_as("officer").get("/khong-co-trang-nay")
    assert res.status_code == 404
    assert "Không có trang này" in res.text and "Not Found" not in res.text
    assert str(console_root) not in res.text


@pytest.mark.parametrize("path", PAGES)
def test_pages_fit_a_phone_and_show_no_server_path(client_as, console_root: Path, path):
    page = client_as("operator").get(path).text
    assert '<meta name="viewport" content="width=device-width' in page
    assert str(console_root) not in page and "approval: off" not in page
    assert "rê chuột" not in page
    # no fixed width in pixels or rem that would overflow 390 px (max-width is fine)
    assert not re.search(r"(?<![-\w])width\s*:\s*\d+(\.\d+)?(px|rem|em)", page), path


@pytest.mark.parametrize(
    "said,shown",
    [
        ("'title' đang để trống", "ô «Tiêu đề» đang để trống"),
        ("'directive.number' sai", "ô «Số công văn» sai"),
        (
            "Thiếu nội dung — cách sửa: viết nội dung cần phát thanh bên dưới dòng '---' thứ hai",
            "Thiếu nội dung — cách sửa: viết nội dung cần phát thanh vào ô «Nội dung»",
        ),
    ],
)
def test_form_errors_use_the_forms_words(said, shown):
    from broadcast.web.scriptform import in_form_words

    assert in_form_words(said) == shown
    assert "Notepad" not in in_form_words("Lỗi mã — cách sửa: mở tệp bằng Notepad, lưu lại")
