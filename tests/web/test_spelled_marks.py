"""The live panel shows where the listener will hear letters (issue 21)."""

from __future__ import annotations

import re

from .conftest import csrf_of


def test_live_panel_marks_every_spelled_run_and_keeps_the_rest_plain(client_as) -> None:
    officer = client_as("officer")
    page = officer.get("/scripts/new").text
    token = csrf_of(page)
    # The legend is shown inline beside the panel, not hidden in a hover title.
    assert 'class="legend"' in page and "đánh vần từng chữ cái" in page
    text = "Không cung cấp mã OTP; không vào tiendien-evn.xyz <b>ngay</b>"
    res = officer.post("/spoken", data={"csrf": token, "body": text, "station": "fm-thu"})
    assert res.status_code == 200
    marked = re.findall(r'<mark class="spelled">([^<]*)</mark>', res.text)
    assert marked == ["ô tê pê", "e vê en", "ích i dài dét"]
    # Words that fit are not marked, and the officer's text is escaped.
    assert "tiền điện gạch ngang" in res.text and "<b>" not in res.text
    plain = re.sub(r"</?mark[^>]*>", "", res.text)
    assert plain == (
        "Không cung cấp mã ô tê pê; không vào tiền điện gạch ngang e vê en chấm ích i dài dét ngay."
    )


def test_panel_without_spelled_runs_has_no_mark(client_as) -> None:
    officer = client_as("officer")
    token = csrf_of(officer.get("/scripts/new").text)
    res = officer.post("/spoken", data={"csrf": token, "body": "Gọi 113 ngay", "station": "fm-thu"})
    assert res.text == "Gọi một một ba ngay."
