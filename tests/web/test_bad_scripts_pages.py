"""One hostile script in scripts/ (issue 23) does not take the console down: the list
and the plan answer for everyone, the bad file listed as broken with its reason."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "header,words",
    [
        # nested deeper than the schema needs
        ("x: " + "[" * 3000 + "]" * 3000 + "\n", "lồng nhau quá sâu"),
        # and longer than a header may be
        ("x: " + "[" * 5000 + "]" * 5000 + "\n", "quá giới hạn 10.000 ký tự"),
        ("audience: a\x00b\n", "ký tự điều khiển"),  # a NUL byte in the header
        ('title: "Bà con\\v chú ý"\n', "ký tự điều khiển"),  # U+000B as an escape
    ],
    ids=["deep", "deep-and-long", "nul", "escaped-vt"],
)
def test_scripts_and_plan_answer_200_beside_a_hostile_script(
    console_root, client_as, header, words
):
    bad = console_root / "scripts" / "noi-trinh-bao.md"
    text = bad.read_text(encoding="utf-8")
    bad.write_text(text.replace("audience: toàn dân\n", header, 1), encoding="utf-8")
    officer = client_as("officer")
    listing = officer.get("/scripts")
    assert listing.status_code == 200
    assert "noi-trinh-bao" in listing.text and "khong-cung-cap-otp" in listing.text
    assert '<span class="badge err">lỗi</span>' in listing.text and words in listing.text
    plan = officer.get("/plan")
    assert plan.status_code == 200
    page = officer.get("/scripts/noi-trinh-bao")
    assert page.status_code in (200, 400), page.status_code


def test_html_pages_never_carry_a_control_character(app):
    """Jinja's finalize strips what HTML cannot carry from every value a page shows."""
    from markupsafe import Markup

    from broadcast.web.app import html_safe

    assert html_safe("a\x00b\vc") == "ab c"
    kept = html_safe(Markup("<mark>a\x0bb</mark>"))
    assert isinstance(kept, Markup) and kept == Markup("<mark>a b</mark>")
    assert app.state.templates.env.finalize is html_safe


def test_the_scripts_page_uses_the_projects_own_limit(console_root, client_as):
    stations = console_root / "schedules" / "stations.yaml"
    stations.write_text(
        "max_script_chars: 30000\n" + stations.read_text(encoding="utf-8"), encoding="utf-8"
    )
    path = console_root / "scripts" / "noi-trinh-bao.md"
    head = path.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    path.write_text(head + "\n---\n" + "Bà con chú ý. " * 1800 + "\n", encoding="utf-8")
    listing = client_as("officer").get("/scripts")
    assert listing.status_code == 200
    assert "quá giới hạn" not in listing.text


def test_a_control_character_typed_in_the_form_is_shown_beside_its_box(console_root, client_as):
    import re

    from .conftest import csrf_of

    officer = client_as("officer")
    page = officer.get("/scripts/new").text
    form = {
        "csrf": csrf_of(page),
        "id": "ky-tu-la",
        "title": "Cảnh giác\x01 lừa đảo",
        "topic": "thử",
        "directive_number": "1/UBND",
        "directive_issuer": "UBND xã",
        "priority": "normal",
        "body": "Bà con chú ý.",
        "base": "",
    }
    res = officer.post("/scripts/new", data=form)
    assert res.status_code == 400
    assert "U+0001" in res.text and "xóa rồi gõ lại" in res.text
    assert not (console_root / "scripts" / "ky-tu-la.md").exists()
    assert re.search(r"Tiêu đề[\s\S]{0,600}U\+0001", res.text), "not beside the title box"
